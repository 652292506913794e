package dev.powrace.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShareTest {
    @Test
    void slicesAreWholeLanesAndTheShareIsExact() {
        assertEquals(new Share(32, 320), Share.of(0.1));
        assertEquals(new Share(96, 320), Share.of(0.3));
        assertEquals(new Share(16, 320), Share.of(0.05));
        assertEquals(new Share(128, 256), Share.of(0.5));
        assertEquals(new Share(1968, 16_000), Share.of(0.123));
        for (int percent = 5; percent <= 50; percent += 5) {
            Share s = Share.of(percent / 100.0);
            assertEquals(percent / 100.0, s.q(), "q as a/K, exactly the double of the percentage");
            assertEquals(0, s.attacker() % 16, "the attacker's part is whole SIMD lanes");
            assertEquals(0, s.honest() % 16, "and the honest part");
            assertTrue(s.slice() >= 256 && s.slice() <= 320, s.toString());
        }
    }

    @Test
    void onlyThousandthsStrictlyBetweenZeroAndOne() {
        for (double q : new double[] {0, 1, -0.1, 1.5, 0.1234, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Share.of(q), "" + q);
            assertTrue(e.getMessage().startsWith("q must be"), e.getMessage());
        }
    }
}
