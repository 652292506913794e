package dev.powrace.pow;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;

/**
 * The portable engine: one reused {@link MessageDigest} fed one byte buffer that holds the transaction
 * followed by the decimal nonce, which is incremented in place. No allocation per nonce.
 */
public final class DigestEngine implements Engine {
    private static final int MAX_DIGITS = 19; // Long.MAX_VALUE has 19 digits

    private final MessageDigest md = Puzzle.sha256();
    private final byte[] out = new byte[32];
    private final int difficulty;
    private final int prefixLength;
    private final byte[] buffer;
    private int digits;
    private long next = -1;

    public DigestEngine(String transaction, int difficulty) {
        Puzzle.checkDifficulty(difficulty);
        byte[] prefix = transaction.getBytes(StandardCharsets.UTF_8);
        this.difficulty = difficulty;
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
            if (Puzzle.meets(out, difficulty)) {
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
