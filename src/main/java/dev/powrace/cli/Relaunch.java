package dev.powrace.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes sure the Vector API (jdk.incubator.vector) is loaded, without the user typing anything: a JAR's
 * manifest can't add a module, so when it is missing, powrace starts itself again with
 * {@code --add-modules jdk.incubator.vector} (and {@code --add-opens java.base/sun.security.provider=ALL-UNNAMED}
 * for the shani engine) and the same JVM options and arguments, passes the console
 * through, and ends with the child's exit code. If that fails, it goes on without it (the digest engine).
 *
 * <p>For the desktop app, the child also maps an archive of the app's classes, or writes it the first time
 * ({@link ClassArchive}): that halves the time to the window.
 *
 * <p>The child must never outlive the process the user started, whatever ends it (SIGKILL included, which no
 * hook sees): its stdin is a pipe from the parent that the parent never writes, and the child exits as soon as
 * that pipe reaches end of file, which the kernel makes happen the moment the parent is gone.
 */
final class Relaunch {
    static final String MODULE = "jdk.incubator.vector";
    static final String OPENS = "java.base/sun.security.provider=ALL-UNNAMED";
    private static final String GUARD = "powrace.relaunched";

    private Relaunch() {}

    /** Commands that never mine, and so start faster without the detour. */
    private static final java.util.Set<String> NO_MINING = java.util.Set.of("verify", "send", "nodes", "export", "help",
            "bench-ledger");

    /** True if this process should hand over to a child that has the module: it is about to mine without it. */
    static boolean needed(String[] args) {
        if (ModuleLayer.boot().findModule(MODULE).isPresent() || System.getProperty(GUARD) != null
                || System.getenv("POWRACE_NO_RELAUNCH") != null) {
            return false;
        }
        return mines(args);
    }

    /**
     * True if powrace run with {@code args} mines: the app, or a command but those that never do, unless it only
     * shows help. The command is the one picocli runs ({@link Arguments#command}), not any argument that names one:
     * {@code serve --label send} mines.
     */
    static boolean mines(String[] args) {
        String command = Arguments.command(args);
        return !Arguments.asksForHelp(args) && (command == null || !NO_MINING.contains(command));
    }

    /** True in the child that {@link #run} started. */
    static boolean isChild() {
        return System.getProperty(GUARD) != null;
    }

    /**
     * In the child: exits as soon as the parent is gone, which shows as end of file on stdin (the parent holds
     * the pipe's other end and never writes to it). The shutdown hooks still run, so the nodes close their ports.
     */
    static void watchParent() {
        Thread t = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent never writes; ignore anything that comes
                }
            } catch (java.io.IOException ignored) {
                // a broken pipe means the same: the parent is gone
            }
            Thread halt = new Thread(() -> { // the hooks close the nodes in well under a second; never linger
                try {
                    Thread.sleep(3000);
                } catch (InterruptedException ignored) {
                    // halt now
                }
                Runtime.getRuntime().halt(143);
            }, "powrace-orphan-halt");
            halt.setDaemon(true);
            halt.start();
            System.exit(143);
        }, "powrace-parent-watch");
        t.setDaemon(true);
        t.start();
    }

    /** Runs powrace again with the module; returns the child's exit code, or -1 if it could not start. */
    static int run(String mainClass, String[] args) {
        List<String> jvmOptions = ManagementFactory.getRuntimeMXBean().getInputArguments();
        String classPath = System.getProperty("java.class.path");
        java.util.function.Function<String, String> env = System::getenv;
        ClassArchive archive = ClassArchive.forApp(args, classPath, jvmOptions, env).orElse(null);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-modules");
        command.add(MODULE);
        command.add("--add-opens"); // for the shani engine (pow.ShaNiEngine)
        command.add(OPENS);
        command.add("-D" + GUARD + "=true");
        if (archive != null) {
            command.addAll(archive.jvmOptions());
        }
        if (Arguments.runApp(args)) {
            command.addAll(AppJit.jvmOptions(ClassArchive.directory(env), jvmOptions, env));
        }
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(List.of(args));
        Process child;
        try {
            child = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.PIPE) // the lifeline: see watchParent
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (Exception e) {
            return -1;
        }
        // If this process is told to stop (Ctrl-C, kill), stop the child too, and wait for it to finish cleanly.
        // (A class, not a lambda: this JVM's first lambda would cost it tens of milliseconds before the child's start.)
        Thread hook = new Thread("powrace-relaunch") {
            @Override
            public void run() {
                if (child.isAlive()) {
                    child.destroy();
                    try {
                        int code = child.waitFor();
                        if (archive != null) {
                            archive.childEnded(code);
                        }
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        Runtime.getRuntime().addShutdownHook(hook);
        while (true) {
            try {
                int code = child.waitFor();
                Runtime.getRuntime().removeShutdownHook(hook);
                if (archive != null) {
                    archive.childEnded(code);
                }
                return code;
            } catch (InterruptedException e) {
                // keep waiting: the child owns the console
            } catch (IllegalStateException shuttingDown) {
                return 130;
            }
        }
    }
}
