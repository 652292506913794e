package dev.powrace.race;

import java.time.Instant;

/**
 * One node's attempt at one race.
 *
 * @param end when it ended (null while mining); always {@code start + elapsedNanos}
 * @param elapsedNanos measured on the monotonic clock
 * @param nonce the nonce it found, or -1
 * @param hash the hash it found, or null
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
        String hash) {

    public boolean won() {
        return outcome == Outcome.FOUND && race.winner().map(w -> w == this).orElse(false);
    }
}
