package dev.powrace.pow;

import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * One search for a nonce, run on the calling thread. It walks the nonce space upward from a start nonce in
 * batches, checks its stop condition between batches, and re-checks every candidate with
 * {@code MessageDigest} before it counts.
 */
public final class Search {
    /** Nonces per batch: the stop condition and the hash counter are looked at once per batch. */
    public static final int BATCH = 2048;

    private final String transaction;
    private final int difficulty;
    private final long startNonce;
    private final Engine engine;
    private volatile long hashes; // written by the searching thread only

    public Search(String transaction, int difficulty, long startNonce, Engine engine) {
        Puzzle.checkDifficulty(difficulty);
        if (startNonce < 0) {
            throw new IllegalArgumentException("start nonce must be >= 0: " + startNonce);
        }
        this.transaction = Objects.requireNonNull(transaction);
        this.difficulty = difficulty;
        this.startNonce = startNonce;
        this.engine = Objects.requireNonNull(engine);
    }

    /** Hashes tried so far; safe to read from any thread, without locks. */
    public long hashes() {
        return hashes;
    }

    /**
     * Searches until a solution is found or {@code stop} says so. It sends no events and prints nothing (but
     * for one stderr line should an engine report a candidate that does not verify, an engine bug), so a caller
     * that reads the clock just before and just after this call times the search alone.
     *
     * @param stop looked at once per batch
     * @param meter told of each batch's hashes as they are done (for live hash rates); may be a no-op
     * @return the solution, or empty if stopped
     */
    public Optional<Solution> run(BooleanSupplier stop, LongConsumer meter) {
        long nonce = startNonce;
        long done = 0;
        while (!stop.getAsBoolean()) {
            int hit = engine.scan(nonce, BATCH);
            int tried = hit < 0 ? BATCH : hit + 1;
            done += tried;
            hashes = done;
            meter.accept(tried);
            if (hit >= 0) {
                long found = nonce + hit;
                byte[] digest = Puzzle.digest(transaction, found);
                if (Puzzle.meets(digest, difficulty)) {
                    return Optional.of(new Solution(found, Puzzle.hex(digest), done));
                }
                // An engine's candidate that does not verify is an engine bug: never report it, go on.
                System.err.println("powrace: " + engine.name() + " engine reported a wrong nonce " + found
                        + "; ignoring it");
            }
            nonce += tried;
        }
        return Optional.empty();
    }
}
