package dev.powrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.powrace.attack.CatchUp;
import dev.powrace.ledger.Ledger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** bench-attack in this JVM: the real engine, a few attacks; and its refusals, in one line. */
@Timeout(180) // a hang, not a speed
class BenchAttackCommandTest {
    static final List<String> FIELDS = List.of("q", "z", "attacks", "successes", "p", "p_low", "p_high", "nakamoto",
            "rosenfeld");

    @Test
    void endsWithTheIssuesJsonLine() throws Exception {
        CliTest.Run r = CliTest.run("bench-attack", "--q", "0.1,0.3", "--z", "0-2", "--attacks", "200", "--seed",
                "cli-test", "--json");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        JsonNode o = Ledger.json().readTree(lines.get(lines.size() - 1));
        assertEquals(List.of("rows"), names(o));
        JsonNode rows = o.get("rows");
        assertEquals(6, rows.size());
        int i = 0;
        for (double q : new double[] {0.1, 0.3}) {
            for (int z = 0; z <= 2; z++) {
                JsonNode row = rows.get(i++);
                assertEquals(FIELDS, names(row), "exactly the issue's fields, in its order");
                assertEquals(q, row.get("q").asDouble());
                assertEquals(z, row.get("z").asInt());
                assertEquals(200, row.get("attacks").asInt());
                long s = row.get("successes").asLong();
                assertEquals(s / 200.0, row.get("p").asDouble());
                assertTrue(row.get("p_low").asDouble() <= row.get("p").asDouble()
                        && row.get("p").asDouble() <= row.get("p_high").asDouble(), row.toString());
                assertEquals(CatchUp.nakamoto(q, z), row.get("nakamoto").asDouble());
                assertEquals(CatchUp.rosenfeld(q, z), row.get("rosenfeld").asDouble());
                if (z == 0) {
                    assertEquals(200, s, "no confirmation: every attack succeeds");
                }
            }
        }
        assertTrue(r.out().contains("99% interval") && r.out().contains("Rosenfeld"), "the table: " + r.out());
        assertTrue(r.err().contains("] 100% 1,200/1,200 attacks"), "the progress bar on stderr: " + r.err());
        assertTrue(r.err().contains("given up 10 blocks behind at q = 0.1, 25 blocks behind at q = 0.3"), r.err());

        // the same seed mines the same blocks: the same table
        CliTest.Run again = CliTest.run("bench-attack", "--q", "0.1,0.3", "--z", "0-2", "--attacks", "200", "--seed",
                "cli-test", "--json", "--threads", "1");
        List<String> more = again.out().lines().toList();
        assertEquals(lines.get(lines.size() - 1), more.get(more.size() - 1));
    }

    @Test
    void badOptionsAreOneLineAndExitTwo() {
        String[][] cases = {
            {"--q", "0", "--q must be more than 0 and less than 1, not 0"},
            {"--q", "1", "--q must be more than 0 and less than 1, not 1"},
            {"--q", "0.3,1.5", "--q must be more than 0 and less than 1, not 1.5"},
            {"--q", "ten", "--q takes numbers such as 0.1,0.3, not 'ten'"},
            {"--q", "0.1234", "--q must be a multiple of 0.001"},
            {"--z", "5-2", "--z takes a number, a range such as 0-10"},
            {"--z", "0-", "--z takes a number, a range such as 0-10"},
            {"--z", "1-2-3", "--z takes a number, a range such as 0-10"},
            {"--z", "61", "--z takes a number, a range such as 0-10"},
            {"--attacks", "0", "--attacks must be 1 to 10000000, not 0"},
            {"--attacks", "-5", "--attacks must be 1 to 10000000, not -5"},
            {"--difficulty", "0", "--difficulty must be 1 to 8, not 0"},
        };
        for (String[] c : cases) {
            CliTest.Run r = CliTest.run("bench-attack", c[0], c[1]);
            assertEquals(2, r.code(), String.join(" ", c));
            assertEquals(1, r.err().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith("powrace: " + c[2]), r.err());
            assertTrue(r.out().isEmpty(), r.out());
        }
    }

    private static List<String> names(JsonNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
