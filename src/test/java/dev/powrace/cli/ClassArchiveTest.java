package dev.powrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassArchiveTest {
    @TempDir
    Path dir;
    Path jar;
    Path cache;
    Function<String, String> env;
    static final String[] APP = {"--ports", "0,0,0"};

    @BeforeEach
    void setUp() throws IOException {
        jar = Files.write(dir.resolve("powrace.jar"), new byte[] {1, 2, 3});
        cache = dir.resolve("cache");
        env = Map.of("POWRACE_CDS_DIR", cache.toString())::get;
    }

    private Optional<ClassArchive> forApp(String[] args, List<String> jvmOptions) {
        return ClassArchive.forApp(args, jar.toString(), jvmOptions, env);
    }

    /** What the child JVM would do: say it is ready, then write the archive at the path the option names. */
    private static void childWrites(ClassArchive a) throws IOException {
        childWrites(a, true);
    }

    private static void childWrites(ClassArchive a, boolean ready) throws IOException {
        String option = a.jvmOptions().get(0);
        assertTrue(option.startsWith("-XX:ArchiveClassesAtExit="), option);
        String property = a.jvmOptions().get(2);
        assertTrue(property.startsWith("-D" + ClassArchive.READY + "="), property);
        if (ready) {
            Files.createFile(Path.of(property.substring(property.indexOf('=') + 1)));
        }
        Files.write(Path.of(option.substring(option.indexOf('=') + 1)), new byte[] {42});
    }

    @Test
    void theFirstRunWritesTheArchiveAndTheNextMapsIt() throws IOException {
        ClassArchive first = forApp(APP, List.of()).orElseThrow();
        assertTrue(first.writes());
        assertTrue(first.archive().startsWith(cache));
        childWrites(first);
        assertFalse(Files.exists(first.archive()), "not before the child has ended");
        first.childEnded(0);
        assertTrue(Files.exists(first.archive()));

        ClassArchive second = forApp(APP, List.of()).orElseThrow();
        assertFalse(second.writes());
        assertEquals(List.of("-XX:SharedArchiveFile=" + first.archive(), "-Xlog:cds*=off"), second.jvmOptions());
        try (var files = Files.list(cache)) {
            assertEquals(List.of(first.archive()), files.toList(), "no temporary file left");
        }
    }

    @Test
    void aRunThatFailedLeavesNoArchive() throws IOException {
        ClassArchive first = forApp(APP, List.of()).orElseThrow();
        childWrites(first);
        first.childEnded(2); // the window could not open: an archive of that run would hold the wrong classes
        try (var files = Files.list(cache)) {
            assertEquals(List.of(), files.toList());
        }
        assertTrue(forApp(APP, List.of()).orElseThrow().writes());
    }

    @Test
    void aRunStoppedBeforeItsWindowWasReadyLeavesNoArchive() throws IOException {
        ClassArchive first = forApp(APP, List.of()).orElseThrow();
        childWrites(first, false); // SIGTERM 0.6 s after the start: an archive of 5 MB, not 30
        first.childEnded(143);
        try (var files = Files.list(cache)) {
            assertEquals(List.of(), files.toList());
        }
        assertTrue(forApp(APP, List.of()).orElseThrow().writes(), "the next run writes it");
    }

    @Test
    void stoppedBySigtermTheArchiveIsKept() throws IOException {
        ClassArchive first = forApp(APP, List.of()).orElseThrow();
        childWrites(first);
        first.childEnded(143);
        assertFalse(forApp(APP, List.of()).orElseThrow().writes());
    }

    @Test
    void anArchiveTheJvmCrashedOnIsDeletedSoThatTheNextRunWritesAnother() throws IOException {
        ClassArchive first = forApp(APP, List.of()).orElseThrow();
        childWrites(first);
        first.childEnded(0);
        // A truncated archive (a crash or power loss after the rename, a full disk) makes JDK 17 die of SIGBUS while
        // mapping it: exit 134, every run from then on, until the archive is gone.
        ClassArchive mapped = forApp(APP, List.of()).orElseThrow();
        assertFalse(mapped.writes());
        mapped.childEnded(134);
        assertFalse(Files.exists(mapped.archive()));
        assertTrue(forApp(APP, List.of()).orElseThrow().writes());
    }

    @Test
    void aMappedArchiveStaysWhenTheAppEndsOtherwise() throws IOException {
        ClassArchive first = forApp(APP, List.of()).orElseThrow();
        childWrites(first);
        first.childEnded(0);
        for (int code : new int[] {0, 1, 2, 130, 137, 143}) {
            ClassArchive mapped = forApp(APP, List.of()).orElseThrow();
            mapped.childEnded(code);
            assertTrue(Files.exists(mapped.archive()), "exit " + code);
        }
    }

    @Test
    void aCacheFolderWhereNoFileCanBeMadeGetsNoArchive() {
        // The JVM that should write the archive at exit can't, and then ends with exit code 1 and "Error occurred
        // during initialization of VM" at every run. /proc/self: a folder in which not even root can make a file.
        Path unwritable = Path.of("/proc/self");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(unwritable), "Linux");
        Function<String, String> there = Map.of("POWRACE_CDS_DIR", unwritable.toString())::get;
        assertEquals(Optional.empty(), ClassArchive.forApp(APP, jar.toString(), List.of(), there));
    }

    @Test
    void onlyTheDesktopAppGetsOne() {
        assertTrue(forApp(new String[] {"serve", "--ports", "0,0,0"}, List.of()).isEmpty());
        assertTrue(forApp(new String[] {"bench", "--seconds", "1"}, List.of()).isEmpty());
        assertTrue(forApp(APP, List.of("-Xshare:off")).isEmpty(), "the user's choice of archive stands");
        assertTrue(forApp(APP, List.of("-XX:SharedArchiveFile=/x.jsa")).isEmpty());
        assertTrue(ClassArchive.forApp(APP, jar + java.io.File.pathSeparator + dir, List.of(), env).isEmpty());
        Function<String, String> off = Map.of("POWRACE_CDS_DIR", cache.toString(), "POWRACE_NO_CDS", "1")::get;
        assertTrue(ClassArchive.forApp(APP, jar.toString(), List.of(), off).isEmpty());
        assertTrue(forApp(APP, List.of()).isPresent());
    }

    @Test
    void aRebuiltJarOrOtherJvmOptionsGetAnotherArchive() throws IOException {
        Path a = forApp(APP, List.of()).orElseThrow().archive();
        assertEquals(a, forApp(APP, List.of("-Dpowrace.prefs=/x")).orElseThrow().archive(), "properties don't count");
        assertNotEquals(a, forApp(APP, List.of("-Xmx1g")).orElseThrow().archive());
        Files.write(jar, new byte[] {1, 2, 3, 4});
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(60)));
        Path b = forApp(APP, List.of()).orElseThrow().archive();
        assertNotEquals(a, b);
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(120))); // same size, other time
        assertNotEquals(b, forApp(APP, List.of()).orElseThrow().archive());
    }

    @Test
    void oldArchivesAreDeletedWhenANewOneIsMade() throws IOException {
        Files.createDirectories(cache);
        Path old = Files.write(cache.resolve("app-0123456789abcdef.jsa"), new byte[] {1});
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(ClassArchive.UNUSED).minusSeconds(60)));
        Path recent = Files.write(cache.resolve("app-fedcba9876543210.jsa"), new byte[] {1});
        forApp(APP, List.of()).orElseThrow();
        assertFalse(Files.exists(old));
        assertTrue(Files.exists(recent));
    }

    /** Every command is not the app, bench-race too; an option's value that names a command is not one (issue 19). */
    @Test
    void onlyTheAppGetsAnArchive() {
        for (String[] args : List.of(new String[] {"bench-race"}, new String[] {"--ports", "0", "bench-race", "--races", "5"},
                new String[] {"serve", "--label", "x"}, new String[] {"bench-cluster"}, new String[] {"--help"},
                new String[] {"help"})) {
            assertTrue(forApp(args, List.of()).isEmpty(), String.join(" ", args));
        }
        assertTrue(forApp(new String[] {"--ledger", "l.json", "--cluster", "h:2181"}, List.of()).isPresent());
    }

    @Test
    void thisJvmHasTheVectorModuleSoItIsNotStartedAgain() {
        // The tests run with --add-modules jdk.incubator.vector, as the app image's launcher starts powrace.
        assertFalse(Relaunch.needed(APP));
    }
}
