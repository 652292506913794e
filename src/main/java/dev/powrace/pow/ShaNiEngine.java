package dev.powrace.pow;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The lean hardware-SHA engine: it drives the JDK's own SHA-256 compression function,
 * {@code sun.security.provider.SHA2.implCompress0(byte[], int)}, directly through a {@link MethodHandle}, one
 * 64-byte block per call. HotSpot replaces that method with its SHA-NI stub on x86 (the ARMv8 SHA-256
 * instructions on aarch64, an AVX2 stub on x86 without SHA-NI), but none of MessageDigest's padding, buffering,
 * resetting and copying is around it.
 *
 * <p>What does not depend on the nonce is done once: the transaction's whole 64-byte blocks are compressed into
 * a midstate when the engine is made; for each run of 1000 nonces that share their leading digits, the padded
 * tail block (or two) is built with the leading digits, the 0x80 byte and the length in place, and a tail block
 * before the one holding the last three digits is folded into the start state. Per nonce, only the last three
 * digits are written (from a table), the instance's {@code state} array is reset from the start state, and the
 * block (or two) compressed; digest words 0 and 1 are then tested against the masks, as {@link SimdEngine} and
 * {@link DigestEngine} do. Nonces below 100 go through the {@link DigestEngine}. Callers re-check every hit
 * with MessageDigest.
 *
 * <p>Eight nonces are hashed per step, on eight JDK instances with their own block buffers, so that each
 * compression can start while the ones before it are still in flight (see {@link #INTERLEAVE}).
 *
 * <p>It needs {@code --add-opens java.base/sun.security.provider=ALL-UNNAMED}; without it, or on a JDK without
 * that method, {@link #PROBE} says why and {@link EngineFactory#shani()} is empty.
 */
final class ShaNiEngine implements Engine {
    /** The internal class whose compression function this engine calls, and its SHA-256 subclass. */
    static final String SHA2 = "sun.security.provider.SHA2";
    static final String SHA256 = "sun.security.provider.SHA2$SHA256";

    /** Opens a class for deep reflection: {@code MethodHandles.privateLookupIn} here, something failing in tests. */
    interface Opener {
        MethodHandles.Lookup open(Class<?> target) throws IllegalAccessException;
    }

    /** What looking for the JDK's compression function found: its handles, or why there are none. */
    record Probe(MethodHandle compress, MethodHandle make, MethodHandle state, String unavailable) {
        boolean available() {
            return unavailable == null;
        }
    }

    static final Probe PROBE = probe(target -> MethodHandles.privateLookupIn(target, MethodHandles.lookup()));
    // Static finals, so that C2 treats the handles as constants and inlines the intrinsic into the loop.
    private static final MethodHandle COMPRESS = PROBE.compress(); // (Object sha, byte[] block, int offset) void
    private static final MethodHandle MAKE = PROBE.make(); // () Object
    private static final MethodHandle STATE = PROBE.state(); // (Object sha) int[]

    /**
     * Nonces hashed per step, each on its own JDK instance and block buffer (1 to 16; the system property
     * powrace.shani.interleave is for measuring). One SHA-256 compression is a chain of dependent rounds; with
     * several independent ones in flight the SHA unit is kept busy. Measured here: 1 gave 0.72x openssl's
     * single-stream rate, 2 0.95x, 4 0.99x, 6 and 8 1.11x.
     */
    static final int INTERLEAVE = Math.max(1, Math.min(16, Integer.getInteger("powrace.shani.interleave", 8)));

    /** The three ASCII digits of 0 to 999, packed as bytes 2..0 of an int. */
    private static final int[] ASCII3 = new int[1000];

    static {
        for (int v = 0; v < 1000; v++) {
            ASCII3[v] = ('0' + v / 100) << 16 | ('0' + v / 10 % 10) << 8 | ('0' + v % 10);
        }
    }

    /**
     * Finds the compression function, the constructor and the state field through {@code opener}, then hashes
     * "abc" with them and compares the result with MessageDigest's, so that a JDK whose internals differ is
     * caught here rather than in a race.
     */
    static Probe probe(Opener opener) {
        try {
            Class<?> sha2 = Class.forName(SHA2, false, null);
            Class<?> sha256 = Class.forName(SHA256, false, null);
            MethodHandles.Lookup lookup = opener.open(sha2);
            MethodHandle compress = lookup.findVirtual(sha2, "implCompress0",
                    MethodType.methodType(void.class, byte[].class, int.class))
                    .asType(MethodType.methodType(void.class, Object.class, byte[].class, int.class));
            MethodHandle state = lookup.findGetter(sha2, "state", int[].class)
                    .asType(MethodType.methodType(int[].class, Object.class));
            MethodHandle make = opener.open(sha256).findConstructor(sha256, MethodType.methodType(void.class))
                    .asType(MethodType.methodType(Object.class));
            byte[] block = new byte[64];
            block[0] = 'a';
            block[1] = 'b';
            block[2] = 'c';
            block[3] = (byte) 0x80;
            block[63] = 24; // 3 bytes, in bits
            Object sha = make.invokeExact();
            int[] words = (int[]) state.invokeExact(sha);
            System.arraycopy(Sha256.IV, 0, words, 0, 8);
            compress.invokeExact(sha, block, 0);
            byte[] expected = MessageDigest.getInstance("SHA-256").digest("abc".getBytes(StandardCharsets.US_ASCII));
            if (!Arrays.equals(expected, bytes(words))) {
                return unavailable("the JDK's SHA-256 compression function gave a wrong digest");
            }
            return new Probe(compress, make, state, null);
        } catch (IllegalAccessException | SecurityException e) {
            return unavailable("the JDK's SHA-256 internals are closed (start Java with --add-opens "
                    + "java.base/sun.security.provider=ALL-UNNAMED): " + oneLine(e));
        } catch (RuntimeException e) { // InaccessibleObjectException among them
            return unavailable("the JDK's SHA-256 internals can't be used (start Java with --add-opens "
                    + "java.base/sun.security.provider=ALL-UNNAMED): " + oneLine(e));
        } catch (ReflectiveOperationException | LinkageError e) {
            return unavailable("this JDK has no " + SHA2 + ".implCompress0 to call: " + oneLine(e));
        } catch (Throwable e) {
            return unavailable("the JDK's SHA-256 compression function failed: " + oneLine(e));
        }
    }

    private static Probe unavailable(String why) {
        return new Probe(null, null, null, why);
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage();
        return (e.getClass().getSimpleName() + (m == null ? "" : ": " + m)).replace('\n', ' ');
    }

    private final byte[] prefix;
    private final int mask0;
    private final int mask1;
    private final int[] prefixState;
    private final int rest; // prefix bytes after its whole blocks
    private final DigestEngine scalar;
    // One JDK instance, state array and tail buffer per nonce in flight.
    private final Object[] shas = new Object[INTERLEAVE];
    private final int[][] states = new int[INTERLEAVE][];
    private final byte[][] tails = new byte[INTERLEAVE][128];

    // The template for nonces with `digits` digits and the leading digits of `thousand` (= nonce / 1000).
    private int digits = -1;
    private long thousand = -1;
    private long nextPowerOfTen;
    private int blocks; // 1 or 2 tail blocks
    private int digitAt; // where in the tail the last three digits start
    private int offset; // the first tail block compressed per nonce: 0, or 64 when the first is folded in
    private boolean twice; // two tail blocks compressed per nonce
    private final int[] start = new int[8]; // the state before the first block compressed per nonce

    ShaNiEngine(String transaction, int difficulty) {
        this(transaction, Puzzle.mask0(difficulty), Puzzle.mask1(difficulty));
    }

    /** An engine whose hits are the digests with {@code word0 & mask0} and {@code word1 & mask1} zero. */
    ShaNiEngine(String transaction, int mask0, int mask1) {
        if (!PROBE.available()) {
            throw new IllegalStateException(PROBE.unavailable());
        }
        this.prefix = transaction.getBytes(StandardCharsets.UTF_8);
        this.mask0 = mask0;
        this.mask1 = mask1;
        this.scalar = new DigestEngine(transaction, mask0, mask1);
        this.prefixState = Sha256.midstate(prefix);
        this.rest = prefix.length % 64;
        try {
            for (int j = 0; j < INTERLEAVE; j++) {
                shas[j] = (Object) MAKE.invokeExact();
                states[j] = (int[]) STATE.invokeExact(shas[j]);
            }
        } catch (Throwable e) {
            throw new IllegalStateException("the JDK's SHA-256 instance could not be made", e);
        }
    }

    @Override
    public String name() {
        return "shani";
    }

    @Override
    public int scan(long from, int count) {
        int i = 0;
        while (i < count) {
            long n = from + i;
            if (n < 100) { // fewer than three digits: the template does not cover them
                if (scalar.scan(n, 1) >= 0) {
                    return i;
                }
                i++;
                continue;
            }
            if (n / 1000 != thousand || n >= nextPowerOfTen || digits < 0) {
                prepare(n);
            }
            int low = (int) (n - thousand * 1000);
            int end = (int) Math.min(1000, low + (long) (count - i));
            int hit = run(low, end);
            if (hit >= 0) {
                return i + hit - low;
            }
            i += end - low;
        }
        return -1;
    }

    /**
     * Hashes the nonces thousand*1000 + v for v in [low, end), INTERLEAVE at a time, and returns the first v that
     * is a hit, or -1. The INTERLEAVE compressions of a step are independent, so the CPU overlaps them.
     */
    private int run(int low, int end) {
        final int k = INTERLEAVE;
        Object[] shas = this.shas;
        int[][] states = this.states;
        byte[][] tails = this.tails;
        int at = digitAt;
        int v = low;
        try {
            for (; v + k <= end; v += k) {
                for (int j = 0; j < k; j++) {
                    put(tails[j], at, ASCII3[v + j]);
                    reset(states[j]);
                }
                for (int j = 0; j < k; j++) {
                    COMPRESS.invokeExact(shas[j], tails[j], offset);
                }
                if (twice) {
                    for (int j = 0; j < k; j++) {
                        COMPRESS.invokeExact(shas[j], tails[j], 64);
                    }
                }
                for (int j = 0; j < k; j++) {
                    int[] state = states[j];
                    if ((state[0] & mask0 | state[1] & mask1) == 0) {
                        return v + j;
                    }
                }
            }
            for (; v < end; v++) { // the last few of a run, one at a time
                byte[] tail = tails[0];
                int[] state = states[0];
                put(tail, at, ASCII3[v]);
                reset(state);
                COMPRESS.invokeExact(shas[0], tail, offset);
                if (twice) {
                    COMPRESS.invokeExact(shas[0], tail, 64);
                }
                if ((state[0] & mask0 | state[1] & mask1) == 0) {
                    return v;
                }
            }
        } catch (Throwable e) {
            throw new IllegalStateException("the JDK's SHA-256 compression function failed", e);
        }
        return -1;
    }

    private static void put(byte[] tail, int at, int ascii3) {
        tail[at] = (byte) (ascii3 >>> 16);
        tail[at + 1] = (byte) (ascii3 >>> 8);
        tail[at + 2] = (byte) ascii3;
    }

    private void reset(int[] s) {
        int[] from = start;
        s[0] = from[0];
        s[1] = from[1];
        s[2] = from[2];
        s[3] = from[3];
        s[4] = from[4];
        s[5] = from[5];
        s[6] = from[6];
        s[7] = from[7];
    }

    /** Builds the tail blocks for the run of nonces that share n's leading digits (n at least 100). */
    private void prepare(long n) {
        byte[] ascii = Long.toString(n).getBytes(StandardCharsets.US_ASCII);
        int k = ascii.length;
        digits = k;
        thousand = n / 1000;
        nextPowerOfTen = Sha256.nextPowerOfTen(k);
        byte[] tail = tails[0];
        blocks = Sha256.paddedTail(tail, prefix, ascii); // the last three digits are written per nonce
        int end = rest + k;
        for (int j = 1; j < INTERLEAVE; j++) {
            System.arraycopy(tail, 0, tails[j], 0, 128);
        }
        digitAt = end - 3;
        System.arraycopy(prefixState, 0, start, 0, 8);
        if (blocks == 2 && digitAt >= 64) { // the first tail block is the same for every nonce of the run
            int[] block = new int[16];
            Sha256.words(tail, 0, block);
            Sha256.compress(start, block);
            offset = 64;
            twice = false;
        } else {
            offset = 0;
            twice = blocks == 2;
        }
    }

    /**
     * The whole digest of nonce {@code n} (at least 100), through the same template and calls as the search;
     * for tests that compare every hash with MessageDigest.
     */
    byte[] digest(long n) {
        if (n < 100) {
            throw new IllegalArgumentException("below 100 the digest engine hashes: " + n);
        }
        if (n / 1000 != thousand || n >= nextPowerOfTen || digits < 0) {
            prepare(n);
        }
        int v = (int) (n - thousand * 1000);
        int j = v % INTERLEAVE; // as in the search, when the run is walked from its start
        Object sha = shas[j];
        byte[] tail = tails[j];
        int[] state = states[j];
        put(tail, digitAt, ASCII3[v]);
        reset(state);
        try {
            COMPRESS.invokeExact(sha, tail, offset);
            if (twice) {
                COMPRESS.invokeExact(sha, tail, 64);
            }
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        return bytes(state);
    }

    private static byte[] bytes(int[] words) {
        byte[] out = new byte[32];
        for (int i = 0; i < 8; i++) {
            for (int b = 0; b < 4; b++) {
                out[4 * i + b] = (byte) (words[i] >>> (24 - 8 * b));
            }
        }
        return out;
    }

}
