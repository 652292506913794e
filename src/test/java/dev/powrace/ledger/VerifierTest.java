package dev.powrace.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.pow.Puzzle;
import dev.powrace.testing.Entries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VerifierTest {
    static final String NODE_REASON = "node is not NodeN or label/NodeN";

    @TempDir
    Path dir;

    /** The entry with one field changed. */
    static Entry with(Entry e, String node, String transaction, long nonce, String hash, int difficulty) {
        return new Entry(node, transaction, nonce, hash, difficulty, e.timeTaken(), e.startTime(), e.endTime(),
                e.hashes());
    }

    /** The first nonce from 0 whose digest starts with exactly {@code zeros} zero bytes. */
    static long nonceWithZeros(String transaction, int zeros) {
        for (long n = 0; ; n++) {
            byte[] d = Puzzle.digest(transaction, n);
            int z = 0;
            while (z < d.length && d[z] == 0) {
                z++;
            }
            if (z == zeros) {
                return n;
            }
        }
    }

    @Test
    void aGoodEntryHoldsUpLocalOrCluster() {
        assertNull(Verifier.problem(Entries.valid("Node1", "good")));
        assertNull(Verifier.problem(Entries.valid("Node16", "good")));
        assertNull(Verifier.problem(Entries.valid("alice/Node3", "good")));
        assertNull(Verifier.problem(Entries.valid("x".repeat(63) + "/Node9999", "good")));
    }

    @Test
    void difficultyOutsideOneToEightIsRefusedEvenWhenTheDigestMeetsIt() {
        // An all-zero digest meets every difficulty the puzzle has; 0 and 9 are not difficulties.
        byte[] zeros = new byte[32];
        for (int d = Puzzle.MIN_DIFFICULTY; d <= Puzzle.MAX_DIFFICULTY; d++) {
            assertTrue(Puzzle.meets(zeros, d), "difficulty " + d);
        }
        assertFalse(Puzzle.meets(zeros, 0), "difficulty 0 would be met with no work at all");
        assertFalse(Puzzle.meets(zeros, 9));
        assertFalse(Puzzle.meets(zeros, -1));
        assertFalse(Puzzle.isSolution("any text", 0, 0), "every nonce would solve difficulty 0");
        assertFalse(Puzzle.isSolution("any text", 0, 9));

        // A nonce with no zero byte at all: the old loop said it "meets" difficulty 0.
        String tx = "no work";
        long n = nonceWithZeros(tx, 0);
        Entry good = Entries.valid("Node1", tx);
        Entry none = with(good, "Node1", tx, n, Puzzle.hash(tx, n), 0);
        assertEquals("difficulty is not 1 to 8", Verifier.problem(none));
        Entry nine = with(good, "Node1", tx, good.nonce(), good.hash(), 9);
        assertEquals("difficulty is not 1 to 8", Verifier.problem(nine));
        assertEquals("difficulty is not 1 to 8", Verifier.problem("Node1", tx, n, Puzzle.hash(tx, n), null,
                good.timeTaken(), good.startTime(), good.endTime()));
    }

    @Test
    void aHashOfAnotherTextIsRefused() {
        Entry good = Entries.valid("Node1", "mine");
        Entry other = Entries.valid("Node1", "someone else's");
        Entry stolen = with(good, "Node1", "mine", other.nonce(), other.hash(), 1);
        assertEquals("hash does not match sha256(transaction + nonce)", Verifier.problem(stolen));
        // and the right text with another nonce's hash
        Entry shifted = with(good, "Node1", "mine", good.nonce() + 1, good.hash(), 1);
        assertEquals("hash does not match sha256(transaction + nonce)", Verifier.problem(shifted));
    }

    @Test
    void oneZeroByteShortIsRefused() {
        String tx = "almost";
        long n = nonceWithZeros(tx, 1);
        Entry good = Entries.valid("Node1", tx);
        assertNull(Verifier.problem(with(good, "Node1", tx, n, Puzzle.hash(tx, n), 1)));
        assertEquals("hash does not start with 2 zero bytes",
                Verifier.problem(with(good, "Node1", tx, n, Puzzle.hash(tx, n), 2)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mallory/Node1\u001b[2J", "\u001b[2JNode1", "Node0", "a/Node01", "Node01", "Node10000",
        "node1", "Node", "Node-1", "Node1 ", " Node1", "Node1\n", "/Node1", "-a/Node1", ".a/Node1", "a/b/Node1",
        "a b/Node1", "é/Node1", "a/Node1/", "a/", "mallory", "Ｎode1"})
    void aNameThatNoNodeHasIsRefused(String node) {
        assertFalse(Verifier.isNodeName(node), node);
        assertEquals(NODE_REASON, Verifier.problem(Entries.valid(node, "named")));
    }

    @Test
    void nodeNamesAtTheirBounds() {
        assertTrue(Verifier.isNodeName("Node1"));
        assertTrue(Verifier.isNodeName("Node9999"));
        assertTrue(Verifier.isNodeName("a/Node1"));
        assertTrue(Verifier.isNodeName("0.x_y-Z/Node10"));
        assertTrue(Verifier.isNodeName("a".repeat(63) + "/Node1"));
        assertFalse(Verifier.isNodeName("a".repeat(64) + "/Node1"), "a label is at most 63 characters");
        assertFalse(Verifier.isNodeName(null));
        assertFalse(Verifier.isNodeName(""));
        assertEquals("node is missing", Verifier.problem(Entries.valid("", "nameless")));
    }

    @Test
    void aTransactionLongerThanANodeTakesIsRefused() {
        String atBound = "x".repeat(Verifier.MAX_TRANSACTION_BYTES);
        assertNull(Verifier.problem(Entries.valid("Node1", atBound)));
        String reason = "transaction is longer than 65536 UTF-8 bytes";
        assertEquals(reason, Verifier.problem(Entries.valid("Node1", atBound + "x")));
        // Counted in UTF-8 bytes, not chars: 21,846 three-byte chars are 65,538 bytes.
        String ticks = "✓".repeat(21_846);
        assertTrue(ticks.length() < Verifier.MAX_TRANSACTION_BYTES);
        assertEquals(reason, Verifier.problem(Entries.valid("Node1", ticks)));
        String fewer = "✓".repeat(21_845) + "x"; // 65,536 bytes
        assertEquals(Verifier.MAX_TRANSACTION_BYTES, fewer.getBytes(StandardCharsets.UTF_8).length);
        assertNull(Verifier.problem(Entries.valid("Node1", fewer)));
    }

    @Test
    void anEndBeforeItsStartIsRefused() {
        Entry good = Entries.valid("Node1", "backwards");
        Entry backwards = new Entry("Node1", "backwards", good.nonce(), good.hash(), 1, good.timeTaken(),
                "2026-01-02T10:00:00.000002+00:00", "2026-01-02T10:00:00.000001+00:00", 1);
        assertEquals("end_time is before start_time", Verifier.problem(backwards));
        // the same instant in another offset is not before it
        Entry sameInstant = new Entry("Node1", "backwards", good.nonce(), good.hash(), 1, good.timeTaken(),
                "2026-01-02T10:00:00.000001+00:00", "2026-01-02T11:00:00.000001+01:00", 1);
        assertNull(Verifier.problem(sameInstant));
    }

    @Test
    void theOtherFieldsAsAuditHasAlwaysChecked() {
        Entry g = Entries.valid("Node1", "fields");
        String tx = g.transaction();
        assertEquals("transaction is missing",
                Verifier.problem("Node1", null, g.nonce(), g.hash(), 1, g.timeTaken(), g.startTime(), g.endTime()));
        assertEquals("nonce is missing or not a whole number >= 0",
                Verifier.problem("Node1", tx, -1L, g.hash(), 1, g.timeTaken(), g.startTime(), g.endTime()));
        assertEquals("hash is not 64 lowercase hex digits", Verifier.problem("Node1", tx, g.nonce(),
                g.hash().toUpperCase(), 1, g.timeTaken(), g.startTime(), g.endTime()));
        assertEquals("time_taken is missing or negative", Verifier.problem("Node1", tx, g.nonce(), g.hash(), 1,
                g.timeTaken().negate().subtract(java.math.BigDecimal.ONE), g.startTime(), g.endTime()));
        assertEquals("start_time is not an ISO-8601 time with 6 fractional digits and an offset",
                Verifier.problem("Node1", tx, g.nonce(), g.hash(), 1, g.timeTaken(), "yesterday", g.endTime()));
        assertEquals("end_time is not an ISO-8601 time with 6 fractional digits and an offset",
                Verifier.problem("Node1", tx, g.nonce(), g.hash(), 1, g.timeTaken(), g.startTime(), null));
        assertEquals("entry is missing", Verifier.problem((Entry) null));
    }

    @Test
    void auditReportsWhatTheVerifierFinds() throws Exception {
        Path file = dir.resolve("ledger.json");
        Entry good = Entries.valid("Node1", "fine");
        Entry forged = Entries.valid("mallory/Node1\u001b[2J", "escape");
        Files.writeString(file, "[\n" + Ledger.json().writeValueAsString(good) + ",\n"
                + Ledger.json().writeValueAsString(forged) + "\n]\n");
        Audit.Report report = Audit.check(file);
        assertEquals(2, report.entries());
        assertEquals(List.of(new Audit.Problem(2, forged.node(), "escape", NODE_REASON)), report.problems());
    }
}
