package dev.powrace.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar target/powrace.jar serve ...} in a child process, started exactly as a user starts it (so
 * through the relaunch that loads the Vector API). For the integration tests, which run after {@code package}.
 */
public final class Serve implements AutoCloseable {
    public final Process process;
    public final List<Integer> ports = new ArrayList<>();
    /** Every line serve printed on stderr, the banner included. */
    public final List<String> errors = new CopyOnWriteArrayList<>();
    public final String banner;
    /** The processes it started (the relaunched JVM that runs the nodes), recorded once it was up. */
    private final List<ProcessHandle> tree;

    private Serve(Process process) throws IOException {
        this.process = process;
        BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = err.readLine()) != null && !line.startsWith("powrace: Node1")) {
            errors.add(line); // the JVM's incubator notice, or why it did not start
        }
        if (line == null) {
            throw new IOException("serve did not start: " + errors);
        }
        errors.add(line);
        banner = line;
        Matcher m = Pattern.compile("Node\\d+ on [^:]+:(\\d+)").matcher(banner);
        while (m.find()) {
            ports.add(Integer.parseInt(m.group(1)));
        }
        tree = process.toHandle().descendants().toList();
        Thread drain = new Thread(() -> err.lines().forEach(errors::add), "serve-stderr");
        drain.setDaemon(true);
        drain.start();
    }

    /** The packaged jar that `mvn package` built. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("powrace.jar", "target/powrace.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: integration tests run after `mvn package`");
        }
        return jar;
    }

    public static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Starts {@code java [jvmOptions] -jar powrace.jar serve [args]} and waits for its banner.
     *
     * @param stdout where serve's stdout goes (a file, or PIPE to read it, or not read it at all)
     */
    public static Serve start(ProcessBuilder.Redirect stdout, List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaBin());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar().toString());
        command.add("serve");
        command.addAll(List.of(args));
        return new Serve(new ProcessBuilder(command).redirectOutput(stdout).start());
    }

    public static Serve start(ProcessBuilder.Redirect stdout, String... args) throws IOException {
        return start(stdout, List.of(), args);
    }

    /** The processes it started (the relaunched JVM that runs the nodes). */
    public List<ProcessHandle> descendants() {
        return tree;
    }

    /** Sends a signal by name (KILL, TERM, INT) to the process the user started, as `kill -s` does. */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-s", name, String.valueOf(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -s " + name + " " + process.pid() + " failed");
        }
    }

    /** True if nothing listens on the port any more. */
    public static boolean free(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return false;
        } catch (IOException refused) {
            return true;
        }
    }

    /** Waits until the process, everything it started and its ports are gone; the time it took, or null. */
    public Duration awaitGone(List<ProcessHandle> tree, Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean gone = !process.isAlive() && tree.stream().noneMatch(Serve::running)
                    && ports.stream().allMatch(Serve::free);
            if (gone) {
                return Duration.ofNanos(System.nanoTime() - t0);
            }
            Thread.sleep(5);
        }
        return null;
    }

    /**
     * True while the process runs. An exited process whose parent died stays a zombie until the machine's init
     * reaps it, which in some containers takes a second or two; it holds no port and runs nothing.
     */
    static boolean running(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException gone) {
            return !Files.isDirectory(Path.of("/proc")) && p.isAlive(); // no /proc: trust isAlive
        }
    }

    /** Stops it as Ctrl-C's cousin does (SIGTERM), and makes sure nothing it started is left. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        tree.forEach(ProcessHandle::destroyForcibly);
    }
}
