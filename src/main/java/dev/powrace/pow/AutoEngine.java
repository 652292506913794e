package dev.powrace.pow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * The engine `auto` stands for: the fastest of the engines this runtime has, by measurement on this machine.
 * Until {@link #calibrate} has measured them it is a first guess; from then on, every search it makes uses the
 * fastest measured, so a node picks it up at its next race.
 *
 * <p>Calibrating runs the real search loop ({@link Search#run}) with each engine in short slices, on the calling
 * thread, and stops a slice within a batch of hashes once {@code busy} says a race is on; a slice that was cut
 * short counts for nothing, and the next waits until no race is on. Each engine first runs until it has settled
 * (a slice in which the JIT compiled nothing, at 90% of its best rate or more), then all are measured in turn,
 * twice; an engine's rate is its best slice, since anything else running on the machine only ever makes a slice
 * slower. The fastest, if it is not the one in use, then goes through the nodes' warm-up ({@link WarmUp}) before
 * it is used, so that races don't run on code compiled for the measurement's path only.
 */
public final class AutoEngine implements EngineFactory {
    /** A transaction of a typical length (as "Your transaction data"): with a 19-digit nonce, one block. */
    static final String TEXT = "powrace calibration";
    private static final int MIN_WARM_SLICES = 3;
    private static final int MAX_WARM_SLICES = 60;
    private static final int ROUNDS = 2;

    private final java.util.function.Supplier<List<EngineFactory>> listed;
    private volatile List<EngineFactory> candidates;
    private volatile EngineFactory chosen;
    private volatile Map<String, Double> rates = Map.of();

    /**
     * @param candidates the engines to choose from, all working here
     * @param initial the first guess, used until calibration has chosen
     */
    public AutoEngine(List<EngineFactory> candidates, EngineFactory initial) {
        this(() -> candidates, initial);
    }

    /** With the candidates listed only when first needed (listing may probe an engine). */
    public AutoEngine(java.util.function.Supplier<List<EngineFactory>> candidates, EngineFactory initial) {
        this.listed = Objects.requireNonNull(candidates);
        this.chosen = Objects.requireNonNull(initial);
    }

    @Override
    public Engine create(String transaction, int difficulty) {
        return chosen.create(transaction, difficulty);
    }

    /** The name of the engine in use, such as "simd16". */
    @Override
    public String name() {
        return chosen.name();
    }

    /** Slices in a row in which the JIT finished nothing, before an engine counts as settled. */
    private static final int QUIET_SLICES = 2;

    public List<EngineFactory> candidates() {
        List<EngineFactory> c = candidates;
        if (c == null) {
            c = List.copyOf(listed.get());
            if (c.isEmpty()) {
                throw new IllegalStateException("no engine to choose from");
            }
            candidates = c;
        }
        return c;
    }

    /** Each engine's rate (hashes per second) from the last calibration, fastest first; empty before. */
    public Map<String, Double> rates() {
        return rates;
    }

    /**
     * Measures every candidate and from then on uses the fastest. On the calling thread; returns once done.
     *
     * @param busy true while a race is on: no slice runs then
     * @param slice how long one measurement runs (a tenth of a second is plenty)
     * @return one line saying what was measured and chosen
     */
    public String calibrate(BooleanSupplier busy, Duration slice) throws InterruptedException {
        List<EngineFactory> candidates = candidates();
        if (candidates.size() > 1) {
            Map<EngineFactory, Double> best = new LinkedHashMap<>();
            java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
            boolean watchJit = jit != null && jit.isCompilationTimeMonitoringSupported();
            for (EngineFactory f : candidates) {
                // until it has settled, as the warm-up does: two slices in a row in which the JIT finished
                // nothing, the last at a rate within 10% of its best (a cold Vector API loop runs a hundred times
                // slower; one quiet slice can fall while a compile is still queued)
                int quietInARow = 0;
                for (int i = 0; i < MAX_WARM_SLICES; i++) {
                    long compiling = watchJit ? jit.getTotalCompilationTime() : 0;
                    double rate = slice(f, busy, slice);
                    double top = best.merge(f, rate, Math::max);
                    quietInARow = !watchJit || jit.getTotalCompilationTime() == compiling ? quietInARow + 1 : 0;
                    if (i + 1 >= MIN_WARM_SLICES && quietInARow >= QUIET_SLICES && rate >= 0.9 * top) {
                        break;
                    }
                }
            }
            for (int round = 0; round < ROUNDS; round++) { // then each in turn, so that they share the conditions
                for (EngineFactory f : candidates) {
                    best.merge(f, slice(f, busy, slice), Math::max);
                }
            }
            List<Map.Entry<EngineFactory, Double>> sorted = new ArrayList<>(best.entrySet());
            sorted.sort(Map.Entry.<EngineFactory, Double>comparingByValue().reversed());
            Map<String, Double> measured = new LinkedHashMap<>();
            sorted.forEach(e -> measured.put(e.getKey().name(), e.getValue()));
            rates = java.util.Collections.unmodifiableMap(measured);
            EngineFactory fastest = sorted.get(0).getKey();
            if (fastest != chosen) {
                warm(fastest, busy);
            }
            chosen = fastest;
            return "engines measured here, one thread: " + sorted.stream()
                    .map(e -> String.format(Locale.ROOT, "%s %.1f MH/s", e.getKey().name(), e.getValue() / 1e6))
                    .collect(Collectors.joining(", ")) + "; auto uses " + chosen.name() + " from the next race on";
        }
        chosen = candidates.get(0);
        rates = Map.of();
        return "one engine here: auto uses " + chosen.name();
    }

    /**
     * The nodes' warm-up ({@link WarmUp#run}) with the engine about to be used, before it is: measuring compiled
     * it for one path (one tail block, no hit), and the JIT throws such code away in a race that takes another
     * (a hit, a tail of two blocks), which then runs on slower code until it is compiled again. Only while no
     * race is on; begun again, whole, if one began meanwhile.
     */
    private static void warm(EngineFactory f, BooleanSupplier busy) throws InterruptedException {
        while (true) {
            while (busy.getAsBoolean()) {
                Thread.sleep(20);
            }
            WarmUp.Report report = WarmUp.run(f, () -> busy.getAsBoolean() || Thread.currentThread().isInterrupted());
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            if (!report.aborted()) {
                return;
            }
        }
    }

    /**
     * One slice of the search loop with an engine, at difficulty 8 (no hit is expected), started only while no
     * race is on; its rate in hashes per second, or 0 if a race began during it.
     */
    private static double slice(EngineFactory f, BooleanSupplier busy, Duration slice) throws InterruptedException {
        while (true) {
            while (busy.getAsBoolean()) {
                Thread.sleep(20);
            }
            HashMeter meter = new HashMeter();
            boolean[] interrupted = {false};
            long start = System.nanoTime();
            long end = start + slice.toNanos();
            Search search = new Search(TEXT, Puzzle.MAX_DIFFICULTY, java.util.concurrent.ThreadLocalRandom.current()
                    .nextLong(1L << 62), f.create(TEXT, Puzzle.MAX_DIFFICULTY));
            search.run(() -> {
                if (busy.getAsBoolean()) {
                    interrupted[0] = true;
                    return true;
                }
                return System.nanoTime() >= end;
            }, meter);
            long took = System.nanoTime() - start;
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            if (!interrupted[0]) {
                return meter.get() * 1e9 / Math.max(1, took);
            }
        }
    }
}
