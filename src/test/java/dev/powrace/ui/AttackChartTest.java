package dev.powrace.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.attack.Tally;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.chart.NumberAxis;
import javafx.stage.Stage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The Attack tab's chart alone, headless (Monocle), with figures from given tallies: no mining. */
@Tag("GUITest")
@ExtendWith(ApplicationExtension.class)
class AttackChartTest {
    AttackChart chart;

    @Start
    void start(Stage stage) {
        chart = new AttackChart();
        stage.setScene(new Scene(chart, 600, 300));
        stage.show();
    }

    @Test
    void thePointsAndBarsAtBothEndsAreInsideThePlot() throws Exception {
        // a wide interval at z = 10 (2 of 20) and a point at z = 0 (every attack, before any hash)
        AttackFigures f = AttackFigures.of(30, 10, List.of(new Tally(0.3, 0, 20, 20, 0, 0, 0, 0),
                new Tally(0.3, 10, 20, 2, 0, 0, 0, 0)), 10);
        WaitForAsyncUtils.asyncFx(() -> chart.show(f)).get(10, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        WaitForAsyncUtils.asyncFx(() -> {
            NumberAxis x = chart.xAxis;
            Bounds axis = x.localToScene(x.getLayoutBounds());
            List<Node> drawn = List.copyOf(chart.lookupAll(".measured-point"));
            assertEquals(2, drawn.size());
            for (String marks : List.of(".measured-point", ".measured-interval")) {
                for (Node n : chart.lookupAll(marks)) {
                    Bounds b = n.localToScene(n.getBoundsInLocal());
                    assertTrue(b.getMinX() >= axis.getMinX() && b.getMaxX() <= axis.getMaxX(),
                            marks + " from x " + b.getMinX() + " to " + b.getMaxX() + " outside the axis' "
                                    + axis.getMinX() + " to " + axis.getMaxX());
                }
            }
            // z = 0 and z = 10 are labelled, the padded ends are not
            assertEquals("0", x.getTickLabelFormatter().toString(0));
            assertEquals("10", x.getTickLabelFormatter().toString(10));
            assertEquals("", x.getTickLabelFormatter().toString(AttackFigures.MAX_Z + AttackChart.X_PAD));
            return null;
        }).get(10, TimeUnit.SECONDS);
    }
}
