package dev.powrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.powrace.ledger.Ledger;
import dev.powrace.testing.Serve;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar's bench-race, run as a user runs it, in a folder of its own. */
class BenchRaceIT {
    @TempDir
    Path dir;

    @Test
    void thePackagedJarRunsRacesAndEndsWithItsJsonLine() throws Exception {
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(Serve.javaBin(), "-jar", Serve.jar().toAbsolutePath().toString(), "bench-race",
                "--races", "30", "--difficulty", "2", "--power", "100,50,25", "--json")
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "bench-race hung"); // a hang, not a speed
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), stderr);
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        JsonNode o = Ledger.json().readTree(lines.get(lines.size() - 1));
        assertEquals(30, o.get("races").asInt());
        assertEquals(2, o.get("difficulty").asInt());
        assertEquals(3, o.get("nodes").size());
        int wins = 0;
        for (JsonNode n : o.get("nodes")) {
            wins += n.get("wins").asInt();
        }
        assertEquals(30, wins);
        assertTrue(o.get("chi_square_p").isNumber(), o.toString());
        assertTrue(stderr.contains("bench-race: 30/30 races"), stderr);
        assertFalse(Files.exists(dir.resolve("ledger.json")), "no ledger.json where it runs");
    }
}
