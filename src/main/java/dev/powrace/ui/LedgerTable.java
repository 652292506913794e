package dev.powrace.ui;

import dev.powrace.ledger.Entry;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.collections.transformation.SortedList;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.OverrunStyle;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.control.skin.VirtualFlow;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;

/**
 * Every ledger entry. Virtualized, so 100 000 rows scroll smoothly. The table shows a sorted view of the
 * ledger ({@link SortedList}): sorting by a column never reorders the ledger itself, and {@code #} is always
 * the entry's position in the ledger. The table follows the newest entry while it is in view: a new winner is
 * then scrolled into view wherever the sort puts it (at the end when unsorted). Scrolled away from it, or with an
 * older row picked and on screen, the table stays where it is, the same row on top, so older rows can be read
 * during a series. At 1280 px every column fits: the hash is shortened in the middle, but Ctrl+C (or the
 * context menu) copies the selected row's full hash, and hovering shows it.
 */
final class LedgerTable extends TableView<Entry> {
    private final ObservableList<Entry> ledger;
    private final SortedList<Entry> view;
    /** Each entry's 0-based position in the ledger; entries are distinct objects, so by identity. */
    private final Map<Entry, Integer> positions = new IdentityHashMap<>();
    private static final double TRANSACTION_MIN = 120;
    private static final double HASH_MIN = 128;
    /** Wide enough for all 64 hex digits. */
    private static final double HASH_MAX = 470;
    private final TableColumn<Entry, String> transaction;
    private final TableColumn<Entry, String> hash;
    private ScrollBar verticalBar;
    /** The newest entry, to be scrolled into view once the table has taken it in; null if none is due. */
    private Entry toReveal;
    /** The entry on top, to be kept there once the table has taken new ones in; null if none is due. */
    private Entry toKeep;
    /** How far (px) {@link #toKeep}'s row is scrolled above the top. */
    private double keptOffset;

    /** The table's preferred height: JavaFX's TableView skin prefers 400 pixels whatever its rows. */
    static final double PREF_HEIGHT = 400;

    LedgerTable(ObservableList<Entry> ledger, Consumer<Entry> onPick) {
        this.ledger = ledger;
        // Registered before the sorted view's own listener, so that positions are current when it sorts.
        ledger.addListener(this::updatePositions);
        reindex();
        view = new SortedList<>(ledger);
        view.comparatorProperty().bind(comparatorProperty());
        setItems(view);

        setId("ledgerTable");
        getStyleClass().add("ledger-table");
        setPlaceholder(new Label("The ledger is empty: winners appear here."));
        // Columns whose content has one width get that width; the transaction and the hash share the rest
        // (see fit). A window too narrow for every column scrolls sideways.
        setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);

        TableColumn<Entry, Integer> index = new TableColumn<>("#");
        index.setId("column-index");
        index.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(position(c.getValue())));
        index.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(Integer item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : String.valueOf(item));
            }
        });
        index.setPrefWidth(60);
        getColumns().add(index);
        getColumns().add(column("node", Entry::node, 80, null, OverrunStyle.ELLIPSIS, false));
        transaction = column("transaction", Entry::transaction, TRANSACTION_MIN, null, OverrunStyle.ELLIPSIS, true);
        getColumns().add(transaction);
        getColumns().add(column("nonce", e -> String.valueOf(e.nonce()), 148, "mono", OverrunStyle.ELLIPSIS, false));
        hash = column("hash", Entry::hash, HASH_MIN, "hash", OverrunStyle.CENTER_ELLIPSIS, true);
        getColumns().add(hash);
        getColumns().add(column("difficulty", e -> String.valueOf(e.difficulty()), 76, null, OverrunStyle.ELLIPSIS,
                false));
        getColumns().add(column("time taken", e -> e.timeTaken() == null ? "" : e.timeTaken().toPlainString() + " s",
                112, "mono", OverrunStyle.ELLIPSIS, false));
        getColumns().add(column("start", Entry::startTime, 240, "mono", OverrunStyle.ELLIPSIS, false));
        getColumns().add(column("end", Entry::endTime, 240, "mono", OverrunStyle.ELLIPSIS, false));
        widthProperty().addListener(o -> fit());
        for (TableColumn<Entry, ?> c : getColumns()) {
            if (c != transaction && c != hash) {
                c.widthProperty().addListener(o -> fit());
            }
        }
        skinProperty().addListener(o -> {
            for (Node n : lookupAll(".scroll-bar")) {
                if (n instanceof ScrollBar bar && bar.getOrientation() == Orientation.VERTICAL) {
                    bar.visibleProperty().addListener(v -> fit());
                    bar.widthProperty().addListener(v -> fit());
                    verticalBar = bar;
                }
            }
        });

        getSelectionModel().selectedItemProperty().addListener((obs, old, e) -> {
            if (e != null) {
                onPick.accept(e);
            }
        });
        ledger.addListener((ListChangeListener<Entry>) c -> {
            int from = appendedFrom(c);
            if (from >= 0) {
                appended(from == 0 ? null : ledger.get(from - 1), ledger.get(ledger.size() - 1));
            }
        });

        MenuItem copyHash = new MenuItem("Copy hash");
        copyHash.setOnAction(e -> copy(Entry::hash));
        MenuItem copyTx = new MenuItem("Copy transaction");
        copyTx.setOnAction(e -> copy(Entry::transaction));
        setContextMenu(new ContextMenu(copyHash, copyTx));
        KeyCombination ctrlC = new KeyCodeCombination(KeyCode.C, KeyCombination.SHORTCUT_DOWN);
        setOnKeyPressed(e -> {
            if (ctrlC.match(e)) {
                copy(Entry::hash);
            }
        });
    }

    /**
     * Gives the transaction and the hash the width the other columns leave: the hash 40 % of it, between
     * {@value #HASH_MIN} px and its full length, the transaction the rest, at least {@value #TRANSACTION_MIN} px.
     */
    private void fit() {
        double room = getWidth() - snappedLeftInset() - snappedRightInset() - 2;
        if (verticalBar != null && verticalBar.isVisible()) {
            room -= verticalBar.getWidth();
        }
        double others = 0;
        for (TableColumn<Entry, ?> c : getColumns()) {
            if (c != transaction && c != hash && c.isVisible()) {
                others += c.getWidth();
            }
        }
        double rest = Math.floor(room - others);
        double h = Math.max(HASH_MIN, Math.min(HASH_MAX, Math.floor(rest * 0.4)));
        hash.setPrefWidth(h);
        transaction.setPrefWidth(Math.max(TRANSACTION_MIN, rest - h));
    }

    /** The entry's position in the ledger, from 1; null if it is not in it. */
    Integer position(Entry e) {
        Integer i = positions.get(e);
        return i == null ? null : i + 1;
    }

    /**
     * Entries were appended to the ledger, {@code newest} the last of them, {@code before} the newest until then
     * (null if there was none). The table's cells are still those of before the change: they tell what was in view.
     */
    private void appended(Entry before, Entry newest) {
        if (toReveal != null) { // still following: the newest until now is not shown yet
            toReveal = newest;
            return;
        }
        VirtualFlow<?> flow = lookup(".virtual-flow") instanceof VirtualFlow<?> f ? f : null;
        if (flow == null || flow.getFirstVisibleCell() == null || following(flow, before)) {
            toReveal = newest;
            Platform.runLater(() -> { // once the table has taken the change in
                Entry e = toReveal;
                toReveal = null;
                reveal(e);
            });
        } else if (toKeep == null) {
            toKeep = (Entry) flow.getFirstVisibleCell().getItem();
            keptOffset = -flow.getFirstVisibleCell().getLayoutY();
            Platform.runLater(() -> {
                Entry e = toKeep;
                toKeep = null;
                keepOnTop(e, keptOffset);
            });
        }
    }

    /**
     * True if the table follows the newest entry: {@code before}, the newest until now, is in view, and no other row
     * is picked and in view (someone is reading it).
     */
    private boolean following(VirtualFlow<?> flow, Entry before) {
        if (before == null) {
            return true;
        }
        Entry picked = getSelectionModel().getSelectedItem();
        boolean beforeShown = false;
        int first = flow.getFirstVisibleCell().getIndex();
        int last = flow.getLastVisibleCell().getIndex();
        for (int i = first; i <= last; i++) {
            javafx.scene.control.IndexedCell<?> cell = flow.getVisibleCell(i);
            Object item = cell == null ? null : cell.getItem();
            if (item == null) {
                continue;
            }
            if (item == before) {
                beforeShown = true;
            } else if (item == picked) {
                return false;
            }
        }
        return beforeShown;
    }

    /** Scrolls, if need be, so that {@code e}'s row is on top again, {@code offset} px of it above the top. */
    private void keepOnTop(Entry e, double offset) {
        Integer i = e == null ? null : positions.get(e);
        if (i == null || i >= ledger.size() || ledger.get(i) != e
                || !(lookup(".virtual-flow") instanceof VirtualFlow<?> flow)) {
            return;
        }
        int row = view.getViewIndex(i);
        layout();
        if (row < 0 || flow.getFirstVisibleCell() == null || flow.getFirstVisibleCell().getIndex() == row) {
            return;
        }
        flow.scrollToTop(row);
        flow.scrollPixels(offset);
    }

    /** Scrolls the table, as little as needed, to show {@code e}. */
    private void reveal(Entry e) {
        Integer i = positions.get(e);
        if (i == null || i >= ledger.size() || ledger.get(i) != e) {
            return;
        }
        int row = view.getViewIndex(i);
        if (row < 0) {
            return;
        }
        if (lookup(".virtual-flow") instanceof VirtualFlow<?> flow) {
            layout(); // the flow learns of the new row count in a layout pass; until then it can't scroll to it
            flow.scrollTo(row);
        } else {
            scrollTo(row);
        }
    }

    /** Where a change appended entries at the end of the ledger, -1 if it did not. */
    private int appendedFrom(ListChangeListener.Change<? extends Entry> c) {
        c.reset();
        int from = -1;
        while (c.next()) {
            if (c.wasAdded() && !c.wasRemoved() && c.getTo() == ledger.size()) {
                from = c.getFrom();
            }
        }
        c.reset();
        return from;
    }

    private void updatePositions(ListChangeListener.Change<? extends Entry> c) {
        boolean appendOnly = true;
        int from = ledger.size();
        while (c.next()) {
            if (c.wasAdded() && !c.wasRemoved() && !c.wasPermutated() && c.getTo() == ledger.size()) {
                from = Math.min(from, c.getFrom());
            } else {
                appendOnly = false;
            }
        }
        c.reset();
        if (!appendOnly) {
            reindex();
            return;
        }
        for (int i = from; i < ledger.size(); i++) {
            positions.put(ledger.get(i), i);
        }
    }

    private void reindex() {
        positions.clear();
        for (int i = 0; i < ledger.size(); i++) {
            positions.put(ledger.get(i), i);
        }
    }

    private void copy(Function<Entry, String> what) {
        Entry e = getSelectionModel().getSelectedItem();
        if (e != null) {
            ClipboardContent content = new ClipboardContent();
            content.putString(what.apply(e));
            Clipboard.getSystemClipboard().setContent(content);
        }
    }

    private static TableColumn<Entry, String> column(String title, Function<Entry, String> value, double width,
            String styleClass, OverrunStyle overrun, boolean tooltip) {
        TableColumn<Entry, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setId("column-" + title.replace(' ', '-'));
        c.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        c.setCellFactory(col -> new TableCell<>() {
            private final Tooltip tip = new Tooltip();

            {
                setTextOverrun(overrun);
            }

            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
                if (tooltip) { // the full text on hover, where the column may have to shorten it
                    tip.setText(item);
                    setTooltip(empty || item == null ? null : tip);
                }
            }
        });
        if (styleClass != null) {
            c.getStyleClass().add(styleClass);
        }
        return c;
    }
}
