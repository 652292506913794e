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
    private static volatile Settings settings;
    private static volatile Path ledgerPath;
    private static volatile EngineFactory engines;
    private static volatile RefereeStarter referees;
    private static volatile boolean failed;
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
        referees = starter;
        settings = s;
        ledgerPath = ledger;
        engines = e;
        JAVAFX_LOG.setFilter(r -> r.getMessage() == null || !r.getMessage().startsWith("Unsupported JavaFX configuration"));
        Application.launch(App.class);
        return failed ? 2 : 0;
    }

    @Override
    public void start(Stage stage) {
        window = Window.open(stage, settings, ledgerPath, engines, referees, () -> {
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
