package dev.powrace.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import javafx.geometry.HPos;
import javafx.geometry.VPos;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Region;
import javafx.scene.shape.Line;

/**
 * Per node, two bars on one percent scale: its share of the hashes (the work it did: see
 * {@link StatsFigures.Share}) and, under it, its share of the wins with the 95% interval as a whisker. Where hash
 * power alone decides who wins, each whisker reaches across the end of the hash bar above it.
 */
final class SharesChart extends Region {
    /** Room right of the scale's end for a bar's figures. */
    static final double LABEL_ROOM = 230;
    static final double ROW_HEIGHT = 62;
    static final double AXIS_HEIGHT = 18;
    static final double HASH_BAR = 12;
    static final double WIN_BAR = 16;

    private final Predicate<String> powerKnown;
    private final List<RowNodes> rows = new ArrayList<>();
    private final List<Line> grid = new ArrayList<>();
    private final List<Label> ticks = new ArrayList<>();
    private double scaleMax = 1;
    private double tickStep = 0.25;

    /** One node's row: what is laid out. */
    private record RowNodes(StatsFigures.Share share, Label name, Label power, Label count, Region hashBar, Region winBar,
            Line interval, Line lowCap, Line highCap, Label hashText, Label winText) {}

    /** @param powerKnown whether a node's power is known here (a remote node's is not) */
    SharesChart(Predicate<String> powerKnown) {
        this.powerKnown = powerKnown;
        setId("sharesChart");
        getStyleClass().add("shares-chart");
    }

    void show(List<StatsFigures.Share> nodes) {
        getChildren().clear();
        rows.clear();
        grid.clear();
        ticks.clear();
        double top = 0.1;
        for (StatsFigures.Share n : nodes) {
            top = Math.max(top, Math.max(n.raceShare(), n.stats().winShareHigh()));
        }
        tickStep = top > 0.5 ? 0.2 : top > 0.25 ? 0.1 : top > 0.1 ? 0.05 : 0.02;
        scaleMax = Math.min(1, Math.ceil(top / tickStep - 1e-9) * tickStep);
        for (int i = 0; i * tickStep <= scaleMax + 1e-9; i++) {
            Line l = new Line();
            l.getStyleClass().add(i == 0 ? "shares-axis" : "shares-grid");
            grid.add(l);
            Label t = new Label(percent(i * tickStep, 0));
            t.getStyleClass().add("axis");
            ticks.add(t);
        }
        getChildren().addAll(grid);
        getChildren().addAll(ticks);
        for (StatsFigures.Share share : nodes) {
            var n = share.stats();
            String id = n.node();
            Label name = new Label(id);
            name.getStyleClass().add("shares-node");
            name.setMinWidth(USE_PREF_SIZE);
            Label power = new Label(powerKnown.test(id) ? "power " + n.powerText() : "power not known here");
            power.getStyleClass().add("caption");
            Region hash = new Region();
            hash.setId("hashBar-" + id);
            hash.getStyleClass().add("hash-share-bar");
            Region win = new Region();
            win.setId("winBar-" + id);
            win.getStyleClass().add("win-share-bar");
            Line interval = new Line();
            interval.setId("interval-" + id);
            interval.getStyleClass().add("share-interval");
            Line lowCap = new Line();
            lowCap.getStyleClass().add("share-interval");
            Line highCap = new Line();
            highCap.getStyleClass().add("share-interval");
            Label hashText = new Label(percent(share.raceShare(), 1) + " of the hashes");
            hashText.getStyleClass().add("shares-text");
            Label winText = new Label(percent(n.winShare(), 1) + " of the wins  (" + percent(n.winShareLow(), 0)
                    + "–" + percent(n.winShareHigh(), 0) + ")");
            winText.getStyleClass().addAll("shares-text", "win");
            Label count = new Label("won " + n.wins() + " of " + n.joined() + (n.joined() == 1 ? " race" : " races"));
            count.setId("wonCount-" + id);
            count.getStyleClass().add("shares-count");
            Tooltip tip = new Tooltip(id + ": did " + percent(share.raceShare(), 1) + " of the hashes of "
                    + "the " + n.joined() + " races it mined in, and won " + n.wins() + " of them ("
                    + percent(n.winShare(), 1) + "); 95% interval "
                    + percent(n.winShareLow(), 1) + " to " + percent(n.winShareHigh(), 1) + ". Mean rate "
                    + Formats.rate(n.hashesPerSecond()) + ".");
            Tooltip.install(hash, tip);
            Tooltip.install(win, tip);
            Tooltip.install(name, tip);
            rows.add(new RowNodes(share, name, power, count, hash, win, interval, lowCap, highCap, hashText, winText));
            getChildren().addAll(name, power, count, hash, win, interval, lowCap, highCap, hashText, winText);
        }
        requestLayout();
    }

    @Override
    protected double computePrefHeight(double width) {
        return snappedTopInset() + AXIS_HEIGHT + rows.size() * ROW_HEIGHT + snappedBottomInset();
    }

    @Override
    protected double computeMinHeight(double width) {
        return computePrefHeight(width);
    }

    @Override
    protected double computePrefWidth(double height) {
        return 200 + LABEL_ROOM;
    }

    @Override
    protected void layoutChildren() {
        double left = snappedLeftInset() + 2;
        double right = getWidth() - snappedRightInset();
        double top = snappedTopInset();
        double x0 = left;
        double x1 = Math.max(x0 + 60, right - LABEL_ROOM);
        double bottom = top + AXIS_HEIGHT + rows.size() * ROW_HEIGHT - 6;
        for (int i = 0; i < grid.size(); i++) {
            double x = Math.round(x(i * tickStep, x0, x1)) + 0.5;
            Line l = grid.get(i);
            l.setStartX(x);
            l.setEndX(x);
            l.setStartY(top + AXIS_HEIGHT - 3);
            l.setEndY(bottom);
            Label t = ticks.get(i);
            double w = t.prefWidth(-1);
            t.resizeRelocate(Math.round(Math.max(0, x - w / 2)), top, w, AXIS_HEIGHT - 4);
        }
        double y = top + AXIS_HEIGHT;
        for (RowNodes r : rows) {
            var n = r.share().stats();
            double nameW = r.name().prefWidth(-1);
            layoutInArea(r.name(), left, y, nameW, 20, 0, HPos.LEFT, VPos.CENTER);
            layoutInArea(r.power(), left + nameW + 8, y, 120, 20, 0, HPos.LEFT, VPos.CENTER);
            double hashY = y + 20;
            double winY = hashY + HASH_BAR + 3;
            double hashEnd = x(r.share().raceShare(), x0, x1);
            r.hashBar().resizeRelocate(x0, hashY, Math.max(1, hashEnd - x0), HASH_BAR);
            double winEnd = x(n.winShare(), x0, x1);
            r.winBar().resizeRelocate(x0, winY, Math.max(1, winEnd - x0), WIN_BAR);
            double lo = x(n.winShareLow(), x0, x1);
            double hi = x(n.winShareHigh(), x0, x1);
            double mid = winY + WIN_BAR / 2;
            set(r.interval(), lo, mid, hi, mid);
            set(r.lowCap(), lo, mid - 6, lo, mid + 6);
            set(r.highCap(), hi, mid - 6, hi, mid + 6);
            double hashTextX = hashEnd + 8;
            layoutInArea(r.hashText(), hashTextX, hashY - 2, Math.max(0, right - hashTextX), HASH_BAR + 4, 0, HPos.LEFT,
                    VPos.CENTER);
            double winTextX = Math.max(winEnd, hi) + 10;
            layoutInArea(r.winText(), winTextX, winY, Math.max(0, right - winTextX), WIN_BAR, 0, HPos.LEFT, VPos.CENTER);
            double countW = r.count().prefWidth(-1);
            layoutInArea(r.count(), right - countW, y, countW, 20, 0, HPos.RIGHT, VPos.CENTER);
            y += ROW_HEIGHT;
        }
    }

    private double x(double share, double x0, double x1) {
        double f = Double.isNaN(share) ? 0 : Math.max(0, Math.min(1, share / scaleMax));
        return x0 + f * (x1 - x0);
    }

    private static void set(Line l, double ax, double ay, double bx, double by) {
        l.setStartX(Math.round(ax) + 0.5);
        l.setStartY(Math.round(ay) + 0.5);
        l.setEndX(Math.round(bx) + 0.5);
        l.setEndY(Math.round(by) + 0.5);
    }

    static String percent(double share, int decimals) {
        if (Double.isNaN(share)) {
            return "—";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f%%", 100 * share);
    }
}
