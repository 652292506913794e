package dev.powrace.ui;

import dev.powrace.ledger.Ledger;
import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import dev.powrace.race.Referee;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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
        JAVAFX_LOG.setFilter(r -> r.getMessage() == null || !r.getMessage().startsWith("Unsupported JavaFX configuration"));
        // the ledger and the nodes open while the toolkit starts (Window.Opening)
        opening = Window.Opening.started(s, ledger, e, starter);
        try {
            Application.launch(App.class);
        } finally {
            opening.closeUnlessTaken(taken);
        }
        return failed ? 2 : 0;
    }

    @Override
    public void start(Stage stage) {
        taken = true; // the window closes the session, or shows why it could not open
        window = Window.open(stage, opening, () -> {
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
