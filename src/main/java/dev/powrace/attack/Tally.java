package dev.powrace.attack;

/**
 * What a number of attacks at one (q, z) came to: how many there were, how many caught up, how many were still
 * undecided at the block cap (only ever at q ≥ 0.5), the hashes they took (the attacker's share of them apart) and
 * the time. Tallies of the same (q, z) add up.
 */
public record Tally(double q, int z, long attacks, long successes, long undecided, long hashes, long attackerHashes,
        long nanos) {
    public static Tally empty(double q, int z) {
        return new Tally(q, z, 0, 0, 0, 0, 0, 0);
    }

    /** The share of the attacks that caught up; NaN with none. */
    public double rate() {
        return attacks == 0 ? Double.NaN : successes / (double) attacks;
    }

    /** The 99% Clopper-Pearson interval of the rate. */
    public Interval interval() {
        return Interval.clopperPearson(successes, attacks, Interval.CONFIDENCE);
    }

    public double nakamoto() {
        return CatchUp.nakamoto(q, z);
    }

    public double rosenfeld() {
        return CatchUp.rosenfeld(q, z);
    }

    /** Hashes a second over the time taken; NaN before any. */
    public double hashesPerSecond() {
        return nanos == 0 ? Double.NaN : hashes * 1e9 / nanos;
    }

    /** This and another tally of the same (q, z). */
    public Tally plus(Tally o) {
        if (o.q != q || o.z != z) {
            throw new IllegalArgumentException("tallies of (" + q + ", " + z + ") and (" + o.q + ", " + o.z + ")");
        }
        return new Tally(q, z, attacks + o.attacks, successes + o.successes, undecided + o.undecided, hashes + o.hashes,
                attackerHashes + o.attackerHashes, nanos + o.nanos);
    }
}
