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
import dev.powrace.stats.NodeStats;
import dev.powrace.stats.RaceResult;
import dev.powrace.stats.Statistics;
import dev.powrace.stats.Summary;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The power control, "Race ×N" and the statistics view's models, with no toolkit running: a plain single thread
 * stands in for the FX thread, and a task on it every 50 ms for the window's timer.
 */
class StatsViewModelTest {
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
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // only to catch a hang
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

    static RaceResult race(long id, int difficulty, String winner, long nanos, long... hashes) {
        List<RaceResult.NodeRun> runs = new ArrayList<>();
        for (int i = 0; i < hashes.length; i++) {
            String node = "Node" + (i + 1);
            runs.add(new RaceResult.NodeRun(node, hashes[i], nanos, node.equals(winner)));
        }
        return new RaceResult(id, difficulty, winner, nanos, runs);
    }

    /** A summary of {@code races} that only counts them: what the model does with it is what is tested. */
    static Summary counting(List<RaceResult> races) {
        int d = races.isEmpty() ? 0 : races.get(races.size() - 1).difficulty();
        return new Summary(races.size(), d, List.of(), Double.NaN, Double.NaN, List.of(),
                races.stream().map(r -> r.durationNanos() / 1e9).toList(), Double.NaN, Double.NaN);
    }

    // ---- Power ----

    @Test
    void aNodeModelsPowerIsClampedToOneToAHundredAndAppliedOncePerChange() {
        List<Integer> applied = new ArrayList<>();
        NodeModel m = new NodeModel("Node1", 1, () -> 0, () -> 0, 100, applied::add);
        assertEquals(100, m.powerProperty().get());
        m.setPower(50);
        m.setPower(50);
        m.setPower(0);
        m.setPower(250);
        assertEquals(List.of(50, 1, 100), applied);
        assertEquals(100, m.powerProperty().get());
        assertEquals(1, new NodeModel("Node2", 2, () -> 0, () -> 0, -5, p -> {}).powerProperty().get());
    }

    @Test
    void thePowerSetOnACardIsTheNodesFromItsNextRace() throws Exception {
        Dashboard d = dashboard(1);
        NodeModel second = d.nodes().get(1);
        assertEquals(100, onFx(() -> second.powerProperty().get()), "--power's default");
        fxThread.submit(() -> second.setPower(40)).get();
        assertEquals(40, network.nodes().get(1).power());
        assertEquals(100, network.nodes().get(0).power());
    }

    @Test
    void aPowerChangeMidSeriesLeavesTheEarlierRacesAtThePowerTheyRanAt() throws Exception {
        Dashboard d = dashboard(1);
        NodeModel second = d.nodes().get(1);
        assertTrue(onFx(() -> d.raceSeries("at full power", 3)));
        await(() -> !d.seriesRunningProperty().get());
        fxThread.submit(() -> second.setPower(40)).get();
        assertTrue(onFx(() -> d.raceSeries("at 40%", 3)));
        await(() -> !d.seriesRunningProperty().get());
        await(() -> {
            StatsFigures f = d.stats().figuresProperty().get();
            return f.summary() != null && f.summary().races() == 6;
        });
        NodeStats node2 = onFx(() -> d.stats().figuresProperty().get().summary().nodes().get(1));
        assertEquals("Node2", node2.node());
        assertEquals(100, node2.power(), "the highest it ran at: the first three races were at 100%");
        assertEquals(40, node2.lowestPower());
        assertEquals("40–100%", node2.powerText());
        assertEquals("100%", onFx(() -> d.stats().figuresProperty().get().summary().nodes().get(0).powerText()));
    }

    // ---- Race ×N ----

    @Test
    void aSeriesNeedsOneToTenThousandRacesAndALineOfText() throws Exception {
        Dashboard d = dashboard(1);
        assertEquals("Race", Dashboard.seriesPrefix("  "));
        assertEquals("lecture", Dashboard.seriesPrefix(" lecture "));
        assertTrue(d.seriesProblem("", 1).isEmpty());
        assertTrue(d.seriesProblem("", Dashboard.MAX_SERIES).isEmpty());
        assertTrue(d.seriesProblem("", 0).orElseThrow().contains("1 to 10000"));
        assertTrue(d.seriesProblem("", Dashboard.MAX_SERIES + 1).isPresent());
        assertTrue(d.seriesProblem("two\nlines", 5).isPresent());
        assertFalse(onFx(() -> d.raceSeries("", 0)));
        assertFalse(onFx(() -> d.seriesRunningProperty().get()));
    }

    @Test
    void aSeriesRunsItsRacesBackToBackAndTheStatisticsFollow() throws Exception {
        Dashboard d = dashboard(1);
        assertTrue(onFx(() -> d.raceSeries("", 5)));
        assertTrue(onFx(() -> d.seriesRunningProperty().get()));
        assertFalse(onFx(() -> d.raceSeries("", 5)), "one series at a time");
        await(() -> !d.seriesRunningProperty().get());
        assertEquals("5 races done", onFx(() -> d.seriesProgressProperty().get()));
        await(() -> d.entries().size() == 5);
        assertEquals(List.of("Race #1", "Race #2", "Race #3", "Race #4", "Race #5"),
                onFx(() -> d.entries().stream().map(Entry::transaction).toList()));
        await(() -> {
            d.sample(System.nanoTime());
            StatsFigures f = d.stats().figuresProperty().get();
            return f.summary() != null && f.summary().races() == 5;
        });
        StatsFigures f = onFx(() -> d.stats().figuresProperty().get());
        assertEquals(5, f.shares().stream().mapToInt(sh -> sh.stats().wins()).sum(), "every race has its winner");
        assertTrue(f.caption().startsWith("5 races at difficulty 1"), f.caption());
    }

    @Test
    void startOverResetsTheCardsWinsAndKeepsNoRaceResultsInTheLog() throws Exception {
        Dashboard d = dashboard(1);
        assertTrue(onFx(() -> d.raceSeries("", 3)));
        await(() -> !d.seriesRunningProperty().get());
        await(() -> d.nodes().stream().mapToInt(m -> m.winsProperty().get()).sum() == 3);
        await(() -> {
            d.sample(System.nanoTime());
            StatsFigures f = d.stats().figuresProperty().get();
            return f.summary() != null && f.summary().races() == 3;
        });
        assertEquals(0, (int) onFx(d::resultsKept), "the window reads the results as they come, keeps none");
        fxThread.submit(d::startOver).get();
        assertEquals(List.of(0, 0, 0), onFx(() -> d.nodes().stream().map(m -> m.winsProperty().get()).toList()),
                "the cards' wins start again with the statistics");
        assertEquals(0, (int) onFx(d::resultsKept));
        assertSame(StatsFigures.EMPTY, onFx(() -> d.stats().figuresProperty().get()));
    }

    @Test
    void aSeriesStopsWhenToldAndSaysHowFarItGot() throws Exception {
        Dashboard d = dashboard(2);
        assertTrue(onFx(() -> d.raceSeries("stoppable", Dashboard.MAX_SERIES)));
        await(() -> d.seriesProgressProperty().get().startsWith("race ")
                && Integer.parseInt(d.seriesProgressProperty().get().split(" ")[1]) >= 3);
        fxThread.submit(d::stopSeries).get();
        await(() -> !d.seriesRunningProperty().get());
        String said = onFx(() -> d.seriesProgressProperty().get());
        assertTrue(said.matches("stopped after \\d+ of 10000 races"), said);
        int done = Integer.parseInt(said.split(" ")[2]);
        assertTrue(done >= 2, said);
        await(() -> network.nodes().stream().allMatch(n -> n.current() == null));
        Thread.sleep(300);
        assertTrue(onFx(() -> d.entries().size()) <= done + 1, "no race submitted after the stop");
    }

    // ---- The statistics model ----

    @Test
    void racesAreSummedUpOffTheFxThreadOneAtATimeAndShownOnASample() {
        Queue<Runnable> compute = new ArrayDeque<>();
        List<Integer> asked = new ArrayList<>();
        StatsModel m = StatsModel.summingWith(compute::add, races -> {
            asked.add(races.size());
            return counting(races);
        });
        m.sample();
        assertTrue(compute.isEmpty(), "nothing to sum");
        m.add(race(1, 2, "Node1", 1_000_000, 40_000, 30_000));
        m.add(race(2, 2, "Node2", 2_000_000, 40_000, 30_000));
        m.sample();
        assertEquals(1, compute.size());
        assertSame(StatsFigures.EMPTY, m.figuresProperty().get(), "not before it is summed");
        m.add(race(3, 2, "Node1", 1_000_000, 40_000, 30_000));
        m.sample();
        assertEquals(1, compute.size(), "one summing at a time");
        compute.remove().run();
        assertEquals(List.of(2), asked);
        assertSame(StatsFigures.EMPTY, m.figuresProperty().get(), "shown on the FX thread's next sample");
        m.sample();
        assertEquals(2, m.figuresProperty().get().summary().races());
        assertEquals(1, compute.size(), "the race added meanwhile is summed next");
        compute.remove().run();
        m.sample();
        assertEquals(3, m.figuresProperty().get().summary().races());
        m.sample();
        assertTrue(compute.isEmpty(), "nothing new: nothing summed again");
    }

    @Test
    void racesAtAnotherDifficultyAreKeptApartAndClearingForgetsAll() {
        Queue<Runnable> compute = new ArrayDeque<>();
        StatsModel m = StatsModel.summingWith(compute::add, StatsViewModelTest::counting);
        for (int i = 1; i <= 3; i++) {
            m.add(race(i, 1, "Node1", 1000, 300, 200));
        }
        m.add(race(4, 2, "Node1", 1000, 60_000, 20_000));
        m.sample();
        compute.remove().run();
        m.sample();
        assertEquals(1, m.figuresProperty().get().summary().races(), "the latest race's difficulty: 2");
        m.add(race(5, 1, "Node2", 1000, 300, 200));
        m.sample();
        compute.remove().run();
        m.sample();
        assertEquals(4, m.figuresProperty().get().summary().races(), "back at difficulty 1: its 4 races");
        assertEquals(1, m.figuresProperty().get().summary().difficulty());

        m.add(race(6, 1, "Node2", 1000, 300, 200));
        m.sample(); // summing 5 races, not done yet
        m.clear();
        assertSame(StatsFigures.EMPTY, m.figuresProperty().get());
        compute.remove().run();
        m.sample();
        assertSame(StatsFigures.EMPTY, m.figuresProperty().get(), "what was summed before the clear is not shown");
        assertTrue(compute.isEmpty());
        m.add(race(7, 1, "Node1", 1000, 300, 200));
        m.sample();
        compute.remove().run();
        m.sample();
        assertEquals(1, m.figuresProperty().get().summary().races());
    }

    @Test
    void theChosenDifficultysRacesAreShownOnceThereAreAny() {
        Queue<Runnable> compute = new ArrayDeque<>();
        StatsModel m = StatsModel.summingWith(compute::add, StatsViewModelTest::counting);
        m.chooseDifficulty(3);
        m.add(race(1, 2, "Node1", 1000, 60_000, 20_000));
        m.sample();
        compute.remove().run();
        m.sample();
        assertEquals(2, m.figuresProperty().get().summary().difficulty(), "none at 3 yet: the latest race's");
        m.add(race(2, 3, "Node1", 1000, 60_000, 20_000));
        m.add(race(3, 2, "Node1", 1000, 60_000, 20_000)); // another process's, say, at its own difficulty
        m.sample();
        compute.remove().run();
        m.sample();
        assertEquals(3, m.figuresProperty().get().summary().difficulty());
        assertEquals(1, m.figuresProperty().get().summary().races());
        m.chooseDifficulty(2);
        m.sample();
        compute.remove().run();
        m.sample();
        assertEquals(2, m.figuresProperty().get().summary().races(), "chosen again: shown again");
    }

    @Test
    void racesWonByNodesNotMeasuredHereAreSaidToBe() {
        List<RaceResult> races = List.of(race(1, 2, "Node1", 1000, 60_000, 20_000),
                race(2, 2, "b/Node1", 1000, 60_000, 20_000));
        StatsFigures f = StatsFigures.of(counting(races), races);
        assertTrue(f.caption().endsWith("1 won by other processes' nodes, whose hashes are not measured here"),
                f.caption());
        assertFalse(StatsFigures.of(counting(races.subList(0, 1)), races.subList(0, 1)).caption().contains("other"));
    }

    // ---- The figures ----

    @Test
    void theVerdictReadsThePValueInPlainWords() {
        assertEquals(new StatsFigures.Verdict(StatsFigures.Verdict.Kind.NONE, "too few races to judge yet"),
                StatsFigures.verdict(Double.NaN));
        assertEquals(new StatsFigures.Verdict(StatsFigures.Verdict.Kind.MATCH, "win shares match hash shares (p = 0.42)"),
                StatsFigures.verdict(0.4213));
        assertEquals(new StatsFigures.Verdict(StatsFigures.Verdict.Kind.MATCH, "win shares match hash shares (p = 0.05)"),
                StatsFigures.verdict(0.05));
        assertEquals(new StatsFigures.Verdict(StatsFigures.Verdict.Kind.DOUBT,
                "win shares may differ from hash shares (p = 0.03)"), StatsFigures.verdict(0.0312));
        assertEquals(StatsFigures.Verdict.Kind.DOUBT, StatsFigures.verdict(0.01).kind());
        assertEquals(new StatsFigures.Verdict(StatsFigures.Verdict.Kind.DIFFER,
                "win shares differ from hash shares (p = 0.0003)"), StatsFigures.verdict(0.000312));
        assertEquals("win shares differ from hash shares (p = 0.009)", StatsFigures.verdict(0.0094).text());
        assertEquals("win shares differ from hash shares (p < 0.0001)", StatsFigures.verdict(1e-9).text());
    }

    @Test
    void aRacesLuckIsAllItsNodesHashesOverTheWorkExpected() {
        assertEquals(1.0, StatsFigures.luck(race(1, 2, "Node2", 1, 30_000, 20_000, 15_536)), 1e-12);
        assertEquals(0.5, StatsFigures.luck(race(1, 1, "Node1", 1, 100, 28)), 1e-12);
    }

    @Test
    void durationsAreBinnedFromZeroWithThePredictedCurveInRacesPerBin() {
        List<Double> ms = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            ms.add(i / 1000.0);
        }
        StatsFigures.Histogram h = StatsFigures.histogram(ms, 0.004);
        assertEquals("ms", h.unit());
        assertEquals(1.5, h.binWidth(), 1e-12); // 10 ms in at least 8 bins: 1.25, up to a round 1.5
        assertEquals(List.of(1, 1, 2, 1, 2, 1, 2), h.counts());
        assertEquals(0, h.beyond());
        assertEquals(0.0055, h.meanSeconds(), 1e-12);
        assertEquals(0, h.curveX().get(0));
        assertEquals(10 * 1.5 / 4, h.curveY().get(0), 1e-9); // n × width × density at 0, 1/mean
        int mid = h.curveX().size() / 2;
        assertEquals(10 * 1.5 / 4 * Math.exp(-h.curveX().get(mid) / 4), h.curveY().get(mid), 1e-9);
        assertEquals(h.upper(), h.curveX().get(h.curveX().size() - 1), 1e-9);
    }

    @Test
    void aRaceHeldUpFarBeyondTheRestIsLeftOutOfTheBarsAndCounted() {
        List<Double> s = new ArrayList<>();
        for (int i = 0; i < 19; i++) {
            s.add(0.001);
        }
        s.add(1.0);
        StatsFigures.Histogram h = StatsFigures.histogram(s, 0.001);
        assertEquals(1, h.beyond());
        assertEquals(19, h.counts().stream().mapToInt(Integer::intValue).sum());
        assertTrue(h.upper() < 3, "the axis ends near 2.5 ms, not at 1 s: " + h.upper() + " " + h.unit());
        assertEquals(19 * h.binWidth() / 1.0, h.curveY().get(0), 1e-9, "the curve is of the races shown");
        assertTrue(StatsFigures.histogram(List.of(), 1).counts().isEmpty());
        assertTrue(StatsFigures.histogram(List.of(0.2, 0.1), Double.NaN).curveY().isEmpty(), "no prediction, no curve");
    }

    @Test
    void theFiguresOfASummaryShowTheLatestFiftyRacesAndSayWhatTheyMean() {
        List<RaceResult> races = new ArrayList<>();
        List<Double> durations = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            races.add(race(i, 2, i % 3 == 0 ? "Node2" : "Node1", 5_000_000, 40_000, 20_000 + i));
            durations.add(0.005);
        }
        Summary s = new Summary(60, 2, List.of(
                new NodeStats("Node1", 100, 60, 40, 40 / 60.0, 0.54, 0.77, 0.66, 8e6),
                new NodeStats("Node2", 50, 60, 20, 20 / 60.0, 0.23, 0.46, 0.34, 4e6)),
                0.42, 0.9, List.of(), durations, 65536 / 12e6, 0.05);
        StatsFigures f = StatsFigures.of(s, races);
        assertEquals(StatsFigures.Verdict.Kind.MATCH, f.verdict().kind());
        assertEquals(50, f.luck().size());
        assertEquals(11, f.luck().get(0).race());
        assertEquals(60, f.luck().get(49).race());
        assertEquals((40_000 + 20_060) / 65536.0, f.luck().get(49).luck(), 1e-12);
        assertTrue(f.caption().startsWith("60 races at difficulty 2"), f.caption());
        assertEquals(4, f.lessons().size(), f.lessons().toString());
        // the summary's hash shares, 66% and 34%
        assertTrue(f.lessons().get(0).startsWith("Node1 did 66% of the hashes and won 67% of its races; Node2, "
                + "with 34%, won 33%."), f.lessons().get(0));
        assertTrue(f.lessons().get(1).contains("12.00 MH/s together predict 256^2 ÷ rate = 5.46 ms"), f.lessons().get(1));
        assertTrue(f.lessons().get(2).contains("difficulty 3 would take about 1.40 s a race, difficulty 1 about 21.3 µs"),
                f.lessons().get(2));
        assertTrue(f.lessons().get(3).endsWith("finding it took 60.0 k hashes on average (65.5 k expected)."),
                f.lessons().get(3)); // all nodes' hashes: 60 030 a race
        assertSame(StatsFigures.EMPTY, StatsFigures.of(null, List.of()));
    }

    @Test
    void aNodesHashShareIsItsShareOfAllTheHashesOfItsRaces() {
        // Node1 does 3/4 of a short race's hashes and 1/4 of a long one's: 28 000 of 104 000 in all, not the 1/2 of
        // the mean of the races' shares (a long race holds more tickets, so it weighs more)
        List<RaceResult> races = List.of(race(1, 2, "Node1", 1000, 3_000, 1_000), race(2, 2, "Node2", 9000, 25_000, 75_000));
        Summary s = Statistics.summarize(races);
        List<StatsFigures.Share> shares = StatsFigures.shares(s.nodes(), races);
        assertEquals(28_000 / 104_000.0, shares.get(0).raceShare(), 1e-12);
        assertEquals(76_000 / 104_000.0, shares.get(1).raceShare(), 1e-12);
        assertSame(s.nodes().get(1), shares.get(1).stats());
    }

    @Test
    void durationsReadWithTheirUnit() {
        assertEquals("21.3 µs", StatsFigures.duration(21.33e-6));
        assertEquals("5.46 ms", StatsFigures.duration(0.005461));
        assertEquals("1.40 s", StatsFigures.duration(1.398));
        assertEquals("3.5 min", StatsFigures.duration(210));
    }
}
