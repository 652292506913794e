package dev.powrace.node;

import dev.powrace.ledger.Entry;
import dev.powrace.pow.Puzzle;
import dev.powrace.race.Attempt;
import dev.powrace.race.Race;
import dev.powrace.race.RaceListener;
import dev.powrace.race.Referee;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Many races back to back: transactions {@code <prefix> #1}, {@code #2}, ... each submitted to every node the
 * way a typed transaction arrives, the next once the last is over: won (or abandoned, in a cluster) and every
 * attempt at it of this process's nodes (those that joined it, and those seen to start it) has ended, so that
 * every race starts with every node free.
 *
 * <p>It runs on a thread of its own ("powrace-race-series"), which also calls the {@link Listener}: never a
 * mining thread, never a UI thread. It sets the referee's difficulty once, before the first race.
 *
 * <p>{@link #stop()} may come at any moment: no race is submitted after it, and {@link #done()} completes at once
 * with the races finished so far. A race of the series still under way is not cut short (a referee can't call a
 * race off): the nodes mine it to its end, as any race, and its winner goes in the ledger; it is not counted in
 * {@code done}. A series on a {@link Network} also ends, stopped, when the network closes under it (its race
 * could never be over).
 */
public final class RaceSeries {
    /** Hears how a series goes, on the series' thread. */
    public interface Listener {
        /** The {@code done}-th race of {@code total} is over. */
        default void raceDone(int done, int total) {}

        /** The series is over: all its races are done, or it was stopped ({@code stopped}) after {@code done}. */
        default void finished(int done, boolean stopped) {}
    }

    /** The most races a series may have. */
    public static final int MAX_RACES = 1_000_000;

    private final Referee referee;
    private final Consumer<String> submitToAll;
    private final String prefix;
    private final int races;
    private final int difficulty;
    private final Listener listener;
    /** False once the nodes can no longer end a race (their network closed): the series then ends, stopped. */
    private final java.util.function.BooleanSupplier alive;
    private final CompletableFuture<Integer> done = new CompletableFuture<>();
    private final Tracker tracker = new Tracker();
    private volatile boolean stopped;
    private Thread thread;

    private RaceSeries(Referee referee, Consumer<String> submitToAll, String prefix, int races, int difficulty,
            Listener listener, java.util.function.BooleanSupplier alive) {
        this.alive = Objects.requireNonNull(alive);
        this.referee = Objects.requireNonNull(referee);
        this.submitToAll = Objects.requireNonNull(submitToAll);
        this.prefix = Objects.requireNonNull(prefix);
        this.races = races;
        this.difficulty = difficulty;
        this.listener = listener == null ? new Listener() { } : listener;
    }

    /**
     * Starts a series on a network's own nodes: each transaction goes to every node by {@link Node#submit}, as
     * if its line had arrived on the node's port.
     *
     * @throws IllegalArgumentException if {@code races} is not 1 to {@link #MAX_RACES}, {@code difficulty} not 1
     *     to 8, or {@code prefix} is blank or not one line
     */
    public static RaceSeries start(Network network, String prefix, int races, int difficulty, Listener listener) {
        List<Node> nodes = network.nodes();
        int[] turn = {0};
        // The first node handed a transaction starts a little before the others: each race begins with the next.
        Consumer<String> submit = tx -> {
            int first = turn[0]++ % nodes.size();
            for (int i = 0; i < nodes.size(); i++) {
                nodes.get((first + i) % nodes.size()).submit(tx);
            }
        };
        return start(network.referee(), submit, prefix, races, difficulty, listener, () -> !network.closed());
    }

    /**
     * Starts a series that submits each transaction through {@code submitToAll} (the app's own path: to every
     * node of a cluster, say). {@code submitToAll} is called on the series' thread and may block.
     *
     * @throws IllegalArgumentException as {@link #start(Network, String, int, int, Listener)}
     */
    public static RaceSeries start(Referee referee, Consumer<String> submitToAll, String prefix, int races,
            int difficulty, Listener listener) {
        return start(referee, submitToAll, prefix, races, difficulty, listener, () -> true);
    }

    /**
     * As {@link #start(Referee, Consumer, String, int, int, Listener)}, and the series ends, stopped, once
     * {@code alive} says false (looked at every tenth of a second while a race is under way): its nodes are gone
     * and the race under way will never be over.
     */
    public static RaceSeries start(Referee referee, Consumer<String> submitToAll, String prefix, int races,
            int difficulty, Listener listener, java.util.function.BooleanSupplier alive) {
        if (races < 1 || races > MAX_RACES) {
            throw new IllegalArgumentException("a series has 1 to " + MAX_RACES + " races, not " + races);
        }
        Puzzle.checkDifficulty(difficulty);
        if (prefix == null || prefix.isBlank() || prefix.indexOf('\n') >= 0 || prefix.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a series needs a one-line prefix for its transactions");
        }
        RaceSeries series = new RaceSeries(referee, submitToAll, prefix, races, difficulty, listener,
                alive);
        series.thread = new Thread(series::run, "powrace-race-series");
        series.thread.setDaemon(true);
        series.thread.start();
        return series;
    }

    /** The transaction of the {@code k}-th race (from 1). */
    public String transaction(int k) {
        return prefix + " #" + k;
    }

    /** The number of races asked for. */
    public int races() {
        return races;
    }

    /** Submits no more races; {@link #done()} completes at once. The race under way is left to finish. */
    public void stop() {
        stopped = true;
        synchronized (tracker) {
            tracker.notifyAll();
        }
    }

    /** Completes with the number of races done, when all are done or the series is stopped. */
    public CompletableFuture<Integer> done() {
        return done;
    }

    public boolean stopped() {
        return stopped;
    }

    private void run() {
        int finished = 0;
        referee.addListener(tracker);
        try {
            referee.setDifficulty(difficulty);
            for (int k = 1; k <= races && !stopped; k++) {
                String tx = transaction(k);
                tracker.await(tx);
                submitToAll.accept(tx);
                tracker.submitted();
                if (!tracker.waitOver()) {
                    break; // stopped
                }
                finished++;
                listener.raceDone(finished, races);
            }
        } catch (RuntimeException e) {
            referee.problem("race series stopped after " + finished + " races: " + e.getMessage());
            stopped = true;
        } catch (InterruptedException e) {
            stopped = true;
        } finally {
            referee.removeListener(tracker);
            boolean wasStopped = stopped || finished < races;
            listener.finished(finished, wasStopped); // told before done() completes: whoever waits on it has heard
            done.complete(finished);
        }
    }

    /** Follows the referee's events for the race of the series under way. */
    private final class Tracker implements RaceListener {
        private String text; // guarded by this
        /** When the transaction was about to be submitted: an attempt that started before is at an older race. */
        private java.time.Instant since;
        private Race race;
        private final Set<String> started = new HashSet<>();
        private final Set<String> ended = new HashSet<>();
        private boolean submitted;
        private boolean over;

        synchronized void await(String transaction) {
            text = transaction;
            since = java.time.Instant.now();
            race = null;
            started.clear();
            ended.clear();
            submitted = false;
            over = false;
        }

        /**
         * The transaction is handed to every node: each local node has joined its race, so the race's joined
         * nodes are all known from now on (before, a node could end its attempt before another had joined).
         */
        synchronized void submitted() {
            submitted = true;
            if (race != null) {
                check();
            }
        }

        /** Waits until the race is over; false if the series was stopped first. */
        synchronized boolean waitOver() throws InterruptedException {
            while (!over && !stopped) {
                wait(100);
                if (!over && !alive.getAsBoolean()) {
                    stopped = true; // its nodes are gone: this race will never be over
                }
            }
            return over;
        }

        @Override
        public synchronized void started(Attempt a) {
            if (follows(a)) {
                started.add(a.node());
            }
        }

        @Override
        public synchronized void ended(Attempt a) {
            if (follows(a)) {
                ended.add(a.node());
                check();
            }
        }

        @Override
        public synchronized void won(Race r, Entry entry) {
            if (race != null && race == r) {
                check();
            }
        }

        /**
         * True if {@code a} is at the race under way: the first race of its text whose attempt, started since the
         * transaction was submitted, is seen. An attempt that started before is at an older race of the same text
         * (a series stopped during its race "#1", and a new one with the same prefix started at once: the nodes
         * are still mining the old "#1", and its end is not the new one's).
         */
        private boolean follows(Attempt a) {
            Race r = a.race();
            if (text == null || !text.equals(r.transaction())) {
                return false;
            }
            if (race == null && a.start() != null && a.start().isBefore(since)) {
                return false;
            }
            if (race == null) {
                race = r;
            }
            return race == r;
        }

        private void check() {
            if (over || !submitted || !race.decided()) {
                return;
            }
            Set<String> waiting = new HashSet<>(started);
            waiting.addAll(race.joined());
            if (ended.containsAll(waiting)) {
                over = true;
                notifyAll();
            }
        }
    }
}
