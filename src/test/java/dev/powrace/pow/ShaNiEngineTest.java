package dev.powrace.pow;

import static dev.powrace.pow.SimdEngineTest.RANDOM;
import static dev.powrace.pow.SimdEngineTest.assertSameHits;
import static dev.powrace.pow.SimdEngineTest.hitsIn;
import static dev.powrace.pow.SimdEngineTest.randomTransaction;
import static dev.powrace.pow.SimdEngineTest.starts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shani engine against MessageDigest, exactly as {@link SimdEngineTest} checks the SIMD engine: every hash,
 * and every hit. (Surefire opens java.base/sun.security.provider.)
 */
class ShaNiEngineTest {
    @Test
    void theJdkInternalIsOpenForTests() {
        assertTrue(EngineFactory.shani().isPresent(), EngineFactory.shaniUnavailableReason().orElse(""));
        assertEquals("shani", EngineFactory.shani().get().name());
        assertEquals(Optional.empty(), EngineFactory.shaniUnavailableReason());
    }

    @Test
    void withoutAccessTheEngineIsAbsentAndSaysWhyInOneLine() {
        // What privateLookupIn throws when the package is not opened to us.
        ShaNiEngine.Probe closed = ShaNiEngine.probe(target -> {
            throw new IllegalAccessException("module java.base does not open sun.security.provider to unnamed module");
        });
        // A real lookup without private access to the class: finding the private method fails in the JDK itself.
        ShaNiEngine.Probe shallow = ShaNiEngine.probe(target -> MethodHandles.lookup().in(target));
        // A security manager's refusal.
        ShaNiEngine.Probe refused = ShaNiEngine.probe(target -> {
            throw new SecurityException("access denied (\"java.lang.reflect.ReflectPermission\" \"suppressAccessChecks\")");
        });
        for (ShaNiEngine.Probe p : List.of(closed, shallow, refused)) {
            assertFalse(p.available());
            assertTrue(p.unavailable().contains("--add-opens java.base/sun.security.provider=ALL-UNNAMED"), p.unavailable());
            assertFalse(p.unavailable().contains("\n"), p.unavailable());
            assertEquals(null, p.compress());
        }
        assertTrue(ShaNiEngine.probe(target -> MethodHandles.privateLookupIn(target, MethodHandles.lookup())).available());
    }

    @Test
    void everyHashMatchesMessageDigest() {
        int compared = 0;
        for (int len = 0; len <= 300; len += 1 + RANDOM.nextInt(7)) {
            String tx = randomTransaction(len);
            ShaNiEngine shani = new ShaNiEngine(tx, 1);
            for (long start : starts()) {
                for (long n = Math.max(100, start - 3); n < start + 5 && n >= 0; n++) { // both instances, both sides
                    assertArrayEquals(Puzzle.digest(tx, n), shani.digest(n), "tx of " + len + " bytes, nonce " + n);
                    compared++;
                }
            }
        }
        assertTrue(compared > 10_000, "compared " + compared);
    }

    @Test
    void everyHitMatchesTheDigestEngineAcrossBoundaries() {
        for (int len : new int[] {0, 1, 21, 40, 44, 45, 50, 55, 56, 60, 63, 64, 65, 100, 119, 127, 128, 200, 300}) {
            String tx = randomTransaction(len);
            for (int difficulty : new int[] {1, 2}) {
                for (long start : starts()) {
                    if (start < 0 || start > Long.MAX_VALUE - 10_000) {
                        continue;
                    }
                    ShaNiEngine shani = new ShaNiEngine(tx, difficulty);
                    DigestEngine plain = new DigestEngine(tx, difficulty);
                    long n = start;
                    int count = difficulty == 1 ? 1000 : 3000;
                    for (int round = 0; round < 4; round++) {
                        int a = shani.scan(n, count);
                        int b = plain.scan(n, count);
                        assertEquals(b, a, "tx of " + len + " bytes, difficulty " + difficulty + ", from " + n);
                        n += a < 0 ? count : a + 1;
                    }
                }
            }
        }
    }

    @Test
    void smallNoncesUseTheScalarPathAndStillAgree() {
        ShaNiEngine shani = new ShaNiEngine("Your transaction data", 2);
        assertEquals(4117, shani.scan(0, 10_000)); // the vector from Python's hashlib, found from 0
    }

    @Test
    void aSearchWithTheShaNiEngineVerifies() {
        Search s = new Search("héllo wörld ✓", 2, 0, EngineFactory.shani().orElseThrow().create("héllo wörld ✓", 2));
        Solution found = s.run(() -> false, n -> {}).orElseThrow();
        assertEquals(96953, found.nonce());
        assertEquals("0000e107f685c07d2be269f69d108e16f12497dfc7cb81a168e0d484b96dda8e", found.hash());
    }

    /** The raw word-0 and word-1 masks of {@link SimdEngineTest}, hit by hit against MessageDigest. */
    @ParameterizedTest
    @CsvSource({
        "00000000, ff000000", // byte 4 is zero
        "00000000, 000000ff", // byte 7
        "00000000, 00ff0000", // byte 5
        "000000ff, 00000000", // byte 3
        "ff000000, 00000000", // byte 0 (difficulty 1)
    })
    void rawTargetsAgreeHitByHitWithMessageDigest(String hex0, String hex1) {
        int mask0 = Integer.parseUnsignedInt(hex0, 16);
        int mask1 = Integer.parseUnsignedInt(hex1, 16);
        int hits = 0;
        for (int len : new int[] {0, 14, 40, 46, 50, 122}) {
            String tx = randomTransaction(len);
            long[] starts = {RANDOM.nextLong(1L << 62) | 1_000_000_000_000_000_000L, // 19 digits
                    RANDOM.nextLong(1_000_000_000_000_000_000L), // mostly 18 digits
                    1_000_000_000L - 2000, // 9 digits, then 10
                    0}; // the scalar path below 100, then 3 and 4 digits
            for (long from : starts) {
                long end = from + 5000;
                List<Long> expected = new ArrayList<>();
                for (long n = from; n < end; n++) {
                    byte[] d = Puzzle.digest(tx, n);
                    boolean hit = true;
                    for (int i = 0; i < 4; i++) {
                        hit &= (mask0 >>> (24 - 8 * i) & 0xff) == 0 || d[i] == 0;
                        hit &= (mask1 >>> (24 - 8 * i) & 0xff) == 0 || d[4 + i] == 0;
                    }
                    if (hit) {
                        expected.add(n);
                    }
                }
                assertSameHits(expected, hitsIn(new ShaNiEngine(tx, mask0, mask1), from, end),
                        "shani, tx of " + len + " bytes from " + from);
                hits += expected.size();
            }
        }
        assertTrue(hits > 200, "only " + hits + " hits compared");
    }

    /** The difficulty-4 vectors of {@link SimdEngineTest}: found at 4, passed over at 5 to 8. */
    @ParameterizedTest
    @CsvSource({
        "powrace test vector, 3141592653589793238, 3141592658875082324", // one tail block, 19 digits
        "powrace test vector, 1000000000, 1803166673", // one tail block, 10 digits
        "powrace test vector spanning two tail blocks ✓, 2718281828459045235, 2718281828750443837", // two blocks
    })
    void aDifficulty4SolutionIsFoundAtFourAndPassedOverAtFiveToEight(String tx, long start, long nonce) {
        byte[] digest = Puzzle.digest(tx, nonce);
        int zeros = 0;
        while (digest[zeros] == 0) {
            zeros++;
        }
        assertTrue(zeros >= 4, "not a difficulty-4 solution: " + Puzzle.hex(digest));
        long from = Math.max(start, nonce - 3000);
        long to = nonce + 3000;
        for (int d = 1; d <= Puzzle.MAX_DIFFICULTY; d++) {
            List<Long> hits = hitsIn(new ShaNiEngine(tx, d), from, to);
            if (d >= 4) { // found at 4; above, only if its digest has that many zero bytes
                assertEquals(zeros >= d ? List.of(nonce) : List.of(), hits, "shani at difficulty " + d);
            } else { // at 1 to 3 it is one of the hits, and they are MessageDigest's
                assertTrue(hits.contains(nonce), "shani at difficulty " + d);
                assertSameHits(hitsIn(new DigestEngine(tx, d), from, to), hits, "shani at difficulty " + d);
            }
        }
        Optional<Solution> found = new Search(tx, 4, from, new ShaNiEngine(tx, 4)).run(() -> false, n -> {});
        assertEquals(nonce, found.orElseThrow().nonce());
        assertEquals(nonce - from + 1, found.get().hashes());
    }
}
