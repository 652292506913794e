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
}
