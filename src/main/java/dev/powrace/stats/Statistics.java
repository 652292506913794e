package dev.powrace.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.statistics.distribution.ExponentialDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.inference.ChiSquareTest;
import org.apache.commons.statistics.inference.KolmogorovSmirnovTest;

/**
 * Computes what many races show from what was measured in them (see {@link Summary} and {@link NodeStats}).
 * Pure and thread-safe: it keeps nothing between calls.
 *
 * <p>The tests and distributions come from Apache Commons Statistics (inference and distribution); the Wilson
 * interval is its textbook formula, with z from the normal distribution.
 */
public final class Statistics {
    /** Fewer races than this (whose winner is among the nodes measured) give no chi-square p-value. */
    public static final int MIN_RACES_FOR_TEST = 5;
    /** The confidence of the win share's interval. */
    public static final double CONFIDENCE = 0.95;
    private static final double Z = NormalDistribution.of(0, 1).inverseCumulativeProbability(1 - (1 - CONFIDENCE) / 2);

    private Statistics() {}

    /**
     * Summarizes races, oldest first.
     *
     * <p>Per node, over the races it joined: races joined and won, its win share with a 95% Wilson score
     * interval, its hash share (its hashes over all nodes' hashes in those races) and its mean hash rate (its
     * hashes over its search time in those races).
     *
     * <p>The chi-square goodness-of-fit test compares each node's wins with its expected wins: the races times its
     * share of all the hashes of all the races (a node that joined only some races has hashes in those only).
     * Each hash is an independent lottery ticket with the same chance, 256^-d, so a node's expected wins in a race
     * are its hashes in it times that chance, and the races' tickets add up: this is exact, where the mean of each
     * race's hash share is not (a node that starts late or sleeps has a share that changes during a race, and
     * only the hashes until the winning one count; measured here at 100/50/25% power, the mean of the per-race
     * shares expected 856 wins of 1800 for the 100% node, which won 924, while its share of all hashes expected
     * 919). Only races whose winner is among the nodes measured count (in a cluster, a remote winner's rivals are
     * not all measured here). Its p-value is NaN with fewer than {@link #MIN_RACES_FOR_TEST}
     * such races or fewer than two nodes that hashed; it is an approximation, rough while a node expects fewer
     * than about 5 wins.
     *
     * <p>Luck, per race: all its nodes' hashes over 256^d, the hashes a race needs on average (the work it took
     * against the work expected; it averages 1, and below 1 the race was lucky). The winner's hashes alone would
     * average the sum of the squared hash shares, about 0.43 at 100/50/25% power, which reads as though every race
     * were lucky. The durations (each race's time from its first node's start to the winner's end) are compared
     * with the exponential distribution that the measured rates predict: mean 256^d over the network's hash rate,
     * the sum of every node's mean hash rate (a node that a race was won without, because its thread had not yet
     * started, still counts: such races are the short ones, and leaving it out of them would predict them long).
     * Each duration is divided by its own race's predicted mean and compared with the exponential of mean 1
     * (races may differ in difficulty); {@link Summary#predictedMeanSeconds} is the mean of the races' predicted
     * means.
     *
     * <p>A node's power is what it ran at in each race ({@link RaceResult.NodeRun#power}), not what it is set to now:
     * a change in the middle of a series leaves the earlier races as they ran.
     *
     * @param races finished races, oldest first
     */
    public static Summary summarize(List<RaceResult> races) {
        Map<String, Tally> tallies = new LinkedHashMap<>();
        for (RaceResult race : races) {
            long total = totalHashes(race);
            for (RaceResult.NodeRun run : race.runs()) {
                Tally t = tallies.computeIfAbsent(run.node(), Tally::new);
                t.joined++;
                t.wins += run.won() ? 1 : 0;
                t.hashes += run.hashes();
                t.hashesOfRaces += total;
                t.elapsedNanos += run.elapsedNanos();
                t.highestPower = Math.max(t.highestPower, run.power());
                t.lowestPower = Math.min(t.lowestPower, run.power());
            }
        }
        List<String> names = new ArrayList<>(tallies.keySet());
        names.sort(NodeOrder.INSTANCE);

        // expected and observed wins, over the races whose winner was measured
        Map<String, Double> expected = new LinkedHashMap<>();
        Map<String, Long> observed = new LinkedHashMap<>();
        names.forEach(n -> {
            expected.put(n, 0.0);
            observed.put(n, 0L);
        });
        int tested = 0;
        double testedHashes = 0;
        for (RaceResult race : races) {
            long total = totalHashes(race);
            if (total <= 0 || race.runs().stream().noneMatch(RaceResult.NodeRun::won)) {
                continue;
            }
            tested++;
            testedHashes += total;
            for (RaceResult.NodeRun run : race.runs()) {
                expected.merge(run.node(), (double) run.hashes(), Double::sum);
                observed.merge(run.node(), run.won() ? 1L : 0L, Long::sum);
            }
        }
        // Each hash is a ticket with the same chance of winning: a node's expected wins are its share of all the
        // hashes of those races, times the races.
        double perHash = testedHashes > 0 ? tested / testedHashes : 0;
        expected.replaceAll((node, hashes) -> hashes * perHash);

        List<NodeStats> nodes = new ArrayList<>();
        for (String name : names) {
            Tally t = tallies.get(name);
            double[] wilson = wilson(t.wins, t.joined);
            nodes.add(new NodeStats(name, t.highestPower, t.joined, t.wins,
                    t.joined == 0 ? Double.NaN : t.wins / (double) t.joined, wilson[0], wilson[1],
                    t.hashesOfRaces == 0 ? Double.NaN : t.hashes / (double) t.hashesOfRaces,
                    t.elapsedNanos == 0 ? Double.NaN : t.hashes / (t.elapsedNanos / 1e9), t.lowestPower));
        }
        double p = tested < MIN_RACES_FOR_TEST ? Double.NaN : chiSquareP(expected, observed);

        List<Double> luck = new ArrayList<>();
        List<Double> durations = new ArrayList<>();
        List<Double> scaled = new ArrayList<>();
        // the network's hash power: every node's mean rate, whether or not it got to start in a given race (a
        // node misses a race that is won before its thread is scheduled: those races are the short ones, so
        // leaving its rate out of them would predict them long)
        double rate = nodes.stream().mapToDouble(NodeStats::hashesPerSecond).filter(r -> !Double.isNaN(r)).sum();
        double predictedSum = 0;
        for (RaceResult race : races) {
            double work = Math.pow(256, race.difficulty());
            luck.add(totalHashes(race) / work);
            double seconds = race.durationNanos() / 1e9;
            durations.add(seconds);
            if (rate > 0) {
                predictedSum += work / rate;
                scaled.add(seconds / (work / rate));
            }
        }
        double meanLuck = luck.isEmpty() ? Double.NaN : luck.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double ks = scaled.size() < 2 ? Double.NaN : ksDistance(scaled); // the test needs two values
        int difficulty = races.isEmpty() ? 0 : races.get(races.size() - 1).difficulty();
        return new Summary(races.size(), difficulty, nodes, p, meanLuck, luck, durations,
                scaled.isEmpty() ? Double.NaN : predictedSum / scaled.size(), ks);
    }

    /**
     * The Wilson score interval of {@code successes} out of {@code trials} at {@link #CONFIDENCE}: {low, high};
     * NaN for no trials.
     */
    public static double[] wilson(long successes, long trials) {
        if (trials <= 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double n = trials;
        double share = successes / n;
        double z2 = Z * Z;
        double centre = (share + z2 / (2 * n)) / (1 + z2 / n);
        double half = Z / (1 + z2 / n) * Math.sqrt(share * (1 - share) / n + z2 / (4 * n * n));
        // at 0 or all successes an end is exactly 0 or 1: said so, rather than left to rounding (0.9999999999999999)
        double low = successes == 0 ? 0 : Math.max(0, Math.min(share, centre - half));
        double high = successes == trials ? 1 : Math.min(1, Math.max(share, centre + half));
        return new double[] {low, high};
    }

    /**
     * The p-value of the chi-square goodness-of-fit test of observed wins against expected wins, over the nodes
     * that expect any. A node that won without expecting to (no hashes) makes it 0; fewer than two nodes, NaN.
     */
    static double chiSquareP(Map<String, Double> expected, Map<String, Long> observed) {
        List<Double> e = new ArrayList<>();
        List<Long> o = new ArrayList<>();
        for (Map.Entry<String, Double> x : expected.entrySet()) {
            long wins = observed.getOrDefault(x.getKey(), 0L);
            if (x.getValue() > 0) {
                e.add(x.getValue());
                o.add(wins);
            } else if (wins > 0) {
                return 0;
            }
        }
        if (e.size() < 2) {
            return Double.NaN;
        }
        double[] exp = e.stream().mapToDouble(Double::doubleValue).toArray();
        long[] obs = o.stream().mapToLong(Long::longValue).toArray();
        return ChiSquareTest.withDefaults().test(exp, obs).getPValue();
    }

    /**
     * The Kolmogorov-Smirnov distance between {@code sample} and the exponential distribution of mean 1; the
     * sample has at least two values (Commons Statistics refuses fewer).
     */
    static double ksDistance(List<Double> sample) {
        ExponentialDistribution exp = ExponentialDistribution.of(1);
        double[] x = sample.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(x);
        return KolmogorovSmirnovTest.withDefaults().statistic(x, exp::cumulativeProbability);
    }

    private static long totalHashes(RaceResult race) {
        return race.runs().stream().mapToLong(RaceResult.NodeRun::hashes).sum();
    }

    /** One node's sums. */
    private static final class Tally {
        final String node;
        int joined;
        int wins;
        long hashes;
        long hashesOfRaces;
        long elapsedNanos;
        int highestPower = Integer.MIN_VALUE;
        int lowestPower = Integer.MAX_VALUE;

        Tally(String node) {
            this.node = node;
        }
    }
}
