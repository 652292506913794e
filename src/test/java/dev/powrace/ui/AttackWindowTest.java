package dev.powrace.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.prefs.Preferences;
import javafx.animation.AnimationTimer;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TabPane;
import javafx.scene.shape.Circle;
import javafx.scene.shape.Path;
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

/** The Attack tab (issue 18), driven headless (Monocle) as a person would. */
@Tag("GUITest")
@ExtendWith(ApplicationExtension.class)
class AttackWindowTest {
    @TempDir
    java.nio.file.Path dir;

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
        WaitForAsyncUtils.waitFor(180, TimeUnit.SECONDS, condition); // only to catch a hang
        WaitForAsyncUtils.waitForFxEvents();
    }

    <T> T fx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(10, TimeUnit.SECONDS);
    }

    String text(FxRobot robot, String id) throws Exception {
        Label l = robot.lookup(id).queryAs(Label.class);
        return fx(l::getText);
    }

    void showAttackTab(FxRobot robot) throws Exception {
        robot.interact(() -> robot.lookup("#viewTabs").queryAs(TabPane.class).getSelectionModel().select(2));
        await(() -> robot.lookup("#attackRun").tryQuery().isPresent());
    }

    void set(FxRobot robot, int percent, int z, int attacks, boolean sweep) {
        robot.interact(() -> {
            robot.lookup("#attackShare").<Spinner<Integer>>query().getValueFactory().setValue(percent);
            robot.lookup("#attackZ").<Spinner<Integer>>query().getValueFactory().setValue(z);
            robot.lookup("#attackCount").<Spinner<Integer>>query().getValueFactory().setValue(attacks);
            robot.lookup("#attackSweep").queryAs(javafx.scene.control.CheckBox.class).setSelected(sweep);
        });
    }

    static boolean attackThreadsAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("powrace-attack") && t.isAlive());
    }

    @Test
    void runsAttacksAndShowsEachZAsAPointWithTheLessonInWords(FxRobot robot) throws Exception {
        assertTrue(robot.lookup("#attackView").tryQuery().isEmpty(), "built before its tab was shown");
        showAttackTab(robot);
        assertEquals("Run the attacks", fx(() -> robot.lookup("#attackRun").queryButton().getText()));
        assertTrue(text(robot, "#attackSentence").endsWith("Run the attacks to measure it."),
                text(robot, "#attackSentence"));
        // both curves are drawn before any attack
        for (String id : List.of("#paperCurve", "#exactCurve")) {
            Path curve = robot.lookup(id).queryAs(Path.class);
            await(() -> fx(() -> curve.getElements().size() == AttackFigures.MAX_Z + 1
                    && curve.getLayoutBounds().getHeight() > 50));
        }
        // the window's frames go on while the attacks are mined: count them
        AtomicLong frames = new AtomicLong();
        AnimationTimer counter = new AnimationTimer() {
            @Override
            public void handle(long now) {
                frames.incrementAndGet();
            }
        };
        robot.interact(counter::start);

        set(robot, 30, 3, 400, true);
        robot.clickOn("#attackRun");
        assertEquals("Stop", fx(() -> robot.lookup("#attackRun").queryButton().getText()));
        assertTrue(fx(() -> robot.lookup("#attackShare").query().isDisabled()), "settings locked while it runs");
        await(() -> text(robot, "#attackProgress").startsWith("attack "));
        long before = frames.get();
        await(() -> frames.get() > before + 10); // frames while the attacks run: the FX thread is free
        await(() -> text(robot, "#attackProgress").startsWith("1,200 attacks in "));
        robot.interact(counter::stop);
        assertEquals("Run the attacks", fx(() -> robot.lookup("#attackRun").queryButton().getText()));

        // a point and a whisker for each z measured, laid out on the chart
        javafx.scene.Node chart = robot.lookup("#attackChart").query();
        await(() -> fx(() -> chart.lookupAll(".measured-point").size() == 3
                && chart.lookupAll(".measured-point").stream()
                        .allMatch(n -> ((Circle) n).getCenterX() > 0 && ((Circle) n).getCenterY() > 0)));
        assertEquals(3, fx(() -> chart.lookupAll(".measured-interval").size()));
        String said = text(robot, "#attackSentence");
        assertTrue(said.matches("With 30% of the hash power, the attacker caught up in \\d+ of 400 attacks at z = 3: "
                + "the paper's formula says 130, the exact one 130\\.?"), said);
        assertTrue(text(robot, "#attackVerdict").startsWith("99% interval "), text(robot, "#attackVerdict"));

        // the replay plays attacks of this run, block by block
        await(() -> robot.lookup(".replay-block").queryAll().stream().anyMatch(javafx.scene.Node::isVisible));
        await(() -> text(robot, "#replayNarration").startsWith("honest "));

        // the sentence follows the chosen z
        robot.interact(() -> robot.lookup("#attackZ").<Spinner<Integer>>query().getValueFactory().setValue(1));
        await(() -> text(robot, "#attackSentence").contains("of 400 attacks at z = 1:"));
        await(() -> !attackThreadsAlive()); // no miner left once the run is done
    }

    @Test
    void leavingTheTabPausesAndClosingTheWindowStopsTheAttacks(FxRobot robot) throws Exception {
        showAttackTab(robot);
        set(robot, 30, 10, 1_000_000, false);
        robot.clickOn("#attackRun");
        await(() -> text(robot, "#attackProgress").matches("attack [0-9,]{2,} of .*"));

        robot.interact(() -> robot.lookup("#viewTabs").queryAs(TabPane.class).getSelectionModel().select(0));
        await(() -> text(robot, "#attackProgress").startsWith("paused at "));
        robot.interact(() -> robot.lookup("#viewTabs").queryAs(TabPane.class).getSelectionModel().select(2));
        await(() -> text(robot, "#attackProgress").startsWith("attack "));

        assertTrue(attackThreadsAlive());
        robot.interact(stage::close);
        await(() -> !attackThreadsAlive()); // every miner ended (the window's timer, stopped, shows no more)
    }
}
