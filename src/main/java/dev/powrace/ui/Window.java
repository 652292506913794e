package dev.powrace.ui;

import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.ledger.LedgerException;
import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.image.Image;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;

/** Opens the powrace window on a stage: the nodes, the dashboard and the view, or a dialog saying why not. */
public final class Window {
    private final Session session;
    private final Dashboard dashboard;
    private final MainView view;
    private final ExecutorService io;

    private Window(Session session, Dashboard dashboard, MainView view, ExecutorService io) {
        this.session = session;
        this.dashboard = dashboard;
        this.view = view;
        this.io = io;
    }

    /**
     * Starts the nodes and shows the window on {@code stage}. If the ledger can't be used or a port is taken,
     * shows an error dialog instead and calls {@code onFatal} when it is closed; returns null.
     * Closing the window stops the nodes and the mining.
     */
    public static Window open(Stage stage, Settings settings, Path ledgerPath, EngineFactory engines,
            Runnable onFatal) {
        Session session;
        try {
            session = Session.open(settings, ledgerPath, engines);
        } catch (LedgerException e) {
            fatal("The ledger can't be used", e.getMessage() + "\n\nThe file was left exactly as it is. Fix or move "
                    + "it, or choose another file with --ledger.", onFatal);
            return null;
        } catch (IOException e) {
            fatal("The nodes can't start", e.getMessage(), onFatal);
            return null;
        }
        ExecutorService io = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "powrace-submit");
            t.setDaemon(true);
            return t;
        });
        Dashboard dashboard = new Dashboard(session.network(), session.ledger().path(), Platform::runLater, io);
        session.network().referee().addListener(dashboard);
        session.ledger().repairNote().ifPresent(dashboard::reportProblem);
        MainView view = new MainView(dashboard);
        Window window = new Window(session, dashboard, view, io);

        Scene scene = new Scene(view.root(), 1280, 800);
        scene.getStylesheets().add(Resources.url("powrace.css"));
        stage.setScene(scene);
        stage.setTitle("powrace — proof-of-work race");
        stage.getIcons().add(new Image(Resources.url("icon.png")));
        stage.setMinWidth(960);
        stage.setMinHeight(640);
        stage.setWidth(1280); // some window managers otherwise open it at its minimum size
        stage.setHeight(800);
        stage.addEventHandler(WindowEvent.WINDOW_HIDDEN, e -> window.close());
        stage.show();
        view.field().requestFocus();
        window.loadLedger();
        return window;
    }

    /** Reads the entries already in the file without holding up the window. */
    private void loadLedger() {
        Path path = session.ledger().path();
        io.execute(() -> {
            try {
                List<Entry> entries = Ledger.readAll(path);
                Platform.runLater(() -> {
                    dashboard.load(entries);
                    long sinceStart = System.currentTimeMillis()
                            - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
                    System.err.printf(java.util.Locale.ROOT, "powrace: nodes on %s; %d ledger entries shown; ready %.2f s "
                            + "after the JVM started; engine %s%n", dashboard.portsText(), entries.size(), sinceStart / 1e3,
                            dashboard.engineName());
                });
            } catch (LedgerException e) {
                Platform.runLater(() -> dashboard.reportProblem(e.getMessage()));
            }
        });
    }

    public Dashboard dashboard() {
        return dashboard;
    }

    Session session() {
        return session;
    }

    /** Stops the sampling, the mining and the listeners. */
    public void close() {
        view.stop();
        io.shutdownNow();
        session.close();
    }

    private static void fatal(String header, String message, Runnable onFatal) {
        Alert alert = new Alert(Alert.AlertType.ERROR, message, ButtonType.CLOSE);
        alert.setTitle("powrace");
        alert.setHeaderText(header);
        alert.getDialogPane().setId("errorDialog");
        alert.getDialogPane().setMinWidth(560);
        alert.setOnHidden(e -> onFatal.run());
        alert.show();
    }
}
