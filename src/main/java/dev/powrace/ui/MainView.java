package dev.powrace.ui;

import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.Node;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

/** The window's content, bound to a {@link Dashboard}. */
final class MainView {
    /** How often the counters are sampled: 20 times a second. */
    static final Duration SAMPLE_PERIOD = Duration.millis(50);
    /** The races "Race ×N" runs unless told otherwise. */
    static final int DEFAULT_SERIES = 100;

    private final Dashboard dashboard;
    private final AttackModel attack;
    private AttackView attackView;
    private final BorderPane root = new BorderPane();
    private final TextField field = new TextField();
    private final Label inputError = new Label();
    /** The ledger's section: its title, then the room for the table, then the table once {@link #showLedger} is called. */
    private final VBox ledgerPane = new VBox(6);
    private final Timeline sampler;

    MainView(Dashboard dashboard, AttackModel attack) {
        this.dashboard = dashboard;
        this.attack = attack;
        root.getStyleClass().add("powrace");
        root.setTop(inputBar());
        root.setCenter(tabs());
        root.setBottom(statusBar());
        sampler = new Timeline(new KeyFrame(SAMPLE_PERIOD, e -> {
            dashboard.sample(System.nanoTime());
            attack.sample();
        }));
        sampler.setCycleCount(Animation.INDEFINITE);
        sampler.play();
    }

    /**
     * Adds the ledger's table below its title. The window does this once its first frame is drawn: the table is the
     * costliest control of the window to style, lay out and draw (a tenth of a second of the start here), and its
     * rows are read from the file only then anyway. Safe to call again.
     */
    void showLedger() {
        if (!(ledgerPane.getChildren().get(1) instanceof LedgerTable)) {
            LedgerTable table = new LedgerTable(dashboard.entries(), dashboard::pick);
            VBox.setVgrow(table, Priority.ALWAYS);
            ledgerPane.getChildren().set(1, table);
        }
    }

    Parent root() {
        return root;
    }

    TextField field() {
        return field;
    }

    void stop() {
        sampler.stop();
        dashboard.stopSeries();
        attack.close();
        if (attackView != null) {
            attackView.stop();
        }
    }

    private static Node separator() {
        Separator s = new Separator(Orientation.VERTICAL);
        s.setPadding(new Insets(0, 2, 0, 2));
        return s;
    }

    private Parent inputBar() {
        field.setId("transactionField");
        field.setPromptText("Type a transaction and press Enter");
        field.getStyleClass().add("transaction-field");
        HBox.setHgrow(field, Priority.ALWAYS);
        field.setOnAction(e -> submit());

        Button mine = new Button("Mine");
        mine.setId("mineButton");
        mine.setDefaultButton(false);
        mine.getStyleClass().add("mine-button");
        mine.disableProperty().bind(Bindings.createBooleanBinding(() -> field.getText().isBlank(), field.textProperty()));
        mine.setOnAction(e -> submit());

        Spinner<Integer> difficulty = new Spinner<>(1, 8, dashboard.difficultyProperty().get());
        difficulty.setId("difficultySpinner");
        difficulty.setPrefWidth(70);
        difficulty.setEditable(true);
        difficulty.getValueFactory().setConverter(NodeCard.lenient(difficulty)); // typed junk keeps the value
        Tips.set(difficulty, "Leading zero bytes the hash needs; applies to the next race. "
                + "Each step is 256 times more work.");
        difficulty.valueProperty().addListener((obs, old, d) -> dashboard.difficultyProperty().set(d));
        Label difficultyLabel = new Label("difficulty");
        difficultyLabel.setLabelFor(difficulty);
        difficultyLabel.getStyleClass().add("caption");

        difficulty.disableProperty().bind(dashboard.seriesRunningProperty());

        Spinner<Integer> count = new Spinner<>(1, Dashboard.MAX_SERIES, DEFAULT_SERIES, 10);
        count.setId("seriesCount");
        count.setEditable(true);
        count.setPrefWidth(88);
        count.getValueFactory().setConverter(NodeCard.lenient(count));
        Tips.set(count, "How many races \"Race ×N\" runs back to back, 1 to " + Dashboard.MAX_SERIES);
        count.disableProperty().bind(dashboard.seriesRunningProperty());
        Button series = new Button();
        series.setId("seriesButton");
        series.getStyleClass().add("series-button");
        series.textProperty().bind(Bindings.when(dashboard.seriesRunningProperty()).then("Stop")
                .otherwise(Bindings.createStringBinding(() -> "Race ×" + count.getValue(), count.valueProperty())));
        Tips.set(series, "Runs N races back to back on \"<text> #1\", \"#2\", ... (\"Race #1\", ... "
                + "with no text) at the chosen difficulty; the statistics tab fills as they finish. Stops at any moment.");
        series.setOnAction(e -> {
            if (dashboard.seriesRunningProperty().get()) {
                dashboard.stopSeries();
                return;
            }
            count.commitValue();
            var problem = dashboard.seriesProblem(field.getText(), count.getValue());
            if (problem.isPresent()) {
                showError(problem.get());
            } else {
                dashboard.raceSeries(field.getText(), count.getValue());
            }
        });
        Label progress = new Label();
        progress.setId("seriesProgress");
        progress.getStyleClass().add("series-progress");
        progress.textProperty().bind(dashboard.seriesProgressProperty());
        progress.setMinWidth(Region.USE_PREF_SIZE);

        HBox row = new HBox(10, field, mine, difficultyLabel, difficulty, separator(), count, series, progress);
        row.setAlignment(Pos.CENTER_LEFT);

        inputError.setId("inputError");
        inputError.getStyleClass().add("input-error");
        inputError.setManaged(false);
        inputError.setVisible(false);
        field.textProperty().addListener((obs, old, t) -> hideError());

        Label ports = new Label("Nodes on " + dashboard.portsText());
        ports.setId("portsLabel");
        ports.getStyleClass().add("caption");
        Label ledger = new Label("Ledger " + dashboard.ledgerPath());
        ledger.setId("ledgerLabel");
        ledger.getStyleClass().add("caption");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox info = new HBox(16, ports, spacer, ledger);

        VBox bar = new VBox(6, row, inputError, info);
        bar.getStyleClass().add("input-bar");
        bar.setPadding(new Insets(12, 16, 10, 16));
        return bar;
    }

    private void submit() {
        String text = field.getText();
        var problem = dashboard.problemWith(text);
        if (problem.isPresent()) {
            showError(problem.get());
            return;
        }
        if (dashboard.submit(text)) {
            field.clear();
        }
    }

    private void showError(String message) {
        inputError.setText(message);
        inputError.setManaged(true);
        inputError.setVisible(true);
    }

    private void hideError() {
        inputError.setManaged(false);
        inputError.setVisible(false);
    }

    /**
     * The race (nodes, timeline, ledger) and, in tabs beside it, the statistics of the races so far and the
     * double-spend attack (issue 18).
     */
    private Parent tabs() {
        Tab race = new Tab("Race", center());
        race.setId("raceTab");
        Tab stats = new Tab("Statistics");
        stats.setId("statsTab");
        // built when first shown: its charts' styling and layout would otherwise delay the window
        stats.selectedProperty().addListener(new javafx.beans.InvalidationListener() {
            @Override
            public void invalidated(javafx.beans.Observable o) {
                if (stats.isSelected() && stats.getContent() == null) {
                    StatsView statsView = new StatsView(dashboard.stats(), dashboard::isLocal, dashboard::startOver);
                    stats.setContent(statsView);
                    statsView.showWhile(stats.selectedProperty());
                    stats.selectedProperty().removeListener(this);
                }
            }
        });
        stats.textProperty().bind(Bindings.createStringBinding(() -> {
            StatsFigures f = dashboard.stats().figuresProperty().get();
            return f.summary() == null ? "Statistics" : "Statistics · " + f.summary().races()
                    + (f.summary().races() == 1 ? " race" : " races");
        }, dashboard.stats().figuresProperty()));
        Tab attackTab = new Tab("Attack");
        attackTab.setId("attackTab");
        // built when first shown, as the statistics are
        attackTab.selectedProperty().addListener(new javafx.beans.InvalidationListener() {
            @Override
            public void invalidated(javafx.beans.Observable o) {
                if (attackTab.isSelected() && attackTab.getContent() == null) {
                    attackView = new AttackView(attack);
                    attackTab.setContent(attackView);
                    attackView.showWhile(attackTab.selectedProperty());
                    attackTab.selectedProperty().removeListener(this);
                }
            }
        });
        TabPane tabs = new TabPane(race, stats, attackTab);
        tabs.setId("viewTabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.getStyleClass().add("view-tabs");
        return tabs;
    }

    private Parent center() {
        ScrollPane cardScroll = dashboard.cluster().map(this::clusterNodes).orElseGet(this::nodeCards);

        TimelineView timeline = new TimelineView(dashboard.timelineProperty(), dashboard.warmingProperty());
        CheckBox follow = new CheckBox("follow the latest race");
        follow.setId("followLatest");
        follow.selectedProperty().bindBidirectional(dashboard.followLatestProperty());
        HBox timelineHead = new HBox(follow);
        timelineHead.setAlignment(Pos.CENTER_RIGHT);
        Parent timelinePane = timeline;
        if (dashboard.cluster().isPresent()) {
            // Many nodes: the rows keep their room (up to 15 lines), and a tall timeline scrolls in what is left.
            ScrollPane timelineScroll = new ScrollPane(timeline);
            timelineScroll.setFitToWidth(true);
            timelineScroll.getStyleClass().add("cards");
            timelineScroll.setMinViewportHeight(90);
            VBox.setVgrow(timelineScroll, Priority.ALWAYS);
            cardScroll.minViewportHeightProperty().bind(cardScroll.prefViewportHeightProperty());
            timelinePane = timelineScroll;
        }
        VBox racePane = new VBox(8, cardScroll, timelinePane, timelineHead);
        racePane.setPadding(new Insets(12, 16, 8, 16));

        Label ledgerTitle = new Label("Ledger");
        ledgerTitle.getStyleClass().add("section-title");
        // until the table comes, a region that takes the room it will take, so that the window's layout is the same
        Region tableRoom = new Region();
        tableRoom.setPrefHeight(LedgerTable.PREF_HEIGHT);
        VBox.setVgrow(tableRoom, Priority.ALWAYS);
        ledgerPane.getChildren().addAll(ledgerTitle, tableRoom);
        ledgerPane.setPadding(new Insets(8, 16, 8, 16));

        SplitPane split = new SplitPane(racePane, ledgerPane);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(dashboard.cluster().isPresent() ? 0.66 : 0.53);
        return split;
    }

    /** In a cluster: every node of it as a compact row, grouped by label, in as many columns as fit. */
    private ScrollPane clusterNodes(ClusterModel cluster) {
        ClusterPane pane = new ClusterPane(cluster);
        ScrollPane scroll = new ScrollPane(pane);
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("cards");
        scroll.setMinViewportHeight(120);
        // as tall as the rows, up to 15 lines of them a column; more scroll
        scroll.prefViewportHeightProperty().bind(Bindings.min(330, pane.heightProperty()));
        return scroll;
    }

    private ScrollPane nodeCards() {
        GridPane cards = new GridPane();
        cards.setId("nodeCards");
        cards.setHgap(12);
        cards.setVgap(12);
        int columns = Math.min(3, dashboard.nodes().size());
        for (int c = 0; c < columns; c++) {
            ColumnConstraints cc = new ColumnConstraints();
            cc.setPercentWidth(100.0 / columns);
            cards.getColumnConstraints().add(cc);
        }
        for (int i = 0; i < dashboard.nodes().size(); i++) {
            cards.add(new NodeCard(dashboard.nodes().get(i)), i % columns, i / columns);
        }
        ScrollPane cardScroll = new ScrollPane(cards);
        cardScroll.setFitToWidth(true);
        cardScroll.getStyleClass().add("cards");
        cardScroll.setMinViewportHeight(150);
        cardScroll.setPrefViewportHeight(dashboard.nodes().size() > 3 ? 330 : 160);
        return cardScroll;
    }

    private Parent statusBar() {
        Label status = new Label();
        status.setId("status");
        status.textProperty().bind(dashboard.statusProperty());
        HBox bar = new HBox(status);
        bar.getStyleClass().add("status-bar");
        bar.setPadding(new Insets(4, 16, 4, 16));
        return bar;
    }
}
