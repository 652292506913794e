package dev.powrace.pow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A throttled search: its power is checked, and it stops promptly even while it sleeps off a long batch. */
class ThrottleTest {
    /** An engine whose every batch takes {@code millis} and finds nothing. */
    static Engine slow(long millis) {
        return new Engine() {
            @Override
            public int scan(long from, int count) {
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                return -1;
            }

            @Override
            public String name() {
                return "slow";
            }
        };
    }

    @Test
    void powerIsOneToHundredPercent() {
        assertThrows(IllegalArgumentException.class, () -> Search.checkPower(0));
        assertThrows(IllegalArgumentException.class, () -> Search.checkPower(101));
        Search search = new Search("tx", 8, 0, slow(0));
        assertThrows(IllegalArgumentException.class, () -> search.run(() -> true, n -> {}, 0));
        assertEquals(Optional.empty(), search.run(() -> true, n -> {}, 1));
    }

    /**
     * At 1% a batch of 50 ms is followed by about 5 s of sleep; a stop that comes during it ends the search
     * within a slice of sleep (1 ms), not at the end of the sleep. The bound, 2 s, only tells a sleep sliced from
     * one taken whole.
     */
    @Test
    void aSleepingSearchStopsPromptly() throws Exception {
        Search search = new Search("tx", 8, 0, slow(50));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong stoppedAt = new AtomicLong();
        CompletableFuture<Optional<Solution>> run = CompletableFuture.supplyAsync(() -> search.run(stop::get, n -> {}, 1));
        while (search.hashes() == 0) { // the first batch is done: it sleeps now
            Thread.sleep(5);
        }
        Thread.sleep(100);
        stoppedAt.set(System.nanoTime());
        stop.set(true);
        assertEquals(Optional.empty(), run.get(30, TimeUnit.SECONDS));
        long took = System.nanoTime() - stoppedAt.get();
        assertTrue(took < Duration.ofSeconds(2).toNanos(), "stopped after " + took / 1_000_000 + " ms");
        assertEquals(Search.BATCH, search.hashes(), "it slept after its first batch rather than go on");
    }

    /**
     * A throttled search begins anywhere in its cycle: asleep (it looks at its stop condition while asleep, before
     * its first batch) about 1 - power of the time. Counted, not timed: 400 searches at 25% and at 75%.
     */
    @Test
    void aThrottledSearchBeginsAtARandomPointOfItsCycle() {
        for (int power : new int[] {25, 75}) {
            int asleepFirst = 0;
            for (int i = 0; i < 400; i++) {
                int[] looks = {0};
                boolean[] scanned = {false};
                int[] looksBeforeScan = {-1};
                Engine engine = new Engine() {
                    @Override
                    public int scan(long from, int count) {
                        if (!scanned[0]) {
                            scanned[0] = true;
                            looksBeforeScan[0] = looks[0];
                        }
                        return -1;
                    }

                    @Override
                    public String name() {
                        return "counting";
                    }
                };
                new Search("tx", 8, 0, engine).run(() -> ++looks[0] > 3 && scanned[0], n -> {}, power);
                if (looksBeforeScan[0] > 1) {
                    asleepFirst++;
                }
            }
            double share = asleepFirst / 400.0;
            double expected = 1 - power / 100.0;
            assertTrue(Math.abs(share - expected) < 0.1, power + "%: " + share + " began asleep, expected about "
                    + expected);
        }
    }

    /**
     * The throttle's duty cycle, on any load: a search at 25%, 50% and 75% spends that share of its wall time
     * scanning (batches of 100 us, timed by the engine itself), over a second each. It sleeps in proportion to
     * the wall time it worked and pays back oversleeping, so a busy machine (which {@code PowerTest} skips on)
     * moves this little; the bound is generous all the same.
     */
    @Test
    void aThrottledSearchScansItsShareOfTheTime() {
        for (int power : new int[] {25, 50, 75}) {
            long[] inScan = {0};
            Engine engine = new Engine() {
                @Override
                public int scan(long from, int count) {
                    long t0 = System.nanoTime();
                    long end = t0 + 100_000;
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                    inScan[0] += System.nanoTime() - t0;
                    return -1;
                }

                @Override
                public String name() {
                    return "timed";
                }
            };
            long t0 = System.nanoTime();
            long until = t0 + TimeUnit.SECONDS.toNanos(1);
            new Search("tx", 8, 0, engine).run(() -> System.nanoTime() >= until, n -> {}, power);
            double share = inScan[0] / (double) (System.nanoTime() - t0);
            assertTrue(Math.abs(share - power / 100.0) < 0.1, power + "%: scanned " + share + " of the time");
        }
    }
}
