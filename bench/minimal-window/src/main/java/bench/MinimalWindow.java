package bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;

/**
 * The least a JavaFX window costs: one Label and one Button in a 1280x800 Stage. Once the window is shown and its
 * first pulse is through, prints "ready N s after the JVM started" on stderr, as powrace's window does. Ignores its
 * arguments (the bench scripts pass powrace's). Not an Application itself: a shaded jar's main class must not be one.
 */
public final class MinimalWindow {
    private MinimalWindow() {}

    public static void main(String[] args) {
        Application.launch(Window.class, args);
    }

    public static final class Window extends Application {
        @Override
        public void start(Stage stage) {
            VBox root = new VBox(8, new Label("A minimal JavaFX window"), new Button("OK"));
            stage.setScene(new Scene(root));
            stage.setTitle("minimal window");
            stage.setWidth(1280);
            stage.setHeight(800);
            stage.show();
            Platform.runLater(() -> {
                long since = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
                System.err.printf(Locale.ROOT, "minimal window: ready %.2f s after the JVM started%n", since / 1e3);
            });
        }
    }
}
