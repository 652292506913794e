package dev.powrace.ui;

import java.util.ArrayList;
import java.util.List;
import javafx.scene.layout.Region;
import javafx.scene.shape.LineTo;
import javafx.scene.shape.MoveTo;
import javafx.scene.shape.Path;

/** The races' durations as a histogram, with the exponential curve the measured hash rate predicts over it. */
final class HistogramChart extends PlotChart {
    private final List<Region> bars = new ArrayList<>();
    private final Path curve = new Path();
    private StatsFigures.Histogram shown = StatsFigures.Histogram.EMPTY;

    HistogramChart() {
        super("race duration", "races");
        setId("durationChart");
        curve.setId("predictedCurve");
        curve.getStyleClass().add("predicted-curve");
        curve.setFill(null);
        curve.setManaged(false);
        getPlotChildren().add(curve);
        show(StatsFigures.Histogram.EMPTY);
    }

    void show(StatsFigures.Histogram h) {
        shown = h;
        xAxis.setLabel("race duration (" + h.unit() + ")");
        double[] x = niceRange(Math.max(h.upper(), 1e-9), 6);
        range(xAxis, 0, h.counts().isEmpty() ? 10 : x[0], h.counts().isEmpty() ? 2 : x[1]);
        double[] y = niceRange(Math.max(4, h.tallest() * 1.08), 5);
        range(yAxis, 0, y[0], y[1]);
        while (bars.size() > h.counts().size()) {
            getPlotChildren().remove(bars.remove(bars.size() - 1));
        }
        while (bars.size() < h.counts().size()) {
            Region r = new Region();
            r.getStyleClass().add("histogram-bar");
            r.setManaged(false);
            bars.add(r);
            getPlotChildren().add(getPlotChildren().indexOf(curve), r);
        }
        requestChartLayout();
    }

    @Override
    protected void layoutPlotChildren() {
        StatsFigures.Histogram h = shown;
        double zero = py(0);
        for (int i = 0; i < bars.size(); i++) {
            double a = px(i * h.binWidth());
            double b = px((i + 1) * h.binWidth());
            double top = py(h.counts().get(i));
            bars.get(i).resizeRelocate(Math.round(a) + 1, Math.round(top), Math.max(1, Math.round(b) - Math.round(a) - 2),
                    Math.max(0, Math.round(zero) - Math.round(top)));
        }
        curve.getElements().clear();
        for (int i = 0; i < h.curveX().size(); i++) {
            double cx = px(h.curveX().get(i));
            double cy = py(Math.min(h.curveY().get(i), yAxis.getUpperBound()));
            curve.getElements().add(i == 0 ? new MoveTo(cx, cy) : new LineTo(cx, cy));
        }
    }
}
