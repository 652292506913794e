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
    private Window window;

    /** Shows the window and returns when it is closed. */
    public static void run(Settings s, Path ledger, EngineFactory e) {
        settings = s;
        ledgerPath = ledger;
        engines = e;
        Application.launch(App.class);
    }

    @Override
    public void start(Stage stage) {
        window = Window.open(stage, settings, ledgerPath, engines, Platform::exit);
    }

    @Override
    public void stop() {
        if (window != null) {
            window.close();
        }
    }
}
