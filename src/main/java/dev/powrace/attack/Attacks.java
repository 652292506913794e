package dev.powrace.attack;

import dev.powrace.pow.EngineFactory;
import dev.powrace.pow.Puzzle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Runs many attacks at one (q, z), each mined whole by one worker thread ({@link Attack}), and counts them as they
 * end. Each attack is named by the run's name and its number, so that no two attacks of any run hash the same
 * input; the same name gives the same hashes, hence the same outcomes (a run can be repeated exactly).
 *
 * <p>The workers only mine and bump counters ({@link Counters}), which any thread may read while they run.
 */
public final class Attacks {
    /** Live counts of a run, bumped by its workers, read by anyone. */
    public static final class Counters {
        final LongAdder attacks = new LongAdder();
        final LongAdder successes = new LongAdder();
        final LongAdder undecided = new LongAdder();
        final LongAdder hashes = new LongAdder(); // slice by slice, as mined
        final LongAdder attackerHashes = new LongAdder();
        final LongAdder finishedHashes = new LongAdder(); // of the attacks that ended

        public long attacks() {
            return attacks.sum();
        }

        public long successes() {
            return successes.sum();
        }

        public long undecided() {
            return undecided.sum();
        }

        /** Every hash so far, attacks under way included. */
        public long hashes() {
            return hashes.sum();
        }
    }

    private final EngineFactory engines;
    private final int difficulty;
    private final int threads;

    /**
     * @param engines makes the engine of every block's search (the nodes' `auto`)
     * @param difficulty 1 to 8 zero bytes a block's hash starts with
     * @param threads workers, each mining whole attacks
     */
    public Attacks(EngineFactory engines, int difficulty, int threads) {
        Puzzle.checkDifficulty(difficulty);
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be 1 or more, not " + threads);
        }
        this.engines = Objects.requireNonNull(engines);
        this.difficulty = difficulty;
        this.threads = threads;
    }

    public int threads() {
        return threads;
    }

    /**
     * Mines {@code n} attacks at ({@code share}, {@code z}) and returns their tally once every worker is done; an
     * attack stopped by {@code control} is not counted. On the calling thread and {@code threads - 1} more.
     *
     * @param name the run's name, in every header (e.g. "r5c1e q0.3 z2")
     * @param live counted as attacks end (may be shared with a reader)
     * @param control stops or pauses the run
     * @param ended told of each attack that was decided, on the worker that mined it (recorded with its blocks
     *     when {@code record} is true)
     */
    public Tally run(String name, Share share, int z, int n, Counters live, Control control, boolean record,
            Consumer<Attack.Result> ended) throws InterruptedException {
        if (n < 0) {
            throw new IllegalArgumentException("attacks must be 0 or more, not " + n);
        }
        Attack attack = new Attack(engines, difficulty, share, z);
        AtomicInteger next = new AtomicInteger();
        Counters mine = new Counters();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        long t0 = System.nanoTime();
        Runnable work = () -> {
            try {
                int i;
                while (!control.stopped() && (i = next.getAndIncrement()) < n) {
                    Attack.Result r = attack.mine(name + "/" + i, control::stopNow, h -> {
                        mine.hashes.add(h);
                        live.hashes.add(h);
                    }, record);
                    if (r.outcome() == Attack.Outcome.STOPPED) {
                        break;
                    }
                    for (Counters c : List.of(mine, live)) {
                        c.attackerHashes.add(r.attackerHashes());
                        c.finishedHashes.add(r.hashes());
                        if (r.outcome() == Attack.Outcome.CAUGHT_UP) {
                            c.successes.increment();
                        } else if (r.outcome() == Attack.Outcome.UNDECIDED) {
                            c.undecided.increment();
                        }
                        c.attacks.increment(); // last: a reader that sees the attack sees its outcome
                    }
                    ended.accept(r);
                }
            } catch (RuntimeException | Error e) {
                failed.compareAndSet(null, e);
                control.stop();
            }
        };
        List<Thread> workers = new ArrayList<>();
        for (int t = 1; t < Math.min(threads, Math.max(1, n)); t++) {
            Thread w = new Thread(work, "powrace-attack-" + t);
            w.setDaemon(true);
            workers.add(w);
            w.start();
        }
        try {
            work.run();
            for (Thread w : workers) {
                w.join();
            }
        } catch (InterruptedException e) {
            control.stop(); // the workers end within a slice
            for (Thread w : workers) {
                w.join(); // uninterrupted: this thread's flag is clear again after the exception
            }
            Thread.currentThread().interrupt();
            throw e;
        }
        if (failed.get() != null) {
            throw new IllegalStateException("an attack failed: " + failed.get(), failed.get());
        }
        return new Tally(share.q(), z, mine.attacks(), mine.successes(), mine.undecided(), mine.finishedHashes.sum(),
                mine.attackerHashes.sum(), System.nanoTime() - t0);
    }
}
