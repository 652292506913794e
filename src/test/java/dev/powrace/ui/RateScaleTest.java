package dev.powrace.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The rate bars' scale, on a fake clock, with no toolkit. */
class RateScaleTest {
    static final long MS = 1_000_000;

    @Test
    void afterASpikeEndsTheScaleComesBackDownToTheRecentRates() {
        RateScale scale = new RateScale();
        long t = 0;
        for (; t < 5_000 * MS; t += 50 * MS) {
            scale.add(t, 1_000_000); // steady: 1 MH/s
        }
        assertEquals(1_000_000, scale.max(t), 1e-9);
        scale.add(t, 50_000_000); // one spike (a fast remote process, or a glitch)
        assertEquals(50_000_000, scale.max(t), 1e-9, "a spike lengthens the scale while it is recent");
        for (t += 50 * MS; t < 30_000 * MS; t += 50 * MS) {
            scale.add(t, 1_000_000);
        }
        assertEquals(1_000_000, scale.max(t), 1e-9, "the bars grow back once the spike is past");
    }

    @Test
    void theScaleIsTheFastestRecentRateOfAnyNodeAndIgnoresNoRate() {
        RateScale scale = new RateScale();
        assertEquals(0, scale.max(0));
        scale.add(0, Double.NaN);
        assertEquals(0, scale.max(0));
        scale.add(MS, 3e6);
        scale.add(MS, 2e6);
        scale.add(2 * MS, 1e6);
        assertEquals(3e6, scale.max(2 * MS), 1e-9);
        assertEquals(3e6, scale.max(RateScale.WINDOW_NANOS), 1e-9, "still within the window");
        assertEquals(1e6, scale.max(RateScale.WINDOW_NANOS + 2 * MS), 1e-9, "only the newest is recent");
    }
}
