package dev.powrace.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.ledger.Timestamps;
import dev.powrace.node.Client;
import dev.powrace.pow.EngineFactory;
import dev.powrace.pow.Puzzle;
import dev.powrace.testing.ClusterProcess;
import dev.powrace.testing.Events;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks a review found after ClusterForgeryTest, each by an outsider's own ZooKeeper session on an open
 * cluster: taking other nodes out of a race by deleting their join markers (then winning), and stalling the ledger
 * copy or a start with a ledger znode nobody may read or one pinned with a child.
 */
class ClusterAttackTest {
    @TempDir
    Path dir;

    TestingServer server;
    CuratorFramework mallory;
    final List<ClusterProcess> processes = new ArrayList<>();

    @BeforeEach
    void zookeeper() throws Exception {
        server = new TestingServer(-1, dir.resolve("zk").toFile(), true);
        mallory = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100));
        mallory.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (ClusterProcess p : List.copyOf(processes)) {
            p.close();
        }
        mallory.close();
        server.close();
    }

    ClusterProcess process(String label, EngineFactory engines) throws Exception {
        return new ClusterProcess(dir, server.getConnectString(), label, 1, 2, engines, processes);
    }

    static String folder(String text) {
        return ClusterReferee.TEXTS + "/" + Puzzle.hex(Puzzle.sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Nobody but a race's opener may take a join marker or a claim out of it: a forger's deletes are refused. */
    @Test
    void nobodyCanTakeAnotherNodesJoinMarkerOutOfARace() throws Exception {
        ClusterRefereeTest.Gated gate = new ClusterRefereeTest.Gated();
        ClusterProcess a = process("a", gate);
        ClusterProcess b = process("b", gate);
        String text = "mine, not yours";
        for (ClusterProcess p : List.of(a, b)) {
            assertTrue(Client.send("127.0.0.1", p.ports().get(0), text).startsWith("OK "));
        }
        Events.await("both mining", () -> a.events.started.size() == 1 && b.events.started.size() == 1);
        String race = folder(text) + "/" + mallory.getChildren().forPath(folder(text)).get(0);
        for (String marker : List.of("a:Node1", "b:Node1")) {
            assertThrows(KeeperException.NoAuthException.class, () -> mallory.delete().forPath(race + "/joined/" + marker));
            assertThrows(KeeperException.NoAuthException.class,
                    () -> mallory.setData().forPath(race + "/joined/" + marker, "{}".getBytes(StandardCharsets.UTF_8)));
            assertNotNull(mallory.checkExists().forPath(race + "/joined/" + marker), marker);
        }
        gate.open = true;
        for (ClusterProcess p : List.of(a, b)) {
            Events.await(p.label + "'s entry", () -> p.ledger.size() == 1);
        }
        // the winner's claim can't be taken out either, nor the race's decision be forged away with it
        String claim = mallory.getChildren().forPath(race + "/claims").get(0);
        assertThrows(KeeperException.NoAuthException.class, () -> mallory.delete().forPath(race + "/claims/" + claim));
        String node = Events.entries(a.ledger.path()).get(0).node();
        assertTrue(node.equals("a/Node1") || node.equals("b/Node1"), node);
        assertArrayEquals(a.file(), b.file());
    }

    /**
     * A ledger znode nobody may read, and a forged entry pinned with a child so that it can't be removed, stall
     * neither the copy nor a start, and the forgery is never copied.
     */
    @Test
    void anUnreadableOrPinnedLedgerZnodeStallsNoCopyAndNoStart() throws Exception {
        ClusterProcess a = process("a", EngineFactory.digest());
        mallory.create().withACL(List.of(new ACL(ZooDefs.Perms.CREATE, new Id("world", "anyone"))))
                .forPath(ClusterReferee.LEDGER + "/entry-9000000000", "{}".getBytes(StandardCharsets.UTF_8));
        String text = "never raced";
        long nonce = 0;
        while (!Puzzle.isSolution(text, nonce, 2)) {
            nonce++;
        }
        String now = Timestamps.format(Instant.now());
        String pinned = ClusterReferee.LEDGER + "/entry-8000000000";
        mallory.transaction().forOperations( // pinned from the start
                mallory.transactionOp().create().forPath(pinned, Ledger.json().writeValueAsBytes(new Entry("b/Node1",
                        text, nonce, Puzzle.hash(text, nonce), 2, Entry.seconds(1_000_000), now, now, 1))),
                mallory.transactionOp().create().forPath(pinned + "/pin", new byte[0]));
        assertTrue(Client.send("127.0.0.1", a.ports().get(0), "after the junk").startsWith("OK "));
        Events.await("a's entry", () -> a.ledger.size() == 1);
        Events.await("the reports", () -> a.events.problems.stream().anyMatch(m -> m.contains("entry-9000000000")
                && m.contains("can't be read")) && a.events.problems.stream().anyMatch(m -> m.contains(
                "entry-8000000000") && (m.contains("is no race's decision") || m.contains("pinned"))));
        ClusterProcess b = process("b", EngineFactory.digest()); // a start is not refused
        assertTrue(Client.send("127.0.0.1", b.ports().get(0), "and another").startsWith("OK "));
        for (ClusterProcess p : List.of(a, b)) {
            Events.await(p.label + "'s second entry", () -> p.ledger.size() == 2);
            assertTrue(p.referee.sync(Duration.ofSeconds(10)));
        }
        assertArrayEquals(a.file(), b.file());
        assertEquals(List.of("after the junk", "and another"),
                Events.entries(a.ledger.path()).stream().map(Entry::transaction).toList(), "no forgery copied");
    }
}
