package dev.powrace.attack;

import org.apache.commons.statistics.distribution.PascalDistribution;
import org.apache.commons.statistics.distribution.PoissonDistribution;

/**
 * The chance that an attacker with a share {@code q} of the hash power ever catches up with the honest chain once
 * a merchant has seen {@code z} blocks (confirmations), by the Bitcoin paper's formula (Nakamoto 2008, section 11)
 * and by the exact one (Rosenfeld 2014, "Analysis of Hashrate-Based Double Spending"), and the deficit at which a
 * measured attack is given up. The distributions come from Apache Commons Statistics.
 *
 * <p>Both count as the paper does: the honest side has mined z blocks after the fork, the attacker m, and the
 * attacker "catches up" when its chain is as long as the honest one, from then on; Rosenfeld reads this as the
 * attacker holding one block mined in advance, so that drawing level makes its chain the longer one.
 */
public final class CatchUp {
    /** An attack is given up once the chance it could still catch up is below this (see {@link #giveUpDeficit}). */
    public static final double GIVE_UP_BELOW = 1e-9;

    private CatchUp() {}

    /**
     * Nakamoto's formula: the attacker's progress while the honest side mines z blocks taken as Poisson with mean
     * {@code λ = z q / p}, then the gambler's ruin {@code (q/p)^(z-k)} from k blocks behind:
     * {@code P = 1 − Σ_{k=0..z} e^{−λ} λ^k / k! · (1 − (q/p)^{z−k})}; 1 when {@code q ≥ p}.
     */
    public static double nakamoto(double q, int z) {
        check(q, z);
        double p = 1 - q;
        if (q >= p || z == 0) {
            return 1;
        }
        PoissonDistribution progress = PoissonDistribution.of(z * q / p);
        double stays = 0;
        for (int k = 0; k <= z; k++) {
            stays += progress.probability(k) * (1 - Math.pow(q / p, z - k));
        }
        return 1 - stays;
    }

    /**
     * Rosenfeld's exact formula: while the honest side mines its z blocks the attacker mines m, which is negative
     * binomial (Pascal: m failures before the z-th success, success p), and from z − m behind it catches up with
     * chance {@code (q/p)^(z−m)}: {@code P = 1 − Σ_{m=0..z} C(m+z−1, m) (p^z q^m − q^z p^m)}; 1 when {@code q ≥ p}.
     * The two sums are the Pascal distributions' cumulative probabilities at z, with success p and with success q,
     * so {@code P = S_p(z) + F_q(z)} (the survival function of one plus the distribution function of the other).
     */
    public static double rosenfeld(double q, int z) {
        check(q, z);
        double p = 1 - q;
        if (q >= p || z == 0) {
            return 1;
        }
        return PascalDistribution.of(z, p).survivalProbability(z) + PascalDistribution.of(z, q).cumulativeProbability(z);
    }

    /**
     * How far behind an attack is given up: the least D with {@code (q/p)^D ≤} {@link #GIVE_UP_BELOW}, the chance
     * of ever catching up from D blocks behind (gambler's ruin). Giving up there lowers an attack's chance of
     * success by less than that, so N attacks miss an expected success fewer than {@code N · 1e-9} times: none,
     * for any N shown. Never ({@link Integer#MAX_VALUE}) at {@code q ≥ 0.5}, where the attacker always catches up
     * in the end.
     */
    public static int giveUpDeficit(double q) {
        check(q, 0);
        double p = 1 - q;
        if (q >= p) {
            return Integer.MAX_VALUE;
        }
        return Math.max(1, (int) Math.ceil(Math.log(GIVE_UP_BELOW) / Math.log(q / p) - 1e-9));
    }

    private static void check(double q, int z) {
        if (!(q > 0 && q < 1)) {
            throw new IllegalArgumentException("q must be more than 0 and less than 1, not " + q);
        }
        if (z < 0) {
            throw new IllegalArgumentException("z must be 0 or more, not " + z);
        }
    }
}
