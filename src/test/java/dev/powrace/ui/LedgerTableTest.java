package dev.powrace.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.node.Client;
import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;
import javafx.geometry.Bounds;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.skin.VirtualFlow;
import javafx.scene.input.Clipboard;
import javafx.scene.input.KeyCode;
import javafx.scene.text.Text;
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

/** The ledger table in the window, headless (Monocle): sorting, the # column, the newest row, the columns' fit. */
@Tag("GUITest")
@ExtendWith(ApplicationExtension.class)
class LedgerTableTest {
    @TempDir
    Path dir;

    final Preferences prefs = Preferences.userRoot().node("/powrace-test/" + UUID.randomUUID());
    Window window;
    Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        Settings settings = Settings.defaults().withPorts(List.of(0, 0, 0)).withDifficulty(1);
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

    <T> T fx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(10, TimeUnit.SECONDS);
    }

    /** The ledger's table joins the window after its first frame (Window.afterFirstFrame): the tests begin once it has. */
    @org.junit.jupiter.api.BeforeEach
    void tableShown(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> robot.lookup("#ledgerTable").tryQuery().isPresent());
    }

    @SuppressWarnings("unchecked")
    TableView<Entry> table(FxRobot robot) {
        return robot.lookup("#ledgerTable").queryAs(TableView.class);
    }

    /** Races {@code text} through the nodes' sockets, as nc would, and waits for its row. */
    void race(FxRobot robot, String text) throws Exception {
        int before = fx(() -> window.dashboard().entries().size());
        List<String> replies = Client.sendToAll("127.0.0.1", window.session().network().ports(), text);
        replies.forEach(r -> assertTrue(r.startsWith("OK "), r));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> fx(() -> window.dashboard().entries().size()) == before + 1
                && table(robot).getItems().size() == before + 1);
        WaitForAsyncUtils.waitForFxEvents();
    }

    List<String> transactions(List<Entry> entries) {
        return entries.stream().map(Entry::transaction).toList();
    }

    List<String> shownTransactions(FxRobot robot) throws Exception {
        return fx(() -> transactions(table(robot).getItems()));
    }

    /** What the table's cells show in one column, row by row, for the rows on screen. */
    List<String> shownColumn(FxRobot robot, String columnId) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        return fx(() -> {
            TableView<Entry> table = table(robot);
            TableColumn<Entry, ?> column = table.getColumns().stream().filter(c -> columnId.equals(c.getId()))
                    .findFirst().orElseThrow();
            List<String> shown = new ArrayList<>();
            for (int row = 0; row < table.getItems().size(); row++) {
                shown.add(cell(table, row, column).getText());
            }
            return shown;
        });
    }

    static TableCell<?, ?> cell(TableView<Entry> table, int row, TableColumn<Entry, ?> column) {
        for (Node n : table.lookupAll(".table-row-cell")) {
            if (n instanceof TableRow<?> r && r.getIndex() == row && !r.isEmpty()) {
                for (Node c : r.lookupAll(".table-cell")) {
                    if (c instanceof TableCell<?, ?> cell && cell.getTableColumn() == column) {
                        return cell;
                    }
                }
            }
        }
        throw new AssertionError("row " + row + " is not on screen");
    }

    /** True if the table's row {@code row} is on screen. */
    boolean onScreen(FxRobot robot, int row) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        return fx(() -> {
            VirtualFlow<?> flow = (VirtualFlow<?>) table(robot).lookup(".virtual-flow");
            return flow.getFirstVisibleCell().getIndex() <= row && row <= flow.getLastVisibleCell().getIndex();
        });
    }

    void clickHeader(FxRobot robot, String columnId) {
        robot.clickOn(robot.lookup(".column-header").match(n -> columnId.equals(n.getId())).queryAs(Node.class));
        WaitForAsyncUtils.waitForFxEvents();
    }

    static Entry entry(int i) {
        return new Entry("Node" + (1 + i % 3), String.format("t%03d", i), 1000L + i, String.format("00%062x", i), 1,
                Entry.seconds(1000 + i), "2026-11-25T10:00:00.000000+00:00", "2026-11-25T10:00:00.000001+00:00", 1);
    }

    @Test
    void sortingByAColumnSortsAViewAndLeavesTheLedgerInItsOrder(FxRobot robot) throws Exception {
        race(robot, "charlie");
        race(robot, "alpha");
        race(robot, "bravo");
        List<Entry> ledgerOrder = fx(() -> List.copyOf(window.dashboard().entries()));
        assertEquals(List.of("charlie", "alpha", "bravo"), transactions(ledgerOrder));

        clickHeader(robot, "column-transaction");
        List<Entry> after = fx(() -> List.copyOf(window.dashboard().entries()));
        for (int i = 0; i < ledgerOrder.size(); i++) {
            assertSame(ledgerOrder.get(i), after.get(i), "the dashboard's list is still in ledger order");
        }
        assertEquals(List.of("alpha", "bravo", "charlie"), shownTransactions(robot));
        assertEquals(List.of("2", "3", "1"), shownColumn(robot, "column-index"), "# is the place in the ledger");

        race(robot, "beta"); // a new winner lands where the sort puts it
        assertEquals(List.of("alpha", "beta", "bravo", "charlie"), shownTransactions(robot));
        assertEquals(List.of("2", "4", "3", "1"), shownColumn(robot, "column-index"));
        assertEquals(List.of("charlie", "alpha", "bravo", "beta"), fx(() -> transactions(window.dashboard().entries())));
        assertEquals(List.of("charlie", "alpha", "bravo", "beta"), transactions(Ledger.readAll(
                window.session().ledger().path())));

        clickHeader(robot, "column-transaction"); // descending
        assertEquals(List.of("charlie", "bravo", "beta", "alpha"), shownTransactions(robot));
        assertEquals(List.of("1", "3", "4", "2"), shownColumn(robot, "column-index"));
        clickHeader(robot, "column-index"); // by # again: the ledger's order
        assertEquals(List.of("charlie", "alpha", "bravo", "beta"), shownTransactions(robot));
        assertEquals(List.of("1", "2", "3", "4"), shownColumn(robot, "column-index"));
    }

    /** The index of the table's first row on screen. */
    int firstShown(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        return fx(() -> ((VirtualFlow<?>) table(robot).lookup(".virtual-flow")).getFirstVisibleCell().getIndex());
    }

    @Test
    void aNewWinnerIsScrolledIntoViewSortedOrNotWhileTheNewestIsInView(FxRobot robot) throws Exception {
        List<Entry> old = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            old.add(entry(i));
        }
        robot.interact(() -> window.dashboard().load(old));
        robot.interact(() -> table(robot).scrollTo(199));
        assertFalse(onScreen(robot, 0), "at the bottom: the start is out of view");

        race(robot, "zzz newest");
        assertTrue(onScreen(robot, 200), "unsorted: the new row, at the end, is in view");

        clickHeader(robot, "column-transaction");
        int newest = fx(() -> transactions(table(robot).getItems()).indexOf("zzz newest"));
        robot.interact(() -> table(robot).scrollTo(newest));
        race(robot, "t150 and a bit");
        int row = fx(() -> transactions(table(robot).getItems()).indexOf("t150 and a bit"));
        assertEquals(151, row);
        assertTrue(onScreen(robot, row), "sorted: the new row is in view where the sort put it");
        assertFalse(onScreen(robot, newest), "scrolled to it");
    }

    @Test
    void scrolledUpOrOnAnOlderRowTheTableStaysWhereItIs(FxRobot robot) throws Exception {
        List<Entry> old = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            old.add(entry(i));
        }
        robot.interact(() -> window.dashboard().load(old));
        robot.interact(() -> table(robot).scrollTo(50));
        assertEquals(50, firstShown(robot));

        // Scrolled up: new winners do not move the view.
        race(robot, "first");
        race(robot, "second");
        assertEquals(50, firstShown(robot), "the rows being read stay where they are");
        assertFalse(onScreen(robot, 201));

        // Back at the bottom: the table follows again.
        robot.interact(() -> table(robot).scrollTo(201));
        race(robot, "third");
        assertTrue(onScreen(robot, 202), "at the bottom the newest is followed");

        // An older row picked, on screen: it stays, and so does the view.
        int picked = fx(() -> ((VirtualFlow<?>) table(robot).lookup(".virtual-flow")).getLastVisibleCell().getIndex()) - 3;
        robot.clickOn(robot.lookup(".table-row-cell").match(n -> n instanceof TableRow<?> r && r.getIndex() == picked)
                .queryAs(Node.class));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(picked, fx(() -> table(robot).getSelectionModel().getSelectedIndex()));
        int first = firstShown(robot);
        race(robot, "fourth");
        race(robot, "fifth");
        assertEquals(first, firstShown(robot), "the view stays on the row picked");
        assertTrue(onScreen(robot, picked));
        assertEquals(picked, fx(() -> table(robot).getSelectionModel().getSelectedIndex()));
        assertFalse(onScreen(robot, 204), "the newest is not followed");

        // Sorted, scrolled to the top: a winner landing above the rows shown does not push them down.
        clickHeader(robot, "column-transaction");
        robot.interact(() -> table(robot).getSelectionModel().clearSelection());
        robot.interact(() -> table(robot).scrollTo(100));
        Entry top = fx(() -> table(robot).getItems().get(firstShown(robot)));
        race(robot, "t050 and a bit");
        assertEquals(top, fx(() -> table(robot).getItems().get(firstShown(robot))), "the same row is still on top");
    }

    @Test
    void at1280PxEveryColumnFitsAndTheHashIsShortenedButCopiedWhole(FxRobot robot) throws Exception {
        assertEquals(1280, fx(stage::getWidth), "the window test screen is 1280x800");
        race(robot, "fits");
        TableView<Entry> table = table(robot);
        Entry e = fx(() -> table.getItems().get(0));

        ScrollBar sideways = fx(() -> table.lookupAll(".scroll-bar").stream().map(ScrollBar.class::cast)
                .filter(b -> b.getOrientation() == Orientation.HORIZONTAL).findFirst().orElseThrow());
        assertFalse(fx(sideways::isVisible), "no horizontal scrolling");
        double columns = fx(() -> table.getColumns().stream().mapToDouble(TableColumn::getWidth).sum());
        assertTrue(columns <= fx(table::getWidth), columns + " px of columns in a " + fx(table::getWidth) + " px table");
        Bounds tableBounds = fx(() -> table.localToScene(table.getLayoutBounds()));
        for (String id : List.of("column-start", "column-end")) {
            Node header = robot.lookup(".column-header").match(n -> id.equals(n.getId())).query();
            Bounds b = fx(() -> header.localToScene(header.getLayoutBounds()));
            assertTrue(b.getMinX() >= tableBounds.getMinX() && b.getMaxX() <= tableBounds.getMaxX(),
                    id + " at " + b + " within the table at " + tableBounds);
        }
        assertEquals(e.startTime(), shown(table, 0, "column-start"), "the start time in full");
        assertEquals(e.endTime(), shown(table, 0, "column-end"), "the end time in full");

        String hash = shown(table, 0, "column-hash");
        assertTrue(hash.contains("…") && hash.length() < 64, "shortened: " + hash);
        assertTrue(hash.startsWith(e.hash().substring(0, 6)) && hash.endsWith(e.hash().substring(58)),
                "shortened in the middle, keeping the leading zeros and the end: " + hash);

        TableColumn<Entry, ?> hashColumn = fx(() -> table.getColumns().stream()
                .filter(c -> "column-hash".equals(c.getId())).findFirst().orElseThrow());
        robot.clickOn(fx(() -> cell(table, 0, hashColumn)));
        robot.press(KeyCode.CONTROL).type(KeyCode.C).release(KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(e.hash(), fx(() -> Clipboard.getSystemClipboard().getString()), "Ctrl+C copies the whole hash");
    }

    /** The text a cell actually draws, after any ellipsis. */
    String shown(TableView<Entry> table, int row, String columnId) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        return fx(() -> {
            TableColumn<Entry, ?> column = table.getColumns().stream().filter(c -> columnId.equals(c.getId()))
                    .findFirst().orElseThrow();
            Text text = (Text) cell(table, row, column).lookup(".text");
            assertNotNull(text);
            return text.getText();
        });
    }
}
