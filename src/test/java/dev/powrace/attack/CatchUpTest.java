package dev.powrace.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The two formulas against the table, the give-up bound, and the Clopper-Pearson interval. */
class CatchUpTest {
    /** q, z, Nakamoto, Rosenfeld: the table of issue 18 (checked there against both papers). */
    static final double[][] TABLE = {
        {0.1, 1, 0.2045873, 0.2000000},
        {0.1, 2, 0.0509779, 0.0560000},
        {0.1, 3, 0.0131722, 0.0171200},
        {0.1, 5, 0.0009137, 0.0017818},
        {0.1, 10, 0.0000012, 0.0000079},
        {0.3, 5, 0.1773523, 0.1976173},
        {0.3, 10, 0.0416605, 0.0651067},
    };

    @Test
    void bothFormulasReproduceTheTableToSevenDecimals() {
        for (double[] row : TABLE) {
            double q = row[0];
            int z = (int) row[1];
            assertEquals(row[2], CatchUp.nakamoto(q, z), 0.5e-7, "Nakamoto at q = " + q + ", z = " + z);
            assertEquals(row[3], CatchUp.rosenfeld(q, z), 0.5e-7, "Rosenfeld at q = " + q + ", z = " + z);
        }
    }

    @Test
    void moreDigitsAgainstAnArbitraryPrecisionSum() {
        // the sums of the issue written out in mpmath at 30 digits
        assertEquals(0.204587273943, CatchUp.nakamoto(0.1, 1), 1e-12);
        assertEquals(1.2414021748e-6, CatchUp.nakamoto(0.1, 10), 1e-15);
        assertEquals(7.85976465426e-6, CatchUp.rosenfeld(0.1, 10), 1e-15);
        assertEquals(0.432, CatchUp.rosenfeld(0.3, 2), 1e-12);
        assertEquals(0.445717099524, CatchUp.nakamoto(0.3, 2), 1e-12);
        assertEquals(0.766105458892, CatchUp.nakamoto(0.45, 6), 1e-12);
        assertEquals(0.733754838342, CatchUp.rosenfeld(0.45, 6), 1e-12);
    }

    @Test
    void halfTheHashPowerAlwaysCatchesUp() {
        for (int z = 0; z <= 60; z++) {
            assertEquals(1.0, CatchUp.nakamoto(0.5, z), "Nakamoto, z = " + z);
            assertEquals(1.0, CatchUp.rosenfeld(0.5, z), "Rosenfeld, z = " + z);
            assertEquals(1.0, CatchUp.rosenfeld(0.6, z), "Rosenfeld at 60%, z = " + z);
            assertEquals(1.0, CatchUp.nakamoto(0.6, z), "Nakamoto at 60%, z = " + z);
        }
        assertEquals(Integer.MAX_VALUE, CatchUp.giveUpDeficit(0.5), "never hopeless at 50%");
        // just below half, nearly certain at z = 1 and falling slowly
        assertTrue(CatchUp.rosenfeld(0.499, 1) > 0.99);
    }

    @Test
    void noConfirmationIsNoProtection() {
        assertEquals(1.0, CatchUp.nakamoto(0.1, 0));
        assertEquals(1.0, CatchUp.rosenfeld(0.1, 0));
    }

    @Test
    void bothFallWithEveryConfirmationBelowHalf() {
        for (double q : new double[] {0.05, 0.1, 0.25, 0.45}) {
            for (int z = 1; z <= 20 && CatchUp.rosenfeld(q, z - 1) > 1e-12; z++) { // above double's rounding
                assertTrue(CatchUp.rosenfeld(q, z) < CatchUp.rosenfeld(q, z - 1), q + ", " + z);
                assertTrue(CatchUp.nakamoto(q, z) < CatchUp.nakamoto(q, z - 1), q + ", " + z);
            }
        }
    }

    @Test
    void anAttackIsGivenUpWhereCatchingUpIsBelowOneInABillion() {
        assertEquals(10, CatchUp.giveUpDeficit(0.1));
        assertEquals(25, CatchUp.giveUpDeficit(0.3));
        for (double q : new double[] {0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.45, 0.49}) {
            int d = CatchUp.giveUpDeficit(q);
            double ratio = q / (1 - q);
            assertTrue(Math.pow(ratio, d) <= CatchUp.GIVE_UP_BELOW, q + ": " + d);
            assertTrue(d == 1 || Math.pow(ratio, d - 1) > CatchUp.GIVE_UP_BELOW, q + ": the least such deficit, not " + d);
        }
    }

    @Test
    void badSharesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> CatchUp.rosenfeld(0, 1));
        assertThrows(IllegalArgumentException.class, () -> CatchUp.nakamoto(1, 1));
        assertThrows(IllegalArgumentException.class, () -> CatchUp.rosenfeld(Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> CatchUp.rosenfeld(0.1, -1));
    }

    @Test
    void clopperPearsonAgainstScipy() {
        // scipy.stats.beta.ppf(0.005, x, n - x + 1) and beta.ppf(0.995, x + 1, n - x)
        check(Interval.clopperPearson(5, 10, 0.99), 0.12831055393508325, 0.8716894460649167);
        check(Interval.clopperPearson(18, 10_000, 0.99), 0.000894696855097964, 0.003206809806606009);
        check(Interval.clopperPearson(3972, 20_000, 0.99), 0.19138116568498365, 0.20596286682742196);
        check(Interval.clopperPearson(0, 20_000, 0.99), 0, 0.00026488078121720177);
        check(Interval.clopperPearson(20_000, 20_000, 0.99), 0.9997351192187828, 1);
        check(Interval.clopperPearson(0, 0, 0.99), 0, 1);
        Interval i = Interval.clopperPearson(18, 10_000, 0.99);
        assertTrue(i.contains(0.0017818), "the exact value at q = 0.1, z = 5");
        assertFalse(i.contains(0.0008), "below it");
        assertThrows(IllegalArgumentException.class, () -> Interval.clopperPearson(3, 2, 0.99));
    }

    private static void check(Interval i, double low, double high) {
        assertEquals(low, i.low(), 1e-9 * Math.max(1e-3, low), "low");
        assertEquals(high, i.high(), 1e-9 * Math.max(1e-3, high), "high");
    }
}
