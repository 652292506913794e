package dev.powrace.ui;

import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import java.nio.file.Path;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;

/** The JavaFX application. Started by {@link #run}, from the command line's default command. */
public final class App extends Application {
    private static volatile Settings settings;
    private static volatile Path ledgerPath;
    private static volatile EngineFactory engines;
    private static volatile boolean failed;
    /** JavaFX warns that it runs from the classpath (as the runnable jar must); that is by design here. */
    private static final java.util.logging.Logger JAVAFX_LOG = java.util.logging.Logger.getLogger("javafx");
    private Window window;

    /**
     * Shows the window and returns when it is closed: 0, or 2 if it could not start (a dialog said why).
     */
    public static int run(Settings s, Path ledger, EngineFactory e) {
        settings = s;
        ledgerPath = ledger;
        engines = e;
        JAVAFX_LOG.setFilter(r -> r.getMessage() == null || !r.getMessage().startsWith("Unsupported JavaFX configuration"));
        Application.launch(App.class);
        return failed ? 2 : 0;
    }

    @Override
    public void start(Stage stage) {
        window = Window.open(stage, settings, ledgerPath, engines, () -> {
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
