package dev.powrace.ui;

import dev.powrace.ledger.Ledger;
import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import dev.powrace.race.Referee;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;

/** The JavaFX application. Started by {@link #run}, from the command line's default command. */
public final class App extends Application {
    private static volatile boolean failed;
    private static volatile Window.Opening opening;
    /** True once a window has taken the opened session: it closes it. */
    private static volatile boolean taken;
    /** JavaFX warns that it runs from the classpath (as the runnable jar must); that is by design here. */
    private static final java.util.logging.Logger JAVAFX_LOG = java.util.logging.Logger.getLogger("javafx");
    private Window window;
    /** The toolkit's launch, when {@link #startEarly} began it before the command line was read; else null. */
    private static volatile EarlyLaunch early;

    /**
     * A launch begun before the command line is read: the toolkit starts on a thread of its own while picocli
     * reads the arguments (a tenth of a second of a cold JVM, spent before the toolkit's start until issue 17), and
     * the window waits for what {@link #run} is then given, or for nothing if the arguments were wrong.
     */
    private static final class EarlyLaunch {
        /** What {@link #run} hands the window, or null: the arguments were wrong, no window. */
        final CompletableFuture<Window.Opening> opening = new CompletableFuture<>();
        final Thread thread;
        volatile Throwable failure;

        EarlyLaunch() {
            thread = new Thread(() -> {
                try {
                    Application.launch(App.class);
                } catch (Throwable t) { // no display, no natives: reported by run(), if the arguments get there
                    failure = t;
                }
            }, "powrace-launch");
            thread.setDaemon(true); // the main thread waits for it in run(), or exits without it
        }
    }

    /**
     * Starts the toolkit now, for a window that {@link #run} will fill; call {@link #cancelEarly} if it is not
     * called (a mistake in the arguments): nothing is shown then. For the command line, when its arguments ask
     * for the app.
     */
    public static void startEarly() {
        quietJavaFx();
        EarlyLaunch e = new EarlyLaunch();
        early = e;
        e.thread.start();
    }

    /**
     * Ends an early launch that {@link #run} did not take: no window is shown, and the toolkit is let stop (for up
     * to two seconds) before the process exits. Nothing if there is none, or if {@link #run} took it.
     */
    public static void cancelEarly() {
        EarlyLaunch e = early;
        if (e != null && e.opening.complete(null)) {
            try {
                e.thread.join(2000);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Makes the nodes' referee once the ledger is open: the cluster's, when the app joins one (the command line
     * keeps the cluster's classes out of local mode).
     */
    @FunctionalInterface
    public interface RefereeStarter {
        /**
         * @param toClose gets what is to be closed after the nodes and the referee (an embedded ZooKeeper server)
         * @throws IOException in one line: the cluster can't be hosted or joined
         */
        Referee start(Ledger ledger, List<AutoCloseable> toClose) throws IOException;
    }

    /**
     * Shows the window and returns when it is closed: 0, or 2 if it could not start (a dialog said why).
     */
    public static int run(Settings s, Path ledger, EngineFactory e) {
        return run(s, ledger, e, null);
    }

    /** As {@link #run(Settings, Path, EngineFactory)}, with the nodes' referee from {@code starter} (null: local). */
    public static int run(Settings s, Path ledger, EngineFactory e, RefereeStarter starter) {
        quietJavaFx();
        EarlyLaunch launch = early;
        if (launch != null && !launch.thread.isAlive()) { // the toolkit has failed already: open nothing
            throwFailure(launch);
        }
        // the ledger and the nodes open while the toolkit starts (Window.Opening)
        opening = Window.Opening.started(s, ledger, e, starter);
        try {
            if (launch == null) {
                Application.launch(App.class);
            } else {
                launch.opening.complete(opening);
                joinUninterruptibly(launch.thread);
                throwFailure(launch);
            }
        } finally {
            opening.closeUnlessTaken(taken);
        }
        return failed ? 2 : 0;
    }

    /** Throws what the early launch threw, if anything. */
    private static void throwFailure(EarlyLaunch launch) {
        if (launch.failure instanceof RuntimeException re) {
            throw re;
        }
        if (launch.failure instanceof Error err) {
            throw err;
        }
    }

    private static void quietJavaFx() {
        JAVAFX_LOG.setFilter(r -> r.getMessage() == null || !r.getMessage().startsWith("Unsupported JavaFX configuration"));
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException ie) {
                interrupted = true; // the window is open: it ends when it is closed
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start(Stage stage) {
        EarlyLaunch launch = early;
        Window.Opening o = launch == null ? opening : launch.opening.join();
        if (o == null) { // the arguments were wrong: no window
            Platform.exit();
            return;
        }
        taken = true; // the window closes the session, or shows why it could not open
        window = Window.open(stage, o, () -> {
            failed = true;
            Platform.exit();
        });
    }

    @Override
    public void stop() {
        if (window != null) {
            window.close();
        }
    }
}
