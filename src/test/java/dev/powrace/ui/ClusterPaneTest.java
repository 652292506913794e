package dev.powrace.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.race.Peers;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javafx.beans.value.ObservableValue;
import javafx.stage.Stage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The cluster's rows, rebuilt over and over on long-lived models: the listeners they add go with them. */
@Tag("GUITest")
@ExtendWith(ApplicationExtension.class)
class ClusterPaneTest {
    @Start
    void start(Stage stage) {
        // only the toolkit is needed
    }

    /**
     * How many listeners (invalidation and change, weak ones included until they are removed) an observable has,
     * read from its ExpressionHelper: JavaFX has no public count.
     */
    static int listeners(ObservableValue<?> o) {
        try {
            Object helper = field(o.getClass(), "helper").get(o);
            if (helper == null) {
                return 0;
            }
            String kind = helper.getClass().getSimpleName();
            if (kind.equals("Generic")) {
                return (int) field(helper.getClass(), "invalidationSize").get(helper)
                        + (int) field(helper.getClass(), "changeSize").get(helper);
            }
            return 1; // SingleInvalidation or SingleChange
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static Field field(Class<?> c, String name) throws NoSuchFieldException {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            try {
                Field f = k.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // up
            }
        }
        throw new NoSuchFieldException(c + "." + name);
    }

    /** Every listener on the figures of the rows and of this window's node models. */
    static int listeners(ClusterModel model, Map<String, NodeModel> local) {
        int n = 0;
        for (ClusterModel.Group g : model.groups()) {
            for (ClusterModel.Row r : g.rows()) {
                for (ObservableValue<?> o : List.of(r.engineProperty(), r.addressProperty(), r.rateProperty(),
                        r.rateTextProperty(), r.rateShareProperty(), r.stateProperty(), r.startTextProperty(),
                        r.endTextProperty(), r.winsProperty(), r.winnerProperty(), r.settledProperty())) {
                    n += listeners(o);
                }
            }
        }
        for (NodeModel m : local.values()) {
            n += listeners(m.powerProperty());
        }
        return n;
    }

    static Peers.View view(boolean withC) {
        List<Peers.Peer> peers = new ArrayList<>(ClusterModelTest.nodes(Map.of("a/Node1", 1e6), "a", "b"));
        if (withC) {
            peers.add(ClusterModelTest.peer("c/Node1", 0, 0, false));
        }
        return new Peers.View(peers, "127.0.0.1:2281", withC ? 3 : 2, true, 0, 1);
    }

    @Test
    void rebuildingTheRowsLeavesNoListenersBehindOnTheModels() throws Exception {
        Map<String, NodeModel> local = new LinkedHashMap<>();
        for (int i = 1; i <= 3; i++) {
            local.put("b/Node" + i, new NodeModel("b/Node" + i, 5000 + i, () -> 0, () -> 0));
        }
        ClusterModel model = new ClusterModel(local);
        int[] counts = WaitForAsyncUtils.asyncFx(() -> {
            model.sample(view(false), 0, 0);
            ClusterPane pane = new ClusterPane(model);
            pane.resize(ClusterPane.COLUMN_WIDTH, 400);
            int first = listeners(model, local);
            long nanos = 1;
            for (int i = 0; i < 50; i++) {
                model.sample(view(true), 0, nanos++); // a node joins: rows rebuilt
                model.sample(view(false), 0, nanos++); // and leaves: again
                pane.resize(2 * ClusterPane.COLUMN_WIDTH + 20, 400); // two columns: again
                pane.resize(ClusterPane.COLUMN_WIDTH, 400); // one: again
            }
            return new int[] {first, listeners(model, local), pane.getChildren().size()};
        }).get(30, TimeUnit.SECONDS);
        assertEquals(1, counts[2], "one column again");
        assertTrue(counts[0] > 0, "the rows do listen to their models");
        assertEquals(counts[0], counts[1], "200 rebuilds later the models have as many listeners as after the first");
    }

    /**
     * Each column has headings over its rows, each heading over its cell, right edges aligned (issue 17: the rows'
     * figures had no names). Two columns: two sets of headings, each naming the second cell by what its rows show.
     */
    @Test
    void eachColumnOfRowsHasHeadingsOverItsCells() throws Exception {
        Map<String, NodeModel> local = new LinkedHashMap<>();
        for (int i = 1; i <= 3; i++) {
            local.put("b/Node" + i, new NodeModel("b/Node" + i, 5000 + i, () -> 0, () -> 0));
        }
        ClusterModel model = new ClusterModel(local);
        List<String> problems = WaitForAsyncUtils.asyncFx(() -> {
            List<String> wrong = new ArrayList<>();
            model.sample(new Peers.View(ClusterModelTest.nodes(Map.of("a/Node1", 1e6), "a", "b", "c", "d"),
                    "127.0.0.1:2281", 4, true, 0, 1), 0, 0);
            ClusterPane pane = new ClusterPane(model);
            javafx.scene.Scene scene = new javafx.scene.Scene(pane);
            scene.getStylesheets().add(Resources.url("powrace.css"));
            for (double width : List.of(ClusterPane.COLUMN_WIDTH, 2 * ClusterPane.COLUMN_WIDTH + 12)) {
                pane.resize(width, 400);
                pane.applyCss();
                pane.layout();
                int columns = pane.getChildren().size();
                for (int c = 0; c < columns; c++) {
                    javafx.scene.layout.VBox column = (javafx.scene.layout.VBox) pane.getChildren().get(c);
                    javafx.scene.Node first = column.getChildren().get(0);
                    if (!("columnHeadings-" + c).equals(first.getId())) {
                        wrong.add("column " + c + " of " + columns + " starts with " + first);
                        continue;
                    }
                    List<String> texts = ((javafx.scene.layout.HBox) first).getChildren().stream()
                            .map(n -> ((javafx.scene.control.Label) n).getText()).toList();
                    boolean hasLocal = column.getChildren().stream().anyMatch(n -> n.getStyleClass().contains("local")
                            && n.getStyleClass().contains("cluster-row"));
                    boolean hasRemote = column.getChildren().stream().anyMatch(n -> n.getStyleClass().contains("remote")
                            && n.getStyleClass().contains("cluster-row"));
                    String second = hasLocal && hasRemote ? "power/engine" : hasLocal ? "power %" : "engine";
                    if (!texts.equals(List.of("node", second, "hash rate", "start", "end", "state", "wins"))) {
                        wrong.add("column " + c + " of " + columns + ": " + texts);
                    }
                    // every row's cells end where their headings end: rate, start, end, state, wins
                    List<javafx.scene.Node> heads = ((javafx.scene.layout.HBox) first).getChildren();
                    for (javafx.scene.Node n : column.getChildren()) {
                        if (!n.getStyleClass().contains("cluster-row")) {
                            continue;
                        }
                        List<javafx.scene.Node> cells = ((javafx.scene.layout.HBox) n).getChildren();
                        for (int k = 0; k < 5; k++) {
                            double head = right(heads.get(heads.size() - 1 - k));
                            double cell = right(cells.get(cells.size() - 1 - k));
                            if (Math.abs(head - cell) > 1) {
                                wrong.add(n.getId() + ": cell " + k + " from the right ends at " + cell
                                        + ", its heading at " + head);
                            }
                        }
                        if (Math.abs(left(heads.get(0)) - left(cells.get(0))) > 1) {
                            wrong.add(n.getId() + ": the name is not under 'node'");
                        }
                    }
                }
                if (columns != (width > ClusterPane.COLUMN_WIDTH * 1.5 ? 2 : 1)) {
                    wrong.add(columns + " columns at " + width);
                }
            }
            return wrong;
        }).get(30, TimeUnit.SECONDS);
        assertEquals(List.of(), problems);
    }

    static double right(javafx.scene.Node n) {
        return n.localToScene(n.getLayoutBounds()).getMaxX();
    }

    static double left(javafx.scene.Node n) {
        return n.localToScene(n.getLayoutBounds()).getMinX();
    }
}
