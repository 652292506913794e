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
 * @param shares per node, in node order
 * @param histogram the races' durations, with the exponential curve the measured hash rate predicts
 * @param luck the most recent races' luck (see {@link #of}), oldest first, at most {@link #RECENT}
 */
public record StatsFigures(Summary summary, Verdict verdict, String caption, List<NodeStats> shares,
        Histogram histogram, List<Luck> luck) {
    /** How many of the latest races the luck chart shows. */
    public static final int RECENT = 50;
    /** Below this p-value the view says the win shares differ from the hash shares. */
    public static final double SIGNIFICANCE = 0.01;
    static final String TOO_FEW = "too few races to judge yet";

    public StatsFigures {
        shares = List.copyOf(shares);
        luck = List.copyOf(luck);
    }

    /** The chi-square verdict: what it says, and how it reads (its style). */
    public record Verdict(Kind kind, String text) {
        public enum Kind {
            NONE, MATCH, DIFFER;

            String styleClass() {
                return "verdict-" + name().toLowerCase(Locale.ROOT);
            }
        }
    }

    /** One race's luck: the winner's hashes over the expected 256^d; {@code race} counts from 1 in the figures. */
    public record Luck(int race, double luck) {}

    /**
     * The durations in bins of equal width from 0, in {@code unit}; a duration beyond the last bin is counted in
     * it ({@code beyond} says how many were).
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
            "No races yet: run “Race ×N” above, or type transactions.", List.of(), Histogram.EMPTY, List.of());

    /**
     * The figures of {@code s}, the summary of {@code races}.
     *
     * <p>A race's luck here is the hashes of all its nodes over the 256^d expected, not the winner's alone (as in
     * {@link Summary#luck}): the nodes search together, so it is their hashes together that are expected to be
     * 256^d (the winner's alone average its share of them, which would put most races below 1).
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
        String caption = s.races() + (s.races() == 1 ? " race" : " races") + " at difficulty " + s.difficulty()
                + "   ·   " + Formats.count(expected).trim() + " hashes expected per race   ·   mean luck "
                + String.format(Locale.ROOT, "%.2f", mean);
        List<Luck> luck = new ArrayList<>();
        for (int i = Math.max(0, all.length - RECENT); i < all.length; i++) {
            luck.add(new Luck(i + 1, all[i]));
        }
        return new StatsFigures(s, verdict(s.chiSquareP()), caption, s.nodes(),
                histogram(s.durationsSeconds(), s.predictedMeanSeconds()), luck);
    }

    /** A race's luck: the hashes of every node measured in it over the 256^d expected; below 1 is lucky. */
    static double luck(RaceResult r) {
        long hashes = 0;
        for (RaceResult.NodeRun run : r.runs()) {
            hashes += run.hashes();
        }
        return hashes / Puzzle.expectedHashes(r.difficulty());
    }

    /** "win shares match hash shares (p = 0.42)", "... differ ... (p = 0.0003)", or too few races. */
    static Verdict verdict(double p) {
        if (Double.isNaN(p)) {
            return new Verdict(Verdict.Kind.NONE, TOO_FEW);
        }
        return p < SIGNIFICANCE ? new Verdict(Verdict.Kind.DIFFER, "win shares differ from hash shares (" + p(p) + ")")
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
     * The durations in about √n bins (5 to 30) from 0 to the longest race, or, if a few races took far longer than
     * the rest, to 3 times the 95th percentile; the curve is the exponential density with the predicted mean,
     * scaled to races per bin.
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
        double q95 = sorted[Math.min(n - 1, (int) Math.floor(0.95 * n))];
        double upperSeconds = Math.min(max, 3 * q95);
        if (!(upperSeconds > 0)) {
            upperSeconds = Math.max(max, 1e-6);
        }
        double scale = upperSeconds < 1e-3 ? 1e6 : upperSeconds < 1 ? 1e3 : 1;
        String unit = scale == 1e6 ? "µs" : scale == 1e3 ? "ms" : "s";
        int bins = Math.max(5, Math.min(30, (int) Math.round(Math.sqrt(n))));
        double width = niceCeil(upperSeconds * scale / bins);
        bins = Math.max(1, (int) Math.ceil(upperSeconds * scale / width - 1e-9));
        int[] counts = new int[bins];
        int beyond = 0;
        for (double d : sorted) {
            int b = (int) Math.floor(d * scale / width);
            if (b >= bins) {
                if (d * scale > width * bins) {
                    beyond++;
                }
                b = bins - 1;
            }
            counts[Math.max(0, b)]++;
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
                ys.add(n * width / mu * Math.exp(-x / mu));
            }
        }
        return new Histogram(unit, scale, width, countList, beyond, xs, ys, mean, predictedMean);
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
