package dev.powrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** bench-race in this JVM: the real referee, nodes and engine; and its refusals, in one line. */
@Timeout(120) // a hang, not a speed
class BenchRaceCommandTest {
    @TempDir
    Path dir;

    static final List<String> FIELDS = List.of("node", "power", "joined", "wins", "win_share", "win_share_low",
            "win_share_high", "hash_share", "hashes_per_second");

    @Test
    void difficultyOneWithThreePowersEndsWithAWellFormedLine() throws Exception {
        Path here = Path.of("ledger.json").toAbsolutePath();
        boolean existed = Files.exists(here);
        long modified = existed ? Files.getLastModifiedTime(here).toMillis() : 0;

        CliTest.Run r = CliTest.run("bench-race", "--races", "20", "--difficulty", "1", "--power", "100,50,25", "--json");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        JsonNode o = Ledger.json().readTree(lines.get(lines.size() - 1));
        assertEquals(List.of("races", "difficulty", "nodes", "chi_square_p", "mean_luck"),
                fieldNames(o).subList(0, 5), "the fields the issue names, first and in its order");
        assertEquals(20, o.get("races").asInt());
        assertEquals(1, o.get("difficulty").asInt());
        JsonNode nodes = o.get("nodes");
        assertEquals(3, nodes.size());
        int wins = 0;
        long hashed = 0;
        int[] powers = {100, 50, 25};
        for (int i = 0; i < 3; i++) {
            JsonNode n = nodes.get(i);
            assertEquals(FIELDS, fieldNames(n));
            assertEquals("Node" + (i + 1), n.get("node").asText());
            assertEquals(powers[i], n.get("power").asInt());
            assertTrue(n.get("joined").asInt() <= 20);
            wins += n.get("wins").asInt();
            if (n.get("joined").asInt() > 0) {
                double low = n.get("win_share_low").asDouble();
                double share = n.get("win_share").asDouble();
                double high = n.get("win_share_high").asDouble();
                assertTrue(0 <= low && low <= share && share <= high && high <= 1, n.toString());
                // at difficulty 1 a throttled node can come late to every race (won before its thread began):
                // it is in them with no hashes, so its shares and rate may be 0, but never one without the other
                double hashShare = n.get("hash_share").asDouble();
                long rate = n.get("hashes_per_second").asLong();
                assertTrue(hashShare >= 0 && hashShare <= 1 && rate >= 0, n.toString());
                assertEquals(rate > 0, hashShare > 0, n.toString());
                hashed += rate;
            }
        }
        assertTrue(hashed > 0, "some node hashed");
        assertEquals(20, wins, "every race has one winner");
        assertTrue(o.get("mean_luck").isNumber() && o.get("mean_luck").asDouble() > 0, o.toString());
        assertTrue(o.get("chi_square_p").isNull() || o.get("chi_square_p").asDouble() >= 0, o.toString());
        assertTrue(r.out().contains("win share (95%)"), "the table: " + r.out());
        assertTrue(r.err().contains("bench-race: 20/20 races"), "progress on stderr: " + r.err());

        assertEquals(existed, Files.exists(here), "./ledger.json is never written");
        if (existed) {
            assertEquals(modified, Files.getLastModifiedTime(here).toMillis(), "./ledger.json is never written");
        }
    }

    @Test
    void theWinnersAreKeptWithLedger() throws Exception {
        Path ledger = dir.resolve("kept.json");
        CliTest.Run r = CliTest.run("bench-race", "--races", "3", "--difficulty", "1", "--nodes", "2", "--ledger",
                ledger.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("bench-race #1", "bench-race #2", "bench-race #3"),
                Ledger.readAll(ledger).stream().map(Entry::transaction).toList());
        assertFalse(r.out().contains("{\""), "no JSON without --json");
    }

    @Test
    void badOptionsAreRefusedInOneLine() {
        refused(CliTest.run("bench-race", "--power", "100,50", "--nodes", "3"),
                "--power needs one value per node: 3 nodes, 2 values given");
        refused(CliTest.run("bench-race", "--power", "100,0,25"), "--power must be 1 to 100 percent per node, not 0");
        refused(CliTest.run("bench-race", "--races", "0"), "--races must be 1 to");
        refused(CliTest.run("bench-race", "--difficulty", "9"), "--difficulty must be 1 to 8, not 9");
        refused(CliTest.run("bench-race", "--nodes", "17"), "--nodes must be 1 to 16, not 17");
    }

    /** serve (and the app, which shares its options) take --power too, checked before anything starts. */
    @Test
    void serveChecksPowerBeforeAnythingStarts() {
        String ledger = dir.resolve("l.json").toString();
        refused(CliTest.run("serve", "--ports", "0,0,0", "--ledger", ledger, "--power", "100,50"),
                "--power needs one value per node: 3 nodes, 2 values given");
        refused(CliTest.run("serve", "--ports", "0", "--ledger", ledger, "--power", "101"),
                "--power must be 1 to 100 percent per node, not 101");
        assertFalse(Files.exists(dir.resolve("l.json")), "nothing started");
    }

    static void refused(CliTest.Run r, String message) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().lines().findFirst().orElse("").contains(message), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    static List<String> fieldNames(JsonNode o) {
        List<String> names = new java.util.ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
