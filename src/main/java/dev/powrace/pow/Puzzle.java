package dev.powrace.pow;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The proof-of-work puzzle: find a nonce such that the lowercase hex SHA-256 of the UTF-8 bytes of
 * {@code transaction + Long.toString(nonce)} starts with "00" repeated {@code difficulty} times, which is
 * exactly "the first {@code difficulty} digest bytes are zero".
 */
public final class Puzzle {
    public static final int MIN_DIFFICULTY = 1;
    public static final int MAX_DIFFICULTY = 8;

    private Puzzle() {}

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    public static void checkDifficulty(int difficulty) {
        if (difficulty < MIN_DIFFICULTY || difficulty > MAX_DIFFICULTY) {
            throw new IllegalArgumentException(
                    "difficulty must be " + MIN_DIFFICULTY + " to " + MAX_DIFFICULTY + ", not " + difficulty);
        }
    }

    /**
     * The mask of digest word 0 (bytes 0 to 3, big-endian) that must be zero at {@code difficulty}: an engine's
     * hit is {@code (word0 & mask0(d) | word1 & mask1(d)) == 0}, the same test at every difficulty.
     *
     * @throws IllegalArgumentException if the difficulty is out of range
     */
    static int mask0(int difficulty) {
        checkDifficulty(difficulty);
        return zeroBytesMask(difficulty);
    }

    /** The mask of digest word 1 (bytes 4 to 7) that must be zero at {@code difficulty}; 0 up to difficulty 4. */
    static int mask1(int difficulty) {
        return zeroBytesMask(difficulty - 4);
    }

    /** The leading {@code bytes} bytes of a big-endian int, clamped to 0 to 4 bytes. */
    private static int zeroBytesMask(int bytes) {
        return bytes <= 0 ? 0 : bytes >= 4 ? -1 : -1 << (32 - 8 * bytes);
    }

    /**
     * True if the first {@code difficulty} bytes of the digest are zero. False for a difficulty outside
     * {@link #MIN_DIFFICULTY} to {@link #MAX_DIFFICULTY}: difficulty 0 would "meet" with no work at all.
     */
    public static boolean meets(byte[] digest, int difficulty) {
        if (difficulty < MIN_DIFFICULTY || difficulty > MAX_DIFFICULTY) {
            return false;
        }
        for (int i = 0; i < difficulty; i++) {
            if (digest[i] != 0) {
                return false;
            }
        }
        return true;
    }

    public static byte[] digest(String transaction, long nonce) {
        return sha256().digest((transaction + nonce).getBytes(StandardCharsets.UTF_8));
    }

    /** The lowercase hex SHA-256 of {@code transaction + nonce}. */
    public static String hash(String transaction, long nonce) {
        return hex(digest(transaction, nonce));
    }

    /**
     * True if {@code nonce} solves the puzzle for {@code transaction} at {@code difficulty}; false for a
     * difficulty outside 1 to 8.
     */
    public static boolean isSolution(String transaction, long nonce, int difficulty) {
        return nonce >= 0 && meets(digest(transaction, nonce), difficulty);
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** How many hashes a search needs on average: 256^difficulty. */
    public static double expectedHashes(int difficulty) {
        return Math.pow(256, difficulty);
    }
}
