package dev.powrace.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.pow.Puzzle;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {
    @TempDir
    Path dir;

    static Entry entry(String node, String tx) {
        long nonce = 0;
        while (!Puzzle.isSolution(tx, nonce, 1)) {
            nonce++;
        }
        String now = Timestamps.format(Instant.now());
        return new Entry(node, tx, nonce, Puzzle.hash(tx, nonce), 1, Entry.seconds(1234), now, now, nonce + 1);
    }

    @Test
    void missingFileIsCreatedAsAnEmptyArray() throws Exception {
        Path file = dir.resolve("ledger.json");
        try (Ledger ledger = Ledger.open(file)) {
            assertEquals(0, ledger.size());
        }
        assertEquals("[]", Files.readString(file).trim());
    }

    @Test
    void appendsAreValidJsonAfterEveryStepAndReadBack() throws Exception {
        Path file = dir.resolve("ledger.json");
        Files.writeString(file, "[]");
        List<Entry> written = new ArrayList<>();
        try (Ledger ledger = Ledger.open(file)) {
            for (int i = 0; i < 5; i++) {
                Entry e = entry("Node" + (i % 3 + 1), "tx \"" + i + "\"\n\u001b[31m ✓");
                ledger.append(e);
                written.add(e);
                assertEquals(i + 1, Ledger.countEntries(file), "a valid array after append " + (i + 1));
            }
            assertEquals(5, ledger.size());
        }
        assertEquals(written, Ledger.readAll(file));
        String text = Files.readString(file);
        assertTrue(text.contains("\"time_taken\":0.000001234"), text);
        assertEquals(7, text.lines().count(), "one entry per line between the brackets");
        assertTrue(Audit.check(file).valid());
    }

    @Test
    void aCorruptLedgerIsRefusedAndLeftUnchanged() throws Exception {
        Path file = dir.resolve("ledger.json");
        String[] bad = {"", "{}", "[1, 2]", "[{\"node\":\"Node1\"} {}]", "[{}]]", "not json"};
        for (String content : bad) {
            Files.writeString(file, content);
            byte[] before = Files.readAllBytes(file);
            LedgerException e = assertThrows(LedgerException.class, () -> Ledger.open(file), content);
            assertTrue(e.getMessage().startsWith(file.toAbsolutePath().toString()), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(file), "unchanged: " + content);
        }
        // A damaged entry in the middle is not a torn tail: refused too.
        Files.writeString(file, "[\n{\"a\":1},\n{\"a\":\n{\"a\":3}\n]\n");
        byte[] before = Files.readAllBytes(file);
        assertThrows(LedgerException.class, () -> Ledger.open(file));
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void aTornLastLineIsRepairedWithACopyKept() throws Exception {
        Path file = dir.resolve("ledger.json");
        try (Ledger ledger = Ledger.open(file)) {
            ledger.append(entry("Node1", "one"));
            ledger.append(entry("Node2", "two"));
        }
        String whole = Files.readString(file);
        // Every way an interrupted third append can leave the file.
        String third = ",\n" + Ledger.JSON.writeValueAsString(entry("Node3", "three")) + "\n]\n";
        String base = whole.substring(0, whole.lastIndexOf('}') + 1);
        for (int cut = 1; cut < third.length() - 1; cut++) {
            String torn = base + third.substring(0, cut);
            Files.writeString(file, torn);
            try (Ledger ledger = Ledger.open(file)) {
                boolean thirdWhole = cut >= third.length() - 3;
                assertEquals(thirdWhole ? 3 : 2, ledger.size(), "cut at " + cut);
                assertTrue(ledger.repairNote().isPresent());
            }
            List<Entry> entries = Ledger.readAll(file);
            assertEquals("two", entries.get(1).transaction());
            assertTrue(Audit.check(file).valid());
        }
        try (var copies = Files.list(dir)) {
            assertTrue(copies.anyMatch(p -> p.getFileName().toString().startsWith("ledger.json.damaged-")));
        }
        // Zero-filled tail, as a power cut can leave on some file systems.
        Files.writeString(file, base + ",\n{\"node\":\"Nod");
        Files.write(file, new byte[64], java.nio.file.StandardOpenOption.APPEND);
        try (Ledger ledger = Ledger.open(file)) {
            assertEquals(2, ledger.size());
        }
    }

    @Test
    void twoWritersInOneProcessLoseNothing() throws Exception {
        Path file = dir.resolve("ledger.json");
        try (Ledger a = Ledger.open(file); Ledger b = Ledger.open(file)) {
            Thread ta = new Thread(() -> appendMany(a, "A", 100));
            Thread tb = new Thread(() -> appendMany(b, "B", 100));
            ta.start();
            tb.start();
            ta.join();
            tb.join();
        }
        List<Entry> entries = Ledger.readAll(file);
        assertEquals(200, entries.size());
        assertEquals(200, entries.stream().map(Entry::transaction).collect(Collectors.toSet()).size());
    }

    @Test
    void twoProcessesShareOneLedger() throws Exception {
        Path file = dir.resolve("ledger.json");
        Files.writeString(file, "[]");
        List<Process> children = new ArrayList<>();
        for (String name : List.of("P1", "P2")) {
            children.add(new ProcessBuilder(javaBin(), "-cp", System.getProperty("java.class.path"),
                    LedgerWriter.class.getName(), file.toString(), name, "60")
                    .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start());
        }
        for (Process p : children) {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child finished");
            assertEquals(0, p.exitValue(), Files.readString(dir.resolve("P1.log")) + Files.readString(dir.resolve("P2.log")));
        }
        List<Entry> entries = Ledger.readAll(file);
        Set<String> txs = new HashSet<>();
        entries.forEach(e -> txs.add(e.transaction()));
        assertEquals(120, entries.size());
        assertEquals(120, txs.size());
        assertTrue(Audit.check(file).valid());
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void appendMany(Ledger ledger, String prefix, int n) {
        for (int i = 0; i < n; i++) {
            try {
                ledger.append(entry(prefix, prefix + i));
            } catch (LedgerException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void auditNamesBadEntries() throws Exception {
        Path file = dir.resolve("ledger.json");
        Entry good = entry("Node1", "good");
        String goodJson = Ledger.JSON.writeValueAsString(good);
        String wrongHash = goodJson.replace(good.hash(), "00" + good.hash().substring(2, 63) + "f");
        String badTime = goodJson.replace("\"start_time\":\"", "\"start_time\":\"x");
        Files.writeString(file, "[" + goodJson + "," + wrongHash + "," + badTime + "]", StandardCharsets.UTF_8);
        Audit.Report report = Audit.check(file);
        assertEquals(3, report.entries());
        assertEquals(List.of(2L, 3L), report.problems().stream().map(Audit.Problem::index).toList());
        assertTrue(report.problems().get(0).reason().contains("sha256"));
        assertTrue(report.problems().get(1).reason().contains("start_time"));
    }

    @Test
    void timestampsHaveSixFractionalDigitsAndAnOffset() {
        String t = Timestamps.format(Instant.parse("2026-11-25T10:03:42.123456789Z"));
        assertTrue(t.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}[+-]\\d\\d:\\d\\d"), t);
        assertTrue(t.contains(".123456"), t);
        assertEquals(Instant.parse("2026-11-25T10:03:42.123456Z"), Timestamps.parse(t).orElseThrow());
        assertTrue(Timestamps.parse("2026-11-25T10:03:42.123+00:00").isEmpty());
        assertTrue(new File(".").exists());
    }
}
