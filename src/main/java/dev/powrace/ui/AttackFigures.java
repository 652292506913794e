package dev.powrace.ui;

import dev.powrace.attack.CatchUp;
import dev.powrace.attack.Interval;
import dev.powrace.attack.Tally;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the Attack tab shows, worked out off the FX thread from the session's tallies: for the chosen share q, both
 * formulas at z = 0 to {@link #MAX_Z}, every z measured at that q with its 99% interval, and the lesson in words
 * for the chosen z (or the latest measured). Immutable.
 */
record AttackFigures(int percent, int z, double[] nakamoto, double[] rosenfeld, List<Point> points, String sentence,
        String verdict) {
    /** The chart's and the spinner's last z. */
    static final int MAX_Z = 10;

    /** One (q, z) measured: attacks, successes, rate and its 99% interval, and both formulas' values. */
    record Point(int z, long attacks, long successes, long undecided, double rate, double low, double high,
            double nakamoto, double rosenfeld, long hashes) {
        boolean holdsExact() {
            return low <= rosenfeld && rosenfeld <= high;
        }

        boolean holdsPaper() {
            return low <= nakamoto && nakamoto <= high;
        }
    }

    static final AttackFigures EMPTY = of(10, 5, List.of(), -1);

    /**
     * @param percent the attacker's share of the hash power chosen, in percent
     * @param z the confirmations chosen
     * @param tallies this session's tallies at that share (any z)
     * @param latestZ the z measured last at that share, or -1: the sentence's when z itself has none
     */
    static AttackFigures of(int percent, int z, List<Tally> tallies, int latestZ) {
        double q = percent / 100.0;
        double[] nakamoto = new double[MAX_Z + 1];
        double[] rosenfeld = new double[MAX_Z + 1];
        for (int k = 0; k <= MAX_Z; k++) {
            nakamoto[k] = CatchUp.nakamoto(q, k);
            rosenfeld[k] = CatchUp.rosenfeld(q, k);
        }
        List<Point> points = new ArrayList<>();
        for (Tally t : tallies) {
            if (t.attacks() > 0) {
                Interval i = t.interval();
                points.add(new Point(t.z(), t.attacks(), t.successes(), t.undecided(), t.rate(), i.low(), i.high(),
                        t.nakamoto(), t.rosenfeld(), t.hashes()));
            }
        }
        points.sort(java.util.Comparator.comparingInt(Point::z));
        Point told = points.stream().filter(p -> p.z() == z).findFirst()
                .orElse(points.stream().filter(p -> p.z() == latestZ).findFirst().orElse(null));
        String sentence;
        String verdict;
        if (told == null) {
            sentence = String.format(Locale.ROOT, "With %d%% of the hash power, the paper's formula says the attacker "
                    + "catches up %s of the time at z = %d, the exact one %s. Run the attacks to measure it.", percent,
                    percent(CatchUp.nakamoto(q, z)), z, percent(CatchUp.rosenfeld(q, z)));
            verdict = "";
        } else {
            sentence = sentence(percent, told);
            verdict = verdict(told);
        }
        return new AttackFigures(percent, z, nakamoto, rosenfeld, List.copyOf(points), sentence, verdict);
    }

    /** "with 10% of the hash power, the attacker caught up in 18 of 10,000 attacks at z = 5: ..." */
    static String sentence(int percent, Point p) {
        String caught = String.format(Locale.ROOT, "With %d%% of the hash power, the attacker caught up in %,d of %,d "
                + "%s at z = %d: the paper's formula says %s, the exact one %s.", percent, p.successes(), p.attacks(),
                p.attacks() == 1 ? "attack" : "attacks", p.z(), expected(p.nakamoto() * p.attacks()),
                expected(p.rosenfeld() * p.attacks()));
        if (p.undecided() > 0) {
            caught += String.format(Locale.ROOT, " %,d %s still behind after the block cap, stopped: given time, "
                    + "every one catches up.", p.undecided(), p.undecided() == 1 ? "was" : "were");
        }
        return caught;
    }

    /** Which formula the 99% interval holds. */
    static String verdict(Point p) {
        String interval = String.format(Locale.ROOT, "99%% interval %s to %s", percent(p.low()), percent(p.high()));
        if (p.nakamoto() == p.rosenfeld()) {
            return interval + ": both formulas say " + percent(p.rosenfeld()) + (p.holdsExact() ? ", inside it."
                    : ", outside it.");
        }
        return interval + ": " + (p.holdsExact() ? "holds the exact value" : "misses the exact value")
                + (p.holdsPaper() ? " and holds the paper's" : p.holdsExact() ? ", not the paper's"
                        : " and the paper's") + ".";
    }

    /** An expected count of attacks: whole from 1 on, two significant digits below. */
    static String expected(double count) {
        if (count >= 1) {
            return String.format(Locale.ROOT, "%,d", Math.round(count));
        }
        return count == 0 ? "0" : String.format(Locale.ROOT, "%.2g", count);
    }

    /** A probability as a percentage with three significant digits (0.0000079 → "0.000786%"). */
    static String percent(double p) {
        if (Double.isNaN(p)) {
            return "—";
        }
        double v = p * 100;
        if (v == 0 || v == 100) {
            return String.format(Locale.ROOT, "%.0f%%", v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString() + "%";
    }
}
