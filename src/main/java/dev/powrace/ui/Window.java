package dev.powrace.ui;

import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.ledger.LedgerException;
import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.prefs.Preferences;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.beans.InvalidationListener;
import javafx.event.EventHandler;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.image.Image;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;

/**
 * Opens the powrace window on a stage: the nodes, the dashboard and the view, or a dialog saying why not. The
 * window opens where it was last closed, or at 1280x800 (see {@link WindowPlacement}).
 */
public final class Window {
    private final Session session;
    private final Dashboard dashboard;
    private final MainView view;
    private final ExecutorService io;
    private final Stage stage;
    private final Preferences prefs;
    private final EventHandler<WindowEvent> onHidden = e -> close();
    private final InvalidationListener trackBounds = o -> trackBounds();
    /**
     * The window's bounds when last neither maximized, iconified nor full screen: what is saved. A window closed
     * maximized opens at these bounds, not maximized: under openbox, maximizing a window that has just been
     * mapped made the window manager take the screen for its normal size, so that un-maximizing it did nothing.
     */
    private Rectangle2D normalBounds;
    private boolean closed;
    /** Starts the warm-up and the ledger's reading once the first frame is drawn: stopped if closed before. */
    private AnimationTimer firstFrame;

    private Window(Session session, Dashboard dashboard, MainView view, ExecutorService io, Stage stage,
            Preferences prefs) {
        this.session = session;
        this.dashboard = dashboard;
        this.view = view;
        this.io = io;
        this.stage = stage;
        this.prefs = prefs;
    }

    /**
     * Starts the nodes and shows the window on {@code stage}. If the ledger can't be used or a port is taken,
     * shows an error dialog instead and calls {@code onFatal} when it is closed; returns null.
     * Closing the window stops the nodes and the mining. The window's bounds are remembered in the preferences
     * node that {@link WindowPlacement#defaultNode} names.
     */
    public static Window open(Stage stage, Settings settings, Path ledgerPath, EngineFactory engines,
            Runnable onFatal) {
        return open(stage, settings, ledgerPath, engines, null, onFatal);
    }

    /** As {@link #open(Stage, Settings, Path, EngineFactory, Runnable)}, the nodes judged by {@code referees}'. */
    public static Window open(Stage stage, Settings settings, Path ledgerPath, EngineFactory engines,
            App.RefereeStarter referees, Runnable onFatal) {
        return open(stage, settings, ledgerPath, engines, referees, onFatal,
                () -> WindowPlacement.defaultNode().orElse(null));
    }

    /** For tests: in a cluster, remembering the bounds in {@code prefs}. */
    static Window open(Stage stage, Settings settings, Path ledgerPath, EngineFactory engines,
            App.RefereeStarter referees, Runnable onFatal, Preferences prefs) {
        return open(stage, settings, ledgerPath, engines, referees, onFatal, () -> prefs);
    }

    /**
     * As {@link #open(Stage, Settings, Path, EngineFactory, Runnable)}, remembering the window's size and
     * position in {@code prefs} (null: not at all).
     */
    static Window open(Stage stage, Settings settings, Path ledgerPath, EngineFactory engines, Runnable onFatal,
            Preferences prefs) {
        return open(stage, settings, ledgerPath, engines, null, onFatal, () -> prefs);
    }

    /** {@code prefs} is asked for its node only once the nodes run, so a window that can't open touches none. */
    private static Window open(Stage stage, Settings settings, Path ledgerPath, EngineFactory engines,
            App.RefereeStarter referees, Runnable onFatal, Supplier<Preferences> prefs) {
        return open(stage, Opening.now(settings, ledgerPath, engines, referees), onFatal, prefs);
    }

    /**
     * The nodes and the ledger of a window, opened now or while JavaFX starts: {@link App} opens them on a thread
     * of their own before it starts the toolkit, so that the ledger's opening and the nodes' start (a tenth of a
     * second or more of a cold JVM) overlap the toolkit's start instead of delaying the window after it.
     */
    static final class Opening {
        /** Completed once the window's first frame is drawn: the nodes' warm-up waits for it. */
        private final CompletableFuture<Void> shown = new CompletableFuture<>();
        private final java.util.concurrent.FutureTask<Session> session;
        /** The engines the nodes mine with: the Attack tab's too. */
        private final EngineFactory engines;

        private Opening(Settings settings, Path ledgerPath, EngineFactory engines, App.RefereeStarter referees) {
            this.engines = engines;
            session = new java.util.concurrent.FutureTask<>(() -> Session.open(settings, ledgerPath, engines, referees,
                    shown));
        }

        /** Opens them on the calling thread, when the window asks. */
        static Opening now(Settings settings, Path ledgerPath, EngineFactory engines, App.RefereeStarter referees) {
            return new Opening(settings, ledgerPath, engines, referees);
        }

        /** Starts opening them on a thread of its own. */
        static Opening started(Settings settings, Path ledgerPath, EngineFactory engines, App.RefereeStarter referees) {
            Opening o = new Opening(settings, ledgerPath, engines, referees);
            Thread t = new Thread(o.session, "powrace-open");
            t.setDaemon(true);
            t.start();
            return o;
        }

        /** The session, opened here if no thread has started it; throws what opening it threw. */
        Session get() throws IOException {
            session.run(); // nothing if it has run or runs elsewhere
            try {
                return session.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the nodes started", e);
            }
        }

        /**
         * Closes the session if no window took it (the window could not open), once it has opened: a session still
         * opening is waited for (up to ten seconds), so that its ledger and ports are closed, not cut off.
         */
        void closeUnlessTaken(boolean taken) {
            if (!taken) {
                try {
                    session.get(10, java.util.concurrent.TimeUnit.SECONDS).close();
                } catch (Exception ignored) {
                    // it failed to open (nothing to close), or hangs: the process is ending anyway
                }
            }
        }
    }

    /** As {@link #open(Stage, Settings, Path, EngineFactory, Runnable)}, with what {@code opening} opens. */
    static Window open(Stage stage, Opening opening, Runnable onFatal) {
        return open(stage, opening, onFatal, () -> WindowPlacement.defaultNode().orElse(null));
    }

    private static Window open(Stage stage, Opening opening, Runnable onFatal, Supplier<Preferences> prefs) {
        Session session;
        CompletableFuture<Void> shown = opening.shown; // the nodes' warm-up waits for the window
        EngineFactory engines = opening.engines;
        try {
            session = opening.get();
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
        // the Attack tab's attacks: one thread fewer than the machine has, summed on the io threads
        AttackModel attack = new AttackModel(engines, AttackModel.defaultThreads(), io);
        session.network().addMiner(attack::mining); // the engine calibration waits while a run mines
        MainView view = new MainView(dashboard, attack);
        Window window = new Window(session, dashboard, view, io, stage, prefs.get());

        Scene scene = new Scene(view.root());
        scene.getStylesheets().add(Resources.url("powrace.css"));
        stage.setScene(scene);
        stage.setTitle("powrace — proof-of-work race");
        stage.getIcons().add(new Image(Resources.url("icon.png")));
        window.place();
        stage.addEventHandler(WindowEvent.WINDOW_HIDDEN, window.onHidden);
        view.field().requestFocus();
        // The nodes' warm-up and the ledger's reading wait for the first frame: started with the window, the warm-up's
        // mining took most of a profile's samples between the window's mapping and its first frame, on two cores
        window.afterFirstFrame(() -> {
            view.showLedger();
            shown.complete(null);
            window.loadLedger();
        });
        return window;
    }

    /** The pulse since the window's showing after which the warm-up and the ledger's reading may start. */
    private static final int FIRST_FRAME_PULSES = 3;

    /**
     * Runs {@code r} on the FX thread once the window's first frame has been drawn: by the window's third pulse
     * the first frame has been handed to the renderer (the first pulse lays the scene out and queues its drawing),
     * and {@code r} then waits on the render thread behind it, so that it runs once that frame is drawn. Run at the
     * third pulse itself, the warm-up's mining and compilation shared the two cores with the renderer while it was
     * still drawing the first frame (with the software pipeline, a few hundred milliseconds of the render thread).
     * The window's sampler keeps pulses coming. Not if the window is closed before then.
     */
    private void afterFirstFrame(Runnable r) {
        Runnable unlessClosed = () -> {
            if (!closed) {
                r.run();
            }
        };
        firstFrame = new AnimationTimer() {
            private int pulses;

            @Override
            public void handle(long now) {
                if (++pulses == FIRST_FRAME_PULSES) {
                    stop();
                    if (!closed) {
                        afterDrawn(unlessClosed);
                    }
                }
            }
        };
        firstFrame.start();
    }

    /**
     * Runs {@code r} on the FX thread once the renderer has drawn what it has been handed so far: through a job on
     * the render thread, which runs its jobs one at a time, in turn (JavaFX's toolkit API: on the class path, as the
     * runnable jar and the tests run JavaFX, nothing hides it). Where that can't be done, {@code r} runs now.
     */
    private static void afterDrawn(Runnable r) {
        try {
            com.sun.javafx.tk.Toolkit.getToolkit().addRenderJob(new com.sun.javafx.tk.RenderJob(() -> Platform.runLater(r)));
        } catch (RuntimeException | LinkageError e) {
            r.run();
        }
    }

    /**
     * Sizes and shows the stage. The bounds are set before {@code show()}, so that the window appears at its
     * size where that is honored (a bare X server, Monocle), and again right after it: under openbox, JavaFX
     * 21's GTK backend loses a size set before the window is mapped (on a 1440x900 screen the window opened at
     * its minimum size, 960x640, or at GTK's default 200x200 with no minimum set), while a size set once it is
     * mapped is honored.
     */
    private void place() {
        List<Rectangle2D> screens = new ArrayList<>();
        screens.add(Screen.getPrimary().getVisualBounds());
        for (Screen s : Screen.getScreens()) {
            if (!s.equals(Screen.getPrimary())) {
                screens.add(s.getVisualBounds());
            }
        }
        Optional<Rectangle2D> saved = prefs == null ? Optional.empty() : WindowPlacement.load(prefs);
        Rectangle2D bounds = WindowPlacement.choose(screens, saved);
        Rectangle2D screen = screens.stream().filter(b -> b.intersects(bounds)).findFirst().orElse(screens.get(0));
        stage.setMinWidth(WindowPlacement.minWidth(screen));
        stage.setMinHeight(WindowPlacement.minHeight(screen));
        setBounds(bounds);
        normalBounds = bounds;
        stage.show();
        setBounds(bounds);
        for (var property : List.of(stage.xProperty(), stage.yProperty(), stage.widthProperty(), stage.heightProperty(),
                stage.maximizedProperty(), stage.iconifiedProperty(), stage.fullScreenProperty())) {
            property.addListener(trackBounds);
        }
    }

    private void setBounds(Rectangle2D b) {
        stage.setX(b.getMinX());
        stage.setY(b.getMinY());
        stage.setWidth(b.getWidth());
        stage.setHeight(b.getHeight());
    }

    private void trackBounds() {
        if (stage.isShowing() && !stage.isMaximized() && !stage.isIconified() && !stage.isFullScreen()) {
            normalBounds = new Rectangle2D(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight());
        }
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
                    readyForClassArchive();
                    Soak.startIfAsked(this, stage.getScene()); // only with -Dpowrace.soak (bench/soak.sh)
                });
            } catch (LedgerException e) {
                Platform.runLater(() -> dashboard.reportProblem(e.getMessage()));
            }
        });
    }

    /**
     * Tells the JVM that launched this one (cli.ClassArchive) that this run's class archive, written at exit, holds
     * a whole start: the file named by the property powrace.cds.ready, when this run writes one.
     */
    private static void readyForClassArchive() {
        String marker = System.getProperty("powrace.cds.ready");
        if (marker != null) {
            try {
                java.nio.file.Files.write(Path.of(marker), new byte[0]);
            } catch (java.io.IOException | RuntimeException ignored) {
                // no archive kept: the next run writes one
            }
        }
    }

    public Dashboard dashboard() {
        return dashboard;
    }

    Session session() {
        return session;
    }

    /**
     * Remembers the window's bounds, and stops the sampling, the mining and the listeners. Called when the
     * window is closed; safe to call again.
     */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (firstFrame != null) {
            firstFrame.stop();
        }
        stage.removeEventHandler(WindowEvent.WINDOW_HIDDEN, onHidden);
        for (var property : List.of(stage.xProperty(), stage.yProperty(), stage.widthProperty(), stage.heightProperty(),
                stage.maximizedProperty(), stage.iconifiedProperty(), stage.fullScreenProperty())) {
            property.removeListener(trackBounds);
        }
        if (prefs != null && normalBounds != null) {
            WindowPlacement.save(prefs, normalBounds);
        }
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
