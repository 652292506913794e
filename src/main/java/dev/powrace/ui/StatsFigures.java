package dev.powrace.ui;

import dev.powrace.pow.Puzzle;
import dev.powrace.stats.NodeStats;
import dev.powrace.stats.RaceResult;
import dev.powrace.stats.Summary;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the statistics view draws, worked out from a {@link Summary}: plain values, so that it can be made off the
 * FX thread and tested without a toolkit.
 *
 * @param summary what it was made from
 * @param verdict the chi-square test in plain words
 * @param caption races, difficulty and the expected work per race, in one line
 * @param shares per node, in node order: its figures and its share of the hashes
 * @param histogram the races' durations, with the exponential curve the measured hash rate predicts
 * @param luck the most recent races' luck (see {@link #of}), oldest first, at most {@link #RECENT}
 * @param lessons what the figures show, in sentences with the measured numbers in them
 */
public record StatsFigures(Summary summary, Verdict verdict, String caption, List<Share> shares,
        Histogram histogram, List<Luck> luck, List<String> lessons) {
    /** How many of the latest races the luck chart shows. */
    public static final int RECENT = 50;
    /** Below this p-value the view says the win shares differ from the hash shares. */
    public static final double SIGNIFICANCE = 0.01;
    /**
     * Below this one (and above {@link #SIGNIFICANCE}) it says they may differ: the usual 5%, the same as the 95%
     * intervals drawn, so that a whisker that misses its bar is not contradicted by a plain "match".
     */
    public static final double DOUBT = 0.05;
    static final String TOO_FEW = "too few races to judge yet";

    public StatsFigures {
        shares = List.copyOf(shares);
        luck = List.copyOf(luck);
        lessons = List.copyOf(lessons);
    }

    /**
     * One node's bars.
     *
     * <p>{@code raceShare} is its share of the hashes of the races it ran in, all of them together
     * ({@link NodeStats#hashShare}): its expected share of the wins, the figure the chi-square test holds its wins
     * against. Each hash is a ticket with the same chance, so a race's expected wins are its tickets' chances
     * added up, and a long race weighs more than a short one (the mean of each race's share does not: it is
     * biased wherever a node's share changes with a race's length).
     */
    public record Share(NodeStats stats, double raceShare) {
        public String node() {
            return stats.node();
        }
    }

    /** The chi-square verdict: what it says, and how it reads (its style). */
    public record Verdict(Kind kind, String text) {
        public enum Kind {
            NONE, MATCH, DOUBT, DIFFER;

            String styleClass() {
                return "verdict-" + name().toLowerCase(Locale.ROOT);
            }
        }
    }

    /** One race's luck: all its nodes' hashes over the expected 256^d; {@code race} counts from 1 in the figures. */
    public record Luck(int race, double luck) {}

    /**
     * The durations in bins of equal width from 0, in {@code unit}; {@code beyond} races took longer than the last
     * bin reaches and are not in it.
     *
     * @param counts races per bin
     * @param curveX where the predicted curve is drawn, in {@code unit}
     * @param curveY races per bin that the exponential distribution predicts there (empty with no prediction)
     * @param scale multiplies seconds into {@code unit}
     */
    public record Histogram(String unit, double scale, double binWidth, List<Integer> counts, int beyond,
            List<Double> curveX, List<Double> curveY, double meanSeconds, double predictedMeanSeconds) {
        public Histogram {
            counts = List.copyOf(counts);
            curveX = List.copyOf(curveX);
            curveY = List.copyOf(curveY);
        }

        static final Histogram EMPTY = new Histogram("ms", 1e3, 1, List.of(), 0, List.of(), List.of(), Double.NaN,
                Double.NaN);

        /** The right end of the last bin, in {@code unit}. */
        public double upper() {
            return binWidth * counts.size();
        }

        /** The tallest bar or curve point, in races. */
        public double tallest() {
            double t = 0;
            for (int c : counts) {
                t = Math.max(t, c);
            }
            for (double y : curveY) {
                t = Math.max(t, y);
            }
            return t;
        }
    }

    /** What the view shows before any race has finished. */
    static final StatsFigures EMPTY = new StatsFigures(null, new Verdict(Verdict.Kind.NONE, TOO_FEW),
            "No races yet: run “Race ×N” above, or type transactions.", List.of(), Histogram.EMPTY, List.of(),
            List.of("Run “Race ×N” above: after a few dozen races, this says what they show."));

    /**
     * The figures of {@code s}, the summary of {@code races}.
     *
     * <p>A race's luck is the hashes of all its nodes over the 256^d expected, as in {@link Summary#luck}: the
     * nodes search together, so it is their hashes together that are expected to be 256^d.
     */
    public static StatsFigures of(Summary s, List<RaceResult> races) {
        if (s == null || s.races() == 0 || races.isEmpty()) {
            return EMPTY;
        }
        double expected = Puzzle.expectedHashes(s.difficulty());
        double[] all = new double[races.size()];
        double mean = 0;
        for (int i = 0; i < all.length; i++) {
            all[i] = luck(races.get(i));
            mean += all[i] / all.length;
        }
        long elsewhere = races.stream().filter(r -> r.runs().stream().noneMatch(RaceResult.NodeRun::won)).count();
        String caption = s.races() + (s.races() == 1 ? " race" : " races") + " at difficulty " + s.difficulty()
                + "   ·   " + Formats.count(expected).trim() + " hashes expected per race   ·   mean luck "
                + String.format(Locale.ROOT, "%.2f", mean)
                + (elsewhere == 0 ? "" : "   ·   " + elsewhere + " won by other processes' nodes, whose hashes are not "
                        + "measured here");
        List<Luck> luck = new ArrayList<>();
        for (int i = Math.max(0, all.length - RECENT); i < all.length; i++) {
            luck.add(new Luck(i + 1, all[i]));
        }
        List<Share> shares = shares(s.nodes(), races);
        return new StatsFigures(s, verdict(s.chiSquareP()), caption, shares,
                histogram(s.durationsSeconds(), s.predictedMeanSeconds()), luck, lessons(s, shares, mean));
    }

    /** Each node's figures with its share of the hashes (see {@link Share}). */
    static List<Share> shares(List<NodeStats> nodes, List<RaceResult> races) {
        List<Share> out = new ArrayList<>();
        for (NodeStats n : nodes) {
            out.add(new Share(n, n.hashShare()));
        }
        return out;
    }

    /**
     * The lessons of proof of work, with this session's numbers: power and wins (strongest and weakest node by hash
     * share), time to a block against the prediction, the cost of a step of difficulty, and checking against finding.
     */
    static List<String> lessons(Summary s, List<Share> shares, double meanLuck) {
        List<String> out = new ArrayList<>();
        double expected = Puzzle.expectedHashes(s.difficulty());
        Share strong = null;
        Share weak = null;
        double rate = 0;
        for (Share n : shares) {
            rate += Double.isNaN(n.stats().hashesPerSecond()) ? 0 : n.stats().hashesPerSecond();
            if (Double.isNaN(n.raceShare())) {
                continue;
            }
            strong = strong == null || n.raceShare() > strong.raceShare() ? n : strong;
            weak = weak == null || n.raceShare() < weak.raceShare() ? n : weak;
        }
        if (strong != null && weak != null && strong != weak) {
            out.add(strong.node() + " did " + percent(strong.raceShare()) + " of the hashes and won "
                    + percent(strong.stats().winShare()) + " of its races; " + weak.node() + ", with "
                    + percent(weak.raceShare()) + ", won " + percent(weak.stats().winShare()) + ". A node's chance is "
                    + "its share of the hash power: less power wins less often, not never.");
        }
        double mean = s.durationsSeconds().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        if (!Double.isNaN(s.predictedMeanSeconds()) && rate > 0) {
            out.add("Races took " + duration(mean) + " on average; the nodes' " + Formats.rate(rate)
                    + " together predict 256^" + s.difficulty() + " ÷ rate = " + duration(s.predictedMeanSeconds()) + ".");
            out.add("Each step of difficulty costs 256 times more: at this rate difficulty " + (s.difficulty() + 1)
                    + " would take about " + duration(s.predictedMeanSeconds() * 256) + " a race"
                    + (s.difficulty() > 1 ? ", difficulty " + (s.difficulty() - 1) + " about "
                            + duration(s.predictedMeanSeconds() / 256) : "") + ".");
        }
        if (!Double.isNaN(meanLuck)) {
            out.add("Checking a winner's nonce costs 1 hash; finding it took "
                    + Formats.count(meanLuck * expected).trim() + " hashes on average (" + Formats.count(expected).trim()
                    + " expected).");
        }
        return out;
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "—" : String.format(Locale.ROOT, "%.0f%%", 100 * share);
    }

    /** 7.8 ms, 1.9 s, 31 µs, 3.2 min. */
    static String duration(double seconds) {
        if (Double.isNaN(seconds)) {
            return "—";
        }
        if (seconds >= 120) {
            return String.format(Locale.ROOT, "%.1f min", seconds / 60);
        }
        double v = seconds >= 1 ? seconds : seconds >= 1e-3 ? seconds * 1e3 : seconds * 1e6;
        String unit = seconds >= 1 ? "s" : seconds >= 1e-3 ? "ms" : "µs";
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, unit);
    }

    /** A race's luck: the hashes of every node measured in it over the 256^d expected; below 1 is lucky. */
    static double luck(RaceResult r) {
        long hashes = 0;
        for (RaceResult.NodeRun run : r.runs()) {
            hashes += run.hashes();
        }
        return hashes / Puzzle.expectedHashes(r.difficulty());
    }

    /**
     * "win shares match hash shares (p = 0.42)", "... may differ ... (p = 0.03)", "... differ ... (p = 0.0003)",
     * or too few races.
     */
    static Verdict verdict(double p) {
        if (Double.isNaN(p)) {
            return new Verdict(Verdict.Kind.NONE, TOO_FEW);
        }
        return p < SIGNIFICANCE ? new Verdict(Verdict.Kind.DIFFER, "win shares differ from hash shares (" + p(p) + ")")
                : p < DOUBT ? new Verdict(Verdict.Kind.DOUBT, "win shares may differ from hash shares (" + p(p) + ")")
                : new Verdict(Verdict.Kind.MATCH, "win shares match hash shares (" + p(p) + ")");
    }

    /** "p = 0.42", "p = 0.0003", "p < 0.0001": two figures, as a person reads a p-value. */
    static String p(double p) {
        if (p < 1e-4) {
            return "p < 0.0001";
        }
        if (p >= 0.01) {
            return String.format(Locale.ROOT, "p = %.2f", p);
        }
        return "p = " + new BigDecimal(p).round(new MathContext(1)).stripTrailingZeros().toPlainString();
    }

    /**
     * The durations in about 2√n bins (8 to 40) from 0 to the longest race or, if that is longer, to 2.5 times the
     * 90th percentile (past 99.7% of an exponential distribution: what lies beyond is mostly races held up by the
     * machine rather than by chance); the races beyond are left out and counted in {@code beyond}. The curve is the
     * exponential density with the predicted mean, scaled to races per bin of the races shown.
     */
    static Histogram histogram(List<Double> durations, double predictedMean) {
        int n = durations.size();
        if (n == 0) {
            return Histogram.EMPTY;
        }
        double[] sorted = durations.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double max = sorted[n - 1];
        double mean = 0;
        for (double d : sorted) {
            mean += d / n;
        }
        double q90 = sorted[Math.min(n - 1, (int) Math.floor(0.9 * n))];
        double upperSeconds = Math.min(max, 2.5 * q90);
        if (!(upperSeconds > 0)) {
            upperSeconds = Math.max(max, 1e-6);
        }
        double scale = upperSeconds < 1e-3 ? 1e6 : upperSeconds < 1 ? 1e3 : 1;
        String unit = scale == 1e6 ? "µs" : scale == 1e3 ? "ms" : "s";
        int bins = Math.max(8, Math.min(40, (int) Math.round(2 * Math.sqrt(n))));
        double width = fineCeil(upperSeconds * scale / bins);
        bins = Math.max(1, (int) Math.ceil(upperSeconds * scale / width - 1e-9));
        int[] counts = new int[bins];
        int beyond = 0;
        for (double d : sorted) {
            int b = (int) Math.floor(d * scale / width);
            if (d * scale > width * bins) {
                beyond++;
            } else {
                counts[Math.max(0, Math.min(bins - 1, b))]++;
            }
        }
        List<Integer> countList = new ArrayList<>();
        for (int c : counts) {
            countList.add(c);
        }
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        if (predictedMean > 0 && Double.isFinite(predictedMean)) {
            double mu = predictedMean * scale;
            int points = 120;
            for (int i = 0; i <= points; i++) {
                double x = width * bins * i / points;
                xs.add(x);
                ys.add((n - beyond) * width / mu * Math.exp(-x / mu));
            }
        }
        return new Histogram(unit, scale, width, countList, beyond, xs, ys, mean, predictedMean);
    }

    /** The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten that is at least {@code x}: a bin's width. */
    static double fineCeil(double x) {
        if (!(x > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(x)));
        for (double m : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * p >= x * (1 - 1e-12)) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /** The smallest of 1, 2, 2.5, 5 times a power of ten that is at least {@code x}. */
    static double niceCeil(double x) {
        if (!(x > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(x)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= x * (1 - 1e-12)) {
                return m * p;
            }
        }
        return 10 * p;
    }
}
