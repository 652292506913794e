package dev.powrace.cli;

import dev.powrace.cluster.ClusterException;
import dev.powrace.cluster.ClusterView;
import dev.powrace.cluster.EmbeddedServer;
import dev.powrace.ledger.Timestamps;
import dev.powrace.node.Settings;
import dev.powrace.pow.Puzzle;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The work of `bench-cluster`: real `serve` processes of this jar on a ZooKeeper server of its own. */
final class ClusterBench {
    private static final Duration RACE_TIMEOUT = Duration.ofSeconds(60);
    private static final int WARM_RACES = 3;
    /** Longer than the serve processes keep a decided race (20 s; their join window is the default 5 s). */
    private static final Duration HISTORY_WAIT = Duration.ofSeconds(23);

    /** One `end` line of a serve process. */
    record End(String node, Instant end, String outcome) {}

    /** What one node count measured. */
    record Result(int nodes, int processes, int races, int difficulty, double stopMedianMillis, double stopP99Millis,
            double racesPerSecond, double writesPerRace, double backgroundWritesPerSecond, int late) {
        String line() {
            return String.format(Locale.ROOT, "%d nodes over %d processes, %d races at difficulty %d: winner's find to "
                    + "last loser's stop median %.1f ms, p99 %.1f ms; %.1f races/s; %.1f ZooKeeper writes per race "
                    + "(and %.1f/s at rest)%s", nodes, processes, races, difficulty, stopMedianMillis,
                    stopP99Millis, racesPerSecond, writesPerRace, backgroundWritesPerSecond,
                    late > 0 ? "; " + late + " attempts came late" : "");
        }

        String json() {
            return String.format(Locale.ROOT, "{\"nodes\":%d,\"processes\":%d,\"races\":%d,\"difficulty\":%d,"
                    + "\"stop_ms_median\":%.3f,\"stop_ms_p99\":%.3f,\"races_per_second\":%.2f,"
                    + "\"zk_writes_per_race\":%.2f,\"zk_writes_per_second_at_rest\":%.2f}", nodes, processes, races,
                    difficulty, stopMedianMillis, stopP99Millis, racesPerSecond, writesPerRace,
                    backgroundWritesPerSecond);
        }
    }

    private ClusterBench() {}

    static int run(BenchClusterCommand o, PrintWriter out, PrintWriter err) throws Exception {
        String problem = check(o);
        if (problem != null) {
            err.println("powrace: bench-cluster: " + problem);
            return 2;
        }
        Path jar = jar();
        if (jar == null) {
            err.println("powrace: bench-cluster starts processes of the jar: run it as java -jar powrace.jar bench-cluster");
            return 2;
        }
        List<Result> results = new ArrayList<>();
        for (int n : o.nodes) {
            err.println("bench-cluster: " + n + " nodes over " + o.processes + " processes, " + o.races + " races ...");
            err.flush();
            Result r = measure(jar, n, o.processes, o.races, o.difficulty, err);
            if (r == null) {
                return 1;
            }
            results.add(r);
            out.println(r.line());
            out.flush();
        }
        double capacity = capacity(err);
        if (capacity > 0) {
            out.printf(Locale.ROOT, "ZooKeeper (one embedded server, this machine's disk): %.0f writes/s from 16 threads%n",
                    capacity);
            for (Result r : results) {
                out.printf(Locale.ROOT, "  with %d nodes: %.1f writes per race, so at most about %.0f races/s before "
                        + "ZooKeeper is the limit%n", r.nodes(), r.writesPerRace(), capacity / r.writesPerRace());
            }
        }
        if (o.json) {
            out.println("{\"results\":[" + results.stream().map(Result::json).collect(Collectors.joining(","))
                    + "],\"zk_writes_per_second\":" + String.format(Locale.ROOT, "%.0f", capacity) + "}");
        }
        return 0;
    }

    /** The embedded server's write rate with no nodes running: what it can take at most. */
    private static double capacity(PrintWriter err) throws IOException {
        Path dir = Files.createTempDirectory("powrace-bench-zk");
        try (EmbeddedServer server = EmbeddedServer.start("127.0.0.1", 0, dir.resolve("zk"));
                ClusterView view = ClusterView.connect(server.connectString(), Duration.ofSeconds(15))) {
            return view.writesPerSecond(16, Duration.ofSeconds(3));
        } catch (ClusterException e) {
            err.println("powrace: bench-cluster: " + e.getMessage());
            return -1;
        } finally {
            delete(dir);
        }
    }

    private static String check(BenchClusterCommand o) {
        if (o.processes < 1 || o.processes > 16) {
            return "--processes is 1 to 16, not " + o.processes;
        }
        if (o.races < 1) {
            return "--races is at least 1, not " + o.races;
        }
        if (o.difficulty < Puzzle.MIN_DIFFICULTY || o.difficulty > Puzzle.MAX_DIFFICULTY) {
            return "--difficulty is " + Puzzle.MIN_DIFFICULTY + " to " + Puzzle.MAX_DIFFICULTY + ", not " + o.difficulty;
        }
        for (int n : o.nodes) {
            if (n < o.processes || n > o.processes * Settings.MAX_NODES) {
                return "each --nodes count is " + o.processes + " to " + o.processes * Settings.MAX_NODES + " for "
                        + o.processes + " processes, not " + n;
            }
        }
        return null;
    }

    private static Path jar() {
        try {
            Path p = Path.of(ClusterBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(p) && p.toString().endsWith(".jar") ? p : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static Result measure(Path jar, int n, int processes, int races, int difficulty, PrintWriter err)
            throws Exception {
        Path dir = Files.createTempDirectory("powrace-bench-cluster");
        List<Process> started = new ArrayList<>();
        boolean done = false;
        Map<String, List<End>> ends = new ConcurrentHashMap<>();
        try (EmbeddedServer server = EmbeddedServer.start("127.0.0.1", 0, dir.resolve("zk"))) {
            String connect = server.connectString();
            String java = ProcessHandle.current().info().command().orElse("java");
            for (int k = 0; k < processes; k++) {
                int count = n / processes + (k < n % processes ? 1 : 0);
                Path home = Files.createDirectories(dir.resolve("p" + (k + 1)));
                Process p = new ProcessBuilder(java, "-jar", jar.toString(), "serve", "--cluster", connect,
                        "--label", "p" + (k + 1), "--ports", String.join(",", Collections.nCopies(count, "0")),
                        "--ledger", home.resolve("ledger.json").toString(), "--difficulty", Integer.toString(difficulty))
                        .redirectError(home.resolve("stderr.log").toFile())
                        .start();
                p.getOutputStream(); // its stdin stays open: the serve process's lifeline is this one
                started.add(p);
                Thread reader = new Thread(() -> read(p, ends), "bench-read-p" + (k + 1));
                reader.setDaemon(true);
                reader.start();
            }
            try (ClusterView view = ClusterView.connect(connect, Duration.ofSeconds(15))) {
                if (!await(() -> view.liveNodes() >= n, Duration.ofSeconds(60))) {
                    err.println("powrace: bench-cluster: only " + view.liveNodes() + " of " + n + " nodes joined in 60 s; "
                            + "see " + logs(dir));
                    return null;
                }
                String run = UUID.randomUUID().toString().substring(0, 8);
                long[] stops = new long[races];
                int late = 0;
                long mark = 0;
                double idle = 0;
                long t0 = 0;
                for (int i = -WARM_RACES; i < races; i++) {
                    if (i == 0) {
                        // the writes of a cluster at rest (nodes listed, nothing mined), to take out below
                        long rest = view.zxidMark();
                        Thread.sleep(2_000);
                        mark = view.zxidMark();
                        idle = (mark - rest - 2) / 2.0;
                        t0 = System.nanoTime();
                    }
                    String text = "bench " + run + " " + n + " #" + i;
                    ends.put(text, new CopyOnWriteArrayList<>());
                    view.submit(text);
                    List<End> seen = ends.get(text);
                    if (!await(() -> seen.size() >= n, RACE_TIMEOUT)) {
                        err.println("powrace: bench-cluster: race \"" + text + "\" ended on " + seen.size() + " of " + n
                                + " nodes in " + RACE_TIMEOUT.toSeconds() + " s; see " + logs(dir));
                        return null;
                    }
                    ends.remove(text);
                    if (i < 0) {
                        continue;
                    }
                    Instant found = seen.stream().filter(e -> e.outcome().equals("found")).map(End::end).findFirst()
                            .orElse(null);
                    Instant lastStop = seen.stream().filter(e -> e.outcome().equals("stopped")).map(End::end)
                            .max(Comparator.naturalOrder()).orElse(found);
                    late += (int) seen.stream().filter(e -> e.outcome().equals("late")).count();
                    if (found == null) {
                        err.println("powrace: bench-cluster: race \"" + text + "\" has no winner; see " + logs(dir));
                        return null;
                    }
                    stops[i] = Duration.between(found, lastStop).toNanos();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                // A race's last write, its removal, comes one join window and at least 20 s after its decision:
                // count it too.
                Thread.sleep(HISTORY_WAIT.toMillis());
                double elapsed = (System.nanoTime() - t0) / 1e9;
                long writes = Math.round(view.zxidMark() - mark - 2 - idle * elapsed);
                Arrays.sort(stops);
                done = true;
                return new Result(n, processes, races, difficulty, stops[(races - 1) / 2] / 1e6,
                        stops[(int) Math.ceil(0.99 * races) - 1] / 1e6, races / seconds, (double) writes / races,
                        idle, late);
            }
        } catch (ClusterException e) {
            err.println("powrace: bench-cluster: " + e.getMessage());
            return null;
        } finally {
            for (Process p : started) {
                p.destroy();
            }
            for (Process p : started) {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            }
            if (done) {
                delete(dir);
            }
        }
    }

    /** Reads a serve process's stdout: the `end` lines of the races the bench waits for. */
    private static void read(Process p, Map<String, List<End>> ends) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                // <node> end <time> "<text>" <outcome> ...; the bench's texts hold no quote or backslash
                String[] head = line.split(" ", 4);
                if (head.length < 4 || !head[1].equals("end") || !head[3].startsWith("\"")) {
                    continue;
                }
                int close = head[3].indexOf('"', 1);
                List<End> race = close < 0 ? null : ends.get(head[3].substring(1, close));
                Instant end = Timestamps.parse(head[2]).orElse(null);
                if (race != null && end != null) {
                    String rest = head[3].substring(close + 1).trim();
                    race.add(new End(head[0], end, rest.split(" ", 2)[0]));
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    private static boolean await(Condition c, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!c.holds()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    private static String logs(Path dir) {
        return dir + "/p*/stderr.log (kept)";
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a temporary folder
        }
    }
}
