package dev.powrace.ui;

import javafx.collections.FXCollections;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;

/**
 * A chart of JavaFX's own (axes, grid lines, CSS) whose plot is drawn by the subclass from values of its own
 * rather than from series: bars with a curve or a line over them. The axes' ranges are set by the subclass.
 */
abstract class PlotChart extends XYChart<Number, Number> {
    final NumberAxis xAxis;
    final NumberAxis yAxis;

    PlotChart(String xLabel, String yLabel) {
        super(new NumberAxis(), new NumberAxis());
        setData(FXCollections.observableArrayList()); // no series, but an XYChart lays out nothing without data
        xAxis = (NumberAxis) getXAxis();
        yAxis = (NumberAxis) getYAxis();
        xAxis.setAutoRanging(false);
        yAxis.setAutoRanging(false);
        xAxis.setLabel(xLabel);
        yAxis.setLabel(yLabel);
        xAxis.setMinorTickVisible(false);
        yAxis.setMinorTickVisible(false);
        setAnimated(false);
        setLegendVisible(false);
        setVerticalGridLinesVisible(false);
        getStyleClass().add("plot-chart");
    }

    /** Sets {@code axis} to run from {@code lower} to {@code upper} in steps of {@code step} (both multiples of it). */
    static void range(NumberAxis axis, double lower, double upper, double step) {
        axis.setLowerBound(lower);
        axis.setUpperBound(upper);
        axis.setTickUnit(step);
    }

    /** A tick step giving about {@code ticks} ticks from 0 to {@code upper}, and the upper bound rounded up to it. */
    static double[] niceRange(double upper, int ticks) {
        double step = StatsFigures.niceCeil(Math.max(upper, 1e-12) / ticks);
        return new double[] {Math.max(step, Math.ceil(upper / step - 1e-9) * step), step};
    }

    @Override
    protected void dataItemAdded(Series<Number, Number> series, int itemIndex, Data<Number, Number> item) {}

    @Override
    protected void dataItemRemoved(Data<Number, Number> item, Series<Number, Number> series) {}

    @Override
    protected void dataItemChanged(Data<Number, Number> item) {}

    @Override
    protected void seriesAdded(Series<Number, Number> series, int seriesIndex) {}

    @Override
    protected void seriesRemoved(Series<Number, Number> series) {}

    /** Keeps the ranges the subclass set: there are no series to range over. */
    @Override
    protected void updateAxisRange() {}

    double px(double x) {
        return xAxis.getDisplayPosition(x);
    }

    double py(double y) {
        return yAxis.getDisplayPosition(y);
    }
}
