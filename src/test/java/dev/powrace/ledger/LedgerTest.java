package dev.powrace.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.pow.Puzzle;
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
import dev.powrace.testing.Entries;

class LedgerTest {
    @TempDir
    Path dir;

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
                Entry e = Entries.valid("Node" + (i % 3 + 1), "tx \"" + i + "\"\n\u001b[31m ✓");
                ledger.append(e);
                written.add(e);
                Audit.Report report = Audit.check(file);
                assertEquals(i + 1, report.entries(), "a valid array after append " + (i + 1));
                assertTrue(report.valid() && report.tornTail().isEmpty(), report.toString());
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
    void twoWritersInOneProcessLoseNothing() throws Exception {
        Path file = dir.resolve("ledger.json");
        try (Ledger a = Ledger.open(file); Ledger b = Ledger.open(file)) {
            Thread ta = new Thread(() -> appendMany(a, "Node1", 100));
            Thread tb = new Thread(() -> appendMany(b, "Node2", 100));
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
    void readersWhileTwoWritersAppendSeeOnlyWholeEntries() throws Exception {
        Path file = dir.resolve("ledger.json");
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        int reads = 0;
        try (Ledger a = Ledger.open(file); Ledger b = Ledger.open(file)) {
            List<Thread> writers = List.of(new Thread(() -> appendMany(a, "Node1", 300)), new Thread(() -> appendMany(b, "Node2", 300)));
            writers.forEach(t -> {
                t.setUncaughtExceptionHandler((th, e) -> failures.add(e));
                t.start();
            });
            Thread ending = new Thread(() -> {
                writers.forEach(t -> {
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                writing.set(false);
            });
            ending.start();
            long seen = 0;
            while (writing.get()) {
                List<Entry> entries = Ledger.readAll(file);
                Audit.Report report = Audit.check(file);
                assertTrue(report.valid() && report.tornTail().isEmpty(), report.toString());
                assertTrue(entries.size() >= seen && report.entries() >= entries.size(), seen + " " + entries.size());
                seen = report.entries();
                reads++;
            }
            ending.join();
        }
        assertEquals(List.of(), failures);
        assertEquals(600, Ledger.readAll(file).size());
        assertTrue(reads > 0);
    }

    @Test
    void twoProcessesShareOneLedger() throws Exception {
        Path file = dir.resolve("ledger.json");
        Files.writeString(file, "[]");
        List<Process> children = new ArrayList<>();
        for (String name : List.of("Node1", "Node2")) {
            children.add(new ProcessBuilder(javaBin(), "-cp", System.getProperty("java.class.path"),
                    LedgerWriter.class.getName(), file.toString(), name, "60")
                    .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start());
        }
        for (Process p : children) {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child finished");
            assertEquals(0, p.exitValue(), Files.readString(dir.resolve("Node1.log")) + Files.readString(dir.resolve("Node2.log")));
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
                ledger.append(Entries.valid(prefix, prefix + i));
            } catch (LedgerException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void auditNamesBadEntries() throws Exception {
        Path file = dir.resolve("ledger.json");
        Entry good = Entries.valid("Node1", "good");
        String goodJson = Ledger.json().writeValueAsString(good);
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
    void readingAnEntryOfTheWrongShapeNamesItWhileVerifyChecksTheRest() throws Exception {
        Path file = dir.resolve("ledger.json");
        String good = Ledger.json().writeValueAsString(Entries.valid("Node1", "good"));
        Files.writeString(file, "[\n" + good + ",\n" + good.replaceFirst("\"nonce\":\\d+", "\"nonce\":\"many\"") + "\n]\n");
        LedgerException e = assertThrows(LedgerException.class, () -> Ledger.readAll(file));
        assertTrue(e.getMessage().contains("has an entry that can't be read at line 3"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        Audit.Report report = Audit.check(file);
        assertEquals(2, report.entries());
        assertEquals(List.of(2L), report.problems().stream().map(Audit.Problem::index).toList());
    }

    @Test
    void timestampsHaveSixFractionalDigitsAndAnOffset() {
        String t = Timestamps.format(Instant.parse("2026-11-25T10:03:42.123456789Z"));
        assertTrue(t.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}[+-]\\d\\d:\\d\\d"), t);
        assertTrue(t.contains(".123456"), t);
        assertEquals(Instant.parse("2026-11-25T10:03:42.123456Z"), Timestamps.parse(t).orElseThrow());
        assertTrue(Timestamps.parse("2026-11-25T10:03:42.123+00:00").isEmpty());
    }

    @Test
    void timestampsAreReadExactlyAndOnlyInTheLedgersShape() {
        // Offsets either side of UTC, the date line and the epoch, to the microsecond.
        assertEquals(Instant.parse("2026-11-25T15:33:42.123456Z"),
                Timestamps.parse("2026-11-25T10:03:42.123456-05:30").orElseThrow());
        assertEquals(Instant.parse("2026-11-24T20:03:42.000001Z"),
                Timestamps.parse("2026-11-25T10:03:42.000001+14:00").orElseThrow());
        assertEquals(-1, Timestamps.epochMicros("1969-12-31T23:59:59.999999+00:00"));
        assertEquals(1_000_000L * 1_764_065_022L + 654_321,
                Timestamps.epochMicros("2025-11-25T10:03:42.654321+00:00"));
        for (String bad : new String[] {"2026-11-25 10:03:42.123456+00:00", "2026-11-25T10:03:42.123456Z",
                "2026-13-25T10:03:42.123456+00:00", "2026-02-30T10:03:42.123456+00:00", "2026-11-25T24:03:42.123456+00:00",
                "2026-11-25T10:03:42.12345x+00:00", "2026-11-25T10:03:42.123456+19:00", "2026-11-25T10:03:42.123456+00:60",
                "2026-11-25T10:03:42.123456*00:00", "", null}) {
            assertEquals(Long.MIN_VALUE, Timestamps.epochMicros(bad), bad);
            assertTrue(Timestamps.parse(bad).isEmpty(), bad);
        }
    }

    /** Where hard links are not allowed (FAT, exFAT, VM shared folders), a new ledger is created all the same. */
    @Test
    void aNewLedgerIsCreatedWhereHardLinksAreNotAllowed() throws Exception {
        List<java.io.IOException> refusals = List.of(
                new java.nio.file.FileSystemException("ledger.json", null, "Operation not permitted"),
                new java.io.IOException("Operation not permitted"));
        int i = 0;
        for (Object refusal : List.of(refusals.get(0), refusals.get(1), new UnsupportedOperationException("links"))) {
            Path folder = Files.createDirectory(dir.resolve("fat-" + i++));
            Path file = folder.resolve("ledger.json");
            try (Ledger ledger = Ledger.open(file, LedgerTest::channel, noLinks(refusal, null))) {
                assertEquals(0, ledger.size());
                ledger.append(Entries.valid("Node1", "on FAT"));
            }
            assertEquals(1, Ledger.readAll(file).size(), refusal.toString());
            try (var files = Files.list(folder)) {
                assertEquals(List.of(file), files.toList(), "no temporary file is left");
            }
        }
    }

    /** The fallback never replaces a ledger that another process created meanwhile. */
    @Test
    void theFallbackNeverReplacesALedgerThatAppearedMeanwhile() throws Exception {
        Path file = dir.resolve("ledger.json");
        String theirs = "[\n{\"node\":\"theirs\"}\n]\n";
        try (Ledger ledger = Ledger.open(file, LedgerTest::channel,
                noLinks(new java.nio.file.FileSystemException("ledger.json", null, "Operation not permitted"),
                        () -> Files.writeString(file, theirs)))) {
            assertEquals(1, ledger.size());
        }
        assertEquals(theirs, Files.readString(file));
    }

    private static java.nio.channels.FileChannel channel(Path p, boolean write) throws java.io.IOException {
        return write ? java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)
                : java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.READ);
    }

    @FunctionalInterface
    interface Meanwhile {
        void run() throws java.io.IOException;
    }

    /** File operations where linking fails with {@code refusal}, after {@code meanwhile} runs. */
    private static Ledger.FileOps noLinks(Object refusal, Meanwhile meanwhile) {
        return new Ledger.FileOps() {
            @Override
            public void link(Path link, Path existing) throws java.io.IOException {
                if (meanwhile != null) {
                    meanwhile.run();
                }
                if (refusal instanceof java.io.IOException e) {
                    throw e;
                }
                throw (RuntimeException) refusal;
            }

            @Override
            public java.nio.channels.FileChannel createNew(Path path) throws java.io.IOException {
                return Ledger.FileOps.REAL.createNew(path);
            }
        };
    }
}
