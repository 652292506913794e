package dev.powrace.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.node.Client;
import dev.powrace.node.Node;
import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;
import javafx.geometry.Rectangle2D;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.stage.Screen;
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

/** The window, driven headless (Monocle) as a person would: typing, Enter, watching. */
@Tag("GUITest")
@ExtendWith(ApplicationExtension.class)
class WindowTest {
    @TempDir
    Path dir;

    /** The window's bounds are remembered here, a node of this test's own, removed afterwards. */
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

    static Rectangle2D bounds(Stage s) {
        return new Rectangle2D(s.getX(), s.getY(), s.getWidth(), s.getHeight());
    }

    static void await(String what, Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, condition);
        WaitForAsyncUtils.waitForFxEvents();
    }

    <T> T fx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(10, TimeUnit.SECONDS);
    }

    /** The ledger's table joins the window after its first frame (Window.afterFirstFrame): the tests begin once it has. */
    @org.junit.jupiter.api.BeforeEach
    void tableShown(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> robot.lookup("#ledgerTable").tryQuery().isPresent());
    }

    int rows(FxRobot robot) throws Exception {
        TableView<?> table = robot.lookup("#ledgerTable").queryTableView();
        return fx(() -> table.getItems().size());
    }

    String text(FxRobot robot, String id) throws Exception {
        Label l = robot.lookup(id).queryAs(Label.class);
        return fx(l::getText);
    }

    Path ledger() {
        return window.session().ledger().path();
    }

    void assertOneWinnerOthersStopped(FxRobot robot) throws Exception {
        int won = 0;
        for (Node n : window.session().network().nodes()) {
            String state = text(robot, "#state-" + n.name());
            boolean winner = fx(() -> robot.lookup("#nodeCard-" + n.name()).query().getStyleClass().contains("winner"));
            if (state.equals("won")) {
                won++;
                assertTrue(winner, n.name() + " is highlighted");
            } else {
                assertTrue(state.equals("stopped") || state.equals("late"), n.name() + " is " + state);
                assertFalse(winner);
            }
        }
        assertEquals(1, won, "one winner");
    }

    @Test
    void typingATransactionAndPressingEnterRacesItIntoTheLedger(FxRobot robot) throws Exception {
        assertTrue(fx(() -> robot.lookup("#transactionField").query().isFocused()), "the field has focus at start");
        robot.write("hello from the keyboard").type(KeyCode.ENTER);
        await("a row", () -> rows(robot) == 1);
        await("every node to finish", () -> window.session().network().nodes().stream().allMatch(n -> n.current() == null));
        WaitForAsyncUtils.waitForFxEvents();
        List<Entry> entries = Ledger.readAll(ledger());
        assertEquals(1, entries.size());
        assertEquals("hello from the keyboard", entries.get(0).transaction());
        assertOneWinnerOthersStopped(robot);
        assertEquals("1 win", text(robot, "#wins-" + entries.get(0).node()));
        assertTrue(text(robot, "#start-Node1").matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{6}"), text(robot, "#start-Node1"));
        assertTrue(text(robot, "#end-Node1").matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{6}"));
        assertTrue(text(robot, "#status").contains("1 entry"), text(robot, "#status"));
        assertTrue(text(robot, "#timelineTitle").contains("hello from the keyboard"));
        assertNotNull(robot.lookup("#bar-" + entries.get(0).node()).query());
        assertEquals("", fx(() -> robot.lookup("#transactionField").queryTextInputControl().getText()), "cleared");
    }

    @Test
    void aTransactionSentFromOutsideShowsUpTheSameWay(FxRobot robot) throws Exception {
        List<Integer> ports = window.session().network().ports();
        List<String> replies = Client.sendToAll("127.0.0.1", ports, "from a terminal");
        replies.forEach(r -> assertTrue(r.startsWith("OK "), r));
        await("a row", () -> rows(robot) == 1);
        await("every node to finish", () -> window.session().network().nodes().stream().allMatch(n -> n.current() == null));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("from a terminal", Ledger.readAll(ledger()).get(0).transaction());
        assertOneWinnerOthersStopped(robot);
    }

    /**
     * Issue 17, "say what you show": each card's two bars have a caption on their left that names them, and every
     * place that says where the nodes listen writes each as address:port ("127.0.0.1:5000", not "127.0.0.1 : 5000").
     */
    @Test
    void eachBarIsCaptionedAndTheNodesAddressesReadAsAddressColonPort(FxRobot robot) throws Exception {
        for (NodeModel m : window.dashboard().nodes()) {
            String n = m.name();
            for (String[] bar : List.of(new String[] {"#rateCaption-", "hash rate", "#rateBar-"},
                    new String[] {"#progressCaption-", "progress", "#progress-"})) {
                Label caption = robot.lookup(bar[0] + n).queryAs(Label.class);
                javafx.scene.Node target = robot.lookup(bar[2] + n).query();
                assertEquals(bar[1], fx(caption::getText), n);
                assertTrue(fx(() -> caption.getLabelFor() == target), bar[1] + " names " + bar[2] + n);
                javafx.geometry.Bounds c = fx(() -> caption.localToScene(caption.getLayoutBounds()));
                javafx.geometry.Bounds b = fx(() -> target.localToScene(target.getLayoutBounds()));
                assertTrue(fx(caption::isVisible) && c.getWidth() > 0 && c.getMaxX() <= b.getMinX(),
                        bar[1] + " is on the left of its bar: " + c + " " + b);
                double middle = (c.getMinY() + c.getMaxY()) / 2;
                assertTrue(middle >= b.getMinY() - 1 && middle <= b.getMaxY() + 1,
                        bar[1] + " is level with its bar: " + c + " " + b);
            }
        }
        List<Integer> ports = window.session().network().ports();
        String addresses = "127.0.0.1:" + ports.get(0) + ", 127.0.0.1:" + ports.get(1) + ", 127.0.0.1:" + ports.get(2);
        assertEquals(addresses, window.dashboard().portsText(), "as the ready line on stderr gives them");
        assertTrue(text(robot, "#status").startsWith("Listening on " + addresses + "   ·   "), text(robot, "#status"));
        assertEquals("Nodes on " + addresses, text(robot, "#portsLabel"));
    }

    @Test
    void blankInputCantBeSubmitted(FxRobot robot) throws Exception {
        robot.write("   ");
        Button mine = robot.lookup("#mineButton").queryButton();
        assertTrue(fx(mine::isDisabled), "Mine is disabled for blank input");
        robot.type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(fx(() -> robot.lookup("#inputError").query().isVisible()));
        assertTrue(text(robot, "#inputError").contains("Type a transaction"));
        Thread.sleep(300);
        assertEquals("idle", text(robot, "#state-Node1"));
        assertEquals(0, rows(robot));
        assertEquals("[]", Files.readString(ledger()).trim());
    }

    @Test
    void tooLongInputIsRefusedWithTheReason(FxRobot robot) throws Exception {
        robot.interact(() -> robot.lookup("#transactionField").queryTextInputControl().setText("x".repeat(70_000)));
        robot.clickOn("#mineButton");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(text(robot, "#inputError").contains("Too long: 70000 bytes"), text(robot, "#inputError"));
        assertEquals("idle", text(robot, "#state-Node1"));
    }

    @Test
    void aLongRaceShowsLiveRatesAndProgressAndClosingTheWindowEndsIt(FxRobot robot) throws Exception {
        robot.interact(() -> window.dashboard().difficultyProperty().set(8));
        robot.write("a very long race").type(KeyCode.ENTER);
        List<Node> nodes = window.session().network().nodes();
        await("all nodes mining", () -> nodes.stream().allMatch(n -> n.current() != null));
        await("rates on every bar", () -> fx(() -> window.dashboard().nodes().stream()
                .allMatch(m -> m.rateProperty().get() > 0 && m.rateShareProperty().get() > 0)));
        for (NodeModel m : window.dashboard().nodes()) {
            String rate = text(robot, "#rate-" + m.name());
            assertTrue(rate.matches("\\d+(\\.\\d+)? [kMG]?H/s"), rate);
        }
        long before = fx(() -> window.dashboard().nodes().get(0).hashesProperty().get());
        await("progress moves", () -> fx(() -> window.dashboard().nodes().get(0).hashesProperty().get()) > before);
        assertEquals("mining", text(robot, "#state-Node2"));

        robot.interact(stage::close);
        await("mining to stop", () -> nodes.stream().allMatch(n -> n.current() == null));
        long after = nodes.stream().mapToLong(Node::hashes).sum();
        Thread.sleep(300);
        assertEquals(after, nodes.stream().mapToLong(Node::hashes).sum(), "no node hashes after the window closed");
        assertEquals(0, Ledger.readAll(ledger()).size());
    }

    @Test
    void theWindowOpensAt1280x800OrAsLargeAsTheScreenAllows(FxRobot robot) throws Exception {
        Rectangle2D screen = fx(() -> Screen.getPrimary().getVisualBounds());
        double w = Math.min(1280, screen.getWidth());
        double h = Math.min(800, screen.getHeight());
        Rectangle2D expected = new Rectangle2D(screen.getMinX() + (screen.getWidth() - w) / 2,
                screen.getMinY() + (screen.getHeight() - h) / 2, w, h);
        assertEquals(expected, fx(() -> bounds(stage)), "on a " + screen.getWidth() + "x" + screen.getHeight() + " screen");
        if (screen.getWidth() >= 1280 && screen.getHeight() >= 800) {
            assertEquals(1280, fx(stage::getWidth));
            assertEquals(800, fx(stage::getHeight));
        }
        assertTrue(fx(stage::getMinWidth) <= w && fx(stage::getMinHeight) <= h, "a minimum size that fits the screen");
    }

    @Test
    void theWindowOpensWhereItWasLastClosed(FxRobot robot) throws Exception {
        Rectangle2D moved = new Rectangle2D(40, 30, 1000, 700);
        robot.interact(() -> {
            stage.setX(moved.getMinX());
            stage.setY(moved.getMinY());
            stage.setWidth(moved.getWidth());
            stage.setHeight(moved.getHeight());
        });
        robot.interact(stage::close);
        assertEquals(Optional.of(moved), WindowPlacement.load(prefs),
                "saved when the window closed");

        // The next run, on a stage of its own.
        Stage next = fx(Stage::new);
        Window reopened = fx(() -> Window.open(next, settings, dir.resolve("ledger.json"), EngineFactory.digest(),
                () -> {}, prefs));
        try {
            assertEquals(moved, fx(() -> bounds(next)));
        } finally {
            robot.interact(next::close);
            assertTrue(reopened != null);
        }
    }

    /**
     * Whatever is typed into a spinner (nothing and Tab, "2x" and Enter) leaves it usable, showing the value it kept
     * (issue 19: the difficulty spinner threw a NullPointerException, then a NumberFormatException, and its arrows
     * threw from then on).
     */
    @Test
    void whateverIsTypedIntoASpinnerLeavesItUsableShowingTheValueItKept(FxRobot robot) throws Exception {
        for (String id : List.of("#difficultySpinner", "#seriesCount")) {
            javafx.scene.control.Spinner<Integer> s = robot.lookup(id).query();
            int before = fx(s::getValue);
            for (String typed : List.of("", "2x")) {
                robot.doubleClickOn(s.getEditor());
                fx(() -> {
                    s.getEditor().selectAll();
                    return null;
                });
                robot.type(KeyCode.BACK_SPACE);
                if (!typed.isEmpty()) {
                    robot.write(typed);
                }
                robot.type(typed.isEmpty() ? KeyCode.TAB : KeyCode.ENTER);
                WaitForAsyncUtils.waitForFxEvents();
                assertEquals(before, fx(s::getValue), id + " after '" + typed + "'");
                assertEquals(String.valueOf(before), fx(() -> s.getEditor().getText()), id + " shows the value kept");
            }
            fx(() -> {
                s.increment();
                return null;
            });
            assertTrue(fx(s::getValue) > before, id + "'s arrows still work");
            fx(() -> {
                s.decrement();
                return null;
            });
        }
    }
}
