package dev.powrace.race;

import dev.powrace.ledger.Ledger;
import dev.powrace.pow.HashMeter;
import java.io.Closeable;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;

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

    /**
     * As {@link #join(String, String)}, for a copy that may have waited unread for up to {@code waitedNanos} (its node
     * had no room for it): it may also join a race that opened within the join window of its earliest arrival, so
     * that a copy held back by flow control joins the race its text's other copies opened, rather than racing
     * alone. A referee that can't tell (a cluster's, which judges windows by ZooKeeper's clock) joins as if it had
     * just come.
     */
    default Race join(String node, String transaction, long waitedNanos) {
        return join(node, transaction);
    }

    /** Races still open to joins. */
    int openRaces();

    /**
     * Runs one node's attempt at a race on the calling thread (a node's mining thread).
     *
     * @param stop also ends the search early (the node is shutting down)
     * @param meter counts this node's hashes as they are done
     */
    Attempt run(Race race, String node, BooleanSupplier stop, HashMeter meter);

    /**
     * As {@link #run(Race, String, BooleanSupplier, HashMeter)}, at {@code power} percent of the thread's time
     * (1 to 100; see {@link dev.powrace.pow.Search#run(BooleanSupplier, java.util.function.LongConsumer, int)}).
     * A referee that can't throttle runs at full power: the default ignores {@code power}.
     */
    default Attempt run(Race race, String node, BooleanSupplier stop, HashMeter meter, int power) {
        dev.powrace.pow.Search.checkPower(power);
        return run(race, node, stop, meter);
    }

    /** Stops telling {@code listener}; events already queued for it may still reach it. */
    default void removeListener(RaceListener listener) {}

    /** The name of this process's i-th node (from 1): "Node1", or "label/Node1" in a cluster. */
    default String nodeName(int index) {
        return "Node" + index;
    }

    /**
     * One of this process's nodes, listening.
     *
     * @param submit hands the node a transaction exactly as if it had arrived on its port; returns its reply line
     * @param hashes all hashes it has tried so far
     */
    record Member(String name, String host, int port, Function<String, String> submit, LongSupplier hashes) {}

    /** The process's nodes are listening (a cluster referee registers them and feeds them submissions). */
    default void nodesStarted(List<Member> members) {}

    /** The cluster this referee stands in, if any: a window shows its nodes. A local referee has none. */
    default java.util.Optional<Peers> peers() {
        return java.util.Optional.empty();
    }

    /** Tells every listener of a problem: one line. */
    void problem(String message);

    /** Tells every listener something worth knowing that is not a problem: one line. */
    default void note(String message) {}

    /** Tells every listener that {@code node} holds a race until the warm-up is over ({@link RaceListener#warmingUp}). */
    default void warmingUp(String node) {}

    /** Tells every listener that the warm-up is over ({@link RaceListener#warmedUp}). */
    default void warmedUp(Duration took, Duration sinceStart) {}

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
