package dev.powrace.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.node.Network;
import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import dev.powrace.pow.HashMeter;
import dev.powrace.race.Attempt;
import dev.powrace.race.LocalReferee;
import dev.powrace.race.Peers;
import dev.powrace.race.Race;
import dev.powrace.race.RaceListener;
import dev.powrace.race.Referee;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app's view of a cluster, fed fake snapshots, with no toolkit running and no ZooKeeper. */
class ClusterModelTest {
    @TempDir
    Path dir;

    final ExecutorService fxThread = Executors.newSingleThreadExecutor();
    final ExecutorService io = Executors.newSingleThreadExecutor(); // one thread: a no-op waits for what came before
    Ledger ledger;
    Network network;

    @AfterEach
    void close() throws Exception {
        if (network != null) {
            network.close();
        }
        if (ledger != null) {
            ledger.close();
        }
        fxThread.shutdownNow();
        io.shutdownNow();
    }

    static Peers.Peer peer(String name, double rate, long wins, boolean local) {
        String label = name.substring(0, name.indexOf('/'));
        return new Peers.Peer(name, label, "10.0.0." + label.charAt(0), 5000, "simd16", rate, wins, local, 0, 1);
    }

    /** Nodes 1 to n of each label; "b" is this window's. */
    static List<Peers.Peer> nodes(Map<String, Double> rates, String... labels) {
        List<Peers.Peer> list = new ArrayList<>();
        for (String l : labels) {
            for (int i = 1; i <= 3; i++) {
                String name = l + "/Node" + i;
                list.add(peer(name, rates.getOrDefault(name, 0.0), 0, l.equals("b")));
            }
        }
        return list;
    }

    static List<String> names(ClusterModel.Group g) {
        return g.rows().stream().map(ClusterModel.Row::name).toList();
    }

    @Test
    void nineNodesThenSixShowAsRowsGroupedByLabelThisWindowsFirst() {
        Map<String, NodeModel> local = new LinkedHashMap<>();
        for (int i = 1; i <= 3; i++) {
            local.put("b/Node" + i, new NodeModel("b/Node" + i, 5000 + i, () -> 0, () -> 0));
        }
        ClusterModel m = new ClusterModel(local);
        Peers.View nine = new Peers.View(nodes(Map.of("c/Node2", 2e6), "a", "b", "c"), "127.0.0.1:2281", 3, true,
                0, 1);
        assertTrue(m.sample(nine, 0, 0));
        assertEquals(List.of("b", "a", "c"), m.groups().stream().map(ClusterModel.Group::label).toList());
        assertTrue(m.groups().get(0).local());
        assertFalse(m.groups().get(1).local());
        assertEquals(List.of("b/Node1", "b/Node2", "b/Node3"), names(m.groups().get(0)));
        assertEquals(List.of("a/Node1", "a/Node2", "a/Node3"), names(m.groups().get(1)));
        assertEquals(List.of("c/Node1", "c/Node2", "c/Node3"), names(m.groups().get(2)));
        assertEquals("a · 3 nodes", m.groups().get(1).title());
        assertEquals("b · this window · 3 nodes", m.groups().get(0).title());
        assertTrue(m.row("b/Node1").orElseThrow().local());
        ClusterModel.Row c2 = m.row("c/Node2").orElseThrow();
        assertFalse(c2.local());
        assertEquals("2.00 MH/s", c2.rateTextProperty().get());
        assertEquals(NodeState.MINING, c2.stateProperty().get());
        assertEquals(NodeState.IDLE, m.row("c/Node1").orElseThrow().stateProperty().get());
        assertEquals("10.0.0.c:5000", c2.addressProperty().get());
        assertEquals("cluster 127.0.0.1:2281 · 3 members · 9 nodes · connected · clock +0 ms ± 1 ms",
                m.summaryProperty().get());
        assertFalse(m.sample(nine, 0, 1), "the same snapshot again is no change");

        // c's node 2 wins: it is marked, with its times.
        Instant start = Instant.parse("2026-11-30T10:00:00.000001Z");
        m.won("c/Node2", start, start.plusMillis(5), 2);
        assertEquals(NodeState.WON, c2.stateProperty().get());
        assertTrue(c2.winnerProperty().get());
        assertTrue(c2.startTextProperty().get().endsWith("00:00.000001"), c2.startTextProperty().get());

        // c leaves and a's node 1 mines: the groups and rows follow, the rows that stay are the same objects.
        ClusterModel.Group a = m.groups().get(1);
        ClusterModel.Row a1 = m.row("a/Node1").orElseThrow();
        Peers.View six = new Peers.View(nodes(Map.of("a/Node1", 5e5), "b", "a"), "127.0.0.1:2281", 2, true, 0, 1);
        assertTrue(m.sample(six, 0, 3));
        assertEquals(List.of("b", "a"), m.groups().stream().map(ClusterModel.Group::label).toList());
        assertSame(a, m.groups().get(1));
        assertSame(a1, m.row("a/Node1").orElseThrow());
        assertEquals(6, m.groups().stream().mapToInt(g -> g.rows().size()).sum());
        assertTrue(m.row("c/Node2").isEmpty(), "a node that left has no row");
        assertEquals("500.0 kH/s", a1.rateTextProperty().get());
        assertEquals("cluster 127.0.0.1:2281 · 2 members · 6 nodes · connected · clock +0 ms ± 1 ms",
                m.summaryProperty().get());

        // a's node 1 goes idle: its last rate stays, dimmed; a node 2 of a new label appears in its place.
        Peers.View idle = new Peers.View(nodes(Map.of(), "b", "a", "d"), "127.0.0.1:2281", 3, false, 0, 1);
        m.sample(idle, 0, 4);
        assertEquals(List.of("b", "a", "d"), m.groups().stream().map(ClusterModel.Group::label).toList());
        assertTrue(a1.settledProperty().get());
        assertEquals("500.0 kH/s", a1.rateTextProperty().get());
        assertTrue(m.summaryProperty().get().endsWith("9 nodes · disconnected · clock +0 ms ± 1 ms"));
    }

    @Test
    void aRateTooLateForTheDecidedRaceIsItsTailNotANewRace() {
        ClusterModel m = new ClusterModel(Map.of("b/Node1", new NodeModel("b/Node1", 1, () -> 0, () -> 0)));
        m.sample(new Peers.View(List.of(peer("b/Node1", 0, 0, true), peer("a/Node1", 0, 0, false)), "zk:1", 2, true,
                0, 1), 0, 0);
        ClusterModel.Row a1 = m.row("a/Node1").orElseThrow();
        m.won("b/Node1", null, null, 1_000_000_000L);
        // a/Node1's rate of the half second before the decision arrives after it: it stopped, it is not mining
        m.sample(new Peers.View(List.of(peer("b/Node1", 0, 1, true), peer("a/Node1", 3e6, 0, false)), "zk:1", 2, true,
                0, 1), 0, 1_600_000_000L);
        assertEquals(NodeState.STOPPED, a1.stateProperty().get());
        // later, a rate is a race of its own (sent to a's nodes alone)
        m.sample(new Peers.View(List.of(peer("b/Node1", 0, 1, true), peer("a/Node1", 2e6, 0, false)), "zk:1", 2, true,
                0, 1), 0, 3_000_000_000L);
        assertEquals(NodeState.MINING, a1.stateProperty().get());
    }

    // ---- the dashboard over a referee that says it stands in a cluster ----

    /** A local referee that names its nodes a/NodeN and answers peers() with whatever view the test sets. */
    static final class FakeClusterReferee implements Referee, Peers {
        final LocalReferee local;
        volatile Peers.View view;
        final List<String> submitted = new java.util.concurrent.CopyOnWriteArrayList<>();

        FakeClusterReferee(Ledger ledger) {
            local = new LocalReferee(ledger, 3, 1, Duration.ofSeconds(5), EngineFactory.auto());
        }

        @Override public void addListener(RaceListener l) { local.addListener(l); }
        @Override public Ledger ledger() { return local.ledger(); }
        @Override public String engineName() { return local.engineName(); }
        @Override public int difficulty() { return local.difficulty(); }
        @Override public void setDifficulty(int d) { local.setDifficulty(d); }
        final List<String> joined = new java.util.concurrent.CopyOnWriteArrayList<>();
        @Override public Race join(String node, String text) {
            joined.add(node + ": " + text);
            return local.join(node, text);
        }
        @Override public int openRaces() { return local.openRaces(); }
        @Override public Attempt run(Race r, String n, BooleanSupplier stop, HashMeter meter) {
            return local.run(r, n, stop, meter);
        }
        @Override public String nodeName(int index) { return "a/Node" + index; }
        @Override public java.util.Optional<Peers> peers() { return java.util.Optional.of(this); }
        @Override public void problem(String message) { local.problem(message); }
        @Override public boolean sync(Duration timeout) throws InterruptedException { return local.sync(timeout); }
        @Override public void close() { local.close(); }
        @Override public Peers.View view() { return view; }
        @Override public void submitToAll(String text) { submitted.add(text); }
    }

    <T> T onFx(Callable<T> read) throws Exception {
        return fxThread.submit(read).get(10, TimeUnit.SECONDS);
    }

    @Test
    void theDashboardShowsTheClusterInItsStatusAndARemoteWinnerInThisClock() throws Exception {
        ledger = Ledger.open(dir.resolve("ledger.json"));
        FakeClusterReferee referee = new FakeClusterReferee(ledger);
        List<Peers.Peer> peers = new ArrayList<>();
        for (String l : List.of("a", "b", "c")) {
            for (int i = 1; i <= 3; i++) {
                // c's clock is 100 ms behind the cluster's, ours 20 ms behind: c's times are 80 ms behind ours
                peers.add(new Peers.Peer(l + "/Node" + i, l, "h", 1, "simd16", 0, 0, l.equals("a"),
                        l.equals("c") ? 100 : 0, 2));
            }
        }
        referee.view = new Peers.View(peers, "127.0.0.1:2281", 3, true, 20, 1);
        network = Network.start(Settings.defaults().withPorts(List.of(0, 0, 0)).withDifficulty(1), referee,
                EngineFactory.auto());
        Dashboard d = new Dashboard(network, ledger.path(), fxThread, io);
        referee.addListener(d);
        assertTrue(d.cluster().isPresent());
        fxThread.submit(() -> d.sample(1)).get();
        assertTrue(onFx(() -> d.statusProperty().get())
                .contains("cluster 127.0.0.1:2281 · 3 members · 9 nodes · connected · clock +20 ms ± 1 ms"),
                onFx(() -> d.statusProperty().get()));
        assertEquals(3, onFx(() -> d.cluster().orElseThrow().groups().size()));

        // typed text goes to the whole cluster, not to this window's ports
        assertTrue(d.submit("to everyone"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (referee.submitted.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of("to everyone"), referee.submitted);
        io.submit(() -> { }).get(10, TimeUnit.SECONDS); // a send to the ports, had there been one, is done by now
        assertEquals(List.of(), referee.joined, "no node got it through its port");

        // c/Node2 won a race: its bar is moved to this clock by the offsets' difference, 80 ms
        Race race = Race.judgedElsewhere(77, "remote win", 1);
        Instant start = Instant.parse("2026-11-30T10:00:00.000100Z");
        d.won(race, new Entry("c/Node2", "remote win", 1, "00" + "a".repeat(62), 1, Entry.seconds(5_000_000),
                "2026-11-30T10:00:00.000100+00:00", "2026-11-30T10:00:00.005100+00:00", 10));
        fxThread.submit(() -> d.sample(2)).get(); // the window's timer takes the events
        RaceView shown = onFx(() -> d.timelineProperty().get());
        assertEquals(77, shown.id());
        RaceView.Bar bar = shown.bars().get(0);
        assertEquals("c/Node2", bar.node());
        assertEquals(start.plusMillis(80), bar.start());
        assertEquals(start.plusMillis(85), bar.end());
        assertEquals(NodeState.WON, bar.state());
        assertEquals("±3 ms", bar.note());
        assertEquals(NodeState.WON, onFx(() -> d.cluster().orElseThrow().row("c/Node2").orElseThrow()
                .stateProperty().get()));

        referee.view = new Peers.View(peers.subList(0, 6), "127.0.0.1:2281", 2, false, 20, 1);
        fxThread.submit(() -> d.sample(3)).get();
        assertTrue(onFx(() -> d.statusProperty().get()).contains("2 members · 6 nodes · disconnected"));
    }
}
