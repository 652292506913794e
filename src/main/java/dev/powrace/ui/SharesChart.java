package dev.powrace.ui;

import dev.powrace.stats.NodeStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import javafx.geometry.VPos;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Region;
import javafx.scene.shape.Line;

/**
 * Per node, two bars on one percent scale: its share of all hashes (the work it did) and, under it, its share of
 * the wins with the 95% interval as a whisker. Where hash power alone decides who wins, each whisker reaches
 * across the end of the hash bar above it.
 */
final class SharesChart extends Region {
    static final double NAME_WIDTH = 112;
    static final double TEXT_WIDTH = 250;
    static final double ROW_HEIGHT = 50;
    static final double AXIS_HEIGHT = 20;
    static final double HASH_BAR = 13;
    static final double WIN_BAR = 17;

    private final Predicate<String> powerKnown;
    private final List<RowNodes> rows = new ArrayList<>();
    private final List<Line> grid = new ArrayList<>();
    private final List<Label> ticks = new ArrayList<>();
    private double scaleMax = 1;
    private double tickStep = 0.25;

    /** One node's row: what is laid out. */
    private record RowNodes(NodeStats stats, Label name, Label power, Region hashBar, Region winBar, Line interval,
            Line lowCap, Line highCap, Label hashText, Label winText) {}

    /** @param powerKnown whether a node's power is known here (a remote node's is not) */
    SharesChart(Predicate<String> powerKnown) {
        this.powerKnown = powerKnown;
        setId("sharesChart");
        getStyleClass().add("shares-chart");
    }

    void show(List<NodeStats> nodes) {
        getChildren().clear();
        rows.clear();
        grid.clear();
        ticks.clear();
        double top = 0.1;
        for (NodeStats n : nodes) {
            top = Math.max(top, Math.max(n.hashShare(), n.winShareHigh()));
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
        for (NodeStats n : nodes) {
            String id = n.node();
            Label name = new Label(id);
            name.getStyleClass().add("shares-node");
            name.setMinWidth(USE_PREF_SIZE);
            Label power = new Label(powerKnown.test(id) ? "power " + n.power() + "%" : "");
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
            Label hashText = new Label("hash share " + percent(n.hashShare(), 1));
            hashText.getStyleClass().add("shares-text");
            Label winText = new Label("win share " + percent(n.winShare(), 1) + "  (" + percent(n.winShareLow(), 0)
                    + "–" + percent(n.winShareHigh(), 0) + ")   " + n.wins() + " of " + n.joined());
            winText.setId("winText-" + id);
            winText.getStyleClass().addAll("shares-text", "win");
            Tooltip tip = new Tooltip(id + ": did " + percent(n.hashShare(), 1) + " of the hashes in the " + n.joined()
                    + " races it joined, and won " + n.wins() + " of them (" + percent(n.winShare(), 1)
                    + "); 95% interval " + percent(n.winShareLow(), 1) + " to " + percent(n.winShareHigh(), 1) + ". "
                    + "Mean rate " + Formats.rate(n.hashesPerSecond()) + ".");
            Tooltip.install(hash, tip);
            Tooltip.install(win, tip);
            Tooltip.install(name, tip);
            rows.add(new RowNodes(n, name, power, hash, win, interval, lowCap, highCap, hashText, winText));
            getChildren().addAll(name, power, hash, win, interval, lowCap, highCap, hashText, winText);
        }
        requestLayout();
    }

    @Override
    protected double computePrefHeight(double width) {
        return snappedTopInset() + AXIS_HEIGHT + rows.size() * ROW_HEIGHT + 6 + snappedBottomInset();
    }

    @Override
    protected double computeMinHeight(double width) {
        return computePrefHeight(width);
    }

    @Override
    protected double computePrefWidth(double height) {
        return NAME_WIDTH + 200 + TEXT_WIDTH;
    }

    @Override
    protected void layoutChildren() {
        double left = snappedLeftInset();
        double top = snappedTopInset();
        double x0 = left + NAME_WIDTH;
        double x1 = Math.max(x0 + 40, getWidth() - snappedRightInset() - TEXT_WIDTH - 12);
        double bottom = top + AXIS_HEIGHT + rows.size() * ROW_HEIGHT;
        for (int i = 0; i < grid.size(); i++) {
            double x = Math.round(x(i * tickStep, x0, x1)) + 0.5;
            Line l = grid.get(i);
            l.setStartX(x);
            l.setEndX(x);
            l.setStartY(top + AXIS_HEIGHT - 2);
            l.setEndY(bottom);
            Label t = ticks.get(i);
            double w = t.prefWidth(-1);
            t.resizeRelocate(Math.round(x - w / 2), top, w, AXIS_HEIGHT - 4);
        }
        double y = top + AXIS_HEIGHT;
        for (RowNodes r : rows) {
            NodeStats n = r.stats();
            double hashY = y + 6;
            double winY = hashY + HASH_BAR + 3;
            layoutInArea(r.name(), left, hashY - 3, NAME_WIDTH - 8, 20, 0, javafx.geometry.HPos.LEFT, VPos.CENTER);
            layoutInArea(r.power(), left, winY, NAME_WIDTH - 8, WIN_BAR, 0, javafx.geometry.HPos.LEFT, VPos.CENTER);
            double hashW = Math.max(1, x(n.hashShare(), x0, x1) - x0);
            r.hashBar().resizeRelocate(x0, hashY, hashW, HASH_BAR);
            double winW = Math.max(1, x(n.winShare(), x0, x1) - x0);
            r.winBar().resizeRelocate(x0, winY, winW, WIN_BAR);
            double lo = x(n.winShareLow(), x0, x1);
            double hi = x(n.winShareHigh(), x0, x1);
            double mid = winY + WIN_BAR / 2;
            set(r.interval(), lo, mid, hi, mid);
            set(r.lowCap(), lo, mid - 6, lo, mid + 6);
            set(r.highCap(), hi, mid - 6, hi, mid + 6);
            double tx = x1 + 12;
            layoutInArea(r.hashText(), tx, hashY - 2, TEXT_WIDTH, HASH_BAR + 4, 0, javafx.geometry.HPos.LEFT, VPos.CENTER);
            layoutInArea(r.winText(), tx, winY, TEXT_WIDTH, WIN_BAR, 0, javafx.geometry.HPos.LEFT, VPos.CENTER);
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
