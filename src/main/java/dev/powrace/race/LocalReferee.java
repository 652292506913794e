package dev.powrace.race;

import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.ledger.LedgerException;
import dev.powrace.ledger.Timestamps;
import dev.powrace.ledger.Verifier;
import dev.powrace.pow.EngineFactory;
import dev.powrace.pow.HashMeter;
import dev.powrace.pow.Puzzle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The referee of the nodes of one process: opens races, lets nodes join them, decides each race's winner and
 * records it in the ledger.
 *
 * <p>Joining: a node's k-th copy of a text joins the oldest race for that text that is still open and that
 * the node has not joined yet; if there is none, it opens a new race. A race is open from its first copy until
 * every node has joined or the join window has passed. So N copies of a text to every node within the window
 * make N races, in whatever order the copies arrive.
 *
 * <p>Each node searches from its own random 62-bit start nonce, so no two nodes hash the same input. The first
 * valid nonce wins by compare-and-set; the others see the race decided within one batch of hashes and stop. A
 * node that comes to a decided race does not mine it: it is late.
 *
 * <p>A mining thread only searches and publishes: the ledger is written on the referee's recorder thread and
 * the listeners are told on its event thread, in the order things happened, so neither a slow disk nor a
 * blocked terminal holds up a search or adds to its time.
 */
public final class LocalReferee implements Referee {
    private final Ledger ledger;
    private final int nodeCount;
    private final long joinWindowNanos;
    private final EngineFactory engines;
    private final LongSupplier clock;
    private final Listeners listeners = new Listeners();
    private final ExecutorService recorder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "powrace-ledger");
        t.setDaemon(true);
        return t;
    });
    /** For each text, its races still open to joins, oldest first. Guarded by this. */
    private final Map<String, Deque<Race>> open = new HashMap<>();
    /**
     * Races whose join windows have passed without every node in them, for copies that waited unread (flow
     * control): for each text, oldest first, and all of them in the order they lapsed. Guarded by this.
     */
    private final Map<String, Deque<Race>> lapsed = new HashMap<>();
    private final Deque<Race> lapsedOrder = new ArrayDeque<>();
    /**
     * How many lapsed races are kept for copies that waited, and how many characters of text they may hold in all
     * (a node's queue and its connections hold at most 512 lines by default); beyond, the oldest go first.
     */
    static final int RETAINED = 4096;
    static final long RETAINED_CHARS = 8L << 20;
    private long lapsedChars;
    private volatile int difficulty;
    private long nextId = 1;

    public LocalReferee(Ledger ledger, int nodeCount, int difficulty, Duration joinWindow, EngineFactory engines) {
        this(ledger, nodeCount, difficulty, joinWindow, engines, System::nanoTime);
    }

    /** @param clock monotonic nanoseconds, for join windows; tests pass their own */
    LocalReferee(Ledger ledger, int nodeCount, int difficulty, Duration joinWindow, EngineFactory engines,
            LongSupplier clock) {
        if (nodeCount < 1) {
            throw new IllegalArgumentException("need at least one node");
        }
        Puzzle.checkDifficulty(difficulty);
        this.ledger = Objects.requireNonNull(ledger);
        this.nodeCount = nodeCount;
        this.difficulty = difficulty;
        this.joinWindowNanos = joinWindow.toNanos();
        this.engines = engines;
        this.clock = clock;
    }

    @Override
    public void addListener(RaceListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(RaceListener listener) {
        listeners.remove(listener);
    }

    @Override
    public Ledger ledger() {
        return ledger;
    }

    @Override
    public String engineName() {
        return engines.name();
    }

    /** The difficulty of races opened from now on. */
    @Override
    public int difficulty() {
        return difficulty;
    }

    @Override
    public void setDifficulty(int difficulty) {
        Puzzle.checkDifficulty(difficulty);
        this.difficulty = difficulty;
    }

    /**
     * A node received {@code transaction}: it joins the oldest open race for that text that it is not in yet,
     * or opens a new one.
     */
    @Override
    public Race join(String node, String transaction) {
        return join(node, transaction, 0);
    }

    /**
     * As {@link #join(String, String)}, for a copy that may have waited up to {@code waitedNanos} unread: a race
     * that opened within the join window of the copy's earliest arrival is open to it, even if its window has
     * passed since, as long as it is one of the last {@link #RETAINED} races whose windows passed.
     */
    @Override
    public synchronized Race join(String node, String transaction, long waitedNanos) {
        long now = clock.getAsLong();
        Deque<Race> races = open.computeIfAbsent(transaction, t -> new ArrayDeque<>());
        expire(races, now);
        Race race = null;
        if (waitedNanos > 0) {
            long earliest = now - waitedNanos - joinWindowNanos;
            Deque<Race> older = lapsed.get(transaction);
            for (Iterator<Race> it = older == null ? null : older.iterator(); it != null && it.hasNext(); ) {
                Race r = it.next();
                if (!r.has(node) && r.openedNanos() - earliest >= 0) {
                    race = r;
                    r.add(node);
                    if (r.size() >= nodeCount) {
                        it.remove();
                    }
                    break;
                }
            }
            if (older != null && older.isEmpty()) {
                lapsed.remove(transaction);
            }
        }
        if (race == null) {
            for (Race r : races) {
                if (!r.has(node)) {
                    race = r;
                    break;
                }
            }
            if (race == null) {
                race = new Race(nextId++, transaction, difficulty, now);
                races.addLast(race);
            }
            race.add(node);
            if (race.size() >= nodeCount) {
                races.remove(race); // everyone is in
            }
        }
        if (races.isEmpty()) {
            open.remove(transaction);
        }
        if (open.size() > 4096) {
            open.values().removeIf(rs -> {
                expire(rs, now);
                return rs.isEmpty();
            });
        }
        return race;
    }

    /** Races still open to joins. */
    @Override
    public synchronized int openRaces() {
        long now = clock.getAsLong();
        open.values().removeIf(rs -> {
            expire(rs, now);
            return rs.isEmpty();
        });
        return open.values().stream().mapToInt(Deque::size).sum();
    }

    /** Moves the races whose windows have passed from {@code races} to the lapsed ones. */
    private void expire(Deque<Race> races, long now) {
        for (Iterator<Race> it = races.iterator(); it.hasNext(); ) {
            Race r = it.next();
            if (now - r.openedNanos() > joinWindowNanos) {
                it.remove();
                lapsed.computeIfAbsent(r.transaction(), t -> new ArrayDeque<>()).addLast(r);
                lapsedOrder.addLast(r);
                lapsedChars += r.transaction().length();
                while (lapsedOrder.size() > RETAINED || lapsedChars > RETAINED_CHARS) {
                    Race gone = lapsedOrder.removeFirst();
                    lapsedChars -= gone.transaction().length();
                    Deque<Race> same = lapsed.get(gone.transaction());
                    if (same != null && same.remove(gone) && same.isEmpty()) {
                        lapsed.remove(gone.transaction());
                    }
                }
            }
        }
    }

    /**
     * Runs one node's attempt at a race on the calling thread. The attempt's times cover the search alone:
     * the start is taken after the engine is ready, the end as soon as the search returns, and events are
     * only queued.
     *
     * @param stop also ends the search early (the node is shutting down)
     * @param meter counts this node's hashes as they are done
     */
    @Override
    public Attempt run(Race race, String node, BooleanSupplier stop, HashMeter meter) {
        return run(race, node, stop, meter, dev.powrace.pow.Search.MAX_POWER);
    }

    /** As {@link #run(Race, String, BooleanSupplier, HashMeter)}, throttled to {@code power} percent. */
    @Override
    public Attempt run(Race race, String node, BooleanSupplier stop, HashMeter meter, int power) {
        dev.powrace.pow.Search.checkPower(power);
        if (race.decided()) {
            Instant now = Instant.now();
            return listeners.end(new Attempt(race, node, Outcome.LATE, now, now, 0, 0, -1, null, power));
        }
        Attempt attempt = Mining.search(race, node, engines, stop, meter, power,
                event -> listeners.publish(l -> l.started(event.get()), race));
        if (attempt.outcome() == Outcome.STOPPED) {
            return listeners.end(attempt);
        }
        if (!race.claim(attempt)) { // found one too, a moment after the winner
            return listeners.end(Mining.stopped(attempt));
        }
        listeners.end(attempt);
        try {
            recorder.execute(() -> record(attempt));
        } catch (RejectedExecutionException closed) {
            problem("race " + race.id() + " won by " + node + " is not recorded: powrace is shutting down");
        }
        return attempt;
    }

    /**
     * On the recorder thread: checks the entry with the {@link Verifier} that {@code verify} uses, appends it to
     * the ledger (fsynced), then tells.
     */
    private void record(Attempt a) {
        Race race = a.race();
        Entry entry = new Entry(a.node(), race.transaction(), a.nonce(), a.hash(), race.difficulty(),
                Entry.seconds(a.elapsedNanos()), Timestamps.format(a.start()), Timestamps.format(a.end()),
                a.hashes());
        String wrong = Verifier.problem(entry);
        if (wrong != null) {
            problem("race " + race.id() + ": " + a.node() + "'s nonce " + a.nonce() + " does not verify (" + wrong
                    + "); not recorded");
            return;
        }
        Optional<String> repaired;
        try {
            repaired = ledger.append(entry);
        } catch (LedgerException e) {
            problem("race " + race.id() + " won by " + a.node() + " is not recorded: " + e.getMessage());
            return;
        }
        repaired.ifPresent(note -> problem(ledger.path() + ": " + note));
        listeners.publish(l -> l.won(race, entry), race);
    }

    /** Tells every listener of a problem, on the event thread. */
    @Override
    public void problem(String message) {
        listeners.problem(message);
    }

    @Override
    public void note(String message) {
        listeners.note(message);
    }

    @Override
    public void warmingUp(String node) {
        listeners.warmingUp(node);
    }

    @Override
    public void warmedUp(Duration took, Duration sinceStart) {
        listeners.warmedUp(took, sinceStart);
    }

    /**
     * Waits until every winner found so far is in the ledger and every event so far has been told.
     *
     * @return false if that took longer than the timeout
     */
    @Override
    public boolean sync(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            recorder.submit(() -> { }).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                | RejectedExecutionException e) {
            return false;
        }
        return listeners.sync(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /**
     * After the nodes have stopped: records the winners still waiting, tells what is queued (for at most two
     * seconds, in case a listener is blocked), and stops the referee's threads.
     */
    @Override
    public void close() {
        recorder.shutdown();
        try {
            if (!recorder.awaitTermination(30, TimeUnit.SECONDS)) {
                System.err.println("powrace: the ledger did not finish writing within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        listeners.close(2, TimeUnit.SECONDS);
    }
}
