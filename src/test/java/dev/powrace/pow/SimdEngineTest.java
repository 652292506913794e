package dev.powrace.pow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

    @Test
    void eachDifficultyMapsToTheMasksOfItsLeadingBytes() {
        // Whole words first: the shifts at the word edges are where a mask goes wrong.
        assertEquals(0xff000000, Puzzle.mask0(1));
        assertEquals(0, Puzzle.mask1(1));
        assertEquals(0xffffff00, Puzzle.mask0(3));
        assertEquals(-1, Puzzle.mask0(4));
        assertEquals(0, Puzzle.mask1(4));
        assertEquals(-1, Puzzle.mask0(5));
        assertEquals(0xff000000, Puzzle.mask1(5));
        assertEquals(0xffffff00, Puzzle.mask1(7));
        assertEquals(-1, Puzzle.mask1(8));
        // Then what they mean: a digest with exactly `zeros` leading zero bytes is a hit iff zeros >= d.
        for (int d = Puzzle.MIN_DIFFICULTY; d <= Puzzle.MAX_DIFFICULTY; d++) {
            for (int zeros = 0; zeros <= 9; zeros++) {
                byte[] digest = new byte[32];
                RANDOM.nextBytes(digest);
                for (int i = 0; i < 32; i++) {
                    digest[i] = i < zeros ? 0 : digest[i] == 0 ? 1 : digest[i];
                }
                int word0 = (digest[0] & 0xff) << 24 | (digest[1] & 0xff) << 16 | (digest[2] & 0xff) << 8 | (digest[3] & 0xff);
                int word1 = (digest[4] & 0xff) << 24 | (digest[5] & 0xff) << 16 | (digest[6] & 0xff) << 8 | (digest[7] & 0xff);
                boolean hit = (word0 & Puzzle.mask0(d) | word1 & Puzzle.mask1(d)) == 0;
                assertEquals(zeros >= d, hit, "difficulty " + d + ", " + zeros + " zero bytes");
                assertEquals(Puzzle.meets(digest, d), hit, "difficulty " + d + ", " + zeros + " zero bytes");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Puzzle.mask0(0));
        assertThrows(IllegalArgumentException.class, () -> Puzzle.mask0(9));
    }

    /**
     * The word-1 check on its own: raw targets that ask for one zero byte in digest word 1 (or word 0's last
     * byte), about one nonce in 256, so that thousands of nonces give dozens of hits. Both the SIMD engine and
     * its scalar path (the DigestEngine) must stop on exactly the nonces whose MessageDigest has those bytes
     * zero, hit by hit.
     */
    @ParameterizedTest
    @CsvSource({
        "00000000, ff000000", // byte 4 is zero
        "00000000, 000000ff", // byte 7
        "00000000, 00ff0000", // byte 5
        "000000ff, 00000000", // byte 3
    })
    void rawTargetsInWordOneAgreeHitByHitWithMessageDigest(String hex0, String hex1) {
        int mask0 = Integer.parseUnsignedInt(hex0, 16);
        int mask1 = Integer.parseUnsignedInt(hex1, 16);
        int hits = 0;
        for (int len : new int[] {0, 14, 40, 46, 50, 122}) {
            String tx = randomTransaction(len);
            long[] starts = {RANDOM.nextLong(1L << 62) | 1_000_000_000_000_000_000L, // 19 digits
                    RANDOM.nextLong(1_000_000_000_000_000_000L), // mostly 18 digits
                    1_000_000_000L - 2000}; // 9 digits, then 10
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
                SimdEngine simd = new SimdEngine(tx, mask0, mask1);
                DigestEngine plain = new DigestEngine(tx, mask0, mask1);
                assertSameHits(expected, hitsIn(simd, from, end), "simd, tx of " + len + " bytes from " + from);
                assertSameHits(expected, hitsIn(plain, from, end), "digest, tx of " + len + " bytes from " + from);
                hits += expected.size();
            }
        }
        assertTrue(hits > 200, "only " + hits + " hits compared");
    }

    /** Fails at the first hit that differs, rather than with two long lists. */
    static void assertSameHits(List<Long> expected, List<Long> actual, String what) {
        for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
            Long e = i < expected.size() ? expected.get(i) : null;
            Long a = i < actual.size() ? actual.get(i) : null;
            assertEquals(e, a, what + ": hit " + i + " (" + expected.size() + " expected, " + actual.size() + " found)");
        }
    }

    /** Every nonce in [from, end) that the engine stops on, scanning on from each hit as a search does. */
    static List<Long> hitsIn(Engine engine, long from, long end) {
        List<Long> hits = new ArrayList<>();
        long n = from;
        while (n < end) {
            int count = (int) Math.min(Search.BATCH, end - n);
            int hit = engine.scan(n, count);
            if (hit < 0) {
                n += count;
            } else {
                hits.add(n + hit);
                n += hit + 1;
            }
        }
        return hits;
    }

    /**
     * Difficulty-4 solutions (sha256 starts with four zero bytes, word 0 is zero), each the first at or after a
     * start, found once with OpenSSL by bench/find-vector.c:
     * {@code gcc -O2 -pthread -o /tmp/find-vector bench/find-vector.c -lcrypto}, then
     * {@code /tmp/find-vector TX START 2 4} with each TX and START below (a few minutes each on 2 cores).
     * A difficulty-5 solution would take some 2^40 hashes; these let a search at 5 to 8 pass over a lane whose
     * word 0 is zero, so that only the word-1 check keeps it from being reported.
     */
    @ParameterizedTest
    @CsvSource({
        // TX, START given to find-vector, the nonce it found
        "powrace test vector, 3141592653589793238, 3141592658875082324", // one tail block, 19 digits
        "powrace test vector, 1000000000, 1803166673", // one tail block, 10 digits
        // 48 bytes: with 19 digits, two tail blocks, the last three digits in the second
        "powrace test vector spanning two tail blocks ✓, 2718281828459045235, 2718281828750443837",
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
        for (int d = 4; d <= Puzzle.MAX_DIFFICULTY; d++) {
            // At 4 the vector is found; above, unless its digest has that many zero bytes, nothing in the range is.
            List<Long> expected = zeros >= d ? List.of(nonce) : List.of();
            assertEquals(expected, hitsIn(new SimdEngine(tx, d), from, to), "simd at difficulty " + d);
            assertEquals(expected, hitsIn(new DigestEngine(tx, d), from, to), "digest at difficulty " + d);
        }
        // And the whole search, as a node runs it, with each engine.
        for (Engine engine : List.of(new SimdEngine(tx, 4), new DigestEngine(tx, 4))) {
            Optional<Solution> found = new Search(tx, 4, from, engine).run(() -> false, n -> {});
            assertEquals(nonce, found.orElseThrow().nonce(), engine.name());
            assertEquals(nonce - from + 1, found.get().hashes(), engine.name());
        }
    }
}
