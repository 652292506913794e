package dev.powrace.pow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The SIMD engine against MessageDigest: every hash, and every hit. (Surefire loads the Vector API.) */
class SimdEngineTest {
    static final Random RANDOM = new Random(20261125);

    static String randomTransaction(int bytes) {
        StringBuilder b = new StringBuilder();
        String[] pieces = {"a", "Z", "7", " ", "\"", "\\", "é", "✓", "🙂", "ש", "\u001b", "\t", "{"};
        while (b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < bytes) {
            b.append(pieces[RANDOM.nextInt(pieces.length)]);
        }
        return b.toString();
    }

    static List<Long> starts() {
        List<Long> starts = new ArrayList<>();
        for (long p = 1000; p > 0 && p <= 1_000_000_000_000_000_000L; p *= 10) {
            starts.add(p - 16); // the batch before a new digit: the scalar path
            starts.add(p); // the first batch with one more digit
            starts.add(p + 984 - 16 * RANDOM.nextInt(3));
        }
        starts.add(4_611_686_018_427_387_000L); // the top of the 62-bit start range
        starts.add(Long.MAX_VALUE - 2000);
        return starts;
    }

    @Test
    void theVectorApiIsLoadedForTests() {
        assertTrue(EngineFactory.simd().isPresent(), EngineFactory.simdUnavailableReason().orElse(""));
        assertTrue(SimdEngine.LANES >= 4);
    }

    @Test
    void everyHashMatchesMessageDigest() {
        int compared = 0;
        for (int len = 0; len <= 300; len += 1 + RANDOM.nextInt(7)) {
            String tx = randomTransaction(len);
            SimdEngine simd = new SimdEngine(tx, 1);
            for (long start : starts()) {
                long from = Math.max(100, start - start % 1000 + (start % 1000) / SimdEngine.LANES * SimdEngine.LANES);
                if (from % 1000 + SimdEngine.LANES > 1000) {
                    from -= SimdEngine.LANES;
                }
                byte[][] hashes = simd.digests(from);
                for (int lane = 0; lane < SimdEngine.LANES; lane++) {
                    assertArrayEquals(Puzzle.digest(tx, from + lane), hashes[lane],
                            "tx of " + len + " bytes, nonce " + (from + lane));
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
                    SimdEngine simd = new SimdEngine(tx, difficulty);
                    DigestEngine plain = new DigestEngine(tx, difficulty);
                    long n = start;
                    int count = difficulty == 1 ? 1000 : 3000;
                    for (int round = 0; round < 4; round++) {
                        int a = simd.scan(n, count);
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
        SimdEngine simd = new SimdEngine("Your transaction data", 2);
        assertEquals(4117, simd.scan(0, 10_000)); // the vector from Python's hashlib, found from 0
    }

    @Test
    void aSearchWithTheSimdEngineVerifies() {
        Search s = new Search("héllo wörld ✓", 2, 0, new SimdEngine("héllo wörld ✓", 2));
        Solution found = s.run(() -> false, n -> {}).orElseThrow();
        assertEquals(96953, found.nonce());
        assertEquals("0000e107f685c07d2be269f69d108e16f12497dfc7cb81a168e0d484b96dda8e", found.hash());
    }
}
