package dev.powrace.ledger;

import dev.powrace.pow.Puzzle;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The one check of a ledger entry, shared by the local referee (before it records a winner), {@link Audit}
 * (and so {@code verify}) and the cluster: the node is a node's name, the transaction is one a node could
 * have taken, the hash is sha256(transaction + nonce) and starts with {@code difficulty} zero bytes at a
 * difficulty of 1 to 8, and the times are well formed and in order. The hash count is not checked.
 */
public final class Verifier {
    /** The longest transaction, in UTF-8 bytes: the same bound as a node's line ({@code Settings.MAX_LINE_BYTES}). */
    public static final int MAX_TRANSACTION_BYTES = 65536;

    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    /** "NodeN" from a local referee, "label/NodeN" in a cluster (the label as {@code cluster.Labels} takes it). */
    private static final Pattern NODE = Pattern.compile("(?:[A-Za-z0-9][A-Za-z0-9._-]{0,62}/)?Node[1-9][0-9]{0,3}");
    private static final ThreadLocal<MessageDigest> SHA = ThreadLocal.withInitial(Puzzle::sha256);

    private Verifier() {}

    /** null if the entry holds up, else a short reason ("hash does not match sha256(transaction + nonce)", ...). */
    public static String problem(Entry e) {
        if (e == null) {
            return "entry is missing";
        }
        return problem(e.node(), e.transaction(), e.nonce(), e.hash(), e.difficulty(), e.timeTaken(), e.startTime(),
                e.endTime());
    }

    /** The same check on raw fields (any may be null: a missing or mistyped field). */
    public static String problem(String node, String transaction, Long nonce, String hash, Integer difficulty,
            BigDecimal timeTaken, String startTime, String endTime) {
        if (node == null || node.isEmpty()) {
            return "node is missing";
        }
        if (!isNodeName(node)) {
            return "node is not NodeN or label/NodeN";
        }
        if (transaction == null) {
            return "transaction is missing";
        }
        if (tooLong(transaction)) {
            return "transaction is longer than " + MAX_TRANSACTION_BYTES + " UTF-8 bytes";
        }
        if (nonce == null || nonce < 0) {
            return "nonce is missing or not a whole number >= 0";
        }
        if (hash == null || !HASH.matcher(hash).matches()) {
            return "hash is not 64 lowercase hex digits";
        }
        int d = difficulty == null ? -1 : difficulty;
        if (d < Puzzle.MIN_DIFFICULTY || d > Puzzle.MAX_DIFFICULTY) {
            return "difficulty is not " + Puzzle.MIN_DIFFICULTY + " to " + Puzzle.MAX_DIFFICULTY;
        }
        byte[] digest = SHA.get().digest((transaction + nonce).getBytes(StandardCharsets.UTF_8));
        if (!Arrays.equals(digest, HexFormat.of().parseHex(hash))) {
            return "hash does not match sha256(transaction + nonce)";
        }
        if (!Puzzle.meets(digest, d)) {
            return "hash does not start with " + d + " zero bytes";
        }
        if (timeTaken == null || timeTaken.signum() < 0) {
            return "time_taken is missing or negative";
        }
        long start = Timestamps.epochMicros(startTime);
        long end = Timestamps.epochMicros(endTime);
        if (start == Long.MIN_VALUE) {
            return "start_time is not an ISO-8601 time with 6 fractional digits and an offset";
        }
        if (end == Long.MIN_VALUE) {
            return "end_time is not an ISO-8601 time with 6 fractional digits and an offset";
        }
        if (end < start) {
            return "end_time is before start_time";
        }
        return null;
    }

    /** "Node<n>" (local) or "<label>/Node<n>" (cluster), label = [A-Za-z0-9][A-Za-z0-9._-]{0,62}, n = 1..9999 without leading zero. */
    public static boolean isNodeName(String node) {
        return node != null && node.length() <= 63 + 1 + 8 && NODE.matcher(node).matches();
    }

    /** True if {@code s} has more than {@link #MAX_TRANSACTION_BYTES} UTF-8 bytes; encodes it only near the bound. */
    private static boolean tooLong(String s) {
        if ((long) s.length() * 3 <= MAX_TRANSACTION_BYTES) {
            return false; // at most 3 bytes a char (a surrogate pair is 4 for 2 chars)
        }
        if (s.length() > MAX_TRANSACTION_BYTES) {
            return true; // at least 1 byte a char
        }
        return s.getBytes(StandardCharsets.UTF_8).length > MAX_TRANSACTION_BYTES;
    }
}
