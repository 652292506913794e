package dev.powrace.pow;

/**
 * Hashes nonces for one transaction and difficulty. An engine is made for one search and used by one
 * thread; it keeps whatever it can precompute for its transaction.
 */
public interface Engine {
    /**
     * Tries nonces {@code from, from + 1, ..., from + count - 1} in order.
     *
     * @return the index (0 to count - 1) of the first nonce that meets the difficulty, or -1 if none does
     */
    int scan(long from, int count);

    /** A short name for reports, such as "digest" or "simd16". */
    String name();
}
