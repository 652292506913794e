package dev.powrace.ui;

import dev.powrace.ledger.Entry;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.value.ObservableValue;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyCodeCombination;

/**
 * Every ledger entry. Virtualized, so 100 000 rows scroll smoothly; the newest row is kept in view. Ctrl+C
 * (or the context menu) copies the selected row's full hash.
 */
final class LedgerTable extends TableView<Entry> {
    LedgerTable(ObservableList<Entry> entries, java.util.function.Consumer<Entry> onPick) {
        super(entries);
        setId("ledgerTable");
        getStyleClass().add("ledger-table");
        setPlaceholder(new Label("The ledger is empty: winners appear here."));
        setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);

        TableColumn<Entry, Entry> index = new TableColumn<>("#");
        index.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue()));
        index.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(Entry item, boolean empty) { // the row number is the entry's position
                super.updateItem(item, empty);
                setText(empty ? null : String.valueOf(getIndex() + 1));
            }
        });
        index.setSortable(false);
        index.setPrefWidth(60);
        getColumns().add(index);
        getColumns().add(column("node", Entry::node, 70, null));
        getColumns().add(column("transaction", Entry::transaction, 220, null));
        getColumns().add(column("nonce", e -> String.valueOf(e.nonce()), 170, "mono"));
        getColumns().add(column("hash", Entry::hash, 470, "hash"));
        getColumns().add(column("difficulty", e -> String.valueOf(e.difficulty()), 70, null));
        getColumns().add(column("time taken", e -> e.timeTaken() == null ? "" : e.timeTaken().toPlainString() + " s", 120, "mono"));
        getColumns().add(column("start", Entry::startTime, 250, "mono"));
        getColumns().add(column("end", Entry::endTime, 250, "mono"));

        getSelectionModel().selectedItemProperty().addListener((obs, old, e) -> {
            if (e != null) {
                onPick.accept(e);
            }
        });
        entries.addListener((ListChangeListener<Entry>) c -> {
            while (c.next()) {
                if (c.wasAdded() && c.getTo() == entries.size()) {
                    // Keep the newest visible, once the table itself has taken the change in.
                    javafx.application.Platform.runLater(() -> scrollTo(getItems().size() - 1));
                }
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

    private void copy(Function<Entry, String> what) {
        Entry e = getSelectionModel().getSelectedItem();
        if (e != null) {
            ClipboardContent content = new ClipboardContent();
            content.putString(what.apply(e));
            Clipboard.getSystemClipboard().setContent(content);
        }
    }

    private static TableColumn<Entry, String> column(String title, Function<Entry, String> value, double width,
            String styleClass) {
        TableColumn<Entry, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> constant(value.apply(cell.getValue())));
        c.setPrefWidth(width);
        if (styleClass != null) {
            c.getStyleClass().add(styleClass);
        }
        return c;
    }

    private static ObservableValue<String> constant(String s) {
        return new ReadOnlyObjectWrapper<>(s);
    }
}
