package dev.powrace.attack;

/**
 * The attacker's exact share of the hashes: of every slice of {@link #slice} hashes, {@link #attacker} go to the
 * attacker's chain and the rest to the honest chain, on one thread, so the share is a/K whatever the machine or
 * the scheduler does. Within a slice the two sides' hashes are interleaved in time, each side's evenly spread
 * (see {@link Attack}).
 *
 * <p>q is a multiple of 0.001. The slice is the least multiple of 16 (the SIMD engine's lanes; the SHA-NI
 * engine's 8 divide it) at which q·K is too, and at least 256: q = 0.1 and 0.3 give slices of 320 hashes, 32 or
 * 96 of them the attacker's; q = 0.05, 320 with 16; q = 0.5, 256 with 128.
 */
public record Share(int attacker, int slice) {
    /** The finest share: q is given in thousandths. */
    public static final int PER = 1000;
    private static final int LANES = 16;
    private static final int MIN_SLICE = 256;

    public Share {
        if (attacker <= 0 || attacker >= slice) {
            throw new IllegalArgumentException("the attacker's hashes must be more than 0 and fewer than the slice's "
                    + slice + ", not " + attacker);
        }
    }

    /**
     * The share q, more than 0 and less than 1, in thousandths.
     *
     * @throws IllegalArgumentException with a one-line reason otherwise
     */
    public static Share of(double q) {
        if (!(q > 0 && q < 1)) {
            throw new IllegalArgumentException("q must be more than 0 and less than 1, not " + q);
        }
        double thousandths = q * PER;
        long n = Math.round(thousandths);
        if (Math.abs(thousandths - n) > 1e-6) {
            throw new IllegalArgumentException("q must be a multiple of 0.001 (the share is exact), not " + q);
        }
        long g = gcd(n, PER);
        long k = PER / g; // q = (n/g) / k in lowest terms
        long slice = k * LANES * Math.max(1, (MIN_SLICE + k * LANES - 1) / (k * LANES));
        return new Share((int) (n / g * (slice / k)), (int) slice);
    }

    /** The attacker's share, a/K. */
    public double q() {
        return attacker / (double) slice;
    }

    /** The honest side's hashes of every slice. */
    public int honest() {
        return slice - attacker;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
