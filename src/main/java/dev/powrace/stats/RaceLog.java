package dev.powrace.stats;

import dev.powrace.ledger.Entry;
import dev.powrace.race.Attempt;
import dev.powrace.race.Outcome;
import dev.powrace.race.Race;
import dev.powrace.race.RaceListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Turns a referee's events into {@link RaceResult}s: add it to a referee as a listener.
 *
 * <p>A race is finished once it has a winner and every node that joined it (as far as this process knows: its
 * own nodes that joined, and every node that started to mine it here) has ended its attempt. Its result holds
 * one run per node that was in it; a node that came late (the race was won before its thread began to mine)
 * has a run with no hashes: it was in the race, and held no ticket. A race abandoned in a
 * cluster (no winner) gives no result. A loser's run counts its hashes until the winning find (see
 * {@link #untilTheFind}).
 *
 * <p>In a cluster only this process's nodes' attempts are told (with their hashes), so a result holds the local
 * nodes only, and a race won by a remote node names that winner with no run of it.
 *
 * <p>Events come on the referee's event thread, so the {@link #onResult} consumers are called there, never on
 * a mining thread; {@link #results()} may be read from any thread.
 */
public final class RaceLog implements RaceListener {
    /** The most results kept by default (for a reader of {@link #results}); the oldest go first. */
    public static final int MAX_RESULTS = 100_000;

    /** The most results kept here; 0 when they are only told to the {@link #onResult} consumers. */
    private final int keep;
    private final List<Consumer<RaceResult>> consumers = new CopyOnWriteArrayList<>();
    private final java.util.ArrayDeque<RaceResult> results = new java.util.ArrayDeque<>(); // guarded by itself
    /** The most races under way kept track of (a race that never ends, its node shut down, is dropped in time). */
    static final int MAX_PENDING = 4096;

    /** The races under way, oldest first, on the event thread only (a Race is equal only to itself). */
    private final Map<Race, Pending> pending = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Race, Pending> eldest) {
            return size() > MAX_PENDING;
        }
    };
    /** The races already given as results or dropped, so that a late event does not give one again. */
    private final Set<Race> over = java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());

    /** Keeps the latest {@link #MAX_RESULTS} results for {@link #results}. */
    public RaceLog() {
        this(MAX_RESULTS);
    }

    /**
     * @param keep the most results kept for {@link #results}, the oldest going first: 0 when only the
     *     {@link #onResult} consumers read them (as the window does, which keeps its own)
     */
    public RaceLog(int keep) {
        if (keep < 0) {
            throw new IllegalArgumentException("keep must be 0 or more, not " + keep);
        }
        this.keep = keep;
    }

    /** Calls {@code consumer} with each race's result as it finishes, on the referee's event thread. */
    public void onResult(Consumer<RaceResult> consumer) {
        consumers.add(consumer);
    }

    /** The results so far, oldest first: a snapshot. */
    public List<RaceResult> results() {
        synchronized (results) {
            return List.copyOf(results);
        }
    }

    /** Forgets the results so far (the races under way still give theirs). */
    public void clear() {
        synchronized (results) {
            results.clear();
        }
    }

    @Override
    public void started(Attempt attempt) {
        if (over.contains(attempt.race())) {
            return;
        }
        pending.computeIfAbsent(attempt.race(), r -> new Pending()).started.add(attempt.node());
    }

    @Override
    public void ended(Attempt attempt) {
        if (over.contains(attempt.race())) {
            return;
        }
        Pending p = pending.computeIfAbsent(attempt.race(), r -> new Pending());
        p.ended.put(attempt.node(), attempt);
        check(attempt.race(), p);
    }

    @Override
    public void won(Race race, Entry entry) {
        Pending p = pending.get(race);
        if (p != null) {
            check(race, p);
        }
    }

    private void check(Race race, Pending p) {
        if (race.abandoned()) {
            if (p.ended.keySet().containsAll(p.started)) {
                pending.remove(race);
                over.add(race);
            }
            return;
        }
        Optional<Attempt> winner = race.winner();
        if (winner.isEmpty()) {
            return;
        }
        Set<String> waiting = new LinkedHashSet<>(p.started);
        waiting.addAll(race.joined());
        if (!p.ended.keySet().containsAll(waiting)) {
            return;
        }
        pending.remove(race);
        over.add(race);
        Attempt w = winner.get();
        List<RaceResult.NodeRun> runs = new ArrayList<>();
        p.ended.values().stream()
                .sorted((a, b) -> NodeOrder.INSTANCE.compare(a.node(), b.node()))
                .forEach(a -> runs.add(a.outcome() == Outcome.LATE
                        ? new RaceResult.NodeRun(a.node(), 0, 0, false, a.power()) // in the race, no ticket before the find
                        : untilTheFind(a, w, a.node().equals(w.node()) && a.outcome() == Outcome.FOUND,
                                p.ended.get(w.node()) == w)));
        RaceResult result = new RaceResult(race.id(), race.difficulty(), w.node(), duration(w, p.ended.values()),
                runs);
        if (keep > 0) {
            synchronized (results) {
                results.add(result);
                if (results.size() > keep) {
                    results.removeFirst();
                }
            }
        }
        for (Consumer<RaceResult> c : consumers) {
            c.accept(result);
        }
    }

    /** What is known of a race under way. */
    private static final class Pending {
        final Set<String> started = new LinkedHashSet<>();
        final Map<String, Attempt> ended = new LinkedHashMap<>();
    }

    /**
     * The race's time to a block: from the first start among its nodes to the winner's end (the winner may have
     * started after another node, and the race was on from then). The winner's own search time when a start or
     * an end is not known here.
     */
    static long duration(Attempt winner, java.util.Collection<Attempt> ended) {
        if (winner.start() == null || winner.end() == null) {
            return winner.elapsedNanos();
        }
        java.time.Instant first = winner.start();
        for (Attempt a : ended) {
            if (a.outcome() != Outcome.LATE && a.start() != null && a.start().isBefore(first)) {
                first = a.start();
            }
        }
        return java.time.Duration.between(first, winner.end()).toNanos();
    }

    /**
     * A node's run of a race, until the winning find. A loser hashes on until it sees the decision, a batch of
     * hashes or more, and those hashes could not win the race: counting them would give the losers more tickets
     * than they held and put every race's luck above 1. So a loser's hashes and time are counted in proportion
     * to its time until the winner's end (its rate taken as steady). Only when the winner mined here, on this
     * clock; a remote winner's times are on its own.
     */
    static RaceResult.NodeRun untilTheFind(Attempt a, Attempt winner, boolean won, boolean winnerHere) {
        if (won || !winnerHere || a.start() == null || a.end() == null || winner.end() == null
                || !a.end().isAfter(winner.end()) || a.elapsedNanos() <= 0) {
            return new RaceResult.NodeRun(a.node(), a.hashes(), a.elapsedNanos(), won, a.power());
        }
        long until = Math.max(0, java.time.Duration.between(a.start(), winner.end()).toNanos());
        long hashes = Math.round(a.hashes() * Math.min(1.0, until / (double) a.elapsedNanos()));
        return new RaceResult.NodeRun(a.node(), hashes, Math.min(until, a.elapsedNanos()), false, a.power());
    }
}
