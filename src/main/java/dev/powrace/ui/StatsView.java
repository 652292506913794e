package dev.powrace.ui;

import java.util.Locale;
import java.util.function.Predicate;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.RowConstraints;
import javafx.scene.layout.VBox;

/**
 * The statistics of the races so far, as a person would rather look than read: the verdict in plain words, win
 * share against hash share per node, the races' durations against the exponential curve, and recent luck. Redrawn
 * whenever the {@link StatsModel}'s figures change (at most 20 times a second).
 */
final class StatsView extends BorderPane {
    private final Label verdict = new Label();
    private final Label lesson = new Label();
    private final Label caption = new Label();
    private final SharesChart shares;
    private final HistogramChart durations = new HistogramChart();
    private final LuckChart luck = new LuckChart();
    private final Label durationsNote = new Label();
    private final Label luckTitle = new Label();
    private final VBox lessons = new VBox(6);
    private final ScrollPane shareScroll;
    private final StatsModel model;
    private final javafx.beans.property.BooleanProperty showing = new javafx.beans.property.SimpleBooleanProperty(true);
    private boolean stale;

    /**
     * @param powerKnown whether a node's power is known in this window (not a remote node's)
     * @param startOver what "Start over" does: clears {@code model}, and whatever else counts the races
     */
    StatsView(StatsModel model, Predicate<String> powerKnown, Runnable startOver) {
        setId("statsView");
        getStyleClass().add("stats-view");
        shares = new SharesChart(powerKnown);

        verdict.setId("statsVerdict");
        verdict.getStyleClass().add("verdict");
        verdict.setTooltip(new Tooltip("A chi-square test of \"each node's share of the wins equals its share of the "
                + "hashes\". p is how often chance alone gives a difference at least this large; below "
                + StatsFigures.SIGNIFICANCE + " the shares are said to differ, below " + StatsFigures.DOUBT
                + " that they may."));
        lesson.getStyleClass().add("verdict-lesson");
        lesson.setWrapText(true);
        caption.setId("statsCaption");
        caption.getStyleClass().add("caption");
        Button clear = new Button("Start over");
        clear.setId("statsClear");
        clear.setTooltip(new Tooltip("Forget the races so far: the statistics and the win counts start again from the next race"));
        clear.setOnAction(e -> startOver.run());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox head = new HBox(14, verdict, lesson, spacer, clear);
        head.setAlignment(Pos.CENTER_LEFT);
        VBox top = new VBox(4, head, caption);
        top.setPadding(new Insets(0, 0, 10, 0));
        setTop(top);

        shareScroll = new ScrollPane(shares);
        shareScroll.setFitToWidth(true);
        shareScroll.getStyleClass().add("cards");
        shareScroll.setMinViewportHeight(SharesChart.AXIS_HEIGHT + SharesChart.ROW_HEIGHT);
        Node sharesCard = card("Who wins: share of the wins against share of the hashes",
                "A node's chance of winning a race is its share of the race's hashes: each whisker (95% interval) "
                        + "should reach the end of the blue bar above it.",
                legend(), shareScroll);

        lessons.setId("statsLessons");
        lessons.getStyleClass().add("lessons");
        Label lessonsTitle = new Label("What the races show");
        lessonsTitle.getStyleClass().add("section-title");
        VBox lessonsCard = new VBox(6, lessonsTitle, lessons);
        lessonsCard.getStyleClass().add("stats-card");
        lessonsCard.setMinHeight(0);
        VBox.setVgrow(lessonsCard, Priority.ALWAYS);
        VBox leftColumn = new VBox(12, sharesCard, lessonsCard);

        durationsNote.getStyleClass().add("caption");
        durations.setPrefSize(300, 120);
        luck.setPrefSize(300, 120);
        VBox.setVgrow(durations, Priority.ALWAYS);
        Node durationsCard = card("How long a race takes", durationsNote, null, durations);

        luckTitle.getStyleClass().add("section-title");
        VBox.setVgrow(luck, Priority.ALWAYS);
        Node luckCard = card(luckTitle, "All nodes' hashes in a race ÷ the 256^d expected: below the line at 1 the "
                + "race was lucky (green), above it unlucky (amber).", null, luck);

        GridPane grid = new GridPane();
        grid.setHgap(12);
        grid.setVgap(12);
        ColumnConstraints left = new ColumnConstraints();
        left.setPercentWidth(46);
        ColumnConstraints right = new ColumnConstraints();
        right.setPercentWidth(54);
        grid.getColumnConstraints().addAll(left, right);
        RowConstraints row = new RowConstraints();
        row.setPercentHeight(50);
        grid.getRowConstraints().addAll(row, row);
        grid.add(leftColumn, 0, 0, 1, 2);
        grid.add(durationsCard, 1, 0);
        grid.add(luckCard, 1, 1);
        setCenter(grid);
        setPadding(new Insets(12, 16, 12, 16));

        this.model = model;
        model.figuresProperty().addListener((obs, old, f) -> {
            if (showing.get()) {
                show(f);
            } else {
                stale = true;
            }
        });
        show(model.figuresProperty().get());
    }

    /**
     * Redraws only while {@code on} is true (the tab is selected): redrawing takes some milliseconds of the FX
     * thread, and the figures change up to 20 times a second while races run.
     */
    void showWhile(javafx.beans.value.ObservableBooleanValue on) {
        showing.bind(on);
        showing.addListener((obs, was, is) -> {
            if (is && stale) {
                stale = false;
                show(model.figuresProperty().get());
            }
        });
    }

    private void show(StatsFigures f) {
        verdict.setText(f.verdict().text());
        verdict.getStyleClass().removeIf(c -> c.startsWith("verdict-"));
        verdict.getStyleClass().add(f.verdict().kind().styleClass());
        lesson.setText(switch (f.verdict().kind()) {
            case MATCH -> "Each node wins about as often as its share of the hash power: luck, weighted by speed.";
            case DOUBT -> "Chance gives a difference this large only " + Math.round(100 * f.summary().chiSquareP())
                    + " times in 100: more races will tell.";
            case DIFFER -> "More than luck is at work: did a node's power change during these races?";
            case NONE -> "The test needs a few wins expected for every node.";
        });
        caption.setText(f.caption());
        shares.show(f.shares());
        // as tall as the rows, up to 7 nodes' worth; more scroll
        shareScroll.setPrefViewportHeight(SharesChart.AXIS_HEIGHT + Math.max(1, Math.min(7, f.shares().size()))
                * SharesChart.ROW_HEIGHT);
        StatsFigures.Histogram h = f.histogram();
        durations.show(h);
        if (h.counts().isEmpty()) {
            durationsNote.setText("Each hash is a lottery ticket, so the time to a block is exponential.");
        } else {
            durationsNote.setText("The bars: races by how long they took; the curve: the exponential distribution the "
                    + "measured hash rate predicts. Mean " + time(h.meanSeconds(), h) + ", predicted "
                    + time(h.predictedMeanSeconds(), h)
                    + (f.summary() != null && !Double.isNaN(f.summary().ksDistance())
                            ? String.format(Locale.ROOT, " (KS distance %.2f)", f.summary().ksDistance()) : "")
                    + (h.beyond() > 0 ? "; " + h.beyond() + (h.beyond() == 1 ? " race" : " races") + " longer than "
                            + time(h.upper() / h.scale(), h) + " not shown" : "") + ".");
        }
        luckTitle.setText(f.luck().isEmpty() ? "Luck of recent races"
                : "Luck of the last " + f.luck().size() + (f.luck().size() == 1 ? " race" : " races"));
        luck.show(f.luck());
        lessons.getChildren().clear();
        for (String text : f.lessons()) {
            Label l = new Label("•  " + text);
            l.setWrapText(true);
            l.getStyleClass().add("lesson");
            l.setMinHeight(Region.USE_PREF_SIZE);
            lessons.getChildren().add(l);
        }
    }

    private static String time(double seconds, StatsFigures.Histogram h) {
        if (Double.isNaN(seconds)) {
            return "—";
        }
        double v = seconds * h.scale();
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, h.unit());
    }

    private static Node legend() {
        HBox box = new HBox(14, swatch("hash-share-bar", "share of the hashes"), swatch("win-share-bar",
                "share of the wins"), whisker());
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }

    private static Node swatch(String styleClass, String text) {
        Region r = new Region();
        r.getStyleClass().addAll(styleClass, "swatch");
        r.setMinSize(14, 12);
        r.setMaxSize(14, 12);
        Label l = new Label(text);
        l.getStyleClass().add("caption");
        HBox h = new HBox(5, r, l);
        h.setAlignment(Pos.CENTER_LEFT);
        return h;
    }

    private static Node whisker() {
        Label l = new Label("├─┤  95% interval");
        l.getStyleClass().add("caption");
        return l;
    }

    private static Node card(String title, String note, Node extra, Node body) {
        Label t = new Label(title);
        t.getStyleClass().add("section-title");
        Label n = new Label(note);
        n.getStyleClass().add("caption");
        return card(t, n, extra, body);
    }

    private static Node card(Label title, String note, Node extra, Node body) {
        Label n = new Label(note);
        n.getStyleClass().add("caption");
        return card(title, n, extra, body);
    }

    private static Node card(String title, Label note, Node extra, Node body) {
        Label t = new Label(title);
        t.getStyleClass().add("section-title");
        return card(t, note, extra, body);
    }

    private static Node card(Label title, Label note, Node extra, Node body) {
        note.setWrapText(true);
        note.setMinHeight(Region.USE_PREF_SIZE);
        VBox box = new VBox(4, title, note);
        if (extra != null) {
            box.getChildren().add(extra);
        }
        box.getChildren().add(body);
        box.getStyleClass().add("stats-card");
        box.setMinHeight(0);
        return box;
    }
}
