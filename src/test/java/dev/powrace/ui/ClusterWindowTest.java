package dev.powrace.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.cluster.ClusterReferee;
import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import dev.powrace.testing.ClusterProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The window in a cluster, headless (Monocle): its own nodes judged by a ClusterReferee on an in-JVM ZooKeeper,
 * and a second "process" (another ClusterReferee, label b) whose nodes appear in it and leave it.
 */
@Tag("GUITest")
@ExtendWith(ApplicationExtension.class)
class ClusterWindowTest {
    static Path dir;
    static TestingServer server;

    final Preferences prefs = Preferences.userRoot().node("/powrace-test/" + UUID.randomUUID());
    final List<ClusterProcess> processes = new ArrayList<>();
    Window window;

    @BeforeAll
    static void zookeeper() throws Exception {
        dir = Files.createTempDirectory("powrace-cluster-window");
        server = new TestingServer(-1, dir.resolve("zk").toFile(), true);
    }

    @AfterAll
    static void stopZookeeper() throws Exception {
        server.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Start
    void start(Stage stage) {
        Path mine = dir.resolve(UUID.randomUUID() + ".json");
        window = Window.open(stage, Settings.defaults().withPorts(List.of(0, 0, 0)).withDifficulty(3), mine,
                EngineFactory.auto(), (ledger, toClose) -> ClusterReferee.start(server.getConnectString(), "a", ledger,
                        3, Duration.ofSeconds(5), EngineFactory.auto(), Duration.ofSeconds(10)), () -> {}, prefs);
        stage.requestFocus();
    }

    @AfterEach
    void close() throws Exception {
        for (ClusterProcess p : List.copyOf(processes)) {
            p.close();
        }
        WaitForAsyncUtils.asyncFx(window::close).get(10, TimeUnit.SECONDS);
        Preferences parent = prefs.parent();
        prefs.removeNode();
        parent.flush();
    }

    <T> T fx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(10, TimeUnit.SECONDS);
    }

    /** The node rows on screen, by their ids ("row-b/Node1"). */
    Set<String> rows(FxRobot robot) throws Exception {
        return fx(() -> {
            Set<String> ids = new TreeSet<>();
            for (Node n : robot.lookup(".cluster-row").queryAll()) {
                if (n.getScene() != null && n.isVisible()) {
                    ids.add(n.getId());
                }
            }
            return ids;
        });
    }

    String status(FxRobot robot) throws Exception {
        Label l = robot.lookup("#status").queryAs(Label.class);
        return fx(l::getText);
    }

    static void await(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, condition);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void anotherProcesssNodesAppearAsRowsAndLeaveWithIt(FxRobot robot) throws Exception {
        assertTrue(robot.lookup(".node-card").queryAll().isEmpty(), "compact rows, not cards, in a cluster");
        await(() -> rows(robot).equals(Set.of("row-a/Node1", "row-a/Node2", "row-a/Node3")));
        ClusterProcess b = new ClusterProcess(dir, server.getConnectString(), "b", 3, 3, EngineFactory.auto(),
                processes);
        await(() -> rows(robot).size() == 6);
        assertEquals(Set.of("row-a/Node1", "row-a/Node2", "row-a/Node3", "row-b/Node1", "row-b/Node2", "row-b/Node3"),
                rows(robot));
        await(() -> status(robot).contains("cluster " + server.getConnectString() + " · 2 members · 6 nodes · connected"));
        assertTrue(fx(() -> robot.lookup("#group-b").queryAs(Label.class).getText()).equals("b · 3 nodes"));
        // only this window's nodes have a power control, and it sets their power
        assertTrue(robot.lookup("#power-b/Node1").tryQuery().isEmpty(), "another process's node has none");
        javafx.scene.control.Spinner<Integer> power = robot.lookup("#power-a/Node2").query();
        robot.interact(() -> power.getValueFactory().setValue(30));
        assertEquals(30, window.session().network().nodes().get(1).power());
        b.close();
        await(() -> rows(robot).size() == 3);
        await(() -> status(robot).contains("· 1 member · 3 nodes · connected"));
    }
}
