package dev.powrace.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The timeline's figures say what they are (issue 17: "+14 728 µs → 279 503 µs" read as a start and an end, but the
 * second figure was the elapsed time): each row's start after the race's first start, then its elapsed time, under
 * headings that name them, the figures right-aligned under their heading.
 */
@Tag("GUITest")
@ExtendWith(ApplicationExtension.class)
class TimelineViewTest {
    static final Instant T0 = Instant.parse("2026-12-06T14:02:19.062669Z");

    Stage stage;
    final SimpleObjectProperty<RaceView> shown = new SimpleObjectProperty<>();
    final javafx.beans.property.SimpleBooleanProperty warming = new javafx.beans.property.SimpleBooleanProperty();

    @Start
    void start(Stage stage) {
        this.stage = stage;
        TimelineView timeline = new TimelineView(shown, warming);
        Scene scene = new Scene(timeline, 1248, 200);
        scene.getStylesheets().add(Resources.url("powrace.css"));
        stage.setScene(scene);
        stage.show();
    }

    static RaceView race() {
        return new RaceView(7, "Alice pays Bob 5 coins", 3, List.of(
                new RaceView.Bar("Node3", T0, T0.plusNanos(316_172_000), NodeState.STOPPED),
                new RaceView.Bar("Node2", T0.plusNanos(5_851_000), T0.plusNanos(295_184_000), NodeState.STOPPED),
                new RaceView.Bar("Node1", T0.plusNanos(14_728_000), T0.plusNanos(294_231_000), NodeState.WON)),
                false, T0.plusSeconds(1));
    }

    static String text(Node n) {
        return ((Label) n).getText();
    }

    @Test
    void eachRowGivesItsStartOffsetThenItsElapsedTimeUnderHeadingsThatSaySo() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> shown.set(race())).get(10, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        Scene scene = stage.getScene();
        String[] checked = WaitForAsyncUtils.asyncFx(() -> {
            scene.getRoot().applyCss();
            scene.getRoot().layout();
            Node startHeading = scene.lookup("#timelineStartHeader");
            Node elapsedHeading = scene.lookup("#timelineElapsedHeader");
            assertEquals("start", text(startHeading));
            assertEquals("elapsed", text(elapsedHeading));
            // Node1 started 14 728 µs after Node3 and took 294 231 - 14 728 = 279 503 µs; thin spaces group digits.
            assertEquals("+14\u2009728 µs", text(scene.lookup("#timelineStart-Node1")));
            assertEquals("279\u2009503 µs", text(scene.lookup("#timelineElapsed-Node1")));
            assertEquals("won", text(scene.lookup("#timelineOutcome-Node1")));
            assertEquals("+0 µs", text(scene.lookup("#timelineStart-Node3")));
            assertEquals("316\u2009172 µs", text(scene.lookup("#timelineElapsed-Node3")));
            assertEquals("+5\u2009851 µs", text(scene.lookup("#timelineStart-Node2")));
            assertEquals("289\u2009333 µs", text(scene.lookup("#timelineElapsed-Node2")));
            assertEquals("stopped", text(scene.lookup("#timelineOutcome-Node2")));
            for (String node : List.of("Node1", "Node2", "Node3")) {
                Bounds start = bounds(scene.lookup("#timelineStart-" + node));
                Bounds elapsed = bounds(scene.lookup("#timelineElapsed-" + node));
                Bounds bar = bounds(scene.lookup("#bar-" + node));
                // the figures sit under their headings, right edges aligned, start before elapsed, right of the bars
                assertEquals(bounds(startHeading).getMaxX(), start.getMaxX(), 1.0, node + "'s start under its heading");
                assertEquals(bounds(elapsedHeading).getMaxX(), elapsed.getMaxX(), 1.0,
                        node + "'s elapsed under its heading");
                assertTrue(bounds(startHeading).getMaxY() <= start.getMinY(), "the headings are above the rows");
                assertTrue(start.getMaxX() < elapsed.getMinX(), "start, then elapsed");
                assertTrue(bar.getMaxX() <= start.getMinX() + 4, node + "'s figures are right of its bar");
            }
            return new String[] {};
        }).get(10, TimeUnit.SECONDS);
        assertEquals(0, checked.length);
    }

    @Test
    void noRaceNoHeadings() throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(null, WaitForAsyncUtils.asyncFx(() -> stage.getScene().lookup("#timelineStartHeader"))
                .get(10, TimeUnit.SECONDS), "nothing to head before the first race");
    }

    /** Issue 17: before the first race, while it waits for the warm-up, the timeline says so; then the race. */
    @Test
    void beforeTheFirstRaceTheTitleSaysWhetherItWaitsForTheWarmUp() throws Exception {
        java.util.function.Supplier<String> title = () -> {
            try {
                return WaitForAsyncUtils.asyncFx(() -> text(stage.getScene().lookup("#timelineTitle")))
                        .get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        assertEquals(TimelineView.NO_RACE, title.get());
        WaitForAsyncUtils.asyncFx(() -> warming.set(true)).get(10, TimeUnit.SECONDS);
        assertEquals(TimelineView.WARMING, title.get());
        WaitForAsyncUtils.asyncFx(() -> shown.set(race())).get(10, TimeUnit.SECONDS);
        assertTrue(title.get().startsWith("Race #7"), title.get());
        WaitForAsyncUtils.asyncFx(() -> warming.set(false)).get(10, TimeUnit.SECONDS);
        assertTrue(title.get().startsWith("Race #7"), "a race shown keeps its title");
    }

    static Bounds bounds(Node n) {
        return n.localToScene(n.getLayoutBounds());
    }
}
