package dev.powrace.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.prefs.Preferences;
import javafx.geometry.Rectangle2D;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where the window opens and what it remembers, with no toolkit: screens and saved bounds in, bounds out. */
class WindowPlacementTest {
    static final Rectangle2D LAPTOP = new Rectangle2D(0, 0, 1440, 900);
    /** 1920x1080 to the right of the laptop, with a 40 px task bar at the bottom. */
    static final Rectangle2D MONITOR = new Rectangle2D(1440, 0, 1920, 1040);

    /** A node of its own, removed afterwards: the user's real window bounds are never read or written. */
    final Preferences node = Preferences.userRoot().node("/powrace-test/" + UUID.randomUUID());

    @AfterEach
    void removeNode() throws Exception {
        Preferences parent = node.parent();
        node.removeNode();
        parent.flush();
    }

    static Rectangle2D saved(double x, double y, double w, double h) {
        return new Rectangle2D(x, y, w, h);
    }

    static Rectangle2D choose(List<Rectangle2D> screens, Rectangle2D saved) {
        return WindowPlacement.choose(screens, Optional.ofNullable(saved));
    }

    @Test
    void withNothingSavedItOpensAt1280x800CenteredOnThePrimaryScreen() {
        assertEquals(new Rectangle2D(80, 50, 1280, 800), choose(List.of(LAPTOP), null));
        assertEquals(new Rectangle2D(1440 + 320, 120, 1280, 800), choose(List.of(MONITOR, LAPTOP), null),
                "on the primary screen, whichever that is");
    }

    @Test
    void aScreenSmallerThan1280x800IsFilledAndTheMinimumSizeFitsIt() {
        Rectangle2D small = new Rectangle2D(0, 24, 1024, 576); // a 1024x600 screen under a 24 px top panel
        assertEquals(small, choose(List.of(small), null));
        assertEquals(960, WindowPlacement.minWidth(small));
        assertEquals(576, WindowPlacement.minHeight(small), "a minimum no taller than the screen");
        Rectangle2D narrow = new Rectangle2D(0, 0, 800, 1280); // a portrait screen
        assertEquals(new Rectangle2D(0, 240, 800, 800), choose(List.of(narrow), null));
    }

    @Test
    void boundsSavedOnAScreenThatIsStillThereComeBack() {
        Rectangle2D p = saved(200, 60, 1102, 725);
        assertEquals(p, choose(List.of(LAPTOP), p));
        Rectangle2D onMonitor = saved(1600, 100, 1500, 900);
        assertEquals(onMonitor, choose(List.of(LAPTOP, MONITOR), onMonitor), "on the second screen");
        Rectangle2D halfOff = saved(-600, 100, 1280, 800); // dragged half off the left edge: left as the user put it
        assertEquals(halfOff, choose(List.of(LAPTOP), halfOff));
    }

    @Test
    void boundsOnAScreenThatIsGoneOrBarelyVisibleOpenAtTheDefault() {
        Rectangle2D fallback = new Rectangle2D(80, 50, 1280, 800);
        assertEquals(fallback, choose(List.of(LAPTOP), saved(1600, 100, 1500, 900)), "the monitor was unplugged");
        assertEquals(fallback, choose(List.of(LAPTOP), saved(1440 - 40, 100, 1280, 800)), "40 px of it on the screen");
        assertEquals(fallback, choose(List.of(LAPTOP), saved(100, 900 - 30, 1280, 800)), "30 px of it on the screen");
    }

    @Test
    void boundsLargerThanTheScreenNowIsAreShrunkOntoIt() {
        assertEquals(LAPTOP, choose(List.of(LAPTOP), saved(0, 0, 1920, 1080)));
        Rectangle2D xga = new Rectangle2D(0, 0, 1024, 768);
        assertEquals(xga, choose(List.of(xga), saved(500, 400, 1280, 800)));
        assertEquals(new Rectangle2D(300, 0, 1100, 700), choose(List.of(LAPTOP), saved(300, -30, 1100, 700)),
                "the title bar is never above the top of the screen");
        assertEquals(new Rectangle2D(100, 100, 960, 640), choose(List.of(LAPTOP), saved(100, 100, 100, 80)),
                "never smaller than the minimum");
    }

    @Test
    void boundsRoundTripThroughAPreferencesNode() {
        assertTrue(WindowPlacement.load(node).isEmpty(), "nothing saved yet");
        Rectangle2D p = new Rectangle2D(200.5, -12, 1102, 725);
        assertTrue(WindowPlacement.save(node, p));
        assertEquals(Optional.of(p), WindowPlacement.load(node));
        assertEquals(Optional.of(p), WindowPlacement.load(Preferences.userRoot().node(node.absolutePath())),
                "the same node found again by its path");

        node.remove("height");
        assertTrue(WindowPlacement.load(node).isEmpty(), "incomplete bounds are not used");
        node.put("height", "tall");
        assertTrue(WindowPlacement.load(node).isEmpty(), "nor garbage");
        node.putDouble("height", 0);
        assertTrue(WindowPlacement.load(node).isEmpty(), "nor a window of no height");
    }

    @Test
    void theSystemPropertyNamesTheNode() {
        String before = System.getProperty(WindowPlacement.NODE_PROPERTY);
        try {
            System.setProperty(WindowPlacement.NODE_PROPERTY, node.absolutePath());
            assertEquals(node.absolutePath(), WindowPlacement.defaultNode().orElseThrow().absolutePath());
        } finally {
            if (before == null) {
                System.clearProperty(WindowPlacement.NODE_PROPERTY);
            } else {
                System.setProperty(WindowPlacement.NODE_PROPERTY, before);
            }
        }
    }
}
