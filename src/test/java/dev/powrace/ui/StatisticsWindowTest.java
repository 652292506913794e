package dev.powrace.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.ledger.Ledger;
import dev.powrace.node.Node;
import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TabPane;
import javafx.scene.layout.Region;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** "Race ×N" and the statistics view, driven headless (Monocle) as a person would. */
@Tag("GUITest")
@ExtendWith(ApplicationExtension.class)
class StatisticsWindowTest {
    @TempDir
    Path dir;

    final Preferences prefs = Preferences.userRoot().node("/powrace-test/" + UUID.randomUUID());
    final Settings settings = Settings.defaults().withPorts(List.of(0, 0, 0)).withDifficulty(3);
    Window window;
    Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        window = Window.open(stage, settings, dir.resolve("ledger.json"), EngineFactory.auto(), () -> {}, prefs);
        stage.requestFocus(); // TestFX issue 749 on JavaFX 20+
    }

    @AfterEach
    void closeAndForget() throws Exception {
        WaitForAsyncUtils.asyncFx(window::close).get(10, TimeUnit.SECONDS);
        Preferences parent = prefs.parent();
        prefs.removeNode();
        parent.flush();
    }

    static void await(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, condition); // only to catch a hang
        WaitForAsyncUtils.waitForFxEvents();
    }

    <T> T fx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(10, TimeUnit.SECONDS);
    }

    static double width(String id, FxRobot robot) {
        return robot.lookup(id).queryAs(Region.class).getWidth();
    }

    String text(FxRobot robot, String id) throws Exception {
        Label l = robot.lookup(id).queryAs(Label.class);
        return fx(l::getText);
    }

    @Test
    void raceTimesTwentyFillsTheStatisticsView(FxRobot robot) throws Exception {
        String emptyVerdict = StatsFigures.EMPTY.verdict().text();
        // the statistics view is built when its tab is first shown, not with the window
        assertTrue(robot.lookup("#statsVerdict").tryQuery().isEmpty(), "built before its tab was shown");
        robot.interact(() -> {
            robot.lookup("#difficultySpinner").<Spinner<Integer>>query().getValueFactory().setValue(1);
            robot.lookup("#seriesCount").<Spinner<Integer>>query().getValueFactory().setValue(20);
        });
        assertEquals("Race ×20", fx(() -> robot.lookup("#seriesButton").queryButton().getText()));
        robot.clickOn("#seriesButton");
        await(() -> fx(() -> window.dashboard().seriesRunningProperty().get()) || text(robot, "#seriesProgress").endsWith("done"));
        await(() -> text(robot, "#seriesProgress").equals("20 races done"));
        // the statistics tab, opened once the races are done, shows them (it redraws only while it is shown)
        await(() -> fx(() -> {
            StatsFigures f = window.dashboard().stats().figuresProperty().get();
            return f.summary() != null && f.summary().races() == 20;
        }));
        robot.interact(() -> robot.lookup("#viewTabs").queryAs(TabPane.class).getSelectionModel().select(1));
        await(() -> text(robot, "#statsCaption").startsWith("20 races at difficulty 1"));
        // laid out at the next pulse: every node's two bars (at least 1 px, a node with no share included), the
        // histogram's and the luck chart's
        List<String> names = window.session().network().nodes().stream().map(Node::name).toList();
        await(() -> fx(() -> names.stream().allMatch(n -> width("#hashBar-" + n, robot) >= 1 && width("#winBar-" + n, robot) >= 1)
                && robot.lookup(".luck-bar").queryAll().stream().allMatch(b -> b.getLayoutBounds().getHeight() > 0)));

        assertEquals("Race ×20", fx(() -> robot.lookup("#seriesButton").queryButton().getText()), "back from Stop");
        assertEquals(20, Ledger.readAll(window.session().ledger().path()).size());
        String verdict = text(robot, "#statsVerdict");
        assertNotEquals(emptyVerdict, verdict);
        assertTrue(verdict.matches("win shares (match|may differ from|differ from) hash shares \\(p [=<] [0-9.]+\\)"), verdict);
        int wins = 0;
        for (Node n : window.session().network().nodes()) {
            Region win = robot.lookup("#winBar-" + n.name()).queryAs(Region.class);
            Region hash = robot.lookup("#hashBar-" + n.name()).queryAs(Region.class);
            assertTrue(fx(() -> hash.isVisible() && hash.getHeight() > 0), n.name() + " has a hash bar");
            assertTrue(fx(() -> win.isVisible() && win.getHeight() > 0), n.name() + " has a win bar");
            String winText = text(robot, "#wonCount-" + n.name());
            // "won w of j races": j, the races it mined in, may be fewer than 20 (at difficulty 1 a node is often late)
            var m = java.util.regex.Pattern.compile("^won (\\d+) of (\\d+) races?$").matcher(winText);
            assertTrue(m.find(), winText);
            // (none at all, on a loaded machine; then its bars are the 1 px stubs a zero share gets)
            assertTrue(Integer.parseInt(m.group(2)) <= 20 && Integer.parseInt(m.group(2)) >= Integer.parseInt(m.group(1)),
                    winText);
            wins += Integer.parseInt(m.group(1));
        }
        assertEquals(20, wins, "every race has one winner");
        Region durations = robot.lookup("#durationChart").queryAs(Region.class);
        Region luck = robot.lookup("#luckChart").queryAs(Region.class);
        assertTrue(fx(() -> durations.getWidth() > 200 && durations.getHeight() > 100), "the histogram is drawn");
        assertTrue(fx(() -> luck.getWidth() > 200 && luck.getHeight() > 100), "the luck chart is drawn");
        assertEquals(20, fx(() -> luck.lookupAll(".luck-bar").size()), "a bar for each race's luck");
        assertTrue(fx(() -> luck.lookupAll(".luck-bar").stream().allMatch(b -> b.getLayoutBounds().getHeight() > 0
                && b.getLayoutBounds().getWidth() > 0)), "the luck bars are laid out");
        assertFalse(fx(() -> durations.lookupAll(".histogram-bar").isEmpty()));
        assertTrue(fx(() -> durations.lookupAll(".histogram-bar").stream().anyMatch(b -> b.getLayoutBounds().getHeight() > 10)),
                "the histogram's bars are laid out");
        javafx.scene.shape.Path curve = robot.lookup("#predictedCurve").queryAs(javafx.scene.shape.Path.class);
        assertTrue(fx(() -> curve.getElements().size()) > 10, "the predicted curve is drawn");
    }

    @Test
    void aNodeCardsPowerSpinnerSetsItsNodesPower(FxRobot robot) throws Exception {
        Spinner<Integer> power = robot.lookup("#power-Node3").query();
        assertEquals(100, fx(power::getValue), "--power's default");
        robot.interact(() -> power.getValueFactory().setValue(25));
        assertEquals(25, window.session().network().nodes().get(2).power());
        robot.interact(() -> {
            power.getEditor().setText("abc");
            power.commitValue();
        });
        assertEquals(25, fx(power::getValue), "what is not a number leaves the power as it was");
        assertEquals(25, window.session().network().nodes().get(2).power());
    }

    @Test
    void closingTheWindowStopsARaceSeries(FxRobot robot) throws Exception {
        robot.interact(() -> {
            robot.lookup("#difficultySpinner").<Spinner<Integer>>query().getValueFactory().setValue(2);
            robot.lookup("#seriesCount").<Spinner<Integer>>query().getValueFactory().setValue(10_000);
        });
        robot.clickOn("#seriesButton");
        assertEquals("Stop", fx(() -> robot.lookup("#seriesButton").queryButton().getText()));
        await(() -> Ledger.readAll(window.session().ledger().path()).size() >= 2);
        robot.interact(stage::close);
        await(() -> !fx(() -> window.dashboard().seriesRunningProperty().get())); // the series itself ended
        String said = fx(() -> window.dashboard().seriesProgressProperty().get());
        assertTrue(said.startsWith("stopped after "), said);
        List<Node> nodes = window.session().network().nodes();
        await(() -> nodes.stream().allMatch(n -> n.current() == null));
        int entries = Ledger.readAll(window.session().ledger().path()).size();
        Thread.sleep(500);
        assertEquals(entries, Ledger.readAll(window.session().ledger().path()).size(), "no race after the window closed");
        assertTrue(entries < 10_000);
    }
}
