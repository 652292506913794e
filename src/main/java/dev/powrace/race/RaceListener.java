package dev.powrace.race;

import dev.powrace.ledger.Entry;

/**
 * What a referee tells the world. Calls come from node threads, never from a UI thread: an adapter must
 * hand them over itself. Each call is made once per event, never once per hash.
 */
public interface RaceListener {
    /** A node began to mine. */
    default void started(Attempt attempt) {}

    /** A node's attempt ended: found, stopped or late. */
    default void ended(Attempt attempt) {}

    /** A race's winner is on disk in the ledger. */
    default void won(Race race, Entry entry) {}

    /** Something went wrong that a person should see: one line. */
    default void problem(String message) {}

    /** Something worth knowing that is not a problem, such as the engine `auto` chose: one line. */
    default void note(String message) {}

    /**
     * {@code node} has a race to run and holds it until the warm-up is over (the search code is being compiled,
     * so that no race runs, and no time is measured, on cold code).
     */
    default void warmingUp(String node) {}

    /**
     * The warm-up is over and the races that waited for it begin. Told only if a race waited.
     *
     * @param took how long the warm-up ran
     * @param sinceStart how long since the nodes started (in the app this includes the warm-up's hold until the
     *     window showed)
     */
    default void warmedUp(java.time.Duration took, java.time.Duration sinceStart) {}
}
