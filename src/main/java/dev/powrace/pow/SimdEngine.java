package dev.powrace.pow;

import java.nio.charset.StandardCharsets;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A multi-buffer SHA-256 search: one nonce per SIMD lane (16 on AVX-512, 8 on AVX2, 4 on NEON), as CPU
 * miners do.
 *
 * <p>What does not depend on the nonce is done once: the transaction's whole 64-byte blocks are compressed
 * into a midstate when the engine is made; for each run of 1000 nonces that share their leading digits, the
 * constant message words, any constant tail block and the rounds before the first nonce word are computed
 * once. Within such a run the lanes differ only in the last three digits, whose message words come from a
 * table. A batch that would cross a thousand, and nonces below 100, are hashed by the scalar
 * {@link DigestEngine}. Callers re-check every hit with MessageDigest.
 *
 * <p>Loaded only when the jdk.incubator.vector module is present (see {@link EngineFactory}).
 */
final class SimdEngine implements Engine {
    static final VectorSpecies<Integer> SPECIES = IntVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    private static final int[] K = Sha256.K;
    /** The three ASCII digits of 0 to 999, packed as bytes 2..0 of an int. */
    private static final int[] ASCII3 = new int[1000];

    static {
        for (int v = 0; v < 1000; v++) {
            ASCII3[v] = ('0' + v / 100) << 16 | ('0' + v / 10 % 10) << 8 | ('0' + v % 10);
        }
    }

    private final byte[] prefix;
    private final int mask0;
    private final int mask1;
    private final int[] prefixState;
    private final int rest; // prefix bytes after its whole blocks
    private final DigestEngine scalar;

    // The template for nonces with `digits` digits and the leading digits of `thousand` (= nonce / 1000).
    private int digits = -1;
    private long thousand = -1;
    private long nextPowerOfTen;
    private int blocks; // 1 or 2 tail blocks
    private final byte[] tail = new byte[128];
    private final int[] words = new int[32]; // tail words with the last three digits zeroed
    private int slots; // 1 or 2 words hold the last three digits
    private final int[] slotWord = new int[2];
    private final int[][] slotPart = new int[2][1000];
    private int firstVaryingBlock; // the tail block holding the first varying word
    private int t0; // rounds before the first varying word in that block, which are the same in every lane
    private final int[] startState = new int[8];
    private final int[] afterT0 = new int[8];
    private final int[] w = new int[64 * LANES];
    private final int[] w2 = new int[64 * LANES];
    private final int[] wk = new int[64 * LANES]; // W + K, what the rounds read
    private final int[] mid = new int[8 * LANES];
    private final int[] out = new int[8 * LANES];
    private final String name;

    SimdEngine(String transaction, int difficulty) {
        this(transaction, Puzzle.mask0(difficulty), Puzzle.mask1(difficulty));
    }

    /**
     * An engine whose hits are the digests with {@code word0 & mask0} and {@code word1 & mask1} zero (digest
     * words big-endian); {@code (mask0, mask1) = (0, 0xff000000)}, for example, means "byte 4 is zero".
     */
    SimdEngine(String transaction, int mask0, int mask1) {
        this.prefix = transaction.getBytes(StandardCharsets.UTF_8);
        this.mask0 = mask0;
        this.mask1 = mask1;
        this.scalar = new DigestEngine(transaction, mask0, mask1);
        this.prefixState = Sha256.midstate(prefix);
        this.rest = prefix.length % 64;
        this.name = "simd" + LANES;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int scan(long from, int count) {
        int i = 0;
        while (i < count) {
            long n = from + i;
            int low = (int) (n % 1000);
            if (n >= 100 && low + LANES <= 1000 && count - i >= LANES) {
                if (n / 1000 != thousand || n >= nextPowerOfTen || digits < 0) {
                    prepare(n);
                }
                int hit = batch(low);
                if (hit >= 0) {
                    return i + hit;
                }
                i += LANES;
            } else { // the few nonces that the vector path does not cover
                int hit = scalar.scan(n, 1);
                if (hit >= 0) {
                    return i;
                }
                i++;
            }
        }
        return -1;
    }

    /** Builds the template for the run of nonces that share n's leading digits. */
    private void prepare(long n) {
        byte[] ascii = Long.toString(n).getBytes(StandardCharsets.US_ASCII);
        int k = ascii.length;
        boolean newLength = k != digits;
        digits = k;
        thousand = n / 1000;
        nextPowerOfTen = Sha256.nextPowerOfTen(k);
        blocks = Sha256.paddedTail(tail, prefix, ascii); // the last three digits stay zero: they vary
        int end = rest + k;
        for (int b = 0; b < blocks; b++) {
            int[] block = new int[16];
            Sha256.words(tail, 64 * b, block);
            System.arraycopy(block, 0, words, 16 * b, 16);
        }
        if (newLength) {
            prepareSlots(end - 3);
        }
        firstVaryingBlock = slotWord[0] / 16;
        t0 = slotWord[0] % 16;
        System.arraycopy(prefixState, 0, startState, 0, 8);
        for (int b = 0; b < firstVaryingBlock; b++) { // a tail block before the digits is the same in every lane
            int[] block = new int[16];
            System.arraycopy(words, 16 * b, block, 0, 16);
            Sha256.compress(startState, block);
        }
        int[] first = new int[64];
        System.arraycopy(words, 16 * firstVaryingBlock, first, 0, 16);
        System.arraycopy(startState, 0, afterT0, 0, 8);
        Sha256.rounds(afterT0, first, 0, t0);
        for (int b = firstVaryingBlock; b < blocks; b++) {
            int[] target = b == firstVaryingBlock ? w : w2;
            for (int t = 0; t < 16; t++) {
                IntVector.broadcast(SPECIES, words[16 * b + t]).intoArray(target, t * LANES);
            }
        }
    }

    /** Where the last three digits sit in the tail words, and each word's digit bits for every 0 to 999. */
    private void prepareSlots(int firstDigit) {
        slots = 0;
        for (int d = 0; d < 3; d++) {
            int word = (firstDigit + d) / 4;
            if (slots == 0 || slotWord[slots - 1] != word) {
                slotWord[slots++] = word;
            }
        }
        for (int s = 0; s < slots; s++) {
            int[] part = slotPart[s];
            for (int v = 0; v < 1000; v++) {
                int bits = 0;
                for (int d = 0; d < 3; d++) {
                    int pos = firstDigit + d;
                    if (pos / 4 == slotWord[s]) {
                        int ch = (ASCII3[v] >>> (8 * (2 - d))) & 0xff;
                        bits |= ch << (24 - 8 * (pos % 4));
                    }
                }
                part[v] = bits;
            }
        }
    }

    /**
     * Hashes nonces thousand*1000 + low + lane for every lane; returns the first lane that meets the difficulty.
     * Digest words 0 and 1 are checked at every difficulty (mask1 is 0 up to difficulty 4), so the compiled
     * code is the same for all difficulties: a branch on the difficulty here made C2 throw its code away when
     * the first race ran at another difficulty than the warm-up.
     */
    private int batch(int low) {
        compress(low, 2);
        IntVector h0 = IntVector.fromArray(SPECIES, out, 0);
        IntVector h1 = IntVector.fromArray(SPECIES, out, LANES);
        VectorMask<Integer> hit = h0.and(mask0).or(h1.and(mask1)).compare(VectorOperators.EQ, 0);
        return hit.anyTrue() ? hit.firstTrue() : -1;
    }

    /**
     * Hashes the LANES nonces of a batch and leaves the first {@code words} digest words in {@code out}, one
     * row of lanes per word.
     */
    private void compress(int low, int words) {
        fillSlots(low);
        schedule(w, wk);
        if (firstVaryingBlock == blocks - 1) {
            rounds(wk, afterT0, null, t0, startState, null, out, words);
        } else {
            // Both tail blocks hold digits: compress the first fully, then the second from its result.
            rounds(wk, afterT0, null, t0, startState, null, mid, 8);
            schedule(w2, wk);
            rounds(wk, null, mid, 0, null, mid, out, words);
        }
    }

    /** Writes each lane's last three digits into the message words that hold them. */
    private void fillSlots(int low) {
        for (int s = 0; s < slots; s++) {
            int word = slotWord[s];
            int[] target = word / 16 == firstVaryingBlock ? w : w2;
            IntVector.broadcast(SPECIES, words[word]).or(IntVector.fromArray(SPECIES, slotPart[s], low))
                    .intoArray(target, (word % 16) * LANES);
        }
    }

    /**
     * The whole digests of nonces {@code from} to {@code from + LANES - 1}, through the same templates and
     * schedule as the search; for tests that compare every hash with MessageDigest. {@code from} must be at
     * least 100 and its run of LANES nonces must not cross a thousand.
     */
    byte[][] digests(long from) {
        int low = (int) (from % 1000);
        if (from < 100 || low + LANES > 1000) {
            throw new IllegalArgumentException("not a vector batch: " + from);
        }
        if (from / 1000 != thousand || from >= nextPowerOfTen || digits < 0) {
            prepare(from);
        }
        compress(low, 8);
        byte[][] result = new byte[LANES][32];
        for (int lane = 0; lane < LANES; lane++) {
            for (int i = 0; i < 8; i++) {
                int v = out[i * LANES + lane];
                for (int b = 0; b < 4; b++) {
                    result[lane][4 * i + b] = (byte) (v >>> (24 - 8 * b));
                }
            }
        }
        return result;
    }

    /** Expands the message schedule W[16..63] and writes W[t] + K[t] for every round into {@code wk}. */
    private static void schedule(int[] w, int[] wk) {
        for (int t = 16; t < 64; t++) {
            IntVector x2 = IntVector.fromArray(SPECIES, w, (t - 2) * LANES);
            IntVector x15 = IntVector.fromArray(SPECIES, w, (t - 15) * LANES);
            IntVector s1 = x2.lanewise(VectorOperators.LSHR, 17).lanewise(VectorOperators.XOR, x2.lanewise(VectorOperators.LSHL, 15))
                    .lanewise(VectorOperators.XOR, x2.lanewise(VectorOperators.LSHR, 19))
                    .lanewise(VectorOperators.XOR, x2.lanewise(VectorOperators.LSHL, 13))
                    .lanewise(VectorOperators.XOR, x2.lanewise(VectorOperators.LSHR, 10));
            IntVector s0 = x15.lanewise(VectorOperators.LSHR, 7).lanewise(VectorOperators.XOR, x15.lanewise(VectorOperators.LSHL, 25))
                    .lanewise(VectorOperators.XOR, x15.lanewise(VectorOperators.LSHR, 18))
                    .lanewise(VectorOperators.XOR, x15.lanewise(VectorOperators.LSHL, 14))
                    .lanewise(VectorOperators.XOR, x15.lanewise(VectorOperators.LSHR, 3));
            s1.add(IntVector.fromArray(SPECIES, w, (t - 7) * LANES)).add(s0)
                    .add(IntVector.fromArray(SPECIES, w, (t - 16) * LANES)).intoArray(w, t * LANES);
        }
        for (int t = 0; t < 64; t++) {
            IntVector.fromArray(SPECIES, w, t * LANES).add(K[t]).intoArray(wk, t * LANES);
        }
    }

    /**
     * Runs rounds t0..63 and writes the first {@code words} output words (working variables plus base), one
     * row of lanes per word, into {@code out}. The start is either the same in every lane ({@code init},
     * {@code base}) or per lane ({@code initLanes}, {@code baseLanes}, one row per word). The round is written
     * out in full: a helper method inside the loop makes C2 stop inlining (NodeCountInliningCutoff), and
     * then every vector is boxed and the loop runs at a third of the speed.
     */
    private static void rounds(int[] wk, int[] init, int[] initLanes, int t0, int[] base, int[] baseLanes, int[] out,
            int words) {
        IntVector a = start(init, initLanes, 0);
        IntVector b = start(init, initLanes, 1);
        IntVector c = start(init, initLanes, 2);
        IntVector d = start(init, initLanes, 3);
        IntVector e = start(init, initLanes, 4);
        IntVector f = start(init, initLanes, 5);
        IntVector g = start(init, initLanes, 6);
        IntVector h = start(init, initLanes, 7);
        for (int t = t0; t < 64; t++) {
            IntVector s1 = e.lanewise(VectorOperators.LSHR, 6).lanewise(VectorOperators.XOR, e.lanewise(VectorOperators.LSHR, 11))
                    .lanewise(VectorOperators.XOR, e.lanewise(VectorOperators.LSHR, 25))
                    .lanewise(VectorOperators.XOR, e.lanewise(VectorOperators.LSHL, 26))
                    .lanewise(VectorOperators.XOR, e.lanewise(VectorOperators.LSHL, 21))
                    .lanewise(VectorOperators.XOR, e.lanewise(VectorOperators.LSHL, 7));
            IntVector ch = g.lanewise(VectorOperators.XOR, e.and(f.lanewise(VectorOperators.XOR, g)));
            IntVector t1 = h.add(s1).add(ch).add(IntVector.fromArray(SPECIES, wk, t * LANES));
            IntVector s0 = a.lanewise(VectorOperators.LSHR, 2).lanewise(VectorOperators.XOR, a.lanewise(VectorOperators.LSHR, 13))
                    .lanewise(VectorOperators.XOR, a.lanewise(VectorOperators.LSHR, 22))
                    .lanewise(VectorOperators.XOR, a.lanewise(VectorOperators.LSHL, 30))
                    .lanewise(VectorOperators.XOR, a.lanewise(VectorOperators.LSHL, 19))
                    .lanewise(VectorOperators.XOR, a.lanewise(VectorOperators.LSHL, 10));
            IntVector t2 = s0.add(a.and(b).or(c.and(a.or(b))));
            h = g;
            g = f;
            f = e;
            e = d.add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.add(t2);
        }
        store(a, 0, base, baseLanes, out);
        store(b, 1, base, baseLanes, out);
        if (words > 2) {
            store(c, 2, base, baseLanes, out);
            store(d, 3, base, baseLanes, out);
            store(e, 4, base, baseLanes, out);
            store(f, 5, base, baseLanes, out);
            store(g, 6, base, baseLanes, out);
            store(h, 7, base, baseLanes, out);
        }
    }

    private static IntVector start(int[] init, int[] initLanes, int i) {
        return init != null ? IntVector.broadcast(SPECIES, init[i]) : IntVector.fromArray(SPECIES, initLanes, i * LANES);
    }

    private static void store(IntVector v, int i, int[] base, int[] baseLanes, int[] out) {
        IntVector sum = base != null ? v.add(base[i]) : v.add(IntVector.fromArray(SPECIES, baseLanes, i * LANES));
        sum.intoArray(out, i * LANES);
    }

}
