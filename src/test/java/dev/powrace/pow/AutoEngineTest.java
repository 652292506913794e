package dev.powrace.pow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AutoEngineTest {
    /** An engine that finds nothing, taking {@code sleepMillis} per batch, and counts its batches. */
    static final class Fake implements EngineFactory {
        final String name;
        final long sleepMillis;
        final AtomicLong scans = new AtomicLong();
        final java.util.Set<String> made = java.util.concurrent.ConcurrentHashMap.newKeySet(); // "difficulty tx"
        volatile BooleanSupplierFlag forbidden; // set: a scan while it is true is a violation

        Fake(String name, long sleepMillis) {
            this.name = name;
            this.sleepMillis = sleepMillis;
        }

        @Override
        public Engine create(String transaction, int difficulty) {
            made.add(difficulty + " " + transaction);
            return new Engine() {
                @Override
                public int scan(long from, int count) {
                    scans.incrementAndGet();
                    if (forbidden != null && forbidden.flag.get()) {
                        forbidden.violations.incrementAndGet();
                    }
                    if (sleepMillis > 0) {
                        try {
                            Thread.sleep(sleepMillis);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return -1;
                }

                @Override
                public String name() {
                    return name;
                }
            };
        }

        @Override
        public String name() {
            return name;
        }
    }

    record BooleanSupplierFlag(AtomicBoolean flag, AtomicLong violations) {}

    @Test
    void usesTheFastestMeasuredFromThenOn() throws Exception {
        Fake slow = new Fake("slow", 2);
        Fake fast = new Fake("fast", 0);
        AutoEngine auto = new AutoEngine(List.of(slow, fast), slow);
        assertEquals("slow", auto.name(), "the first guess, until measured");
        String summary = auto.calibrate(() -> false, Duration.ofMillis(30));
        assertEquals("fast", auto.name());
        assertEquals(List.of("fast", "slow"), List.copyOf(auto.rates().keySet()));
        assertTrue(auto.rates().get("fast") > 10 * auto.rates().get("slow"), auto.rates().toString());
        assertTrue(summary.startsWith("engines measured here, one thread: fast "), summary);
        assertTrue(summary.endsWith("; auto uses fast from the next race on"), summary);
        long before = fast.scans.get();
        auto.create("x", 1).scan(0, 10);
        assertEquals(before + 1, fast.scans.get(), "its searches use the fast one");
    }

    @Test
    void theEngineItSwitchesToGoesThroughTheNodesWarmUpFirst() throws Exception {
        // Measured on one path only (a one-block tail, no hit), shani's C2 code was thrown away at the first race
        // after the switch (a hit, a two-block tail), and the next races ran 20 to 50 times slower until the JIT
        // had compiled it again (-XX:+PrintCompilation: ShaNiEngine::run, tier 4, made not entrant).
        Fake slow = new Fake("slow", 2);
        Fake fast = new Fake("fast", 0);
        AutoEngine auto = new AutoEngine(List.of(slow, fast), slow);
        auto.calibrate(() -> false, Duration.ofMillis(30));
        assertEquals("fast", auto.name());
        for (String tx : WarmUp.TRANSACTIONS) {
            for (int d = Puzzle.MIN_DIFFICULTY; d <= Puzzle.MAX_DIFFICULTY; d++) {
                assertTrue(fast.made.contains(d + " " + tx), "no warm-up search at difficulty " + d + " of " + tx);
            }
        }
        assertEquals(java.util.Set.of(Puzzle.MAX_DIFFICULTY + " " + AutoEngine.TEXT), slow.made,
                "the first guess is warm already: only measured");
    }

    @Test
    void measuresNothingWhileARaceIsOn() throws Exception {
        AtomicBoolean racing = new AtomicBoolean(true);
        AtomicLong violations = new AtomicLong();
        Fake a = new Fake("a", 1);
        Fake b = new Fake("b", 0);
        for (Fake f : List.of(a, b)) {
            f.forbidden = new BooleanSupplierFlag(racing, violations);
        }
        AutoEngine auto = new AutoEngine(List.of(a, b), a);
        Thread calibrating = new Thread(() -> {
            try {
                auto.calibrate(racing::get, Duration.ofMillis(20));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        calibrating.start();
        Thread.sleep(300);
        assertEquals(0, a.scans.get() + b.scans.get(), "no slice while a race is on");
        racing.set(false);
        Thread.sleep(100);
        racing.set(true); // a race begins mid-calibration: it stops within a batch, and waits
        long stoppedAt = a.scans.get() + b.scans.get();
        Thread.sleep(200);
        assertTrue(a.scans.get() + b.scans.get() <= stoppedAt + 2, "at most the batch under way finishes");
        racing.set(false);
        calibrating.join(30_000);
        assertTrue(!calibrating.isAlive(), "calibration ended");
        assertEquals("b", auto.name());
        assertTrue(violations.get() <= 2, "scans during races: " + violations.get());
    }
}
