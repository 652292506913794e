package dev.powrace.race;

import dev.powrace.pow.Search;
import java.time.Instant;

/**
 * One node's attempt at one race.
 *
 * @param end when it ended (null while mining); always {@code start + elapsedNanos}
 * @param elapsedNanos measured on the monotonic clock
 * @param nonce the nonce it found, or -1
 * @param hash the hash it found, or null
 * @param power the node's share of its thread's time in this attempt, in percent: the power it ran at, whatever it
 *     is set to later (100 for a node of another process, whose power is not known here)
 */
public record Attempt(
        Race race,
        String node,
        Outcome outcome,
        Instant start,
        Instant end,
        long elapsedNanos,
        long hashes,
        long nonce,
        String hash,
        int power) {

    /** An attempt at full power, or by a node whose power is not known here. */
    public Attempt(Race race, String node, Outcome outcome, Instant start, Instant end, long elapsedNanos, long hashes,
            long nonce, String hash) {
        this(race, node, outcome, start, end, elapsedNanos, hashes, nonce, hash, Search.MAX_POWER);
    }

    public boolean won() {
        return outcome == Outcome.FOUND && race.winner().map(w -> w == this).orElse(false);
    }
}
