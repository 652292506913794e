package dev.powrace.pow;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
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
    /** The least and most power a search may run at, in percent of its thread's time. */
    public static final int MIN_POWER = 1;
    public static final int MAX_POWER = 100;
    /** A throttled search sleeps once it owes at least this much sleep. */
    static final long MIN_SLEEP_NANOS = 1_000_000;
    /** It sleeps in slices of at most this, and looks at its stop condition between them. */
    static final long SLEEP_SLICE_NANOS = 1_000_000;

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
     * Searches at full power until a solution is found or {@code stop} says so: {@code run(stop, meter, 100)}.
     */
    public Optional<Solution> run(BooleanSupplier stop, LongConsumer meter) {
        return run(stop, meter, MAX_POWER);
    }

    /**
     * Searches until a solution is found or {@code stop} says so. It sends no events and prints nothing (but
     * for one stderr line should an engine report a candidate that does not verify, an engine bug), so a caller
     * that reads the clock just before and just after this call times the search alone (with its sleeps, when
     * throttled).
     *
     * <p>Below full power it throttles finely: after each batch it owes sleep in proportion to the time the
     * batch took ({@code (100 - power) / power} of it), and once it owes {@link #MIN_SLEEP_NANOS} it sleeps
     * that off in slices of at most {@link #SLEEP_SLICE_NANOS}, looking at {@code stop} between slices, so it
     * stops within a millisecond even while asleep. Oversleeping is paid back by working longer before the next
     * sleep. So a search at 50% does about half the hashes of one at 100% in the same time, even over a few
     * milliseconds (some dozens of batches). It begins at a random point of that cycle (asleep with probability
     * {@code 1 - power/100}), as if it had been running, so that it has no more than its share of a race's first
     * moments.
     *
     * @param stop looked at once per batch, and once per slice of sleep
     * @param meter told of each batch's hashes as they are done (for live hash rates); may be a no-op
     * @param power its share of its thread's time in percent, {@link #MIN_POWER} to {@link #MAX_POWER}
     * @return the solution, or empty if stopped
     */
    public Optional<Solution> run(BooleanSupplier stop, LongConsumer meter, int power) {
        checkPower(power);
        boolean throttled = power < MAX_POWER;
        double owedPerWorked = (MAX_POWER - power) / (double) power;
        long owed = 0;
        if (throttled) {
            // Begin anywhere in the cycle of work and sleep, as if the search had been running: asleep with
            // probability 1 - power, else part way through a spell of work. Always beginning with work would give
            // a throttled node more than its share of every race's first moments.
            java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
            if (random.nextInt(MAX_POWER) >= power) {
                sleep((long) (random.nextDouble() * MIN_SLEEP_NANOS), stop);
            } else {
                owed = (long) (random.nextDouble() * MIN_SLEEP_NANOS);
            }
        }
        long mark = throttled ? System.nanoTime() : 0;
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
            if (throttled) {
                long now = System.nanoTime();
                owed += (long) ((now - mark) * owedPerWorked);
                if (owed >= MIN_SLEEP_NANOS) {
                    owed -= sleep(owed, stop);
                    now = System.nanoTime();
                }
                mark = now;
            }
        }
        return Optional.empty();
    }

    /** Sleeps about {@code nanos} in slices, or less if {@code stop} says so; returns the time really slept. */
    private static long sleep(long nanos, BooleanSupplier stop) {
        long start = System.nanoTime();
        long slept = 0;
        while (slept < nanos && !stop.getAsBoolean()) {
            LockSupport.parkNanos(Math.min(nanos - slept, SLEEP_SLICE_NANOS));
            slept = System.nanoTime() - start;
        }
        return slept;
    }

    /** @throws IllegalArgumentException unless {@code power} is 1 to 100 */
    public static int checkPower(int power) {
        if (power < MIN_POWER || power > MAX_POWER) {
            throw new IllegalArgumentException("power must be " + MIN_POWER + " to " + MAX_POWER + " percent, not "
                    + power);
        }
        return power;
    }
}
