package dev.powrace.ui;

import java.time.Duration;
import java.time.Instant;
import javafx.beans.value.ObservableValue;
import javafx.geometry.HPos;
import javafx.scene.control.Label;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * A race's attempts as bars on one shared microsecond axis, so a person can compare the nodes' processing
 * times at a glance. The winner's bar is marked.
 */
final class TimelineView extends VBox {
    private final Label title = new Label("No race yet: type a transaction above and press Enter.");
    private final GridPane rows = new GridPane();
    private final Label axisStart = new Label();
    private final Label axisEnd = new Label();

    TimelineView(ObservableValue<RaceView> shown) {
        setId("timeline");
        getStyleClass().add("timeline");
        title.getStyleClass().add("section-title");
        title.setId("timelineTitle");
        rows.setHgap(10);
        rows.setVgap(4);
        ColumnConstraints name = new ColumnConstraints(60, USE_COMPUTED_SIZE, 140); // "b/Node10" in a cluster
        ColumnConstraints track = new ColumnConstraints();
        track.setHgrow(Priority.ALWAYS);
        ColumnConstraints text = new ColumnConstraints(300, USE_COMPUTED_SIZE, 340);
        rows.getColumnConstraints().addAll(name, track, text);
        axisStart.getStyleClass().add("axis");
        axisEnd.getStyleClass().add("axis");
        getChildren().addAll(title, rows);
        setSpacing(6);
        shown.addListener((obs, old, r) -> show(r));
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
        int row = 0;
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
            Label text = new Label("+" + Formats.micros(from) + "  →  " + Formats.micros(to - from) + "  " + b.state().label()
                    + (b.note().isEmpty() ? "" : "  (" + b.note() + ")"));
            text.getStyleClass().add("timeline-text");
            text.setMinWidth(Region.USE_PREF_SIZE);
            rows.addRow(row++, node, track, text);
        }
        axisStart.setText("0 µs");
        axisEnd.setText(Formats.micros(span));
        GridPane.setHalignment(axisEnd, HPos.RIGHT);
        rows.add(axisStart, 1, row);
        rows.add(axisEnd, 1, row);
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
