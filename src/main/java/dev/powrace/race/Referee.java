package dev.powrace.race;

import dev.powrace.ledger.Ledger;
import dev.powrace.pow.HashMeter;
import java.io.Closeable;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Judges the races of a process's nodes: which race a node's copy of a text joins, who won, and what goes in the
 * ledger. {@link LocalReferee} judges the nodes of one process; a cluster referee stands behind the same
 * interface.
 *
 * <p>Listeners hear of every start, end and win on a thread of the referee's own, never on a mining thread.
 */
public interface Referee extends Closeable {
    void addListener(RaceListener listener);

    /** This process's ledger file. */
    Ledger ledger();

    /** The search engine's short name, such as "simd16". */
    String engineName();

    /** The difficulty of races opened from now on. */
    int difficulty();

    void setDifficulty(int difficulty);

    /**
     * A node received {@code transaction}: it joins the oldest race for that text that is still open and that it
     * has not joined yet, or opens a new one.
     */
    Race join(String node, String transaction);

    /** A node that joined could not take the race on (its queue was full); its retry joins the same race. */
    void withdraw(Race race, String node);

    /** Races still open to joins. */
    int openRaces();

    /**
     * Runs one node's attempt at a race on the calling thread (a node's mining thread).
     *
     * @param stop also ends the search early (the node is shutting down)
     * @param meter counts this node's hashes as they are done
     */
    Attempt run(Race race, String node, BooleanSupplier stop, HashMeter meter);

    /** Tells every listener of a problem: one line. */
    void problem(String message);

    /**
     * Waits until every winner found so far is recorded and every event so far has been told.
     *
     * @return false if that took longer than the timeout
     */
    boolean sync(Duration timeout) throws InterruptedException;

    /** After the nodes have stopped: finishes recording and telling, and stops the referee's threads. */
    @Override
    void close();
}
