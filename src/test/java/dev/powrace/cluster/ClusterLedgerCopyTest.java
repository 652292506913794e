package dev.powrace.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger file as the cluster ledger's copy: one process per file, entry by entry, whatever ZooKeeper holds. */
class ClusterLedgerCopyTest {
    @TempDir
    Path dir;
    TestingServer server;
    final List<ClusterProcess> processes = new ArrayList<>();

    @BeforeEach
    void zookeeper() throws Exception {
        server = new TestingServer(-1, dir.resolve("zk").toFile(), true);
    }

    @AfterEach
    void stop() throws Exception {
        for (ClusterProcess p : List.copyOf(processes)) {
            p.close();
        }
        server.close();
    }

    /** Two processes started in one folder with the default --ledger ledger.json. */
    @Test
    void twoProcessesCanNotShareOneLedgerFile() throws Exception {
        Path file = dir.resolve("ledger.json");
        Ledger la = Ledger.open(file);
        Ledger lb = Ledger.open(file);
        ClusterReferee ra = ClusterReferee.start(server.getConnectString(), "a", la, 1, Duration.ofSeconds(30),
                EngineFactory.auto(), Duration.ofSeconds(10));
        try {
            ClusterException e = assertThrows(ClusterException.class, () -> ClusterReferee.start(
                    server.getConnectString(), "b", lb, 1, Duration.ofSeconds(30), EngineFactory.auto(),
                    Duration.ofSeconds(10)));
            assertTrue(e.getMessage().endsWith("is already the cluster ledger's copy of another powrace process; "
                    + "give each process its own --ledger"), e.getMessage());
            assertTrue(ra.client().checkExists().forPath(ClusterReferee.LABELS + "/b") == null, "b left nothing behind");
        } finally {
            ra.close();
            la.close();
            lb.close();
        }
    }

    /**
     * A race whose only node wrote a valid claim, and whose process then died before anyone judged it (between its
     * two writes): the claim's author can no longer be told from a forger, since its session and join marker are
     * gone with it. The race is abandoned, not won, and its text races anew: still one entry.
     */
    @Test
    void aClaimWhoseProcessLeftBeforeItWasJudgedDoesNotWinAndItsTextRacesAnew() throws Exception {
        ClusterProcess m = new ClusterProcess(dir, server.getConnectString(), "m", 1, 1, EngineFactory.auto(), processes);
        String text = "claimed then cut off";
        String hashed = ClusterReferee.TEXTS + "/"
                + Puzzle.hex(Puzzle.sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
        String now = Timestamps.format(Instant.now());
        long nonce = 0;
        while (!Puzzle.isSolution(text, nonce, 1)) {
            nonce++;
        }
        String claim = "{\"node\":\"m/Node1\",\"nonce\":" + nonce + ",\"hash\":\"" + Puzzle.hash(text, nonce)
                + "\",\"start_time\":\"" + now + "\",\"end_time\":\"" + now + "\",\"time_taken\":0.001,\"hashes\":5}";
        // what m's process wrote before it died: the race, its join, and its claim with its join marker
        CuratorFramework mine = m.referee.client();
        mine.create().creatingParentsIfNeeded().forPath(hashed, new byte[0]);
        mine.setData().withVersion(0).forPath(hashed, "1".getBytes(StandardCharsets.US_ASCII));
        String race = mine.create().forPath(hashed + "/race-0000000001", ("{\"text\":\"" + text
                + "\",\"difficulty\":1,\"opened_by\":\"m/Node1\",\"opened_at\":\"" + now + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        mine.create().forPath(race + "/joined", new byte[0]);
        mine.create().withMode(CreateMode.EPHEMERAL).forPath(race + "/joined/m:Node1", new byte[0]);
        mine.create().forPath(race + "/claims", new byte[0]);
        mine.transaction().forOperations(
                mine.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                        .forPath(race + "/claims/claim-", claim.getBytes(StandardCharsets.UTF_8)),
                mine.transactionOp().setData().withVersion(0).forPath(race + "/joined/m:Node1",
                        claim.getBytes(StandardCharsets.UTF_8)));
        m.close(); // its session ends, and its label and join marker with it
        ClusterProcess a = new ClusterProcess(dir, server.getConnectString(), "a", 1, 1, EngineFactory.auto(), processes);
        CuratorFramework zk = a.referee.client();
        assertTrue(Client.send("127.0.0.1", a.ports().get(0), text).startsWith("OK a/Node1 "));
        Events.await("an entry", () -> a.ledger.size() == 1);
        assertEquals(ClusterReferee.ABANDONED, new String(zk.getData().forPath(race + "/decided"), StandardCharsets.UTF_8));
        assertEquals("a/Node1", Events.entries(a.ledger.path()).get(0).node(), "a new race, won by a");
        Events.await("the report", () -> a.events.problems.stream().anyMatch(p -> p.contains("claim-0000000000 by m/Node1")
                && p.contains("not in the race")));
        a.referee.sync(Duration.ofSeconds(10));
        assertEquals(1, a.ledger.size(), "one entry");
    }

    /** An entry in the cluster ledger that does not verify (forged), then a real race, then a restart. */
    @Test
    void anEntryThatDoesNotVerifyIsSkippedTheSameWayAfterARestart() throws Exception {
        ClusterProcess a = new ClusterProcess(dir, server.getConnectString(), "a", 1, 1, EngineFactory.auto(), processes);
        CuratorFramework zk = a.referee.client();
        String now = Timestamps.format(Instant.now());
        zk.create().withMode(CreateMode.PERSISTENT_SEQUENTIAL).forPath(ClusterReferee.LEDGER + "/entry-",
                ("{\"node\":\"m/Node1\",\"transaction\":\"x\",\"nonce\":7,\"hash\":\"" + "0".repeat(64)
                        + "\",\"difficulty\":3,\"time_taken\":0.1,\"start_time\":\"" + now + "\",\"end_time\":\""
                        + now + "\",\"hashes\":1}").getBytes(StandardCharsets.UTF_8));
        Events.await("the report", () -> a.events.problems.stream().anyMatch(m -> m.contains("does not verify")));
        assertTrue(Client.send("127.0.0.1", a.ports().get(0), "real").startsWith("OK "));
        Events.await("a's entry", () -> a.ledger.size() == 1);
        a.close();
        ClusterProcess again = new ClusterProcess(dir, server.getConnectString(), "a", 1, 1, EngineFactory.auto(),
                processes);
        assertTrue(Client.send("127.0.0.1", again.ports().get(0), "after the restart").startsWith("OK "));
        Events.await("the entry after the restart", () -> again.ledger.size() == 2);
        again.referee.sync(Duration.ofSeconds(10));
        assertEquals(List.of("real", "after the restart"),
                Events.entries(again.ledger.path()).stream().map(Entry::transaction).toList(), "no entry copied twice");
    }

    /** A ledger file from local mode (or another cluster) is not taken as a copy, even when it is no longer. */
    @Test
    void aForeignLedgerFileIsRefused() throws Exception {
        ClusterProcess a = new ClusterProcess(dir, server.getConnectString(), "a", 1, 1, EngineFactory.auto(), processes);
        assertTrue(Client.send("127.0.0.1", a.ports().get(0), "cluster one").startsWith("OK "));
        Events.await("a's entry", () -> a.ledger.size() == 1);
        Path foreign = java.nio.file.Files.createDirectories(dir.resolve("sub"));
        try (Ledger local = Ledger.open(foreign.resolve("b.json"))) {
            String t = Timestamps.format(Instant.now());
            long n = 0;
            while (!Puzzle.isSolution("local only", n, 1)) {
                n++;
            }
            local.append(new Entry("Node1", "local only", n, Puzzle.hash("local only", n), 1, Entry.seconds(1000), t, t, 1));
        }
        ClusterException e = assertThrows(ClusterException.class, () -> new ClusterProcess(foreign,
                server.getConnectString(), "b", 1, 1, EngineFactory.auto(), processes));
        assertTrue(e.getMessage().contains("is not a copy of this cluster's ledger: its entry 1 differs"), e.getMessage());
    }

    @Test
    void aMalformedLedgerZnodeIsReportedAndSkipped() throws Exception {
        ClusterProcess a = new ClusterProcess(dir, server.getConnectString(), "a", 1, 1, EngineFactory.auto(), processes);
        a.referee.client().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL).forPath(ClusterReferee.LEDGER + "/entry-",
                "not json".getBytes(StandardCharsets.UTF_8));
        assertTrue(Client.send("127.0.0.1", a.ports().get(0), "after the junk").startsWith("OK "));
        Events.await("a's entry", () -> a.ledger.size() == 1);
        Events.await("the report", () -> a.events.problems.stream()
                .anyMatch(m -> m.equals("cluster: ledger entry-0000000000 is not a ledger entry; not copied")));
        ClusterProcess b = new ClusterProcess(dir, server.getConnectString(), "b", 1, 1, EngineFactory.auto(),
                processes);
        assertArrayEquals(a.file(), b.file(), "a process that starts later copies the same");
    }
}
