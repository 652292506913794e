package dev.powrace.pow;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Runs the search loop before the first race, so that the JIT has compiled, and profiled, exactly the code that
 * races run: a cold Vector API loop runs a hundred times slower, and code compiled on another path than the
 * races' is thrown away ("made not entrant") when the first race takes that path.
 *
 * <p>So it goes through {@link Search#run} with engines from the nodes' own factory, random 62-bit start
 * nonces (19 digits, sometimes 18, and batches that cross a thousand go through the scalar path), transactions
 * whose tails fill one SHA-256 block or two (with the varying digits in the first, the second, or across
 * both), difficulties 1 to 8 with solutions found at 1 and 2 (so the hit branches are taken), a
 * {@link HashMeter} like the nodes', and stop conditions of several classes (so the stop call is not compiled
 * for one class only, which the first race's stop would then not be).
 *
 * <p>It touches no race, no node and no counter of a node, and prints nothing.
 */
public final class WarmUp {
    /**
     * Transactions of 14, 40, 46, 50 and 122 bytes. With a 19-digit nonce and SHA-256's 9 bytes of padding
     * and length, their tails fill: one block; two, with every digit in the first; two, with the last three
     * digits across both; two, with those in the second; and a whole block of transaction before such a tail.
     */
    static final String[] TRANSACTIONS = {text(14), text(40), text(46), text(50), text(122)};
    /** Rounds through every transaction and difficulty, at least. */
    static final int MIN_ROUNDS = 8;
    /** Searches per transaction and round at difficulty 1 (about 256 hashes each), so that hits are frequent. */
    private static final int EASY_SEARCHES = 10;
    /** The most hashes a search at difficulty 2 may take: 65 536, so that about 63% find a solution. */
    private static final long BUDGET_2 = 1 << 16;
    /** The most hashes a search at difficulty 1 or 3 to 8 may take. */
    private static final long BUDGET = 1 << 13;
    /** However slow the machine, the warm-up ends after this. */
    private static final long MAX_NANOS = 5_000_000_000L;

    private WarmUp() {}

    private static String text(int bytes) {
        return ("warm-up transaction of " + bytes + " bytes " + "-".repeat(bytes)).substring(0, bytes);
    }

    /**
     * Starts the warm-up on a daemon thread of minimum priority, named "powrace-warm-up", and returns at once:
     * it never delays a window or a node's listening. Join the returned thread to wait for the warm-up.
     */
    public static Thread start(EngineFactory engines) {
        return start(engines, () -> { });
    }

    /**
     * Like {@link #start(EngineFactory)}, then runs {@code andThen} on the same thread: the callers' own
     * first-time work (serializing an entry, formatting a time), so that it is not done during the first race.
     */
    public static Thread start(EngineFactory engines, Runnable andThen) {
        Thread t = new Thread(() -> {
            run(engines);
            andThen.run();
        }, "powrace-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return t;
    }

    /**
     * The warm-up itself, on the calling thread: {@link #MIN_ROUNDS} rounds, then more until the JIT has
     * settled: a whole round during which no compilation finished, at a hash rate per CPU second (so that other
     * processes don't count) within 10% of the best round's. On a loaded machine the last compilations of the
     * search can finish a second after the minimum rounds; a first race in that second would run slower code.
     *
     * @return what it did
     */
    static Report run(EngineFactory engines) {
        return run(engines, () -> false);
    }

    /**
     * As {@link #run(EngineFactory)}, ended early once {@code abort} says so (looked at once per batch): then
     * its report says {@code aborted}.
     */
    static Report run(EngineFactory engines, BooleanSupplier abort) {
        long deadline = System.nanoTime() + MAX_NANOS;
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean watchJit = jit != null && jit.isCompilationTimeMonitoringSupported();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        boolean watchCpu = threads.isCurrentThreadCpuTimeSupported();
        HashMeter meter = new HashMeter();
        long[] limit = new long[1];
        // Three classes of stop condition, taken in turn.
        BooleanSupplier[] stops = {
            () -> meter.get() >= limit[0] || abort.getAsBoolean(),
            () -> System.nanoTime() > deadline || meter.get() >= limit[0] || abort.getAsBoolean(),
            new BooleanSupplier() {
                @Override
                public boolean getAsBoolean() {
                    return meter.get() >= limit[0] || Thread.currentThread().isInterrupted() || abort.getAsBoolean();
                }
            },
        };
        int found = 0;
        int searches = 0;
        int rounds = 0;
        double bestRate = 0;
        boolean settled = false;
        boolean aborted = false;
        while (!settled && !aborted && System.nanoTime() < deadline) {
            long compiling = watchJit ? jit.getTotalCompilationTime() : 0;
            long cpu = watchCpu ? threads.getCurrentThreadCpuTime() : System.nanoTime();
            long hashes = meter.get();
            for (String tx : TRANSACTIONS) {
                for (int difficulty = Puzzle.MIN_DIFFICULTY; difficulty <= Puzzle.MAX_DIFFICULTY; difficulty++) {
                    int times = difficulty == 1 ? EASY_SEARCHES : 1;
                    for (int i = 0; i < times; i++) {
                        limit[0] = meter.get() + (difficulty == 2 ? BUDGET_2 : BUDGET);
                        long start = ThreadLocalRandom.current().nextLong(1L << 62); // as the referee does
                        Search search = new Search(tx, difficulty, start, engines.create(tx, difficulty));
                        if (search.run(stops[searches++ % stops.length], meter).isPresent()) {
                            found++;
                        }
                        aborted |= abort.getAsBoolean();
                    }
                }
            }
            rounds++;
            long spent = (watchCpu ? threads.getCurrentThreadCpuTime() : System.nanoTime()) - cpu;
            double rate = (meter.get() - hashes) / (double) Math.max(1, spent);
            bestRate = Math.max(bestRate, rate);
            boolean quiet = !watchJit || jit.getTotalCompilationTime() == compiling;
            settled = rounds >= MIN_ROUNDS && quiet && rate >= 0.9 * bestRate;
        }
        return new Report(rounds, found, settled, aborted);
    }

    /**
     * @param rounds rounds through every transaction and difficulty
     * @param found solutions its searches found
     * @param settled whether the JIT had settled when it ended (false: it ran out of time, or was aborted)
     * @param aborted whether it was ended early by its caller
     */
    record Report(int rounds, int found, boolean settled, boolean aborted) {}
}
