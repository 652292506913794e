package dev.powrace.ui;

import java.util.ArrayList;
import java.util.List;
import javafx.scene.shape.Circle;
import javafx.scene.shape.Line;
import javafx.scene.shape.LineTo;
import javafx.scene.shape.MoveTo;
import javafx.scene.shape.Path;
import javafx.util.StringConverter;

/**
 * The chance that the attacker catches up, by confirmations z, on a log scale: the paper's formula (dashed) and the
 * exact one (solid) at z = 0 to 10, and every z measured at this q as a point with its 99% interval. The y axis is
 * log10 of the probability, its ticks labelled as probabilities (1, 0.1, 0.01, 0.001, 1e-4, ...). A rate of 0,
 * which has no logarithm, is drawn as a hollow point on the axis, with its interval above it.
 */
final class AttackChart extends PlotChart {
    /** The lowest the axis goes: one in 10^12. */
    static final int FLOOR = -12;
    /**
     * The x axis runs half a step beyond z = 0 and z = {@link AttackFigures#MAX_Z}, so that the points and interval
     * bars at both ends are drawn whole rather than cut in half by the plot's edge.
     */
    static final double X_PAD = 0.5;
    private final Path paper = new Path();
    private final Path exact = new Path();
    private final List<Line> bars = new ArrayList<>();
    private final List<Circle> dots = new ArrayList<>();
    private AttackFigures shown = AttackFigures.EMPTY;

    AttackChart() {
        super("confirmations z (blocks the merchant waits for)", "chance of catching up");
        setId("attackChart");
        paper.setId("paperCurve");
        paper.getStyleClass().add("paper-curve");
        exact.setId("exactCurve");
        exact.getStyleClass().add("exact-curve");
        for (Path p : List.of(paper, exact)) {
            p.setFill(null);
            p.setManaged(false);
            getPlotChildren().add(p);
        }
        yAxis.setTickLabelFormatter(new StringConverter<>() {
            @Override
            public String toString(Number k) {
                return label((int) Math.round(k.doubleValue()));
            }

            @Override
            public Number fromString(String s) {
                throw new UnsupportedOperationException();
            }
        });
        range(xAxis, -X_PAD, AttackFigures.MAX_Z + X_PAD, 1);
        setVerticalZeroLineVisible(false); // z = 0 is no boundary: it is a point like the others
        xAxis.setTickLabelFormatter(new StringConverter<>() { // the padded ends are ticks too: no label there
            @Override
            public String toString(Number x) {
                double v = x.doubleValue();
                return v == Math.rint(v) ? Long.toString((long) v) : "";
            }

            @Override
            public Number fromString(String s) {
                throw new UnsupportedOperationException();
            }
        });
        show(AttackFigures.EMPTY);
    }

    /** A power of ten as a probability: 0 → "1", -2 → "0.01", -5 → "1e-5". */
    static String label(int k) {
        if (k >= 0) {
            return "1";
        }
        return k >= -3 ? "0." + "0".repeat(-k - 1) + "1" : "1e" + k;
    }

    /** The axis' lower end: the power of ten below the smallest value drawn, no lower than {@link #FLOOR}. */
    static int lowest(AttackFigures f) {
        double min = 1;
        for (int z = 0; z <= AttackFigures.MAX_Z; z++) {
            min = Math.min(min, Math.min(f.nakamoto()[z], f.rosenfeld()[z]));
        }
        for (AttackFigures.Point p : f.points()) {
            if (p.rate() > 0) {
                min = Math.min(min, p.low() > 0 ? p.low() : p.rate());
            }
        }
        return Math.max(FLOOR, Math.min(-1, (int) Math.floor(Math.log10(min) - 1e-9)));
    }

    void show(AttackFigures f) {
        shown = f;
        int low = lowest(f);
        range(yAxis, low, 0, low < -8 ? 2 : 1);
        while (dots.size() > f.points().size()) {
            getPlotChildren().removeAll(dots.remove(dots.size() - 1), bars.remove(bars.size() - 1));
        }
        while (dots.size() < f.points().size()) {
            Line bar = new Line();
            bar.getStyleClass().add("measured-interval");
            bar.setManaged(false);
            Circle dot = new Circle(4.5);
            dot.getStyleClass().add("measured-point");
            dot.setManaged(false);
            bars.add(bar);
            dots.add(dot);
            getPlotChildren().addAll(bar, dot);
        }
        requestChartLayout();
    }

    private double py(double p, int low) {
        return py(p <= 0 ? low : Math.max(low, Math.log10(p)));
    }

    @Override
    protected void layoutPlotChildren() {
        AttackFigures f = shown;
        int low = (int) Math.round(yAxis.getLowerBound());
        curve(paper, f.nakamoto(), low);
        curve(exact, f.rosenfeld(), low);
        for (int i = 0; i < f.points().size() && i < dots.size(); i++) {
            AttackFigures.Point p = f.points().get(i);
            double x = px(p.z());
            bars.get(i).setStartX(x);
            bars.get(i).setEndX(x);
            bars.get(i).setStartY(py(p.low(), low));
            bars.get(i).setEndY(py(p.high(), low));
            Circle dot = dots.get(i);
            dot.setCenterX(x);
            dot.setCenterY(py(p.rate(), low));
            dot.getStyleClass().removeAll("zero");
            if (p.rate() <= 0) {
                dot.getStyleClass().add("zero");
            }
        }
    }

    private void curve(Path path, double[] values, int low) {
        path.getElements().clear();
        for (int z = 0; z < values.length; z++) {
            double x = px(z);
            double y = py(values[z], low);
            path.getElements().add(z == 0 ? new MoveTo(x, y) : new LineTo(x, y));
        }
    }
}
