package dev.powrace.ledger;

import dev.powrace.testing.Entries;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ledger torn anywhere in its last append is repaired by structure, at the next open and at the next append
 * of another writer; anything else malformed is refused and left alone.
 */
class LedgerRepairTest {
    /** The transaction of issue 8: JSON-like text, brackets, braces, quotes and a backslash. */
    static final String TRICKY = "tricky ] } ] {\"a\":\"]\"} \\ \"q\" ] end";

    @TempDir
    Path dir;

    private int cases;

    /** How a crash can leave an append that wrote only its first {@code k} bytes. */
    enum Tear {
        /** The file ends after them. */
        PREFIX,
        /** The old end that the append was writing over is still there after them (the file did not grow). */
        OVERLAY,
        /** The file grew to its full new length, the rest zero bytes. */
        ZEROS
    }

    /**
     * A ledger as Ledger writes it: {@code two} with the first two entries, {@code three} with the last appended,
     * and {@code record}, what that append wrote over the last three bytes of {@code two}.
     */
    private record Fixture(List<Entry> first, Entry last, byte[] two, byte[] three, byte[] record) {
        Fixture(List<Entry> first, Entry last, byte[] two, byte[] three) {
            this(first, last, two, three, Arrays.copyOfRange(three, two.length - 3, three.length));
        }

        int at() {
            return two.length - 3; // where the third append starts writing: over the "\n]\n"
        }

        byte[] torn(int k, Tear how) {
            return switch (how) {
                case PREFIX -> concat(Arrays.copyOf(two, at()), Arrays.copyOf(record, k));
                case OVERLAY -> {
                    byte[] out = Arrays.copyOf(two, Math.max(two.length, at() + k));
                    System.arraycopy(record, 0, out, at(), k);
                    yield out;
                }
                case ZEROS -> concat(Arrays.copyOf(two, at()), Arrays.copyOf(record, k), new byte[record.length - k]);
            };
        }
    }

    private Fixture fixture(String lastTransaction) throws Exception {
        Path file = dir.resolve("fixture.json");
        List<Entry> first = List.of(Entries.valid("Node1", "one ] }\""), Entries.valid("Node2", "two {\"a\":[}"));
        Entry last = Entries.valid("Node3", lastTransaction);
        byte[] two;
        try (Ledger ledger = Ledger.open(file)) {
            for (Entry e : first) {
                ledger.append(e);
            }
            two = Files.readAllBytes(file);
            ledger.append(last);
        }
        byte[] three = Files.readAllBytes(file);
        Files.delete(file);
        assertArrayEquals(Arrays.copyOf(two, two.length - 3), Arrays.copyOf(three, two.length - 3));
        return new Fixture(first, last, two, three);
    }

    /**
     * Where the many-case tests write: a tmpfs when there is one, where fsync costs nothing (these tests are about
     * the file's structure; a test can't observe durability anyway), else the temporary folder.
     */
    private Path scratch;

    @BeforeEach
    void scratch() throws IOException {
        cases = 0;
        Path shm = Path.of("/dev/shm");
        scratch = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "powrace-ledger-test")
                : dir;
    }

    @AfterEach
    void removeScratch() throws IOException {
        if (!scratch.equals(dir)) {
            try (Stream<Path> files = Files.walk(scratch)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    void everyCutOfATrickyLastEntryIsRepairedAtOpen() throws Exception {
        Fixture f = fixture(TRICKY);
        assertTrue(new String(f.record, StandardCharsets.UTF_8).contains(Ledger.json().writeValueAsString(TRICKY)));
        for (int k = 0; k <= f.record.length; k++) {
            openAfterTear(f, k, Tear.PREFIX);
            openAfterTear(f, k, Tear.ZEROS);
        }
        for (int k = 1; k < 3; k++) {
            openAfterTear(f, k, Tear.OVERLAY); // from 3 on, the same as PREFIX
        }
        assertEquals(2 * (f.record.length + 1) + 2, cases);
    }

    @Test
    void everyCutOfATrickyLastEntryIsRepairedByTheNextAppendOfAnotherWriter() throws Exception {
        Fixture f = fixture(TRICKY);
        for (int k = 0; k <= f.record.length; k++) {
            appendAfterTear(f, k, Tear.PREFIX, true);
            appendAfterTear(f, k, Tear.ZEROS, true);
        }
        for (int k = 1; k < 3; k++) {
            appendAfterTear(f, k, Tear.OVERLAY, true);
        }
        for (int k = 0; k <= f.record.length; k += 7) {
            appendAfterTear(f, k, Tear.PREFIX, false); // the second writer opened before any entry was written
        }
        assertTrue(cases > 2 * f.record.length, "cases: " + cases);
    }

    /** 64 KiB of text that escaping inflates: control characters, quotes, backslashes, brackets, multi-byte UTF-8. */
    static String largeTransaction() {
        StringBuilder unit = new StringBuilder();
        for (char c = 1; c < 0x20; c++) {
            if (c != '\n') {
                unit.append(c).append(c);
            }
        }
        unit.append("\"\\]}{[\"\\ \u2713 \uD83D\uDE00 ");
        StringBuilder tx = new StringBuilder();
        while (tx.toString().getBytes(StandardCharsets.UTF_8).length + unit.toString().getBytes(StandardCharsets.UTF_8).length
                <= 65_536) {
            tx.append(unit);
        }
        while (tx.toString().getBytes(StandardCharsets.UTF_8).length < 65_536) {
            tx.append('"');
        }
        return tx.toString();
    }

    @Test
    void cutsAllThroughALargeEntryAreRepaired() throws Exception {
        String tx = largeTransaction();
        assertEquals(65_536, tx.getBytes(StandardCharsets.UTF_8).length);
        Fixture f = fixture(tx);
        int n = f.record.length;
        assertTrue(n > 300_000, "escaping inflates the entry to " + n + " bytes");
        // Every cut in the first 4 KiB (every kind of escape, cut at each of its bytes, several times over) and the
        // last 1 KiB (the fields after the transaction), and every 97th between: the walk finds the tear and where
        // to cut. In memory, on every core. Zeros after a sample of those cuts.
        List<Integer> cuts = IntStream.rangeClosed(0, n).filter(k -> k < 4096 || k > n - 1024 || k % 97 == 0).boxed()
                .toList();
        cuts.parallelStream().forEach(k -> walkAfterTear(f, k, Tear.PREFIX));
        cuts.parallelStream().filter(k -> k % 485 == 0 || k > n - 100).forEach(k -> walkAfterTear(f, k, Tear.ZEROS));
        // And through files, with the repair, the copy, the audit and a new append, at a sample of those cuts.
        for (int i = 0; i < cuts.size(); i += 499) {
            openAfterTear(f, cuts.get(i), i % 2 == 0 ? Tear.PREFIX : Tear.ZEROS);
        }
        for (int k : List.of(1, 2, 3, 1000, n / 2, n - 4, n - 3, n - 2, n - 1)) {
            openAfterTear(f, k, Tear.ZEROS);
            appendAfterTear(f, k, Tear.PREFIX, true);
        }
    }

    /** Walks the torn file in memory: it is torn unless whole, and the cut falls after the last complete entry. */
    private static void walkAfterTear(Fixture f, int k, Tear how) {
        byte[] torn = f.torn(k, how);
        boolean complete = k >= f.record.length - 3;
        byte[] after = complete ? f.three() : f.two();
        String what = "cut at " + k + " " + how;
        try {
            ObjectArray.Walk walk = ObjectArray.walk(ObjectArray.Source.of(torn), 0, ObjectArray.From.START,
                    ObjectArray.SKIP);
            assertEquals(complete ? 3 : 2, walk.objects(), what);
            assertEquals(after.length - 3, walk.end(), what);
            assertEquals(!isWhole(torn, after), walk.torn(), what);
        } catch (IOException | ObjectArray.Malformed e) {
            throw new AssertionError(what, e);
        }
    }

    /** Whether {@code bytes} is {@code file} or {@code file} without its last newline: a whole ledger either way. */
    private static boolean isWhole(byte[] bytes, byte[] file) {
        return Arrays.equals(bytes, file) || Arrays.equals(bytes, Arrays.copyOf(file, file.length - 1));
    }

    /** Writes the torn file, opens it, and checks the repair, the copy, the entries, the audit and a new append. */
    private void openAfterTear(Fixture f, int k, Tear how) throws Exception {
        String what = "cut after " + k + " of " + f.record.length + " bytes, " + how;
        Path folder = Files.createDirectory(scratch.resolve("open-" + how + "-" + k));
        Path file = folder.resolve("ledger.json");
        byte[] torn = f.torn(k, how);
        Files.write(file, torn);
        boolean complete = k >= f.record.length - 3;
        List<Entry> expected = new ArrayList<>(f.first());
        if (complete) {
            expected.add(f.last());
        }
        byte[] after = complete ? f.three() : f.two();
        boolean whole = isWhole(torn, after);
        try (Ledger ledger = Ledger.open(file)) {
            assertEquals(expected.size(), ledger.size(), what);
            assertEquals(!whole, ledger.repairNote().isPresent(), what + ": " + ledger.repairNote());
            assertArrayEquals(whole ? torn : after, Files.readAllBytes(file), what);
            assertEquals(whole || torn.length == after.length - 3 ? List.of() : List.of(torn.length - (after.length - 3)),
                    damagedCopies(folder, tornTail(torn, after)), what);
            Audit.Report report = Audit.check(file);
            assertEquals(expected.size(), report.entries(), what);
            assertTrue(report.valid() && report.tornTail().isEmpty(), what + ": " + report);
            assertEquals(expected, Ledger.readAll(file), what);
            Entry next = Entries.valid("Node1", "after the repair");
            assertEquals(Optional.empty(), ledger.append(next), what);
            expected.add(next);
        }
        assertEquals(expected, Ledger.readAll(file), what);
        assertTrue(Audit.check(file).valid(), what);
        delete(folder);
        cases++;
    }

    /**
     * Writer A appended the two entries, then tore its third append; writer B, which opened the same file before
     * (after the entries if {@code bOpenedLate}), appends: it repairs under the lock, and its entry is kept.
     */
    private void appendAfterTear(Fixture f, int k, Tear how, boolean bOpenedLate) throws Exception {
        String what = "cut after " + k + " of " + f.record.length + " bytes, " + how + (bOpenedLate ? "" : ", B early");
        Path folder = Files.createDirectory(scratch.resolve("append-" + how + "-" + k + "-" + bOpenedLate));
        Path file = folder.resolve("ledger.json");
        Ledger a = Ledger.open(file);
        Ledger b = bOpenedLate ? null : Ledger.open(file);
        for (Entry e : f.first()) {
            a.append(e);
        }
        if (b == null) {
            b = Ledger.open(file);
        }
        assertArrayEquals(f.two(), Files.readAllBytes(file));
        byte[] torn = f.torn(k, how);
        tear(file, torn); // as A, killed during its third append
        boolean complete = k >= f.record.length - 3;
        List<Entry> expected = new ArrayList<>(f.first());
        if (complete) {
            expected.add(f.last());
        }
        byte[] after = complete ? f.three() : f.two();
        boolean whole = isWhole(torn, after);
        Entry fromB = Entries.valid("Node2", "B after the tear");
        Optional<String> note = b.append(fromB);
        expected.add(fromB);
        assertEquals(!whole, note.isPresent(), what + ": " + note);
        note.ifPresent(n -> assertEquals(1, n.lines().count(), n));
        assertEquals(whole || torn.length == after.length - 3 ? List.of() : List.of(torn.length - (after.length - 3)),
                damagedCopies(folder, tornTail(torn, after)), what);
        assertEquals(expected, Ledger.readAll(file), what);
        assertEquals(expected.size(), b.size(), what);
        Audit.Report report = Audit.check(file);
        assertTrue(report.valid() && report.tornTail().isEmpty(), what + ": " + report);
        // A goes on too.
        Entry fromA = Entries.valid("Node1", "A again");
        assertEquals(Optional.empty(), a.append(fromA), what);
        expected.add(fromA);
        assertEquals(expected, Ledger.readAll(file), what);
        assertEquals(expected.size(), a.size(), what);
        assertTrue(Audit.check(file).valid(), what);
        a.close();
        b.close();
        delete(folder);
        cases++;
    }

    /** Replaces the file's bytes in place, under its lock, as an append in another process would write them. */
    private static void tear(Path file, byte[] bytes) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.truncate(0);
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                c.write(b);
            }
        }
    }

    /** What a repair drops, and keeps in the .damaged-* file: the bytes after the last complete entry. */
    private static byte[] tornTail(byte[] torn, byte[] after) {
        return Arrays.copyOfRange(torn, after.length - 3, torn.length);
    }

    /** The sizes of the torn tails kept beside the ledger, each checked to be {@code torn} byte for byte. */
    private static List<Integer> damagedCopies(Path folder, byte[] torn) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> copies = files.filter(p -> p.getFileName().toString().startsWith("ledger.json.damaged-")).toList();
            List<Integer> sizes = new ArrayList<>();
            for (Path copy : copies) {
                assertArrayEquals(torn, Files.readAllBytes(copy), copy.toString());
                sizes.add((int) Files.size(copy));
            }
            return sizes;
        }
    }

    /** Keeping the torn tail fails as on a full disk, halfway through: at open, and at another writer's append. */
    @Test
    void aTornTailThatCantBeKeptOnAFullDiskLeavesNoPartialCopyAndTheLedgerAsItWas() throws Exception {
        Fixture f = fixture(largeTransaction());
        byte[] torn = f.torn(f.record.length / 2, Tear.PREFIX);
        Ledger.FileOps full = new Ledger.FileOps() {
            @Override
            public void link(Path link, Path existing) throws IOException {
                Ledger.FileOps.REAL.link(link, existing);
            }

            @Override
            public FileChannel createNew(Path path) throws IOException {
                dev.powrace.resilience.FailingChannel c = new dev.powrace.resilience.FailingChannel(
                        Ledger.FileOps.REAL.createNew(path));
                c.full = true;
                return c;
            }
        };
        Path file = dir.resolve("ledger.json");
        // At open.
        Files.write(file, torn);
        LedgerException e = assertThrows(LedgerException.class, () -> Ledger.open(file, (p, w) -> w
                ? FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(p, StandardOpenOption.READ), full).close());
        checkFullDiskMessage(e, file);
        assertArrayEquals(torn, Files.readAllBytes(file), "the ledger is left as it was");
        assertEquals(0, countDamaged(dir), "no partial copy is left");
        // At an append of another writer that shares the file.
        Files.writeString(file, "[]\n");
        try (Ledger b = Ledger.open(file, (p, w) -> FileChannel.open(p, StandardOpenOption.READ,
                StandardOpenOption.WRITE), full)) {
            tear(file, torn);
            e = assertThrows(LedgerException.class, () -> b.append(Entries.valid("Node2", "B")));
            checkFullDiskMessage(e, file);
            assertArrayEquals(torn, Files.readAllBytes(file), "the ledger is left as it was");
            assertEquals(0, countDamaged(dir), "no partial copy is left");
        }
        // With space again, the next open repairs it and keeps the tail.
        try (Ledger ledger = Ledger.open(file)) {
            assertEquals(2, ledger.size());
            assertTrue(ledger.repairNote().isPresent());
        }
        assertEquals(List.of(torn.length - f.at()), damagedCopies(dir, Arrays.copyOfRange(torn, f.at(), torn.length)));
    }

    private static void checkFullDiskMessage(LedgerException e, Path file) {
        String m = e.getMessage();
        assertEquals(1, m.lines().count(), m);
        assertTrue(m.startsWith(file.toString()), m);
        assertFalse(m.contains("can't be read"), m);
        assertTrue(m.contains("No space left on device") && m.contains("not repaired"), m);
    }

    @Test
    void zeroBytesAfterAWholeLedgerOrAfterACutAreATear() throws Exception {
        Fixture f = fixture(TRICKY);
        byte[] zeros = new byte[20_000];
        // A whole ledger, then zeros: nothing is lost, the zeros go.
        Path file = dir.resolve("ledger.json");
        Files.write(file, concat(f.three(), zeros));
        try (Ledger ledger = Ledger.open(file)) {
            assertEquals(3, ledger.size());
            assertTrue(ledger.repairNote().orElseThrow().contains("20003 bytes"), ledger.repairNote().orElseThrow());
        }
        assertArrayEquals(f.three(), Files.readAllBytes(file));
        // Cut inside the transaction's escapes, then zeros; and zeros only after the opening bracket.
        String record = new String(f.record, StandardCharsets.UTF_8);
        int inEscape = record.indexOf("\\\\") + 1;
        Files.write(file, concat(Arrays.copyOf(f.two(), f.at()), Arrays.copyOf(f.record, inEscape), zeros));
        try (Ledger ledger = Ledger.open(file)) {
            assertTrue(ledger.repairNote().isPresent());
            assertEquals(2, ledger.size());
        }
        assertArrayEquals(f.two(), Files.readAllBytes(file));
        Files.write(file, concat("[".getBytes(StandardCharsets.US_ASCII), zeros));
        try (Ledger ledger = Ledger.open(file)) {
            assertTrue(ledger.repairNote().isPresent());
            assertEquals(0, ledger.size());
        }
        assertEquals("[\n]\n", Files.readString(file));
    }

    @Test
    void aTornReadOnlyLedgerOpensWithItsCompleteEntriesAndIsNotChanged() throws Exception {
        Fixture f = fixture(TRICKY);
        Path file = dir.resolve("ledger.json");
        byte[] torn = f.torn(f.record.length / 2, Tear.PREFIX);
        Files.write(file, torn);
        try (Ledger ledger = Ledger.open(file, (p, write) -> {
            if (write) {
                throw new AccessDeniedException(p.toString());
            }
            return FileChannel.open(p, StandardOpenOption.READ);
        })) {
            assertFalse(ledger.writable());
            assertEquals(2, ledger.size());
            assertTrue(ledger.repairNote().orElseThrow().contains("not repaired"), ledger.repairNote().orElseThrow());
        }
        assertArrayEquals(torn, Files.readAllBytes(file));
        assertEquals(f.first(), Ledger.readAll(file));
        Audit.Report report = Audit.check(file);
        assertEquals(2, report.entries());
        assertTrue(report.tornTail().isPresent());
    }

    @Test
    void aLedgerDamagedBeforeItsEndIsRefusedUnchangedByOpenReadAndVerify() throws Exception {
        Fixture f = fixture(TRICKY);
        String two = new String(f.two(), StandardCharsets.UTF_8);
        String three = new String(f.three(), StandardCharsets.UTF_8);
        int secondEntry = two.indexOf("\n{", 2) + 1;
        List<String> bad = List.of(
                "", "   \n", "{}", "[1, 2]", "[{}] {}", "[{}]]", "[{}] x", "not json", "\"[\"",
                "[{\"node\":\"Node1\"} {}]",
                "[\n{\"a\":1},\n{\"a\":\n{\"a\":3}\n]\n",
                // the second entry damaged; the third, JSON-like, whole
                two.substring(0, secondEntry + 5) + two.substring(secondEntry + 9, two.length() - 3) + three.substring(f.at()),
                // a comma lost between entries
                two.substring(0, secondEntry - 2) + two.substring(secondEntry - 1),
                // a damaged middle, and a torn end after it
                two.substring(0, secondEntry + 5) + "\"" + two.substring(secondEntry + 5, f.at()) + ",\n{\"node\":\"Nod",
                // a zero byte in the middle
                two.substring(0, secondEntry + 3) + "\u0000" + two.substring(secondEntry + 3),
                // an element that is not an object, as the last
                two.substring(0, f.at()) + ",\n[1]\n]\n",
                // the closing bracket, then the start of another entry
                two + ",\n{\"node\":\"x\"");
        List<org.junit.jupiter.api.function.Executable> checks = new ArrayList<>();
        for (int i = 0; i < bad.size(); i++) {
            String content = bad.get(i);
            Path file = dir.resolve("ledger-" + i + ".json");
            String shown = content.length() > 60 ? content.substring(0, 60) + "..." : content;
            checks.add(() -> {
                Files.writeString(file, content, StandardCharsets.UTF_8);
                byte[] before = Files.readAllBytes(file);
                for (Checked action : List.<Checked>of(() -> Ledger.open(file).close(), () -> Ledger.readAll(file),
                        () -> Audit.check(file))) {
                    LedgerException e = assertThrows(LedgerException.class, action::run, shown);
                    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
                    assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
                    assertArrayEquals(before, Files.readAllBytes(file), "unchanged: " + shown);
                }
            });
        }
        assertAll(checks);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(p -> p.toString().contains("damaged")).toList());
        }
    }

    @FunctionalInterface
    interface Checked {
        void run() throws Exception;
    }

    @Test
    void anAppendAfterSomethingElseDamagedTheFileIsRefusedAndChangesNothing() throws Exception {
        Path file = dir.resolve("ledger.json");
        try (Ledger a = Ledger.open(file); Ledger b = Ledger.open(file)) {
            a.append(Entries.valid("Node1", "one"));
            b.append(Entries.valid("Node2", "two"));
            String text = Files.readString(file);
            // Another program appends something that is not an entry, then the end of an array.
            Files.writeString(file, text.substring(0, text.length() - 3) + ",\n{\"node\": oops}\n]\n");
            byte[] before = Files.readAllBytes(file);
            for (Ledger l : List.of(a, b)) {
                LedgerException e = assertThrows(LedgerException.class, () -> l.append(Entries.valid("Node3", "three")));
                assertTrue(e.getMessage().contains("not writing to it"), e.getMessage());
                assertEquals(1, e.getMessage().lines().count(), e.getMessage());
                assertArrayEquals(before, Files.readAllBytes(file));
            }
        }
    }

    @Test
    void twoProcessesSharingALedgerRepairEachTearAndCarryOn() throws Exception {
        Path file = dir.resolve("ledger.json");
        Path stop = dir.resolve("stop");
        Files.writeString(file, "[]\n");
        List<Process> children = new ArrayList<>();
        for (String name : List.of("Node1", "Node2")) {
            children.add(new ProcessBuilder(LedgerTest.javaBin(), "-cp", System.getProperty("java.class.path"),
                    Appender.class.getName(), file.toString(), name, stop.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start());
        }
        Fixture f = fixture(TRICKY);
        int tears = 3;
        try {
            for (int i = 0; i < tears; i++) {
                int entriesBefore = Ledger.readAll(file).size();
                await("the writers to append", () -> Ledger.readAll(file).size() >= entriesBefore + 4);
                try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                        FileLock lock = c.lock()) {
                    // As a third writer killed in its append: half of an entry where the closing bracket was.
                    long at = c.size() - 3;
                    ByteBuffer half = ByteBuffer.wrap(f.record, 0, f.record.length / 2);
                    while (half.hasRemaining()) {
                        at += c.write(half, at);
                    }
                }
                int copies = i + 1;
                await("the tear to be repaired", () -> {
                    for (Process p : children) {
                        assertTrue(p.isAlive(), "a writer stopped: " + Files.readString(dir.resolve("Node1.log"))
                                + Files.readString(dir.resolve("Node2.log")));
                    }
                    return countDamaged(dir) == copies;
                });
            }
        } finally {
            Files.writeString(stop, "");
        }
        int appended = 0;
        int repaired = 0;
        for (Process p : children) {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child finished");
        }
        for (String name : List.of("Node1", "Node2")) {
            String log = Files.readString(dir.resolve(name + ".log"));
            List<String> lines = log.lines().toList();
            assertTrue(lines.get(lines.size() - 1).startsWith("appended "), log);
            appended += Integer.parseInt(lines.get(lines.size() - 1).substring("appended ".length()));
            repaired += (int) lines.stream().filter(l -> l.startsWith("repaired: ")).count();
        }
        assertEquals(0, children.get(0).exitValue());
        assertEquals(0, children.get(1).exitValue());
        assertEquals(tears, repaired, "each tear repaired once, by the writer that appended next");
        List<Entry> entries = Ledger.readAll(file);
        assertEquals(appended, entries.size());
        assertEquals(appended, entries.stream().map(Entry::transaction).collect(Collectors.toSet()).size());
        Audit.Report report = Audit.check(file);
        assertTrue(report.valid() && report.tornTail().isEmpty(), report.toString());
    }

    /** A child process: appends to a shared ledger until a file appears; prints repairs and the count. */
    public static final class Appender {
        public static void main(String[] args) throws Exception {
            Path file = Path.of(args[0]);
            String name = args[1];
            Path stop = Path.of(args[2]);
            int n = 0;
            try (Ledger ledger = Ledger.open(file)) {
                while (!Files.exists(stop)) {
                    Optional<String> note = ledger.append(Entries.valid(name, name + "-" + n));
                    n++;
                    note.ifPresent(s -> System.out.println("repaired: " + s));
                    Thread.sleep(5);
                }
            }
            System.out.println("appended " + n);
        }
    }

    private static long countDamaged(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().startsWith("ledger.json.damaged-")).count();
        }
    }

    /** Waits for a condition; the timeout only catches a hang. */
    private static void await(String what, Checkable condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.test()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @FunctionalInterface
    interface Checkable {
        boolean test() throws Exception;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static void delete(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(folder);
    }
}
