package dev.powrace.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.node.Network;
import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The view models, with no toolkit running: a plain single thread stands in for the FX thread, and a task on it every
 * 50 ms for the window's timer.
 */
class ViewModelTest {
    @TempDir
    Path dir;

    final ScheduledExecutorService fxThread = Executors.newSingleThreadScheduledExecutor();
    final ExecutorService io = Executors.newCachedThreadPool();
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

    <T> T onFx(Callable<T> read) throws Exception {
        return fxThread.submit(read).get(10, TimeUnit.SECONDS);
    }

    void await(Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!onFx(condition)) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(10);
        }
    }

    Dashboard dashboard(int difficulty) throws Exception {
        ledger = Ledger.open(dir.resolve("ledger.json"));
        network = Network.start(Settings.defaults().withPorts(List.of(0, 0, 0)).withDifficulty(difficulty), ledger,
                EngineFactory.auto());
        Dashboard d = new Dashboard(network, ledger.path(), fxThread, io);
        network.referee().addListener(d);
        fxThread.scheduleAtFixedRate(() -> d.sample(System.nanoTime()), 0, 50, TimeUnit.MILLISECONDS); // the timer
        return d;
    }

    /** Issue 17: while a node holds a race for the warm-up, its card says so; then it mines. */
    @Test
    void aCardSaysWarmingUpWhileItsNodeHoldsARaceForTheWarmUp() throws Exception {
        ledger = Ledger.open(dir.resolve("ledger.json"));
        java.util.concurrent.CompletableFuture<Void> shown = new java.util.concurrent.CompletableFuture<>();
        network = Network.start(Settings.defaults().withPorts(List.of(0, 0, 0)).withDifficulty(1), ledger,
                EngineFactory.auto(), shown); // the app's start: the warm-up waits for the window
        Dashboard d = new Dashboard(network, ledger.path(), fxThread, io);
        network.referee().addListener(d);
        fxThread.scheduleAtFixedRate(() -> d.sample(System.nanoTime()), 0, 50, TimeUnit.MILLISECONDS); // the timer
        NodeModel node1 = d.nodes().get(0);
        assertEquals("warming up", NodeState.WARMING_UP.label());
        assertEquals("state-warming-up", NodeState.WARMING_UP.styleClass());
        assertTrue(dev.powrace.node.Client.send("127.0.0.1", node1.port(), "typed at once").startsWith("OK "));
        await(() -> node1.stateProperty().get() == NodeState.WARMING_UP);
        assertEquals(NodeState.IDLE, onFx(() -> d.nodes().get(2).stateProperty().get()), "Node3 has no race");
        assertTrue(onFx(() -> d.warmingProperty().get()), "the timeline says the race waits for the warm-up");
        shown.complete(null);
        await(() -> node1.stateProperty().get() == NodeState.WON);
        assertFalse(onFx(() -> d.warmingProperty().get()));
    }

    /**
     * The app opens its nodes while JavaFX starts, before its window listens: a node that began to wait for the
     * warm-up then said so to nobody. The window's first sample asks, and its card says so all the same.
     */
    @Test
    void aCardSaysWarmingUpForARaceThatWaitedBeforeTheWindowListened() throws Exception {
        ledger = Ledger.open(dir.resolve("ledger.json"));
        java.util.concurrent.CompletableFuture<Void> shown = new java.util.concurrent.CompletableFuture<>();
        network = Network.start(Settings.defaults().withPorts(List.of(0, 0, 0)).withDifficulty(1), ledger,
                EngineFactory.auto(), shown);
        assertTrue(dev.powrace.node.Client.send("127.0.0.1", network.ports().get(0), "before the window").startsWith("OK "));
        await(() -> network.warmingUp().equals(List.of("Node1")));
        Dashboard d = new Dashboard(network, ledger.path(), fxThread, io);
        network.referee().addListener(d);
        fxThread.scheduleAtFixedRate(() -> d.sample(System.nanoTime()), 0, 50, TimeUnit.MILLISECONDS); // the timer
        NodeModel node1 = d.nodes().get(0);
        await(() -> node1.stateProperty().get() == NodeState.WARMING_UP);
        assertTrue(onFx(() -> d.warmingProperty().get()));
        assertEquals(NodeState.IDLE, onFx(() -> d.nodes().get(1).stateProperty().get()), "Node2 has no race");
        shown.complete(null);
        await(() -> node1.stateProperty().get() == NodeState.WON);
        assertFalse(onFx(() -> d.warmingProperty().get()));
        assertEquals(List.of(), network.warmingUp());
    }

    @Test
    void hashRateIsDeltaCountOverDeltaTimeAcrossTheWindow() {
        HashRate rate = new HashRate(1_000_000_000L);
        rate.sample(0, 0);
        assertTrue(Double.isNaN(rate.perSecond()), "no figure from one sample");
        rate.sample(100_000_000L, 500_000);
        assertEquals(5_000_000, rate.perSecond(), 1);
        for (int i = 2; i <= 30; i++) {
            rate.sample(i * 100_000_000L, i * 500_000L + (i > 20 ? (i - 20) * 500_000L : 0));
        }
        // The last second (samples 20 to 30) ran twice as fast: the window shows that, not the average.
        assertEquals(10_000_000, rate.perSecond(), 1);
    }

    @Test
    void formatsReadAsAPersonExpects() {
        assertEquals("3.42 MH/s", Formats.rate(3_420_000));
        assertEquals("812.0 kH/s", Formats.rate(812_000));
        assertEquals("12 H/s", Formats.rate(12));
        assertEquals("—", Formats.rate(Double.NaN));
        assertEquals("1.602677 s", Formats.seconds(1_602_676_876L));
        assertEquals("1\u2009602\u2009677 µs", Formats.micros(1_602_677));
    }

    @Test
    void aNodeModelFollowsItsNodeThroughARace() throws Exception {
        Dashboard d = dashboard(2);
        d.submit("model race");
        await(() -> d.entries().size() == 1);
        await(() -> d.nodes().stream().noneMatch(m -> m.stateProperty().get() == NodeState.MINING));
        Entry entry = onFx(() -> d.entries().get(0));
        List<NodeModel> nodes = d.nodes();
        for (NodeModel m : nodes) {
            NodeState state = onFx(() -> m.stateProperty().get());
            if (m.name().equals(entry.node())) {
                assertEquals(NodeState.WON, state);
                assertTrue(onFx(() -> m.winnerProperty().get()));
                assertEquals(1, onFx(() -> m.winsProperty().get()));
                assertTrue(onFx(() -> m.hashesProperty().get()) == entry.hashes());
            } else {
                assertTrue(state == NodeState.STOPPED || state == NodeState.LATE, state.toString());
                assertFalse(onFx(() -> m.winnerProperty().get()));
            }
            assertTrue(onFx(() -> m.startTextProperty().get()).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{6}"));
        }
        RaceView shown = onFx(() -> d.timelineProperty().get());
        assertEquals("model race", shown.transaction());
        assertEquals(3, shown.bars().size());
        assertEquals(1, shown.bars().stream().filter(b -> b.state() == NodeState.WON).count());
        assertTrue(shown.finished());
        assertTrue(onFx(() -> d.statusProperty().get()).contains("1 entry"));
    }

    @Test
    void samplingTurnsCountersIntoRatesAndProgress() {
        AtomicLong total = new AtomicLong();
        NodeModel m = new NodeModel("Node1", 5000, total::get, total::get);
        m.sample(0, 0);
        assertEquals("—", m.rateTextProperty().get());
        total.set(2_000_000);
        m.sample(200_000_000L, 20_000_000);
        assertEquals(10_000_000, m.rateProperty().get(), 1);
        assertEquals("10.00 MH/s", m.rateTextProperty().get());
        assertEquals(0.5, m.rateShareProperty().get(), 1e-9);
        assertFalse(m.settledProperty().get(), "no attempt yet: the live figure");
    }

    /**
     * Between races each rate bar keeps its last average, however long the wait: the bars' scale is made of the rates
     * the cards show (they went empty ten seconds after a race, while their figures still read "3.22 MH/s avg").
     */
    @Test
    void betweenRacesTheRateBarsKeepTheAveragesTheirFiguresShowAfterAnyWait() throws Exception {
        Dashboard d = dashboard(2);
        d.submit("bars after the race");
        await(() -> d.entries().size() == 1);
        await(() -> d.nodes().stream().noneMatch(m -> m.stateProperty().get() == NodeState.MINING));
        long later = System.nanoTime() + 60_000_000_000L; // a minute on: every live rate is long out of the scale
        onFx(() -> {
            d.sample(later);
            d.sample(later + 50_000_000L);
            return null;
        });
        double fastest = 0;
        for (NodeModel m : d.nodes()) {
            double shown = onFx(m::shownRate);
            fastest = Double.isNaN(shown) ? fastest : Math.max(fastest, shown);
        }
        assertTrue(fastest > 0);
        for (NodeModel m : d.nodes()) {
            String figure = onFx(() -> m.rateTextProperty().get());
            double share = onFx(() -> m.rateShareProperty().get());
            double shown = onFx(m::shownRate);
            if (figure.endsWith(" avg")) { // a late node, with no average yet, shows a dash
                assertTrue(onFx(() -> m.settledProperty().get()));
                // as long as its figure, against the fastest average (a node stopped before its first hash: 0)
                assertEquals(shown / fastest, share, 1e-9, m.name() + " shows " + figure);
            }
        }
    }

    @Test
    void pickingAnEntryShowsItsRaceAndStopsFollowing() throws Exception {
        Dashboard d = dashboard(1);
        Entry old = new Entry("Node3", "from the file", 1, "00" + "a".repeat(62), 1, Entry.seconds(2000),
                "2026-11-25T10:00:00.000000+00:00", "2026-11-25T10:00:00.000002+00:00", 1);
        fxThread.submit(() -> d.load(List.of(old))).get();
        d.submit("live one");
        await(() -> d.entries().size() == 2);
        await(() -> d.timelineProperty().get() != null && d.timelineProperty().get().finished()
                && d.timelineProperty().get().bars().size() == 3);
        fxThread.submit(() -> d.pick(old)).get();
        RaceView shown = onFx(() -> d.timelineProperty().get());
        assertFalse(onFx(() -> d.followLatestProperty().get()));
        assertEquals("from the file", shown.transaction());
        assertEquals(List.of("Node3"), shown.bars().stream().map(RaceView.Bar::node).toList());
        Entry live = onFx(() -> d.entries().get(1));
        fxThread.submit(() -> d.pick(live)).get();
        assertEquals(3, onFx(() -> d.timelineProperty().get().bars().size()), "a race of this session: all attempts");
    }

    @Test
    void aWinnerToldWhileTheFileIsReadIsShownOnce() throws Exception {
        Dashboard d = dashboard(1);
        d.submit("told, and in the file by the time it is read");
        await(() -> d.entries().size() == 1);
        Entry older = new Entry("Node3", "from the file", 1, "00" + "a".repeat(62), 1, Entry.seconds(2000),
                "2026-11-25T10:00:00.000000+00:00", "2026-11-25T10:00:00.000002+00:00", 1);
        List<Entry> file = new java.util.ArrayList<>(List.of(older));
        file.addAll(Ledger.readAll(ledger.path()));
        assertEquals(2, file.size());
        fxThread.submit(() -> d.load(file)).get();
        assertEquals(List.of("from the file", "told, and in the file by the time it is read"),
                onFx(() -> d.entries().stream().map(Entry::transaction).toList()));
    }

    @Test
    void inputIsCheckedBeforeItIsSent() throws Exception {
        Dashboard d = dashboard(1);
        assertTrue(d.problemWith("").isPresent());
        assertTrue(d.problemWith(" \t ").isPresent());
        assertTrue(d.problemWith("a\nb").isPresent());
        assertTrue(d.problemWith("é".repeat(40_000)).orElseThrow().contains("80000 bytes"));
        assertTrue(d.problemWith("x".repeat(Settings.MAX_LINE_BYTES)).isEmpty());
        assertFalse(d.submit("   "));
        Thread.sleep(200);
        assertEquals(0, network.referee().openRaces());
    }

    @Test
    void aNodeErrorReachesTheStatusLine() throws Exception {
        Dashboard d = dashboard(1);
        d.problem("Node2: something broke");
        await(() -> d.statusProperty().get().contains("last error: Node2: something broke"));
    }
}
