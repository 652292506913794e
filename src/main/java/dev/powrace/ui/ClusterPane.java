package dev.powrace.ui;

import java.util.ArrayList;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.Subscription;

/**
 * Every node of the cluster as one compact row each, grouped by label under a header, the lines flowing down
 * one column and on into the next, each column under headings that name its cells, so that 30 nodes stay readable at 1280x800. Nodes appear and disappear as
 * the {@link ClusterModel} says; a row's figures are bound to its model. The rows are built anew whenever nodes
 * come or go or the columns change, while the models live on: what a row ties to its model (bindings, listeners)
 * is undone when the rows are rebuilt, so that old rows are not kept alive, nor updated, by the models.
 */
final class ClusterPane extends HBox {
    /** A column's width: a row's fixed parts and a rate bar. */
    static final double COLUMN_WIDTH = 605;
    /** The engine's cell, or a local node's power spinner in its place. */
    static final double ENGINE_WIDTH = 58;

    private final ClusterModel model;
    private final ListChangeListener<Object> relayout = c -> layoutLines();
    private int columns = 1;
    /** Undoes what the rows on show tied to the models. */
    private Subscription rowTies = Subscription.EMPTY;

    ClusterPane(ClusterModel model) {
        this.model = model;
        setId("clusterNodes");
        getStyleClass().add("cluster-nodes");
        setSpacing(12);
        setFillHeight(false);
        model.groups().addListener((ListChangeListener<ClusterModel.Group>) c -> {
            while (c.next()) {
                c.getAddedSubList().forEach(g -> g.rows().addListener(relayout));
                c.getRemoved().forEach(g -> g.rows().removeListener(relayout));
            }
            layoutLines();
        });
        model.groups().forEach(g -> g.rows().addListener(relayout));
        widthProperty().addListener((obs, old, w) -> {
            int fit = Math.max(1, (int) ((w.doubleValue() + getSpacing()) / (COLUMN_WIDTH + getSpacing())));
            if (fit != columns) {
                columns = fit;
                layoutLines();
            }
        });
        layoutLines();
    }

    /**
     * Headers and rows in as many columns as fit: whole groups if that costs at most two lines more than an even
     * split, else an even split, a group carried on under its header repeated.
     */
    private void layoutLines() {
        rowTies.unsubscribe();
        List<Subscription> ties = new ArrayList<>();
        List<Integer> sizes = model.groups().stream().map(g -> g.rows().size() + 1).toList();
        int lines = sizes.stream().mapToInt(Integer::intValue).sum();
        int even = Math.max(4, (lines + columns - 1) / columns);
        int whole = wholeGroups(sizes, columns);
        boolean keepWhole = whole <= even + 2;
        int perColumn = keepWhole ? whole : even;
        List<VBox> cols = new ArrayList<>();
        VBox col = column(cols);
        for (ClusterModel.Group g : model.groups()) {
            int in = lines(col);
            boolean full = keepWhole ? in + g.rows().size() + 1 > perColumn : in + 2 > perColumn; // header and a row
            if (in > 0 && full && cols.size() < columns) {
                col = column(cols);
            }
            col.getChildren().add(header(g, false));
            for (ClusterModel.Row r : g.rows()) {
                if (!keepWhole && lines(col) >= perColumn && cols.size() < columns) {
                    col = column(cols);
                    col.getChildren().add(header(g, true));
                }
                col.getChildren().add(row(r, ties));
            }
        }
        for (VBox c : cols) { // each column's headings name its cells: "engine" or, where this window's are, "power %"
            boolean local = c.getChildren().stream().anyMatch(n -> n.getStyleClass().contains("local")
                    && n.getStyleClass().contains("cluster-row"));
            boolean remote = c.getChildren().stream().anyMatch(n -> n.getStyleClass().contains("remote")
                    && n.getStyleClass().contains("cluster-row"));
            c.getChildren().add(0, columnHeadings(local, remote, cols.indexOf(c)));
        }
        getChildren().setAll(cols);
        rowTies = Subscription.combine(ties.toArray(Subscription[]::new));
    }

    /** The tallest column when whole groups, in order, fill at most {@code columns} columns as evenly as can be. */
    static int wholeGroups(List<Integer> sizes, int columns) {
        int total = 0;
        int largest = 0;
        for (int s : sizes) {
            total += s;
            largest = Math.max(largest, s);
        }
        for (int height = Math.max(largest, (total + columns - 1) / columns); ; height++) {
            int used = 1;
            int in = 0;
            for (int s : sizes) {
                if (in > 0 && in + s > height) {
                    used++;
                    in = 0;
                }
                in += s;
            }
            if (used <= columns) {
                return height;
            }
        }
    }

    /** The lines a column holds so far: group headers and rows (its column headings come last, on top). */
    private static int lines(VBox col) {
        return col.getChildren().size();
    }

    /**
     * The column headings over a column's rows, each over its cell: node, engine (this window's nodes show their
     * power spinner there: "power %"), hash rate (over the bar and its figure), start, end, state, wins.
     */
    private static Node columnHeadings(boolean local, boolean remote, int column) {
        Label name = cell(new Label("node"), "column-heading", 72);
        Label engine = cell(new Label(local && remote ? "power/engine" : local ? "power %" : "engine"),
                "column-heading", ENGINE_WIDTH);
        engine.setMinWidth(Region.USE_PREF_SIZE);
        engine.setMaxWidth(Region.USE_PREF_SIZE);
        engine.setPrefWidth(Region.USE_COMPUTED_SIZE);
        engine.setTooltip(new Tooltip("Each node's mining engine; this window's own nodes have their power there "
                + "instead, the share of their thread's time they mine, in %"));
        Label rate = new Label("hash rate");
        rate.getStyleClass().add("column-heading");
        rate.setAlignment(Pos.CENTER_RIGHT);
        rate.setMaxWidth(Double.MAX_VALUE);
        rate.setMinWidth(Region.USE_PREF_SIZE);
        HBox.setHgrow(rate, Priority.ALWAYS);
        rate.setTooltip(new Tooltip("Hashes a second; between races the rate last seen while mining"));
        Label start = cell(new Label("start"), "column-heading", 86);
        start.setAlignment(Pos.CENTER_RIGHT);
        start.setTooltip(new Tooltip("the latest attempt's start, minutes:seconds to the microsecond"));
        Label end = cell(new Label("end"), "column-heading", 86);
        end.setAlignment(Pos.CENTER_RIGHT);
        end.setTooltip(new Tooltip("the latest attempt's end, minutes:seconds to the microsecond"));
        Label state = cell(new Label("state"), "column-heading", 54);
        state.setAlignment(Pos.CENTER);
        Label wins = cell(new Label("wins"), "column-heading", 30);
        wins.setAlignment(Pos.CENTER_RIGHT);
        wins.setTooltip(new Tooltip("races won"));
        HBox headings = new HBox(5, name, engine, rate, start, end, state, wins);
        headings.setId("columnHeadings-" + column);
        headings.setAlignment(Pos.CENTER_LEFT);
        headings.getStyleClass().add("cluster-headings");
        return headings;
    }

    private static VBox column(List<VBox> cols) {
        VBox col = new VBox(2);
        col.setPrefWidth(COLUMN_WIDTH);
        col.setMinWidth(COLUMN_WIDTH);
        col.getStyleClass().add("cluster-column");
        cols.add(col);
        return col;
    }

    private static Node header(ClusterModel.Group g, boolean continued) {
        Label title = new Label(g.title() + (continued ? " (continued)" : ""));
        title.setId(continued ? null : "group-" + g.label());
        title.getStyleClass().addAll("cluster-group", g.local() ? "local" : "remote");
        title.setMaxWidth(Double.MAX_VALUE);
        return title;
    }

    /** A row bound to {@code r}; what undoes each tie to {@code r} (and to its local model) goes into {@code ties}. */
    private static Node row(ClusterModel.Row r, List<Subscription> ties) {
        String n = r.name();
        // under its group's heading (the label), a row names its node alone: "teacher/Node1" did not fit and read
        // "teacher/..."; the whole name is in the tooltip
        Label name = cell(new Label(n.substring(n.indexOf('/') + 1)), "row-name", 72);
        name.setTooltip(new Tooltip(n + (r.local() ? " (this window)" : "") + " on " + r.addressProperty().get()));
        // This window's own nodes have their power control where the others show their engine (the same for all
        // of this window's nodes: it is in the name's tooltip).
        Node engineOrPower;
        if (r.local()) {
            javafx.scene.control.Spinner<Integer> power = NodeCard.powerSpinner(r.localModel(), ties::add);
            power.setId("power-" + n);
            power.getStyleClass().add("row-power");
            power.setPrefWidth(ENGINE_WIDTH);
            power.setMinWidth(ENGINE_WIDTH);
            power.setMaxWidth(ENGINE_WIDTH);
            engineOrPower = power;
            ties.add(r.engineProperty().subscribe((old, e) -> name.getTooltip().setText(n + " (this window, engine " + e
                    + ", power in %) on " + r.addressProperty().get())));
        } else {
            Label engine = cell(new Label(), "row-engine", ENGINE_WIDTH);
            bind(engine.textProperty(), r.engineProperty(), ties);
            engineOrPower = engine;
        }
        ProgressBar bar = new ProgressBar(0);
        bar.getStyleClass().add("row-rate-bar");
        bar.setId("rowRate-" + n);
        bar.setPrefWidth(90);
        bar.setMinWidth(60);
        bar.progressProperty().bind(r.rateShareProperty());
        ties.add(bar.progressProperty()::unbind);
        styleWhile(bar, r.settledProperty(), "settled", ties);
        HBox.setHgrow(bar, Priority.ALWAYS);
        bar.setMaxWidth(Double.MAX_VALUE);
        Label rate = cell(new Label(), "row-rate", 70);
        bind(rate.textProperty(), r.rateTextProperty(), ties);
        Label start = cell(new Label(), "row-time", 86);
        bind(start.textProperty(), r.startTextProperty(), ties);
        start.setTooltip(new Tooltip("the latest attempt's start, minutes:seconds to the microsecond"));
        Label end = cell(new Label(), "row-time", 86);
        bind(end.textProperty(), r.endTextProperty(), ties);
        end.setTooltip(new Tooltip("the latest attempt's end, minutes:seconds to the microsecond"));
        Label state = cell(new Label(), "state-badge", 54);
        state.setId("rowState-" + n);
        state.setAlignment(Pos.CENTER);
        bind(state.textProperty(), Bindings.createStringBinding(() -> r.stateProperty().get().label(),
                r.stateProperty()), ties);
        state.getStyleClass().add(r.stateProperty().get().styleClass());
        ties.add(r.stateProperty().subscribe((old, s) -> {
            state.getStyleClass().remove(old.styleClass());
            state.getStyleClass().add(s.styleClass());
        }));
        Label wins = cell(new Label(), "row-wins", 30);
        bind(wins.textProperty(), Bindings.createStringBinding(() -> "" + r.winsProperty().get(), r.winsProperty()),
                ties);
        wins.setTooltip(new Tooltip("races won"));
        HBox row = new HBox(5, name, engineOrPower, bar, rate, start, end, state, wins);
        row.setId("row-" + n);
        row.setAlignment(Pos.CENTER_LEFT);
        row.getStyleClass().addAll("cluster-row", r.local() ? "local" : "remote");
        styleWhile(row, r.winnerProperty(), "winner", ties);
        return row;
    }

    /** Binds {@code target} to {@code source} until the ties are undone (a binding made here is disposed then). */
    private static void bind(StringProperty target, ObservableValue<String> source, List<Subscription> ties) {
        target.bind(source);
        ties.add(() -> {
            target.unbind();
            if (source instanceof StringBinding b) {
                b.dispose();
            }
        });
    }

    /** Gives {@code node} the style class while {@code on} is true (until the ties are undone). */
    private static void styleWhile(Node node, ObservableValue<Boolean> on, String styleClass, List<Subscription> ties) {
        if (on.getValue()) {
            node.getStyleClass().add(styleClass);
        }
        ties.add(on.subscribe((was, is) -> {
            if (is) {
                node.getStyleClass().add(styleClass);
            } else {
                node.getStyleClass().remove(styleClass);
            }
        }));
    }

    private static Label cell(Label l, String styleClass, double width) {
        l.getStyleClass().add(styleClass);
        l.setMinWidth(width);
        l.setPrefWidth(width);
        l.setMaxWidth(width);
        return l;
    }
}
