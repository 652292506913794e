package dev.powrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.ledger.Audit;
import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.node.Client;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `serve` in a child process, driven the way a person drives it: started without --add-modules, so it also
 * covers the relaunch that loads the Vector API, and stopped with SIGTERM.
 */
class ServeProcessTest {
    @TempDir
    Path dir;

    static final String TS = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}[+-]\\d\\d:\\d\\d";

    @Test
    void serveRacesALineSentToEveryNodeAndPrintsOnlyStartEndAndWins() throws Exception {
        Path ledger = dir.resolve("ledger.json");
        Path out = dir.resolve("out.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--ports", "0,0,0", "--difficulty", "2", "--ledger", ledger.toString())
                .redirectOutput(out.toFile()).start();
        try {
            BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
            String banner = err.readLine();
            while (banner != null && !banner.startsWith("powrace: Node1")) { // the JVM's incubator notice comes first
                banner = err.readLine();
            }
            assertTrue(banner != null && banner.contains("engine simd"), "the relaunch loads the Vector API: " + banner);
            Matcher m = Pattern.compile("Node\\d on [^:]+:(\\d+)").matcher(banner);
            List<Integer> ports = new ArrayList<>();
            while (m.find()) {
                ports.add(Integer.parseInt(m.group(1)));
            }
            assertEquals(3, ports.size(), banner);

            String tx = "Your \"transaction\" data \u001b[2J";
            List<String> replies = ports.parallelStream().map(port -> Client.send("127.0.0.1", port, tx)).toList();
            replies.forEach(r -> assertTrue(r.startsWith("OK "), r));

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (Files.readString(out).lines().noneMatch(l -> l.contains(" wins "))) {
                assertTrue(System.nanoTime() < deadline, "no winner within 60 s");
                Thread.sleep(20);
            }
            Thread.sleep(300);
            List<String> lines = Files.readString(out, StandardCharsets.UTF_8).lines().toList();
            String quoted = Pattern.quote("\"Your \\\"transaction\\\" data \\x1b[2J\"");
            assertEquals(7, lines.size(), String.join("\n", lines));
            assertEquals(3, lines.stream().filter(l -> l.matches("Node\\d start " + TS + " " + quoted)).count());
            assertEquals(1, lines.stream().filter(l -> l.matches("Node\\d end " + TS + " " + quoted
                    + " found nonce=\\d+ hashes=\\d+ time=\\d+\\.\\d{9}s")).count(), String.join("\n", lines));
            assertEquals(2, lines.stream().filter(l -> l.matches("Node\\d end " + TS + " " + quoted
                    + " stopped hashes=\\d+ time=\\d+\\.\\d{9}s")).count(), String.join("\n", lines));
            assertEquals(1, lines.stream().filter(l -> l.matches("Node\\d wins " + quoted
                    + " nonce=\\d+ hash=0000[0-9a-f]{60} time=\\d+\\.\\d{9}s")).count());
            assertTrue(lines.stream().noneMatch(l -> l.indexOf('\u001b') >= 0), "no raw escape reaches the terminal");

            List<Entry> entries = Ledger.readAll(ledger);
            assertEquals(1, entries.size());
            assertEquals(tx, entries.get(0).transaction());
            assertTrue(Audit.check(ledger).valid());
        } finally {
            p.destroy(); // SIGTERM, as Ctrl-C's cousin: the shutdown hook stops the nodes
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "serve stops when asked");
        }
    }
}
