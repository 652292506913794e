package dev.powrace.ui;

import java.util.ArrayList;
import java.util.List;
import javafx.scene.layout.Region;
import javafx.scene.shape.Line;

/**
 * The luck of the latest races as bars: all nodes' hashes over the 256^d expected, one bar a race, with a line at 1.
 * Below it the race was lucky (fewer hashes than expected), above it unlucky.
 */
final class LuckChart extends PlotChart {
    private final List<Region> bars = new ArrayList<>();
    private final Line one = new Line();
    private List<StatsFigures.Luck> shown = List.of();

    LuckChart() {
        super("race", "hashes ÷ expected");
        setId("luckChart");
        one.setId("luckOne");
        one.getStyleClass().add("luck-one");
        one.setManaged(false);
        getPlotChildren().add(one);
        show(List.of());
    }

    void show(List<StatsFigures.Luck> luck) {
        shown = List.copyOf(luck);
        int first = luck.isEmpty() ? 1 : luck.get(0).race();
        int last = luck.isEmpty() ? StatsFigures.RECENT : luck.get(luck.size() - 1).race();
        double lower = Math.floor((first - 1) / 10.0) * 10;
        double upper = Math.max(lower + 10, Math.ceil(last / 10.0) * 10);
        range(xAxis, lower, upper, upper - lower > 60 ? 20 : upper - lower > 20 ? 10 : 5);
        double top = 2;
        for (StatsFigures.Luck l : luck) {
            top = Math.max(top, l.luck());
        }
        double step = top <= 3 ? 0.5 : top <= 8 ? 1 : StatsFigures.niceCeil(top / 6);
        range(yAxis, 0, Math.ceil(top * 1.02 / step) * step, step);
        while (bars.size() > luck.size()) {
            getPlotChildren().remove(bars.remove(bars.size() - 1));
        }
        while (bars.size() < luck.size()) {
            Region r = new Region();
            r.setManaged(false);
            bars.add(r);
            getPlotChildren().add(getPlotChildren().indexOf(one), r);
        }
        for (int i = 0; i < luck.size(); i++) {
            Region r = bars.get(i);
            boolean lucky = luck.get(i).luck() < 1;
            r.getStyleClass().setAll("luck-bar", lucky ? "lucky" : "unlucky");
        }
        requestChartLayout();
    }

    @Override
    protected void layoutPlotChildren() {
        double zero = py(0);
        for (int i = 0; i < bars.size(); i++) {
            StatsFigures.Luck l = shown.get(i);
            double a = px(l.race() - 0.9);
            double b = px(l.race() - 0.1);
            double top = py(Math.min(l.luck(), yAxis.getUpperBound()));
            bars.get(i).resizeRelocate(Math.round(a), Math.round(top), Math.max(1, Math.round(b) - Math.round(a)),
                    Math.max(1, Math.round(zero) - Math.round(top)));
        }
        double y = Math.round(py(1)) + 0.5;
        one.setStartX(px(xAxis.getLowerBound()));
        one.setEndX(px(xAxis.getUpperBound()));
        one.setStartY(y);
        one.setEndY(y);
    }
}
