package dev.powrace.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.stats.RaceResult.NodeRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The statistics against values computed by hand. */
class StatisticsTest {
    static final double EPS = 1e-9;

    static RaceResult race(long id, int difficulty, long durationNanos, NodeRun... runs) {
        String winner = List.of(runs).stream().filter(NodeRun::won).map(NodeRun::node).findFirst().orElse("a/Node9");
        return new RaceResult(id, difficulty, winner, durationNanos, List.of(runs));
    }

    static NodeRun run(String node, long hashes, long elapsedNanos, boolean won) {
        return new NodeRun(node, hashes, elapsedNanos, won);
    }

    static NodeRun run(String node, long hashes, long elapsedNanos, boolean won, int power) {
        return new NodeRun(node, hashes, elapsedNanos, won, power);
    }

    /**
     * Two nodes in ten races at difficulty 1. Node1 does 3000 hashes a race, Node2 1000, each in 1 ms, and they
     * win five races each. Node1 expects 10 x 0.75 = 7.5 wins and Node2 2.5, so chi-square = 2.5^2/7.5 + 2.5^2/2.5
     * = 10/3, whose p-value with one degree of freedom is erfc(sqrt(5/3)) = 0.0678891548618...
     */
    @Test
    void twoNodesByHand() {
        List<RaceResult> races = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            boolean first = i <= 5;
            races.add(race(i, 1, 1_000_000, run("Node1", 3000, 1_000_000, first), run("Node2", 1000, 1_000_000, !first, 50)));
        }
        Summary s = Statistics.summarize(races);
        assertEquals(10, s.races());
        assertEquals(1, s.difficulty());
        NodeStats n1 = s.nodes().get(0);
        NodeStats n2 = s.nodes().get(1);
        assertEquals("Node1", n1.node());
        assertEquals(100, n1.power());
        assertEquals(50, n2.power());
        assertEquals("50%", n2.powerText());
        assertEquals(10, n1.joined());
        assertEquals(5, n1.wins());
        assertEquals(0.5, n1.winShare(), EPS);
        // Wilson, 5 of 10, z = 1.959964: (0.5 + z^2/20) / (1 + z^2/10) -+ z / (1 + z^2/10) sqrt(0.025 + z^2/400)
        assertEquals(0.236593090512564, n1.winShareLow(), 1e-9);
        assertEquals(0.7634069094874361, n1.winShareHigh(), 1e-9);
        assertEquals(0.75, n1.hashShare(), EPS);
        assertEquals(0.25, n2.hashShare(), EPS);
        assertEquals(3_000_000, n1.hashesPerSecond(), 1e-3);
        assertEquals(1_000_000, n2.hashesPerSecond(), 1e-3);
        assertEquals(0.06788915486182903, s.chiSquareP(), 1e-9);
        // luck: all the race's hashes over 256 (not the winner's alone: 3000 in the first five, 1000 in the rest)
        assertEquals(4000 / 256.0, s.luck().get(0), EPS);
        assertEquals(4000 / 256.0, s.luck().get(9), EPS);
        assertEquals(4000 / 256.0, s.meanLuck(), EPS);
        assertEquals(0.001, s.durationsSeconds().get(3), EPS);
        // 256 hashes at 3 + 1 million hashes a second
        assertEquals(256 / 4e6, s.predictedMeanSeconds(), 1e-15);
    }

    /**
     * Node2's power was set from 100% to 40% after three races: each race keeps the power it ran at, so the summary
     * says 40–100%, not 40% for all six.
     */
    @Test
    void aPowerChangedBetweenRacesLeavesEachRaceAtItsOwn() {
        List<RaceResult> races = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            races.add(race(i, 1, 1_000_000, run("Node1", 3000, 1_000_000, i % 2 == 0),
                    run("Node2", i <= 3 ? 3000 : 1200, 1_000_000, i % 2 == 1, i <= 3 ? 100 : 40)));
        }
        Summary s = Statistics.summarize(races);
        NodeStats n1 = s.nodes().get(0);
        NodeStats n2 = s.nodes().get(1);
        assertEquals(100, n1.power());
        assertEquals(100, n1.lowestPower());
        assertEquals("100%", n1.powerText());
        assertEquals(100, n2.power());
        assertEquals(40, n2.lowestPower());
        assertEquals("40–100%", n2.powerText());
        assertEquals("40%", Statistics.summarize(races.subList(3, 6)).nodes().get(1).powerText(), "its last three");
    }

    /**
     * Node3 joins only the first two races. Races 1 and 2: Node1 and Node2 1000 hashes, Node3 2000; races 3 to 5:
     * Node1 and Node2 1000. Of all 14 000 hashes Node1 and Node2 did 5000 each, Node3 4000, so in 5 races they
     * expect 25/14, 25/14 and 20/14 wins. Won: Node1 3 (races 1, 3, 4), Node2 1 (race 5), Node3 1 (race 2).
     * Chi-square = (17/14)^2 / (25/14) + (11/14)^2 / (25/14) + (6/14)^2 / (20/14) = 1.3 with two degrees of
     * freedom: p = exp(-0.65). (The mean of the per-race shares would expect 2, 2 and 1: chi-square 1.)
     */
    @Test
    void aNodeThatJoinedSomeRacesExpectsWinsFromThoseOnly() {
        List<RaceResult> races = List.of(
                race(1, 2, 5, run("Node1", 1000, 10, true), run("Node2", 1000, 10, false), run("Node3", 2000, 10, false)),
                race(2, 2, 5, run("Node1", 1000, 10, false), run("Node2", 1000, 10, false), run("Node3", 2000, 10, true)),
                race(3, 2, 5, run("Node1", 1000, 10, true), run("Node2", 1000, 10, false)),
                race(4, 2, 5, run("Node1", 1000, 10, true), run("Node2", 1000, 10, false)),
                race(5, 2, 5, run("Node1", 1000, 10, false), run("Node2", 1000, 10, true)));
        Summary s = Statistics.summarize(races);
        assertEquals(Math.exp(-0.65), s.chiSquareP(), 1e-9);
        NodeStats n1 = s.nodes().get(0);
        NodeStats n3 = s.nodes().get(2);
        assertEquals("Node3", n3.node());
        assertEquals(2, n3.joined());
        assertEquals(1, n3.wins());
        assertEquals(0.5, n3.winShare(), EPS);
        assertEquals(4000 / 8000.0, n3.hashShare(), EPS); // of the races it joined only
        assertEquals(5000 / 14000.0, n1.hashShare(), EPS);
        assertEquals(3 / 5.0, n1.winShare(), EPS);
    }

    /**
     * One node at 256 hashes a second at difficulty 1 predicts a mean of one second. Durations ln 2, ln 4 and
     * ln 8 seconds sit where the exponential's CDF is 1/2, 3/4 and 7/8, so the KS distance is the largest of
     * 1/2 - 0, 3/4 - 1/3, 7/8 - 2/3 and 1 - 7/8: 1/2. (Against a mean of 2 s it
     * would be 1 - (1 - 2^-1.5) = 0.354.)
     */
    @Test
    void durationsAgainstThePredictedExponential() {
        long second = 1_000_000_000L;
        List<RaceResult> races = List.of(
                race(1, 1, Math.round(Math.log(2) * second), run("Node1", 256, second, true)),
                race(2, 1, Math.round(Math.log(4) * second), run("Node1", 256, second, true)),
                race(3, 1, Math.round(Math.log(8) * second), run("Node1", 256, second, true)));
        Summary s = Statistics.summarize(races);
        assertEquals(1.0, s.predictedMeanSeconds(), EPS);
        assertEquals(0.5, s.ksDistance(), 1e-9);
        assertEquals(List.of(1.0, 1.0, 1.0), s.luck());
        assertTrue(Double.isNaN(s.chiSquareP()), "one node: nothing to test");
    }

    /** Too few races whose winner was measured (a remote winner's race does not count), or none at all. */
    @Test
    void tooFewRacesGiveNaN() {
        List<RaceResult> races = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            races.add(race(i, 1, 5, run("Node1", 100, 10, i % 2 == 0), run("Node2", 100, 10, i % 2 == 1)));
        }
        races.add(race(5, 1, 5, run("Node1", 100, 10, false), run("Node2", 100, 10, false))); // won by a/Node9
        Summary s = Statistics.summarize(races);
        assertEquals(5, s.races());
        assertTrue(Double.isNaN(s.chiSquareP()), "4 races tested: " + s.chiSquareP());
        races.add(race(6, 1, 5, run("Node1", 100, 10, true), run("Node2", 100, 10, false)));
        // five races tested (not race 5): expected 2.5 wins each, won 3 and 2: chi-square 0.2, p = erfc(sqrt(0.1))
        assertEquals(0.6547208460185768, Statistics.summarize(races).chiSquareP(), 1e-9);

        Summary none = Statistics.summarize(List.of());
        assertEquals(0, none.races());
        assertTrue(none.nodes().isEmpty());
        assertTrue(Double.isNaN(none.chiSquareP()));
        assertTrue(Double.isNaN(none.meanLuck()));
        assertTrue(Double.isNaN(none.predictedMeanSeconds()));
        assertTrue(Double.isNaN(none.ksDistance()));
    }

    /**
     * One race (the app's first, or bench-race --races 1) summarizes: the Kolmogorov-Smirnov test of Commons
     * Statistics needs two values and threw ("Values size 1 < 2"), so its distance is NaN until there are two.
     */
    @Test
    void oneRaceSummarizes() {
        Summary s = Statistics.summarize(List.of(race(1, 1, 1_000_000, run("Node1", 256, 1_000_000, true))));
        assertEquals(1, s.races());
        assertEquals(1.0, s.meanLuck(), EPS);
        assertTrue(Double.isNaN(s.ksDistance()), "one race: " + s.ksDistance());
        assertTrue(Double.isNaN(s.chiSquareP()));
    }

    @Test
    void wilsonAtTheEnds() {
        assertEquals(0.0, Statistics.wilson(0, 4)[0], EPS);
        assertEquals(0.4898908364545973, Statistics.wilson(0, 4)[1], 1e-9);
        assertEquals(0.43850296824495455, Statistics.wilson(3, 3)[0], 1e-9);
        assertEquals(1.0, Statistics.wilson(3, 3)[1], EPS);
        assertTrue(Double.isNaN(Statistics.wilson(0, 0)[0]));
        for (int n = 1; n <= 300; n++) {
            assertEquals(1.0, Statistics.wilson(n, n)[1], "all " + n + " won: exactly 1, not 1 less a rounding");
            assertEquals(0.0, Statistics.wilson(0, n)[0], "none of " + n + " won: exactly 0");
            for (int k = 0; k <= n; k += Math.max(1, n / 7)) {
                double[] w = Statistics.wilson(k, n);
                double share = k / (double) n;
                assertTrue(w[0] <= share && share <= w[1], k + " of " + n + ": " + w[0] + " to " + w[1]);
            }
        }
    }

    @Test
    void nodesInTheOrderPeopleNumberThem() {
        List<String> names = new ArrayList<>(List.of("Node10", "b/Node1", "Node2", "a/Node10", "a/Node2"));
        names.sort(NodeOrder.INSTANCE);
        assertEquals(List.of("Node2", "Node10", "a/Node2", "a/Node10", "b/Node1"), names);
    }

    /**
     * The predicted duration is from the network's hash power, every node's rate, also in a race that one node
     * missed (won before its thread started): 256 over 3 + 1 million hashes a second, in both races.
     */
    @Test
    void thePredictionCountsEveryNodesRateAlsoInARaceOneMissed() {
        List<RaceResult> races = List.of(
                race(1, 1, 1_000_000, run("Node1", 3000, 1_000_000, true), run("Node2", 1000, 1_000_000, false)),
                race(2, 1, 1_000_000, run("Node1", 3000, 1_000_000, true)));
        Summary s = Statistics.summarize(races);
        assertEquals(256 / 4e6, s.predictedMeanSeconds(), 1e-15);
    }

    /** One race: its figures, and no distance to a distribution yet (it takes two durations). */
    @Test
    void oneRaceHasFiguresButNoDistanceYet() {
        Summary s = Statistics.summarize(List.of(race(1, 1, 1_000_000, run("Node1", 300, 1_000_000, true),
                run("Node2", 100, 1_000_000, false))));
        assertEquals(1, s.races());
        assertEquals(400 / 256.0, s.meanLuck(), EPS);
        assertTrue(Double.isNaN(s.ksDistance()));
    }
}
