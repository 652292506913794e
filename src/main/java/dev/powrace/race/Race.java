package dev.powrace.race;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/** One transaction raced by the nodes that received it while the race was open. */
public final class Race {
    private final long id;
    private final String transaction;
    private final int difficulty;
    /** Changed with the referee's lock held; read from any thread (see {@link #joined()}). */
    private final Set<String> joined = java.util.Collections.synchronizedSet(new LinkedHashSet<>());
    private final AtomicReference<Attempt> winner = new AtomicReference<>();
    private final List<Attempt> ended = new CopyOnWriteArrayList<>();
    private volatile boolean abandoned;

    private final long openedNanos;

    Race(long id, String transaction, int difficulty, long openedNanos) {
        this.id = id;
        this.openedNanos = openedNanos;
        this.transaction = transaction;
        this.difficulty = difficulty;
    }

    /**
     * A race judged by a referee outside this package (the cluster referee), which keeps its own membership.
     *
     * @param id unique among the races this process sees
     */
    public static Race judgedElsewhere(long id, String transaction, int difficulty) {
        return new Race(id, transaction, difficulty, System.nanoTime());
    }

    /**
     * For a referee outside this package: records the race's winner, which makes {@link #decided()} true at once
     * (the losers see it within a batch of hashes). Only the first call counts.
     *
     * @return true if this call decided the race
     */
    public boolean decide(Attempt winner) {
        return claim(winner);
    }

    /**
     * For a referee outside this package: the race is over with no winner (every node that joined it left a
     * cluster). {@link #decided()} is true from now on, and {@link #winner()} stays empty.
     */
    public void abandon() {
        abandoned = true;
    }

    /** True if the race ended with no winner: see {@link #abandon()}. */
    public boolean abandoned() {
        return abandoned && winner.get() == null;
    }

    /** For a referee outside this package: an attempt at this race has ended. */
    public void attemptEnded(Attempt attempt) {
        ended(attempt);
    }

    /** When the first copy of its transaction arrived (System.nanoTime). */
    long openedNanos() {
        return openedNanos;
    }

    public long id() {
        return id;
    }

    public String transaction() {
        return transaction;
    }

    public int difficulty() {
        return difficulty;
    }

    /**
     * True once a node has found a valid nonce, or the race was abandoned. Cheap: losers look at it once per batch
     * of hashes.
     */
    public boolean decided() {
        return winner.get() != null || abandoned;
    }

    public Optional<Attempt> winner() {
        return Optional.ofNullable(winner.get());
    }

    /**
     * The nodes of this process that have joined it so far, in the order they joined; a
     * snapshot, from any thread. Empty for a race {@link #judgedElsewhere judged elsewhere}: a cluster keeps its
     * own membership.
     */
    public List<String> joined() {
        synchronized (joined) {
            return List.copyOf(joined);
        }
    }

    /** The attempts that have ended so far, in the order they ended. */
    public List<Attempt> attempts() {
        return List.copyOf(ended);
    }

    boolean claim(Attempt attempt) {
        return winner.compareAndSet(null, attempt);
    }

    void ended(Attempt attempt) {
        ended.add(attempt);
    }

    // The membership methods are called with the referee's lock held.
    boolean has(String node) {
        return joined.contains(node);
    }

    void add(String node) {
        joined.add(node);
    }

    int size() {
        return joined.size();
    }

    @Override
    public String toString() {
        return "Race " + id + " (" + transaction.length() + " chars, difficulty " + difficulty + ")";
    }
}
