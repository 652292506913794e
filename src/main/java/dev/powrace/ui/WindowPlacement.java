package dev.powrace.ui;

import java.util.List;
import java.util.Optional;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;
import javafx.geometry.Rectangle2D;

/**
 * Where the window opens, and what it remembers between runs. The choice itself ({@link #choose}) is a pure
 * function of the screens and the saved bounds, testable without a toolkit; {@link #load} and {@link #save}
 * keep the bounds in a {@link Preferences} node.
 *
 * <p>All bounds are the stage's: the outer window, title bar and frame included, as {@code Stage.getX()} and
 * {@code getWidth()} report them and as a screen's visual bounds measure the room for them.
 */
final class WindowPlacement {
    static final double DEFAULT_WIDTH = 1280;
    static final double DEFAULT_HEIGHT = 800;
    static final double MIN_WIDTH = 960;
    static final double MIN_HEIGHT = 640;
    /** A saved window is put back only if at least this much of it, in each direction, is on a current screen. */
    static final double MIN_VISIBLE = 64;
    /** The system property that names the preferences node (an absolute path in the user tree). */
    static final String NODE_PROPERTY = "powrace.prefs";

    private static final String X = "x";
    private static final String Y = "y";
    private static final String WIDTH = "width";
    private static final String HEIGHT = "height";

    /** java.util.prefs says "Created user preferences directory." on stderr the first time; that is no news. */
    private static final java.util.logging.Logger PREFS_LOG = java.util.logging.Logger.getLogger("java.util.prefs");

    private WindowPlacement() {}

    /**
     * Where the window opens. {@code screens} are the screens' visual bounds (without task bars), the primary
     * first. The saved bounds come back if at least {@link #MIN_VISIBLE} px of them, each way, are still on a
     * screen: shrunk to that screen if it is now smaller, and never with the title bar above its top. Otherwise
     * the window opens on the primary screen at 1280x800, or as large as the screen if that is smaller, centered.
     */
    static Rectangle2D choose(List<Rectangle2D> screens, Optional<Rectangle2D> saved) {
        if (screens.isEmpty()) {
            return new Rectangle2D(0, 0, DEFAULT_WIDTH, DEFAULT_HEIGHT);
        }
        if (saved.isPresent()) {
            Rectangle2D s = saved.get();
            Rectangle2D best = null;
            double bestArea = 0;
            for (Rectangle2D screen : screens) {
                double w = Math.min(s.getMaxX(), screen.getMaxX()) - Math.max(s.getMinX(), screen.getMinX());
                double h = Math.min(s.getMaxY(), screen.getMaxY()) - Math.max(s.getMinY(), screen.getMinY());
                if (w >= MIN_VISIBLE && h >= MIN_VISIBLE && w * h > bestArea) {
                    best = screen;
                    bestArea = w * h;
                }
            }
            if (best != null) {
                return restore(s, best);
            }
        }
        Rectangle2D screen = screens.get(0);
        double w = Math.min(DEFAULT_WIDTH, screen.getWidth());
        double h = Math.min(DEFAULT_HEIGHT, screen.getHeight());
        return new Rectangle2D(screen.getMinX() + (screen.getWidth() - w) / 2,
                screen.getMinY() + (screen.getHeight() - h) / 2, w, h);
    }

    private static Rectangle2D restore(Rectangle2D s, Rectangle2D screen) {
        double w = Math.min(Math.max(s.getWidth(), minWidth(screen)), screen.getWidth());
        double h = Math.min(Math.max(s.getHeight(), minHeight(screen)), screen.getHeight());
        double x = s.getMinX();
        double y = Math.max(s.getMinY(), screen.getMinY());
        if (w != s.getWidth() || h != s.getHeight()) { // resized to the screen: keep it on the screen, too
            x = Math.min(Math.max(x, screen.getMinX()), screen.getMaxX() - w);
            y = Math.min(y, screen.getMaxY() - h);
        }
        return new Rectangle2D(x, y, w, h);
    }

    /** The smallest the window may be made on {@code screen}: 960x640, or the screen if that is smaller. */
    static double minWidth(Rectangle2D screen) {
        return Math.min(MIN_WIDTH, screen.getWidth());
    }

    static double minHeight(Rectangle2D screen) {
        return Math.min(MIN_HEIGHT, screen.getHeight());
    }

    /** The saved bounds, if {@code node} holds complete, sane ones. */
    static Optional<Rectangle2D> load(Preferences node) {
        try {
            double x = node.getDouble(X, Double.NaN);
            double y = node.getDouble(Y, Double.NaN);
            double w = node.getDouble(WIDTH, Double.NaN);
            double h = node.getDouble(HEIGHT, Double.NaN);
            if (!Double.isFinite(x) || !Double.isFinite(y) || !(w > 0) || !(h > 0) || !Double.isFinite(w)
                    || !Double.isFinite(h)) {
                return Optional.empty();
            }
            return Optional.of(new Rectangle2D(x, y, w, h));
        } catch (RuntimeException e) { // a removed node, a store that can't be read: open at the default
            return Optional.empty();
        }
    }

    /** Saves {@code b} to {@code node} and writes it out. Returns false if the store refused it. */
    static boolean save(Preferences node, Rectangle2D b) {
        try {
            node.putDouble(X, b.getMinX());
            node.putDouble(Y, b.getMinY());
            node.putDouble(WIDTH, b.getWidth());
            node.putDouble(HEIGHT, b.getHeight());
            node.flush();
            return true;
        } catch (BackingStoreException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The node the app keeps its window in: the one the system property {@value #NODE_PROPERTY} names (an
     * absolute path in the user tree, so that a trial run or a test need not touch the real one), else the
     * user node of this package ({@code /dev/powrace/ui}). Empty if the name is not a valid path.
     */
    static Optional<Preferences> defaultNode() {
        try {
            PREFS_LOG.setLevel(java.util.logging.Level.WARNING);
            String path = System.getProperty(NODE_PROPERTY);
            if (path == null || path.isBlank()) {
                return Optional.of(Preferences.userNodeForPackage(WindowPlacement.class));
            }
            if (!path.startsWith("/")) {
                path = "/" + path;
            }
            return Optional.of(Preferences.userRoot().node(path));
        } catch (RuntimeException e) {
            System.err.println("powrace: the window's size won't be remembered (" + NODE_PROPERTY + ": "
                    + e.getMessage() + ")");
            return Optional.empty();
        }
    }
}
