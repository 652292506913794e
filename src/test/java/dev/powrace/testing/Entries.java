package dev.powrace.testing;

import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Timestamps;
import dev.powrace.pow.Puzzle;
import java.time.Instant;

/** Ledger entries for tests. */
public final class Entries {
    private Entries() {}

    /** A valid difficulty-1 entry for the text: its nonce is the first solution from 0, its hash that nonce's. */
    public static Entry valid(String node, String transaction) {
        long nonce = 0;
        while (!Puzzle.isSolution(transaction, nonce, 1)) {
            nonce++;
        }
        String now = Timestamps.format(Instant.now());
        return new Entry(node, transaction, nonce, Puzzle.hash(transaction, nonce), 1, Entry.seconds(1234), now, now,
                nonce + 1);
    }
}
