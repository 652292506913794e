package dev.powrace.ui;

import java.time.Duration;
import java.time.Instant;
import javafx.beans.value.ObservableValue;
import javafx.geometry.HPos;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * A race's attempts as bars on one shared microsecond axis, so a person can compare the nodes' processing
 * times at a glance. The winner's bar is marked. Beside each bar, under column headers: its start after the race's
 * first start (the axis's 0), its elapsed time, and how it ended.
 */
final class TimelineView extends VBox {
    static final String NO_RACE = "No race yet: type a transaction above and press Enter.";
    static final String WARMING = "Warming up the search code: the first race starts in a second or two.";
    private final Label title = new Label(NO_RACE);
    private final GridPane rows = new GridPane();
    private final Label axisStart = new Label();
    private final Label axisEnd = new Label();

    /** @param warming true while the nodes hold a race for the warm-up: said until there is a race to show */
    TimelineView(ObservableValue<RaceView> shown, ObservableValue<Boolean> warming) {
        setId("timeline");
        getStyleClass().add("timeline");
        title.getStyleClass().add("section-title");
        title.setId("timelineTitle");
        rows.setHgap(10);
        rows.setVgap(4);
        ColumnConstraints name = new ColumnConstraints(60, USE_COMPUTED_SIZE, 140); // "b/Node10" in a cluster
        ColumnConstraints track = new ColumnConstraints();
        track.setHgrow(Priority.ALWAYS);
        // start and elapsed right-aligned under their headers, so that the figures line up digit for digit
        ColumnConstraints start = new ColumnConstraints(USE_PREF_SIZE, USE_COMPUTED_SIZE, USE_PREF_SIZE);
        start.setHalignment(HPos.RIGHT);
        ColumnConstraints elapsed = new ColumnConstraints(USE_PREF_SIZE, USE_COMPUTED_SIZE, USE_PREF_SIZE);
        elapsed.setHalignment(HPos.RIGHT);
        ColumnConstraints outcome = new ColumnConstraints(150, USE_COMPUTED_SIZE, 200);
        rows.getColumnConstraints().addAll(name, track, start, elapsed, outcome);
        axisStart.getStyleClass().add("axis");
        axisEnd.getStyleClass().add("axis");
        getChildren().addAll(title, rows);
        setSpacing(6);
        shown.addListener((obs, old, r) -> show(r));
        warming.addListener((obs, old, w) -> {
            if (shown.getValue() == null) {
                title.setText(w ? WARMING : NO_RACE);
            }
        });
        show(shown.getValue());
    }

    private void show(RaceView r) {
        rows.getChildren().clear();
        if (r == null) {
            return;
        }
        title.setText("Race " + (r.id() < 0 ? "from the ledger" : "#" + r.id()) + "   ·   "
                + quoteShort(r.transaction()) + "   ·   difficulty " + r.difficulty());
        Instant origin = r.origin();
        Instant now = r.asOf();
        long span = 1;
        for (RaceView.Bar b : r.bars()) {
            span = Math.max(span, micros(origin, b.end() == null ? now : b.end()));
        }
        rows.add(header("start", "timelineStartHeader", "When the attempt started, after the race's first start "
                + "(the axis's 0 µs)"), 2, 0);
        rows.add(header("elapsed", "timelineElapsedHeader", "How long the attempt took, from its start to its end "
                + "(or until now, while it mines)"), 3, 0);
        int row = 1;
        for (RaceView.Bar b : r.bars()) {
            long from = micros(origin, b.start());
            long to = b.end() == null ? micros(origin, now) : micros(origin, b.end());
            Label node = new Label(b.node());
            node.setMinWidth(Region.USE_PREF_SIZE); // never "b/Nod…"
            node.getStyleClass().add("timeline-node");
            Pane track = new Pane();
            track.getStyleClass().add("timeline-track");
            track.setMinHeight(18);
            track.setPrefHeight(18);
            Region bar = new Region();
            bar.setId("bar-" + b.node());
            bar.getStyleClass().addAll("timeline-bar", b.state().styleClass());
            double f0 = (double) from / span;
            double f1 = (double) to / span;
            bar.layoutXProperty().bind(track.widthProperty().multiply(f0));
            bar.prefWidthProperty().bind(track.widthProperty().multiply(f1 - f0).add(3));
            bar.setPrefHeight(18);
            bar.resize(0, 18);
            track.getChildren().add(bar);
            Label startText = figure("+" + Formats.micros(from), "timelineStart-" + b.node());
            Label elapsedText = figure(Formats.micros(to - from), "timelineElapsed-" + b.node());
            elapsedText.setPadding(new Insets(0, 0, 0, 16)); // "+28 749 µs   382 477 µs": two figures, not one
            Label outcome = figure(b.state().label() + (b.note().isEmpty() ? "" : "  (" + b.note() + ")"),
                    "timelineOutcome-" + b.node());
            rows.addRow(row++, node, track, startText, elapsedText, outcome);
        }
        axisStart.setText("0 µs");
        axisEnd.setText(Formats.micros(span));
        GridPane.setHalignment(axisEnd, HPos.RIGHT);
        rows.add(axisStart, 1, row);
        rows.add(axisEnd, 1, row);
    }

    private static Label header(String text, String id, String tooltip) {
        Label l = new Label(text);
        l.setId(id);
        l.getStyleClass().add("timeline-header");
        Tips.set(l, tooltip);
        return l;
    }

    private static Label figure(String text, String id) {
        Label l = new Label(text);
        l.setId(id);
        l.getStyleClass().add("timeline-text");
        l.setMinWidth(Region.USE_PREF_SIZE);
        return l;
    }

    private static long micros(Instant origin, Instant t) {
        return Math.max(0, Duration.between(origin, t).toNanos() / 1000);
    }

    private static String quoteShort(String s) {
        String one = s.codePoints().map(c -> Character.isISOControl(c) ? '·' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return "“" + (one.length() > 60 ? one.substring(0, 57) + "…" : one) + "”";
    }

}
