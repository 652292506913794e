package dev.powrace.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.powrace.cluster.ClusterReferee;
import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.node.Network;
import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import dev.powrace.testing.ClusterProcess;
import dev.powrace.testing.Events;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * nodes, send --cluster, export and verify --cluster against an in-JVM ZooKeeper server, with "processes" played by
 * a Network with its own ClusterReferee, label and ledger file each (as in ClusterRefereeTest).
 */
@Timeout(120) // only to catch a hang
class ClusterCommandsTest {
    @TempDir
    Path dir;

    TestingServer server;
    final List<ClusterProcess> processes = new ArrayList<>();

    /** One "process" of the cluster, at difficulty 1. */
    ClusterProcess process(String label, int nodes) throws Exception {
        return new ClusterProcess(dir, server.getConnectString(), label, nodes, 1, EngineFactory.auto(), processes);
    }

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

    CliTest.Run run(String... args) {
        return CliTest.run(args);
    }

    String zk() {
        return server.getConnectString();
    }

    /** Sends a text with send --cluster and waits until every process has its entry. */
    void race(String text, long entries, ClusterProcess... ps) {
        CliTest.Run r = run("send", "--cluster", zk(), text);
        assertEquals(0, r.code(), r.err());
        for (ClusterProcess p : ps) {
            Events.await(p.label + "'s entry " + entries, () -> p.ledger.size() >= entries);
        }
    }

    /** A hash rate in `nodes`' table: "-" until the node's process has published one, then e.g. "0.0 H/s". */
    static final String RATE = "(-|\\d[\\d.]* [kMG]?H/s)";

    @Test
    void nodesListsTheLiveNodesAndTheyLeaveWhenAProcessCloses() throws Exception {
        ClusterProcess a = process("a", 2);
        ClusterProcess b = process("b", 1);
        CliTest.Run r = run("nodes", "--cluster", zk());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("NODE"), r.out());
        assertTrue(lines.get(1).matches("a/Node1 +127\\.0\\.0\\.1 +" + a.network.ports().get(0) + " +\\S+ +" + RATE + " +0"), r.out());
        assertTrue(lines.get(2).matches("a/Node2 +127\\.0\\.0\\.1 +" + a.network.ports().get(1) + " +\\S+ +" + RATE + " +0"), r.out());
        assertTrue(lines.get(3).matches("b/Node1 +127\\.0\\.0\\.1 +" + b.network.ports().get(0) + " +\\S+ +" + RATE + " +0"), r.out());
        assertTrue(lines.get(4).startsWith("3 live nodes in 2 processes at " + zk()), r.out());

        CliTest.Run json = run("nodes", "--cluster", zk(), "--json");
        assertEquals(0, json.code(), json.err());
        JsonNode nodes = Ledger.json().readTree(json.out()).path("nodes");
        assertEquals(3, nodes.size(), json.out());
        assertEquals("b/Node1", nodes.get(2).path("name").asText());
        assertEquals(b.network.ports().get(0).intValue(), nodes.get(2).path("port").asInt());
        // published within half a second of the start: null (not yet) or a number
        assertTrue(nodes.get(2).path("hash_rate").isNull() || nodes.get(2).path("hash_rate").isNumber(), json.out());

        b.close();
        CliTest.Run after = run("nodes", "--cluster", zk());
        assertEquals(0, after.code(), after.err());
        assertFalse(after.out().contains("b/Node1"), after.out());
        assertTrue(after.out().contains("2 live nodes in 1 process"), after.out());
    }

    @Test
    void sendToTheClusterMakesEveryNodeRace() throws Exception {
        ClusterProcess a = process("a", 2);
        ClusterProcess b = process("b", 2);
        CliTest.Run r = run("send", "--cluster", zk(), "through", "ZooKeeper");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("submitted to the cluster at \\S+ as sub-\\d{10}; 4 live nodes\\R"), r.out());
        for (ClusterProcess p : List.of(a, b)) {
            Events.await(p.label + "'s two ends", () -> p.events.ended.size() == 2);
            Events.await(p.label + "'s entry", () -> p.ledger.size() == 1);
        }
        List<Entry> entries = Events.entries(a.ledger.path());
        assertEquals("through ZooKeeper", entries.get(0).transaction());
        assertArrayEquals(a.file(), b.file());
        // every node of both processes took part in that one race
        assertEquals(1, List.of(a, b).stream().flatMap(p -> p.events.ended.stream()).map(x -> x.race().id())
                .distinct().count());
        // and nodes counts the win
        CliTest.Run nodes = run("nodes", "--cluster", zk(), "--json");
        long wins = 0;
        for (JsonNode n : Ledger.json().readTree(nodes.out()).path("nodes")) {
            wins += n.path("wins").asLong();
            if (n.path("name").asText().equals(entries.get(0).node())) {
                assertEquals(1, n.path("wins").asLong(), nodes.out());
            }
        }
        assertEquals(1, wins, nodes.out());
    }

    @Test
    void sendToAClusterWithNoLiveNodeSaysSo() throws Exception {
        CliTest.Run r = run("send", "--cluster", zk(), "anyone?");
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().contains("no node is live in the cluster"), r.err());
    }

    @Test
    void exportIsByteForByteAServeProcesssLedgerCopy() throws Exception {
        // an empty cluster ledger is an empty ledger file
        ClusterProcess a = process("a", 2);
        CliTest.Run empty = run("export", "--cluster", zk());
        assertEquals(0, empty.code(), empty.err());
        assertEquals(new String(a.file(), StandardCharsets.UTF_8), empty.out());

        ClusterProcess b = process("b", 1);
        race("first, with \"quotes\" and ü", 1, a, b);
        race("second", 2, a, b);
        race("third", 3, a, b);
        assertArrayEquals(a.file(), b.file());

        CliTest.Run out = run("export", "--cluster", zk());
        assertEquals(0, out.code(), out.err());
        assertEquals(new String(a.file(), StandardCharsets.UTF_8), out.out());

        Path file = dir.resolve("export").resolve("ledger.json");
        Files.createDirectories(file.getParent());
        CliTest.Run toFile = run("export", "--cluster", zk(), "--out", file.toString());
        assertEquals(0, toFile.code(), toFile.err());
        assertArrayEquals(a.file(), Files.readAllBytes(file));
        try (var listing = Files.list(file.getParent())) {
            assertEquals(List.of(file), listing.toList(), "no temporary file is left");
        }

        Files.writeString(file, "mine");
        CliTest.Run again = run("export", "--cluster", zk(), "--out", file.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("exists; give --force to replace it"), again.err());
        assertEquals("mine", Files.readString(file));
        CliTest.Run forced = run("export", "--cluster", zk(), "--out", file.toString(), "--force");
        assertEquals(0, forced.code(), forced.err());
        assertArrayEquals(a.file(), Files.readAllBytes(file));
        CliTest.Run noFolder = run("export", "--cluster", zk(), "--out", dir.resolve("none").resolve("x.json").toString());
        assertEquals(2, noFolder.code());
        assertTrue(noFolder.err().endsWith("x.json can't be written: its folder does not exist\n"), noFolder.err());
    }

    @Test
    void verifyTheClusterPassesOnAGoodLedgerAndNamesAForgedEntry() throws Exception {
        ClusterProcess a = process("a", 2);
        race("good", 1, a);
        CliTest.Run good = run("verify", "--cluster", zk());
        assertEquals(0, good.code(), good.out() + good.err());
        assertTrue(good.out().contains("the cluster ledger at " + zk() + ": 1 entry, all valid"), good.out());

        // Mallory writes an entry straight into ZooKeeper: a copy of the good one with another nonce
        Entry real = Events.entries(a.ledger.path()).get(0);
        Entry forged = new Entry("mallory/Node1", real.transaction(), real.nonce() + 1, real.hash(), real.difficulty(),
                real.timeTaken(), real.startTime(), real.endTime(), real.hashes());
        String name;
        try (CuratorFramework zk = CuratorFrameworkFactory.newClient(zk(), new RetryOneTime(100))) {
            zk.start();
            String path = zk.create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                    .forPath("/powrace/ledger/entry-", Ledger.json().writeValueAsBytes(forged));
            name = path.substring(path.lastIndexOf('/') + 1);
        }
        CliTest.Run bad = run("verify", "--cluster", zk());
        assertEquals(1, bad.code(), bad.out() + bad.err());
        assertTrue(bad.out().contains(name + " (entry 2, mallory/Node1, \"good\"): hash does not match sha256"),
                bad.out());
        assertTrue(bad.out().contains("1 of 2 entries invalid"), bad.out());
        // the forged entry is in the export too, so the file's verify names it as well
        Path file = dir.resolve("export.json");
        assertEquals(0, run("export", "--cluster", zk(), "--out", file.toString()).code());
        CliTest.Run fileVerify = run("verify", "--ledger", file.toString());
        assertEquals(1, fileVerify.code(), fileVerify.out());
        assertTrue(fileVerify.out().contains("entry 2 (mallory/Node1, \"good\"): hash does not match"), fileVerify.out());
    }

    /**
     * Mallory decides a race before anyone has found a nonce, and writes, in the same transaction, a ledger entry at
     * difficulty 0 (no work at all): the processes set the decision aside and race the text, the copies hold the
     * genuine winner alone, and verify --cluster names both forgeries.
     */
    @Test
    void verifyTheClusterNamesAForgedDecisionAndAForgedEntryThatChangedNoCopy() throws Exception {
        ClusterProcess a = process("a", 1);
        ClusterProcess b = process("b", 1);
        String text = "decided by mallory";
        String folder = "/powrace/texts/" + dev.powrace.pow.Puzzle.hex(dev.powrace.pow.Puzzle.sha256()
                .digest(text.getBytes(StandardCharsets.UTF_8)));
        String now = dev.powrace.ledger.Timestamps.format(java.time.Instant.now());
        Entry free = new Entry("mallory/Node1", text, 7, dev.powrace.pow.Puzzle.hash(text, 7), 0,
                Entry.seconds(1), now, now, 1);
        String entry;
        try (CuratorFramework zk = CuratorFrameworkFactory.newClient(zk(), new RetryOneTime(100))) {
            zk.start();
            zk.create().forPath(folder, "1".getBytes(StandardCharsets.US_ASCII));
            String race = zk.create().forPath(folder + "/race-0000000001", ("{\"text\":\"" + text
                    + "\",\"difficulty\":1,\"opened_by\":\"mallory/Node1\",\"opened_at\":\"" + now + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
            zk.create().forPath(race + "/joined", new byte[0]);
            zk.create().forPath(race + "/claims", new byte[0]);
            entry = zk.transaction().forOperations(
                    zk.transactionOp().create().forPath(race + "/decided", "claim-0000000007".getBytes(StandardCharsets.UTF_8)),
                    zk.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                            .forPath("/powrace/ledger/entry-", Ledger.json().writeValueAsBytes(free)))
                    .get(1).getResultPath();
        }
        race(text, 1, a, b);
        assertTrue(a.referee.sync(java.time.Duration.ofSeconds(10)) && b.referee.sync(java.time.Duration.ofSeconds(10)));
        assertEquals(1, a.ledger.size());
        assertArrayEquals(a.file(), b.file());
        String winner = Events.entries(a.ledger.path()).get(0).node();
        assertTrue(winner.equals("a/Node1") || winner.equals("b/Node1"), winner);

        CliTest.Run verify = run("verify", "--cluster", zk());
        assertEquals(1, verify.code(), verify.out() + verify.err());
        String name = entry.substring(entry.lastIndexOf('/') + 1);
        assertTrue(verify.out().contains(name + " (entry 1, mallory/Node1, \"decided by mallory\"): difficulty is not 1 to 8"),
                verify.out());
        assertTrue(verify.out().lines().anyMatch(l -> l.contains("/race-0000000001/forged-")
                && l.contains("a forged decision (\"claim-0000000007\")")), verify.out());
        assertTrue(verify.out().contains(": 1 of 2 entries invalid; 1 forged decision set aside by the cluster"),
                verify.out());
    }

    @Test
    void anUnreachableClusterIsOneLineAndExitTwo() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // nothing listens there once it is closed
        }
        String connect = "127.0.0.1:" + port;
        for (String[] args : List.of(new String[] {"nodes", "--cluster", connect},
                new String[] {"send", "--cluster", connect, "hello"},
                new String[] {"export", "--cluster", connect},
                new String[] {"verify", "--cluster", connect})) {
            CliTest.Run r = run(args);
            assertEquals(2, r.code(), args[0] + ": " + r.err());
            assertEquals(List.of("powrace: cluster unavailable: can't reach ZooKeeper at " + connect + " within 5 s"),
                    r.err().lines().toList(), args[0]);
            assertEquals("", r.out(), args[0]);
        }
    }

    @Test
    void aMalformedOrUnresolvableConnectStringIsOneLineAndExitTwo() {
        // checked before a client is made: ZooKeeper's client would log a stack trace per attempt
        CliTest.Run port = run("nodes", "--cluster", "127.0.0.1:zk");
        assertEquals(2, port.code());
        assertEquals(List.of("powrace: cluster unavailable: '127.0.0.1:zk' is not a ZooKeeper connect string "
                + "(For input string: \"zk\"); give host:port[,host:port...]"), port.err().lines().toList());
        CliTest.Run host = run("export", "--cluster", "no-such-host.invalid:2181");
        assertEquals(2, host.code());
        assertEquals(List.of("powrace: cluster unavailable: can't resolve no-such-host.invalid (in "
                + "'no-such-host.invalid:2181')"), host.err().lines().toList());
    }

    @Test
    void clusterAndLocalOptionsTogetherAreRefused() {
        CliTest.Run send = run("send", "--cluster", "127.0.0.1:1", "--ports", "5000", "x");
        assertEquals(2, send.code());
        assertTrue(send.err().startsWith("powrace: give --ports/--host or --cluster, not both"), send.err());
        CliTest.Run verify = run("verify", "--cluster", "127.0.0.1:1", "--ledger", "x.json");
        assertEquals(2, verify.code());
        assertTrue(verify.err().startsWith("powrace: give --ledger or --cluster, not both"), verify.err());
        CliTest.Run nodes = run("nodes");
        assertEquals(2, nodes.code());
        assertTrue(nodes.err().contains("--cluster"), nodes.err());
    }
}
