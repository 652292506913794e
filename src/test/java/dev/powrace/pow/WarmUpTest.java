package dev.powrace.pow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What the warm-up covers. Whether the JIT then keeps its code for the first race is checked by hand with
 * -XX:+PrintCompilation (see docs/performance.md): a test can't time that without being flaky.
 */
class WarmUpTest {
    @Test
    void itRunsOnALowPriorityDaemonThreadThatEnds() throws InterruptedException {
        for (EngineFactory engines : new EngineFactory[] {EngineFactory.digest(), EngineFactory.auto()}) {
            Thread t = WarmUp.start(engines);
            assertTrue(t.isDaemon(), "a daemon, so that it never keeps the JVM alive");
            assertEquals(Thread.MIN_PRIORITY, t.getPriority());
            assertEquals("powrace-warm-up", t.getName());
            t.join(120_000); // only to catch a hang
            assertFalse(t.isAlive(), engines.name() + " warm-up still running after 2 minutes");
        }
    }

    @Test
    void itFindsSolutionsSoThatTheHitPathsAreTaken() {
        // At difficulty 1 every search finds one; the branch that returns a hit must be in the profile.
        WarmUp.Report report = WarmUp.run(EngineFactory.auto());
        assertTrue(report.rounds() >= WarmUp.MIN_ROUNDS, report.toString());
        assertTrue(report.found() >= report.rounds() * WarmUp.TRANSACTIONS.length, report.toString());
    }

    /**
     * Its transactions give every shape of tail that the SIMD engine treats differently, with a 19-digit nonce:
     * one block; two with the last three digits (the ones that vary within a batch) in the first block, across
     * both, or in the second; and a transaction longer than a block.
     */
    @Test
    void itsTransactionsCoverEveryShapeOfTail() {
        Set<String> shapes = new TreeSet<>();
        boolean longerThanABlock = false;
        for (String tx : WarmUp.TRANSACTIONS) {
            int length = tx.getBytes(StandardCharsets.UTF_8).length;
            longerThanABlock |= length >= 64;
            int rest = length % 64; // what is left after the whole blocks
            int firstVarying = rest + 16; // the last three of 19 digits
            int lastVarying = rest + 18;
            if (rest + 19 + 9 <= 64) {
                shapes.add("one block");
            } else if (lastVarying < 64) {
                shapes.add("two blocks, varying digits in the first");
            } else if (firstVarying >= 64) {
                shapes.add("two blocks, varying digits in the second");
            } else {
                shapes.add("two blocks, varying digits across both");
            }
        }
        assertEquals(Set.of("one block", "two blocks, varying digits in the first",
                "two blocks, varying digits in the second", "two blocks, varying digits across both"), shapes);
        assertTrue(longerThanABlock);
    }
}
