package dev.powrace.race;

import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.ledger.LedgerException;
import dev.powrace.ledger.Timestamps;
import dev.powrace.pow.EngineFactory;
import dev.powrace.pow.HashMeter;
import dev.powrace.pow.Puzzle;
import dev.powrace.pow.Search;
import dev.powrace.pow.Solution;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Opens races, lets nodes join them, decides each race's winner and records it in the ledger.
 *
 * <p>A race is open to joins from its transaction's first arrival until every node has joined or the join
 * window has passed. Each node searches from its own random 62-bit start nonce, so no two nodes hash the same
 * input. The first valid nonce wins by compare-and-set; the others see the race decided within one batch of
 * hashes and stop. A node that comes to a decided race does not mine it: it is late.
 */
public final class Referee {
    private final Ledger ledger;
    private final int nodeCount;
    private final long joinWindowNanos;
    private final EngineFactory engines;
    private final List<RaceListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, OpenRace> open = new HashMap<>(); // transaction -> race still taking joins
    private volatile int difficulty;
    private long nextId = 1;

    private record OpenRace(Race race, long openedNanos) {}

    public Referee(Ledger ledger, int nodeCount, int difficulty, Duration joinWindow, EngineFactory engines) {
        if (nodeCount < 1) {
            throw new IllegalArgumentException("need at least one node");
        }
        Puzzle.checkDifficulty(difficulty);
        this.ledger = Objects.requireNonNull(ledger);
        this.nodeCount = nodeCount;
        this.difficulty = difficulty;
        this.joinWindowNanos = joinWindow.toNanos();
        this.engines = engines;
    }

    public void addListener(RaceListener listener) {
        listeners.add(listener);
    }

    public Ledger ledger() {
        return ledger;
    }

    public String engineName() {
        return engines.name();
    }

    /** The difficulty of races opened from now on. */
    public int difficulty() {
        return difficulty;
    }

    public void setDifficulty(int difficulty) {
        Puzzle.checkDifficulty(difficulty);
        this.difficulty = difficulty;
    }

    /**
     * A node received {@code transaction}: it joins the open race for that text, or opens a new one if there
     * is none, the open one has timed out, or this node is already in it (the text was sent again).
     */
    public synchronized Race join(String node, String transaction) {
        long now = System.nanoTime();
        OpenRace current = open.get(transaction);
        if (current == null || now - current.openedNanos() > joinWindowNanos || current.race().has(node)) {
            current = new OpenRace(new Race(nextId++, transaction, difficulty, now), now);
            open.put(transaction, current);
            if (open.size() > 4096) {
                open.values().removeIf(r -> now - r.openedNanos() > joinWindowNanos);
            }
        }
        Race race = current.race();
        race.add(node);
        if (race.size() >= nodeCount) {
            open.remove(transaction); // everyone is in: the same text again is a new race
        }
        return race;
    }

    /**
     * A node that joined could not take the race on (its queue was full). If its join had closed the race to
     * joins (it was the last node), the race opens again for the rest of its window, so that the node's retry
     * joins this race rather than starting a second one for the same transaction.
     */
    public synchronized void withdraw(Race race, String node) {
        race.remove(node);
        long now = System.nanoTime();
        if (now - race.openedNanos() <= joinWindowNanos) {
            open.putIfAbsent(race.transaction(), new OpenRace(race, race.openedNanos()));
        }
    }

    /** Races still open to joins. */
    public synchronized int openRaces() {
        long now = System.nanoTime();
        open.values().removeIf(r -> now - r.openedNanos() > joinWindowNanos);
        return open.size();
    }

    /**
     * Runs one node's attempt at a race on the calling thread, and tells the listeners.
     *
     * @param stop also ends the search early (the node is shutting down)
     * @param meter counts this node's hashes as they are done
     */
    public Attempt run(Race race, String node, BooleanSupplier stop, HashMeter meter) {
        Instant start = Instant.now();
        long t0 = System.nanoTime();
        if (race.decided()) {
            return end(new Attempt(race, node, Outcome.LATE, start, start, 0, 0, -1, null));
        }
        tell(l -> l.started(new Attempt(race, node, Outcome.MINING, start, null, 0, 0, -1, null)));
        long startNonce = ThreadLocalRandom.current().nextLong(1L << 62);
        Search search = new Search(race.transaction(), race.difficulty(), startNonce,
                engines.create(race.transaction(), race.difficulty()));
        Optional<Solution> found = search.run(() -> race.decided() || stop.getAsBoolean(), meter);
        long elapsed = System.nanoTime() - t0;
        Instant end = start.plusNanos(elapsed);
        if (found.isEmpty()) {
            return end(new Attempt(race, node, Outcome.STOPPED, start, end, elapsed, search.hashes(), -1, null));
        }
        Solution s = found.get();
        Attempt attempt = new Attempt(race, node, Outcome.FOUND, start, end, elapsed, s.hashes(), s.nonce(), s.hash());
        if (!race.claim(attempt)) { // found one too, a moment after the winner
            return end(new Attempt(race, node, Outcome.STOPPED, start, end, elapsed, s.hashes(), -1, null));
        }
        end(attempt);
        record(attempt);
        return attempt;
    }

    private void record(Attempt a) {
        Race race = a.race();
        // Re-check the winner before it is written, with the plain MessageDigest.
        if (!a.hash().equals(Puzzle.hash(race.transaction(), a.nonce()))
                || !Puzzle.isSolution(race.transaction(), a.nonce(), race.difficulty())) {
            tell(l -> l.problem("race " + race.id() + ": " + a.node() + "'s nonce " + a.nonce()
                    + " does not verify; not recorded"));
            return;
        }
        Entry entry = new Entry(a.node(), race.transaction(), a.nonce(), a.hash(), race.difficulty(),
                Entry.seconds(a.elapsedNanos()), Timestamps.format(a.start()), Timestamps.format(a.end()),
                a.hashes());
        try {
            ledger.append(entry);
        } catch (LedgerException e) {
            tell(l -> l.problem("race " + race.id() + " won by " + a.node() + " is not recorded: "
                    + e.getMessage()));
            return;
        }
        tell(l -> l.won(race, entry));
    }

    private Attempt end(Attempt attempt) {
        attempt.race().ended(attempt);
        tell(l -> l.ended(attempt));
        return attempt;
    }

    /** Tells every listener; one listener's failure never stops a node. */
    public void tell(java.util.function.Consumer<RaceListener> event) {
        for (RaceListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                System.err.println("powrace: a listener failed: " + e);
            }
        }
    }
}
