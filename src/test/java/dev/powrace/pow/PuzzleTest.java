package dev.powrace.pow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PuzzleTest {
    // Vectors computed with Python's hashlib: sha256((tx + str(nonce)).encode()).hexdigest()
    @ParameterizedTest
    @CsvSource({
        "hello, 0, 5a936ee19a0cf3c70d8cb0006111b7a52f45ec01703e0af8cdc8c6d81ac5850c",
        "Your transaction data, 0, 5e9e388cb2c1d5689d9e66f2b5b81e4ae02ed3204b7a39ea9dc2905d0a1d8e8b",
        "'', 0, 5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9",
        "héllo✓, 42, 0384e96dd35e135de682f68d9f51dbb19e8675a49833274c48f597d7268291c4",
    })
    void hashMatchesAnotherTool(String tx, long nonce, String expected) {
        assertEquals(expected, Puzzle.hash(tx, nonce));
    }

    // First solutions at or after a start nonce, found by the same Python loop.
    @ParameterizedTest
    @CsvSource({
        "Your transaction data, 1, 0, 154, 0083bc06dca739aa647a104f910cd307e210fe0c7559d1141be864d3e408d958",
        "Your transaction data, 2, 0, 4117, 0000bf0a77edb0125687c4925f616e5e80fdf9dc83320c99067f650ed58a52c0",
        "héllo wörld ✓, 2, 0, 96953, 0000e107f685c07d2be269f69d108e16f12497dfc7cb81a168e0d484b96dda8e",
        "abc, 2, 1000000, 1075903, 00006b2e4fa62310534909d87d366d8e6d783a60beca424a4718bdd424f72e86",
    })
    void searchFindsTheFirstSolution(String tx, int difficulty, long start, long nonce, String hash) {
        Optional<Solution> s = new Search(tx, difficulty, start, new DigestEngine(tx, difficulty)).run(() -> false, n -> {});
        assertTrue(s.isPresent());
        assertEquals(nonce, s.get().nonce());
        assertEquals(hash, s.get().hash());
        assertEquals(nonce - start + 1, s.get().hashes());
    }

    @Test
    void meetsChecksLeadingZeroBytes() {
        byte[] d = new byte[32];
        d[2] = 1;
        assertTrue(Puzzle.meets(d, 2));
        assertFalse(Puzzle.meets(d, 3));
        assertTrue(Puzzle.isSolution("Your transaction data", 4117, 2));
        assertFalse(Puzzle.isSolution("Your transaction data", 4118, 2));
        // 0 and 9 are no difficulty: an all-zero digest meets neither, and no nonce solves them
        assertFalse(Puzzle.meets(new byte[32], 0));
        assertFalse(Puzzle.meets(new byte[32], 9));
        assertFalse(Puzzle.isSolution("Your transaction data", 4117, 0));
    }

    @ParameterizedTest
    @CsvSource({"0, 25", "5, 20", "95, 20", "995, 20", "99990, 30", "999999990, 30", "999999999999999990, 30"})
    void engineAgreesWithThePlainHashAcrossDigitBoundaries(long from, int count) {
        // At difficulty 1 about one nonce in 256 wins; compare every nonce's verdict one at a time.
        DigestEngine engine = new DigestEngine("boundary", 1);
        for (long n = from; n < from + count; n++) {
            int hit = engine.scan(n, 1);
            assertEquals(Puzzle.isSolution("boundary", n, 1), hit == 0, "nonce " + n);
        }
        // And in one batch, which walks the digits in place.
        DigestEngine batch = new DigestEngine("boundary", 1);
        long expected = -1;
        for (long n = from; n < from + count && expected < 0; n++) {
            if (Puzzle.isSolution("boundary", n, 1)) {
                expected = n - from;
            }
        }
        assertEquals(expected, batch.scan(from, count));
    }

    @Test
    void searchCanBeCancelledAndCountsItsHashes() {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong metered = new AtomicLong();
        String tx = "never at difficulty 8 in this test";
        Search search = new Search(tx, 8, 0, new DigestEngine(tx, 8));
        Thread stopper = new Thread(() -> {
            while (search.hashes() < 50_000) {
                Thread.onSpinWait();
            }
            stop.set(true);
        });
        stopper.start();
        Optional<Solution> result = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> search.run(stop::get, metered::addAndGet));
        assertTrue(result.isEmpty());
        assertTrue(search.hashes() >= 50_000, "hashes " + search.hashes());
        assertEquals(search.hashes(), metered.get());
    }

    @Test
    void hashMeterCountsWhatItIsGiven() {
        HashMeter meter = new HashMeter();
        meter.accept(2048);
        meter.accept(3);
        assertEquals(2051, meter.get());
    }
}
