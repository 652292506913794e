package dev.powrace.pow;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;

/**
 * The portable engine: one reused {@link MessageDigest} fed one byte buffer that holds the transaction
 * followed by the decimal nonce, which is incremented in place. No allocation per nonce.
 *
 * <p>A digest is a hit when {@code (word0 & mask0 | word1 & mask1) == 0} for its first two big-endian words,
 * the same test as {@link SimdEngine}'s and the same at every difficulty (see {@link Puzzle#mask0}).
 */
public final class DigestEngine implements Engine {
    private static final int MAX_DIGITS = 19; // Long.MAX_VALUE has 19 digits
    private static final VarHandle WORD = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private final MessageDigest md = Puzzle.sha256();
    private final byte[] out = new byte[32];
    private final int mask0;
    private final int mask1;
    private final int prefixLength;
    private final byte[] buffer;
    private int digits;
    private long next = -1;

    public DigestEngine(String transaction, int difficulty) {
        this(transaction, Puzzle.mask0(difficulty), Puzzle.mask1(difficulty));
    }

    /** An engine whose hits are the digests with {@code word0 & mask0} and {@code word1 & mask1} zero. */
    DigestEngine(String transaction, int mask0, int mask1) {
        byte[] prefix = transaction.getBytes(StandardCharsets.UTF_8);
        this.mask0 = mask0;
        this.mask1 = mask1;
        this.prefixLength = prefix.length;
        this.buffer = new byte[prefix.length + MAX_DIGITS];
        System.arraycopy(prefix, 0, buffer, 0, prefix.length);
    }

    @Override
    public String name() {
        return "digest";
    }

    @Override
    public int scan(long from, int count) {
        if (from != next) {
            seek(from);
        }
        for (int i = 0; i < count; i++) {
            md.update(buffer, 0, prefixLength + digits);
            try {
                md.digest(out, 0, 32);
            } catch (DigestException e) {
                throw new IllegalStateException(e);
            }
            if ((((int) WORD.get(out, 0) & mask0) | ((int) WORD.get(out, 4) & mask1)) == 0) {
                next = -1; // the caller decides where to go on from
                return i;
            }
            increment();
        }
        next = from + count;
        return -1;
    }

    private void seek(long nonce) {
        if (nonce < 0) {
            throw new IllegalArgumentException("nonce must be >= 0: " + nonce);
        }
        byte[] ascii = Long.toString(nonce).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(ascii, 0, buffer, prefixLength, ascii.length);
        digits = ascii.length;
        next = nonce;
    }

    /** Adds one to the decimal nonce in the buffer, growing it by a digit when it carries out. */
    private void increment() {
        int i = prefixLength + digits - 1;
        while (i >= prefixLength && buffer[i] == '9') {
            buffer[i--] = '0';
        }
        if (i >= prefixLength) {
            buffer[i]++;
        } else { // 99..9 became 00..0: it is now 100..0
            buffer[prefixLength] = '1';
            buffer[prefixLength + digits] = '0';
            digits++;
        }
    }
}
