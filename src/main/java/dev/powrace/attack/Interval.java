package dev.powrace.attack;

import org.apache.commons.statistics.distribution.BetaDistribution;

/**
 * A confidence interval for a success rate: the Clopper-Pearson ("exact") interval, from quantiles of the Beta
 * distribution (Apache Commons Statistics). It never covers less than its confidence, whatever the rate, which
 * matters here: the rates measured go down to a few in a million.
 */
public record Interval(double low, double high) {
    /** The confidence of the intervals shown and printed. */
    public static final double CONFIDENCE = 0.99;

    /**
     * The Clopper-Pearson interval of {@code successes} in {@code trials} at {@code confidence}: from the
     * {@code α/2} quantile of Beta(x, n − x + 1) (0 when x = 0) to the {@code 1 − α/2} quantile of
     * Beta(x + 1, n − x) (1 when x = n); 0 to 1 with no trials.
     */
    public static Interval clopperPearson(long successes, long trials, double confidence) {
        if (trials < 0 || successes < 0 || successes > trials) {
            throw new IllegalArgumentException(successes + " successes in " + trials + " trials");
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be between 0 and 1, not " + confidence);
        }
        if (trials == 0) {
            return new Interval(0, 1);
        }
        double alpha = 1 - confidence;
        double low = successes == 0 ? 0
                : BetaDistribution.of(successes, trials - successes + 1).inverseCumulativeProbability(alpha / 2);
        double high = successes == trials ? 1
                : BetaDistribution.of(successes + 1, trials - successes).inverseCumulativeProbability(1 - alpha / 2);
        return new Interval(low, high);
    }

    /** True if {@code p} is inside, ends included. */
    public boolean contains(double p) {
        return low <= p && p <= high;
    }
}
