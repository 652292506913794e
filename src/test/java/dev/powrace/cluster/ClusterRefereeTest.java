package dev.powrace.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.ledger.Timestamps;
import dev.powrace.node.Client;
import dev.powrace.node.Network;
import dev.powrace.node.Settings;
import dev.powrace.pow.Engine;
import dev.powrace.pow.EngineFactory;
import dev.powrace.pow.Puzzle;
import dev.powrace.race.Attempt;
import dev.powrace.race.Outcome;
import dev.powrace.testing.ClusterProcess;
import dev.powrace.testing.Events;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several processes in one cluster, each played by a Network with its own ClusterReferee, label and ledger file,
 * on one in-JVM ZooKeeper server.
 */
class ClusterRefereeTest {
    @TempDir
    Path dir;

    TestingServer server;
    final List<ClusterProcess> processes = new ArrayList<>();

    /** One "process" of the cluster. */
    ClusterProcess process(String label, int nodes, int difficulty) throws Exception {
        return process(label, nodes, difficulty, EngineFactory.auto());
    }

    ClusterProcess process(String label, int nodes, int difficulty, EngineFactory engines) throws Exception {
        return new ClusterProcess(dir, server.getConnectString(), label, nodes, difficulty, engines, processes);
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

    static void send(String text, ClusterProcess p, int node) {
        String reply = Client.send("127.0.0.1", p.ports().get(node), text);
        assertTrue(reply.startsWith("OK " + p.label + "/Node" + (node + 1) + " "), reply);
    }

    /** Waits until every process has handled what ZooKeeper told it so far and told its listeners. */
    static void settle(ClusterProcess... ps) throws Exception {
        for (int round = 0; round < 2; round++) {
            for (ClusterProcess p : ps) {
                assertTrue(p.referee.sync(Duration.ofSeconds(30)), p.label + " did not settle");
            }
        }
    }

    List<String> zkLedger(ClusterReferee r) throws Exception {
        return r.client().getChildren().forPath(ClusterReferee.LEDGER);
    }

    /**
     * Flow control (issue 17): a copy a node read late, after it waited for room, joins the race its text opened
     * within the join window of its earliest arrival, by ZooKeeper's clock, even once that race is decided: one
     * send, one entry. A copy that has just come opens a new race.
     */
    @Test
    void aCopyThatWaitedForRoomJoinsTheRaceItsTextOpenedInAnotherProcess() throws Exception {
        Duration window = Duration.ofMillis(300);
        ClusterProcess a = new ClusterProcess(dir, server.getConnectString(), "a", 1, 1, EngineFactory.auto(), window,
                processes);
        ClusterProcess b = new ClusterProcess(dir, server.getConnectString(), "b", 1, 1, EngineFactory.auto(), window,
                processes);
        long sent = System.nanoTime();
        String reply = Client.send("127.0.0.1", a.ports().get(0), "held copy");
        assertTrue(reply.startsWith("OK a/Node1 "), reply);
        long id = Long.parseLong(reply.substring(reply.lastIndexOf(' ') + 1));
        Events.await("a's entry", () -> Events.entries(a.ledger.path()).size() == 1);
        Thread.sleep(3 * window.toMillis()); // the race's window has passed
        long waited = System.nanoTime() - sent; // as if b's copy had come at once, and waited since
        assertEquals(id, b.referee.join("b/Node1", "held copy", waited).id(), "b's copy joins a's race");
        assertTrue(b.referee.join("b/Node1", "held copy", 0).id() != id, "a copy that just came opens a new race");
    }

    @Test
    void theSameTextSentToEveryNodeOfEveryProcessIsOneRaceWithOneEntryInEveryLedgerFile() throws Exception {
        ClusterProcess a = process("a", 2, 2);
        ClusterProcess b = process("b", 2, 2);
        ClusterProcess c = process("c", 2, 2);
        String text = "one race across three processes";
        List<Thread> senders = new ArrayList<>();
        for (ClusterProcess p : List.of(a, b, c)) {
            for (int i = 0; i < 2; i++) {
                int node = i;
                senders.add(new Thread(() -> send(text, p, node)));
            }
        }
        senders.forEach(Thread::start);
        for (Thread t : senders) {
            t.join();
        }
        for (ClusterProcess p : List.of(a, b, c)) {
            Events.await(p.label + "'s two nodes' ends", () -> p.events.ended.size() == 2);
            Events.await(p.label + "'s ledger entry", () -> p.ledger.size() >= 1);
        }
        settle(a, b, c);
        for (ClusterProcess p : List.of(a, b, c)) {
            assertEquals(1, p.ledger.size(), p.label);
        }
        assertEquals(1, zkLedger(a.referee).size());
        List<Attempt> all = Stream.of(a, b, c).flatMap(p -> p.events.ended.stream()).toList();
        assertEquals(1, all.stream().filter(x -> x.outcome() == Outcome.FOUND).count(), all.toString());
        assertEquals(1, all.stream().map(x -> x.race().id()).distinct().count(), "one race: " + all);
        String winner = all.stream().filter(x -> x.outcome() == Outcome.FOUND).findFirst().orElseThrow().node();
        Entry entry = Events.entries(a.ledger.path()).get(0);
        assertEquals(winner, entry.node());
        assertEquals(text, entry.transaction());
        assertArrayEquals(a.file(), b.file());
        assertArrayEquals(a.file(), c.file());
        // the process whose node won said so, after the entry was in its file
        ClusterProcess home = Stream.of(a, b, c).filter(p -> winner.startsWith(p.label + "/")).findFirst().orElseThrow();
        Events.await("the wins event", () -> home.events.won.size() == 1);
        // as in local mode, the winner's end is told before its win
        List<String> log = home.events.log;
        int end = log.indexOf(log.stream().filter(l -> l.startsWith("ended " + winner + " ")).findFirst().orElseThrow());
        int won = log.indexOf(log.stream().filter(l -> l.startsWith("won ")).findFirst().orElseThrow());
        assertTrue(end < won, log.toString());
    }

    @Test
    void twoCopiesOfATextInterleavedAcrossProcessesAreTwoRaces() throws Exception {
        ClusterProcess a = process("a", 2, 1);
        ClusterProcess b = process("b", 2, 1);
        String text = "twice";
        // Node1 of each process gets both its copies before Node2 gets its first: the second copies must not
        // go to the first race, which is still open to the Node2s.
        for (int node = 0; node < 2; node++) {
            for (int copy = 0; copy < 2; copy++) {
                send(text, a, node);
                send(text, b, node);
            }
        }
        for (ClusterProcess p : List.of(a, b)) {
            Events.await(p.label + "'s four ends", () -> p.events.ended.size() == 4);
            Events.await(p.label + "'s two entries", () -> p.ledger.size() >= 2);
        }
        settle(a, b);
        assertEquals(2, a.ledger.size());
        assertEquals(2, b.ledger.size());
        assertEquals(2, zkLedger(a.referee).size());
        assertEquals(2, Stream.of(a, b).flatMap(p -> p.events.ended.stream()).map(x -> x.race().id()).distinct().count());
        for (ClusterProcess p : List.of(a, b)) { // each node took part in both races, once each
            p.events.ended.stream().collect(java.util.stream.Collectors.groupingBy(Attempt::node)).forEach((node, attempts) ->
                    assertEquals(2, attempts.stream().map(x -> x.race().id()).distinct().count(), node + ": " + attempts));
        }
        assertArrayEquals(a.file(), b.file());
    }

    @Test
    void aClaimThatDoesNotVerifyIsReportedAndNeverWins() throws Exception {
        ClusterProcess a = process("a", 1, 3);
        ClusterProcess b = process("b", 1, 3);
        String text = "a forged claim comes first";
        // Mallory opened the race (as another process would) and claimed it at once with a nonce that does not
        // solve the text at difficulty 3, though its hash says it does; then the real nodes join.
        CuratorFramework zk = a.referee.client();
        String hashed = ClusterReferee.TEXTS + "/"
                + Puzzle.hex(Puzzle.sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
        String now = Timestamps.format(Instant.now());
        // laid out as docs/cluster.md's schema says: race-<n> after the counter's version n, with joined and claims
        zk.create().creatingParentsIfNeeded().forPath(hashed, new byte[0]);
        zk.setData().withVersion(0).forPath(hashed, "1".getBytes(StandardCharsets.US_ASCII));
        String race = zk.create().forPath(hashed + "/race-0000000001", ("{\"text\":\"" + text
                + "\",\"difficulty\":3,\"opened_by\":\"mallory/Node1\","
                + "\"opened_at\":\"" + now + "\",\"members\":3}").getBytes(StandardCharsets.UTF_8));
        zk.create().forPath(race + "/joined", new byte[0]);
        zk.create().forPath(race + "/claims", new byte[0]);
        String forged = "{\"node\":\"mallory/Node1\",\"nonce\":7,\"hash\":\"000000" + "0".repeat(58)
                + "\",\"start_time\":\"" + now + "\",\"end_time\":\"" + now + "\",\"time_taken\":0.000000001,\"hashes\":1}";
        String path = zk.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .forPath(race + "/claims/claim-", forged.getBytes(StandardCharsets.UTF_8));
        assertTrue(path.endsWith("claim-0000000000"), path);
        send(text, a, 0);
        send(text, b, 0);
        for (ClusterProcess p : List.of(a, b)) {
            Events.await(p.label + "'s end", () -> p.events.ended.size() == 1);
        }
        settle(a, b);
        for (ClusterProcess p : List.of(a, b)) {
            assertEquals(1, p.ledger.size(), p.label);
        }
        Entry entry = Events.entries(a.ledger.path()).get(0);
        assertTrue(entry.node().equals("a/Node1") || entry.node().equals("b/Node1"), entry.node());
        // the race nobody joined is abandoned by whoever looks first, reporting its claim (a live race's forged
        // claims are reported by every process in it: ClusterForgeryTest)
        Events.await("a report of the forged claim", () -> Stream.of(a, b).anyMatch(p -> p.events.problems.stream()
                .anyMatch(m -> m.contains("claim-0000000000 by mallory/Node1 does not verify"))));
        assertArrayEquals(a.file(), b.file());
    }

    @Test
    void aProcessThatJoinsLateCatchesItsLedgerFileUp() throws Exception {
        ClusterProcess a = process("a", 1, 1);
        ClusterProcess b = process("b", 1, 1);
        for (String text : List.of("first", "second", "third")) {
            send(text, a, 0);
            send(text, b, 0);
        }
        for (ClusterProcess p : List.of(a, b)) {
            Events.await(p.label + "'s three entries", () -> p.ledger.size() == 3);
        }
        ClusterProcess late = process("late", 1, 1);
        assertEquals(3, late.ledger.size()); // caught up before start returned
        assertArrayEquals(a.file(), late.file());
        // and it goes on copying
        send("fourth", a, 0);
        Events.await("the fourth entry everywhere", () -> late.ledger.size() == 4 && a.ledger.size() == 4);
        assertArrayEquals(a.file(), late.file());
    }

    /** An engine that hashes nothing and never finds a nonce: its node can only stop when told. */
    static final EngineFactory HOPELESS = new EngineFactory() {
        @Override
        public Engine create(String transaction, int difficulty) {
            return new Engine() {
                @Override
                public int scan(long from, int count) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return -1;
                }

                @Override
                public String name() {
                    return "hopeless";
                }
            };
        }

        @Override
        public String name() {
            return "hopeless";
        }
    };

    @Test
    void losersInOtherProcessesStopOnceTheClusterDecides() throws Exception {
        ClusterProcess a = process("a", 1, 2);
        ClusterProcess b = process("b", 2, 2, HOPELESS); // its nodes never find one: only the decision stops them
        String text = "stop when another process wins";
        send(text, b, 0);
        send(text, b, 1);
        Events.await("b's nodes mining", () -> b.events.started.size() == 2);
        send(text, a, 0);
        Events.await("b's ends", () -> b.events.ended.size() == 2);
        Events.await("a's end", () -> a.events.ended.size() == 1);
        assertEquals(Outcome.FOUND, a.events.ended.get(0).outcome());
        for (Attempt loser : b.events.ended) {
            assertEquals(Outcome.STOPPED, loser.outcome(), loser.toString());
            assertTrue(loser.race().decided());
            assertEquals("a/Node1", loser.race().winner().orElseThrow().node());
            assertFalse(loser.won());
        }
        assertEquals(1, b.events.ended.stream().map(x -> x.race().id()).distinct().count());
    }

    @Test
    void aNodeSlowToTakeASubmissionHoldsUpNothingElse() throws Exception {
        // Joining makes blocking ZooKeeper calls; a node stuck in one must not stop its process from hearing of
        // other races' decisions, or its losers would mine on.
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch taken = new java.util.concurrent.CountDownLatch(1);
        Ledger ledger = Ledger.open(dir.resolve("stuck.json"));
        ClusterReferee stuck = ClusterReferee.start(server.getConnectString(), "stuck", ledger, 1,
                Duration.ofSeconds(30), EngineFactory.auto(), Duration.ofSeconds(15));
        try {
            stuck.nodesStarted(List.of(new dev.powrace.race.Referee.Member("stuck/Node1", "127.0.0.1", 1, text -> {
                taken.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "OK stuck/Node1 0";
            }, () -> 0L)));
            ClusterProcess b = process("b", 1, 1);
            ClusterReferee.submit(b.referee.client(), "the stuck node takes this one slowly");
            assertTrue(taken.await(30, java.util.concurrent.TimeUnit.SECONDS), "the submission never reached the node");
            send("decided while the node is stuck", b, 0);
            Events.await("the stuck process copying the entry", () -> ledger.size() == 2);
        } finally {
            release.countDown();
            stuck.close();
            ledger.close();
        }
    }

    @Test
    void aSubmissionThroughZooKeeperReachesEveryNodeOfEveryProcess() throws Exception {
        ClusterProcess a = process("a", 2, 2);
        ClusterProcess b = process("b", 1, 2);
        ClusterReferee.submit(a.referee.client(), "sent to the cluster");
        Events.await("a's two ends", () -> a.events.ended.size() == 2);
        Events.await("b's end", () -> b.events.ended.size() == 1);
        settle(a, b);
        assertEquals(List.of("a/Node1", "a/Node2"), a.events.ended.stream().map(Attempt::node).sorted().toList());
        assertEquals(1, a.ledger.size());
        assertArrayEquals(a.file(), b.file());
        assertEquals("sent to the cluster", Events.entries(b.ledger.path()).get(0).transaction());
    }

    @Test
    void withoutZooKeeperNodesRefuseTransactionsAndCarryOnWhenItIsBack() throws Exception {
        ClusterProcess a = process("a", 1, 1);
        ClusterProcess b = process("b", 1, 1);
        server.stop();
        for (ClusterProcess p : List.of(a, b)) {
            Events.await(p.label + " saying the cluster is unavailable", () -> p.events.problems.stream()
                    .anyMatch(m -> m.startsWith("cluster unavailable: lost the connection to ZooKeeper")));
        }
        String reply = Client.send("127.0.0.1", a.ports().get(0), "while it is down");
        assertTrue(reply.startsWith("ERR cluster unavailable"), reply);
        server.restart();
        for (ClusterProcess p : List.of(a, b)) {
            Events.await(p.label + " connected again", () -> p.events.problems.stream()
                    .anyMatch(m -> m.startsWith("cluster: connected to ZooKeeper at")));
        }
        send("after it is back", a, 0);
        send("after it is back", b, 0);
        for (ClusterProcess p : List.of(a, b)) {
            Events.await(p.label + "'s entry", () -> p.ledger.size() == 1);
        }
        assertArrayEquals(a.file(), b.file());
        assertEquals("after it is back", Events.entries(a.ledger.path()).get(0).transaction());
    }

    @Test
    void aThreeServerEnsembleThatLosesTheServerAProcessUsesRacesOn() throws Exception {
        Files.createDirectories(dir.resolve("ensemble"));
        try (org.apache.curator.test.TestingCluster ensemble = new org.apache.curator.test.TestingCluster(3)) {
            ensemble.start();
            ClusterProcess a = new ClusterProcess(dir.resolve("ensemble"), ensemble.getConnectString(), "a", 1, 1,
                    EngineFactory.auto(), processes);
            ClusterProcess b = new ClusterProcess(dir.resolve("ensemble"), ensemble.getConnectString(), "b", 1, 1,
                    EngineFactory.auto(), processes);
            send("before a server is lost", a, 0);
            send("before a server is lost", b, 0);
            for (ClusterProcess p : List.of(a, b)) {
                Events.await(p.label + "'s first entry", () -> p.ledger.size() == 1);
            }
            org.apache.curator.test.InstanceSpec used = ensemble.findConnectionInstance(
                    a.referee.client().getZookeeperClient().getZooKeeper());
            assertTrue(ensemble.killServer(used), "killed " + used);
            Events.await("a noticing", () -> a.events.problems.stream()
                    .anyMatch(m -> m.startsWith("cluster unavailable: lost the connection to ZooKeeper")));
            // a was talking to that server: it moves to another of the two left, which are still a quorum (if
            // it was the leader, they elect another first, and every process is cut off for that moment)
            for (ClusterProcess p : List.of(a, b)) {
                Events.await(p.label + " taking a transaction again", () -> Client.send("127.0.0.1", p.ports().get(0),
                        "after a server is lost").startsWith("OK " + p.label + "/Node1 "));
            }
            for (ClusterProcess p : List.of(a, b)) {
                Events.await(p.label + "'s second entry", () -> p.ledger.size() == 2);
            }
            assertArrayEquals(a.file(), b.file());
            assertEquals(List.of("before a server is lost", "after a server is lost"),
                    Events.entries(a.ledger.path()).stream().map(Entry::transaction).toList());
            for (ClusterProcess p : List.of(a, b)) {
                p.close();
            }
        }
    }

    /** Finds nothing until the gate opens, then searches for real. */
    static final class Gated implements EngineFactory {
        volatile boolean open;

        @Override
        public Engine create(String transaction, int difficulty) {
            Engine real = EngineFactory.digest().create(transaction, difficulty);
            return new Engine() {
                @Override
                public int scan(long from, int count) {
                    if (open) {
                        return real.scan(from, count);
                    }
                    return HOPELESS.create(transaction, difficulty).scan(from, count);
                }

                @Override
                public String name() {
                    return "gated";
                }
            };
        }

        @Override
        public String name() {
            return "gated";
        }
    }

    @Test
    void aNonceFoundWhileCutOffIsClaimedWhenTheConnectionIsBack() throws Exception {
        Gated gate = new Gated();
        ClusterProcess a = process("a", 1, 2, gate);
        ClusterProcess b = process("b", 1, 2, HOPELESS);
        String text = "found while cut off";
        send(text, a, 0);
        send(text, b, 0);
        Events.await("both mining", () -> a.events.started.size() == 1 && b.events.started.size() == 1);
        server.stop();
        Events.await("a cut off", () -> a.events.problems.stream()
                .anyMatch(m -> m.startsWith("cluster unavailable: lost the connection")));
        gate.open = true;
        Events.await("a keeping its nonce for later", () -> a.events.problems.stream()
                .anyMatch(m -> m.contains("a/Node1 found nonce") && m.contains("while cut off")));
        server.restart();
        for (ClusterProcess p : List.of(a, b)) {
            Events.await(p.label + "'s entry", () -> p.ledger.size() == 1);
        }
        Events.await("both ends", () -> a.events.ended.size() == 1 && b.events.ended.size() == 1);
        assertEquals(Outcome.FOUND, a.events.ended.get(0).outcome());
        assertTrue(a.events.ended.get(0).won());
        assertEquals(Outcome.STOPPED, b.events.ended.get(0).outcome());
        assertEquals("a/Node1", Events.entries(b.ledger.path()).get(0).node());
        assertArrayEquals(a.file(), b.file());
    }

    @Test
    void aRaceEveryNodeOfWhichLeftIsAbandonedAndItsTextRacesAnew() throws Exception {
        ClusterProcess a = process("a", 1, 1);
        ClusterProcess b = process("b", 1, 1, HOPELESS);
        String text = "left by its only node";
        send(text, b, 0);
        Events.await("b mining", () -> b.events.started.size() == 1);
        long left = b.events.started.get(0).race().id();
        b.close(); // its session ends: its node leaves the member list
        send(text, a, 0);
        Events.await("a's entry", () -> a.ledger.size() == 1);
        Events.await("the report", () -> a.events.problems.stream().anyMatch(m -> m.startsWith("race " + left
                + " is abandoned with no winner: every node that joined it has left the cluster")));
        assertTrue(a.events.ended.get(0).race().id() != left, "a new race");
        assertTrue(a.events.ended.get(0).won());
        // the old race says so, so it can't be won any more
        CuratorFramework zk = a.referee.client();
        String hashed = ClusterReferee.TEXTS + "/"
                + Puzzle.hex(Puzzle.sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
        List<String> decisions = new ArrayList<>();
        for (String race : Schema.sorted(zk.getChildren().forPath(hashed))) {
            decisions.add(new String(zk.getData().forPath(hashed + "/" + race + "/decided"), StandardCharsets.UTF_8));
        }
        assertEquals(2, decisions.size(), decisions.toString());
        assertEquals(ClusterReferee.ABANDONED, decisions.get(0));
        assertTrue(decisions.get(1).startsWith("claim-"), decisions.toString());
    }

    @Test
    void aRaceClosedToJoinsForGoodIsRemovedFromZooKeeperAndItsTextRacesAgain() throws Exception {
        ClusterProcess a = new ClusterProcess(dir, server.getConnectString(), "a", 1, 1, EngineFactory.auto(),
                Duration.ofSeconds(1), processes);
        String text = "history";
        String hashed = ClusterReferee.TEXTS + "/"
                + Puzzle.hex(Puzzle.sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
        send(text, a, 0);
        Events.await("a's entry", () -> a.ledger.size() == 1);
        CuratorFramework zk = a.referee.client();
        assertEquals(1, zk.getChildren().forPath(hashed).size());
        Events.await("the race removed", () -> {
            try {
                return zk.getChildren().forPath(hashed).isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals(1, zk.getChildren().forPath(ClusterReferee.LEDGER).size(), "the ledger keeps its winner");
        send(text, a, 0);
        Events.await("a's second entry", () -> a.ledger.size() == 2);
        assertEquals(1, zk.getChildren().forPath(hashed).size(), "a new race, named anew");
    }

    @Test
    void aRaceRemovedAsHistoryWhileItsNodesStillMineStopsThem() throws Exception {
        // What a process cut off past a race's decision and removal finds when it is back: no race at all.
        ClusterProcess b = process("b", 1, 1, HOPELESS);
        String text = "removed under its miner";
        send(text, b, 0);
        Events.await("b mining", () -> b.events.started.size() == 1);
        String hashed = ClusterReferee.TEXTS + "/"
                + Puzzle.hex(Puzzle.sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
        CuratorFramework zk = b.referee.client();
        for (String race : zk.getChildren().forPath(hashed)) {
            zk.delete().deletingChildrenIfNeeded().forPath(hashed + "/" + race);
        }
        Events.await("b's node stopping", () -> b.events.ended.size() == 1);
        assertEquals(Outcome.STOPPED, b.events.ended.get(0).outcome());
        assertTrue(b.events.problems.stream().anyMatch(m -> m.contains("is history now; its nodes here stop")),
                b.events.problems.toString());
    }

    @Test
    void submissionsRemovedAsHistoryDoNotHideTheNextOnes() throws Exception {
        ClusterProcess a = process("a", 1, 1);
        CuratorFramework zk = a.referee.client();
        ClusterReferee.submit(zk, "first");
        Events.await("the first", () -> a.ledger.size() == 1);
        for (String sub : zk.getChildren().forPath(ClusterReferee.SUBMISSIONS)) {
            zk.delete().forPath(ClusterReferee.SUBMISSIONS + "/" + sub);
        }
        ClusterReferee.submit(zk, "second");
        Events.await("the second", () -> a.ledger.size() == 2);
    }

    @Test
    void afterItsSessionExpiresAProcessRegistersAgainAndRacesOn() throws Exception {
        ClusterProcess a = process("a", 1, 1);
        ClusterProcess b = process("b", 1, 1);
        CuratorFramework zk = a.referee.client();
        long before = zk.getZookeeperClient().getZooKeeper().getSessionId();
        zk.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
        Events.await("a connected again", () -> a.events.problems.stream()
                .anyMatch(m -> m.startsWith("cluster: connected to ZooKeeper at")));
        long after = zk.getZookeeperClient().getZooKeeper().getSessionId();
        assertTrue(after != before, "a new session");
        CuratorFramework other = b.referee.client();
        Events.await("a's label and member, owned by its new session", () -> {
            try {
                org.apache.zookeeper.data.Stat label = other.checkExists().forPath(ClusterReferee.LABELS + "/a");
                org.apache.zookeeper.data.Stat node = other.checkExists().forPath(ClusterReferee.MEMBERS + "/a/a:Node1");
                return label != null && label.getEphemeralOwner() == after && node != null
                        && node.getEphemeralOwner() == after;
            } catch (Exception e) {
                return false;
            }
        });
        send("after a new session", b, 0);
        send("after a new session", a, 0);
        for (ClusterProcess p : List.of(a, b)) {
            Events.await(p.label + "'s entry", () -> p.ledger.size() == 1);
        }
        assertArrayEquals(a.file(), b.file());
        ClusterReferee.submit(other, "submitted after a new session");
        Events.await("the submission reaching a", () -> a.ledger.size() == 2 && a.events.ended.size() == 2);
    }

    @Test
    void aLabelThatIsLiveIsRefused() throws Exception {
        process("a", 1, 1);
        Ledger other = Ledger.open(dir.resolve("other.json"));
        try {
            ClusterException e = org.junit.jupiter.api.Assertions.assertThrows(ClusterException.class,
                    () -> ClusterReferee.start(server.getConnectString(), "a", other, 1, Duration.ofSeconds(5),
                            EngineFactory.digest(), Duration.ofSeconds(10)));
            assertTrue(e.getMessage().contains("'a' is already live"), e.getMessage());
        } finally {
            other.close();
        }
    }
}
