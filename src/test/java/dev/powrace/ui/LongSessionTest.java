package dev.powrace.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.node.Network;
import dev.powrace.node.Node;
import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import dev.powrace.race.Attempt;
import dev.powrace.race.Outcome;
import dev.powrace.race.Race;
import dev.powrace.stats.RaceResult;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.collections.ListChangeListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a long session costs the FX thread, counted rather than timed: calls that cross to it, timeline rebuilds,
 * ledger-list changes and bytes allocated per sample. No toolkit runs; a plain thread stands in for the FX thread.
 */
class LongSessionTest {
    @TempDir
    Path dir;

    final ExecutorService io = Executors.newCachedThreadPool();
    final ScheduledExecutorService fxThread = Executors.newSingleThreadScheduledExecutor();
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

    Network network(int difficulty) throws Exception {
        ledger = Ledger.open(dir.resolve("ledger.json"));
        network = Network.start(Settings.defaults().withPorts(List.of(0, 0, 0)).withDifficulty(difficulty), ledger,
                EngineFactory.auto());
        return network;
    }

    <T> T onFx(Callable<T> read) throws Exception {
        return fxThread.submit(read).get(10, TimeUnit.SECONDS);
    }

    /**
     * Ten races' events (three starts, three ends and a win each, as the referee tells them) reach the FX thread in
     * one go at the next sample: nothing crosses per event, the timeline is built once, the ten winners join the
     * ledger list in one change, so that its sorted view walks it once, not ten times, and a card's texts are worked
     * out once. Before: 70 calls, 60 timelines, 10 list changes and 19 end times on a card.
     */
    @Test
    void raceEventsWaitForTheNextSampleAndAreTakenInOneGo() throws Exception {
        Queue<Runnable> crossed = new ArrayDeque<>();
        Dashboard d = new Dashboard(network(1), ledger.path(), crossed::add, io);
        AtomicInteger timelines = new AtomicInteger();
        d.timelineProperty().addListener((obs, old, r) -> timelines.incrementAndGet());
        AtomicInteger listChanges = new AtomicInteger();
        d.entries().addListener((ListChangeListener<Entry>) c -> listChanges.incrementAndGet());
        List<String> names = network.nodes().stream().map(Node::name).toList();
        AtomicInteger cardTexts = new AtomicInteger(); // a card's end time: "—" when a race starts, a time when it ends
        d.nodes().get(0).endTextProperty().addListener((obs, old, t) -> cardTexts.incrementAndGet());

        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        for (int i = 1; i <= 10; i++) {
            Race race = Race.judgedElsewhere(i, "Race #" + i, 1);
            String winner = names.get(i % names.size());
            for (String n : names) {
                d.started(new Attempt(race, n, Outcome.MINING, t, null, 0, 0, -1, null));
            }
            Attempt won = new Attempt(race, winner, Outcome.FOUND, t, t.plusNanos(40_000), 40_000, 200, 7, "00ab");
            race.decide(won);
            for (String n : names) {
                d.ended(n.equals(winner) ? won
                        : new Attempt(race, n, Outcome.STOPPED, t, t.plusNanos(50_000), 50_000, 150, -1, null));
            }
            d.won(race, new Entry(winner, "Race #" + i, 7, "00" + "a".repeat(62), 1, Entry.seconds(40_000),
                    "2026-12-01T10:00:00.000000+00:00", "2026-12-01T10:00:00.000040+00:00", 200));
            t = t.plusMillis(1);
        }
        int calls = crossed.size();
        while (!crossed.isEmpty()) { // what the FX thread would have run by its next sample
            crossed.remove().run();
        }
        d.sample(System.nanoTime());

        assertEquals(0, calls, "no call crosses to the FX thread per race event");
        assertEquals(1, timelines.get(), "the timeline is built once per sample");
        assertEquals(1, listChanges.get(), "the winners are added in one change");
        assertEquals(1, cardTexts.get(), "a card shows its node's latest attempt once a sample");
        assertEquals(10, d.entries().size());
        assertEquals("Race #10", d.entries().get(9).transaction());
        RaceView shown = d.timelineProperty().get();
        assertEquals(10, shown.id());
        assertEquals(3, shown.bars().size());
        assertTrue(shown.finished());
        assertEquals(10, d.nodes().stream().mapToInt(m -> m.winsProperty().get()).sum());
        assertEquals(NodeState.WON, d.nodes().get(10 % 3).stateProperty().get());

        d.sample(System.nanoTime());
        assertEquals(1, timelines.get(), "a finished race is not built again");
    }

    /**
     * A real Race ×30 at difficulty 1: the window's timer takes its races; one call crosses to the FX thread, the
     * series' end. Before: 200.
     */
    @Test
    void aSeriesCrossesToTheFxThreadOnlyThroughItsTimer() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Executor counted = r -> {
            calls.incrementAndGet();
            fxThread.execute(r);
        };
        Dashboard d = new Dashboard(network(1), ledger.path(), counted, io);
        network.referee().addListener(d);
        fxThread.scheduleAtFixedRate(() -> d.sample(System.nanoTime()), 0, 50, TimeUnit.MILLISECONDS);
        int races = 30;
        assertTrue(onFx(() -> d.raceSeries("", races)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // only to catch a hang
        while (onFx(() -> d.seriesRunningProperty().get() || d.entries().size() < races)) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(20);
        }
        assertEquals(races + " races done", onFx(() -> d.seriesProgressProperty().get()));
        assertEquals(1, calls.get(), "calls that crossed to the FX thread outside its timer, for " + races + " races");
    }

    /**
     * The statistics' FX side does the same work per sample whatever the races kept: it hands the summing over
     * without copying them. Counted in bytes allocated on the sampling thread: a copy of 100 000 races is 400 kB.
     */
    @Test
    void aStatisticsSampleCostsTheSameWithAThousandRacesOrAHundredThousand() {
        long small = allocatedPerSample(1_000);
        long large = allocatedPerSample(100_000);
        assertTrue(large < small + 4096, "bytes allocated per sample: " + small + " with 1 000 races, " + large
                + " with 100 000");
    }

    /** The fewest bytes one {@link StatsModel#sample} allocates, over a few, with a race added before each. */
    private static long allocatedPerSample(int kept) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        Queue<Runnable> compute = new ArrayDeque<>();
        StatsModel m = StatsModel.summingWith(compute::add, StatsViewModelTest::counting);
        RaceResult r = StatsViewModelTest.race(1, 2, "Node1", 1_000_000, 40_000, 30_000);
        for (int i = 0; i < kept; i++) {
            m.add(r);
        }
        long fewest = Long.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            m.add(r);
            long before = threads.getThreadAllocatedBytes(self);
            m.sample();
            fewest = Math.min(fewest, threads.getThreadAllocatedBytes(self) - before);
            while (!compute.isEmpty()) { // the summing, off the FX thread: not counted
                compute.remove().run();
            }
        }
        return fewest;
    }
}
