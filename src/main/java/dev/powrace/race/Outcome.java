package dev.powrace.race;

/** Where a node's attempt at a race stands. */
public enum Outcome {
    /** Still searching. */
    MINING,
    /** Found the winning nonce. */
    FOUND,
    /** Stopped because another node won first (or the node shut down). */
    STOPPED,
    /** Its copy of the transaction came after the race was decided, so it did not mine. */
    LATE
}
