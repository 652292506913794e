package dev.powrace.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The app's classes, parsed and verified once, in a class-data-sharing archive (AppCDS) that the JVM maps at
 * start instead of loading some 4 000 classes from the jar: it is what makes the window show fast. The JVM
 * that {@link Relaunch} starts for the desktop app writes it when it exits
 * ({@code -XX:ArchiveClassesAtExit}), the first time, and maps it from then on ({@code -XX:SharedArchiveFile}).
 *
 * <p>It lives in the user's cache folder ({@code $XDG_CACHE_HOME/powrace/cds}, else {@code ~/.cache/powrace/cds};
 * {@code POWRACE_CDS_DIR} names another), one file per jar (its path, size and time), JVM and JVM options (but
 * system properties), so
 * that a rebuilt jar gets a new one. It is only written by a run that ended normally (the window closed, or
 * the process told to stop), under a temporary name and then renamed, so that a half-written or a failed run's
 * archive is never used. An archive unused for {@link #UNUSED} is deleted. {@code POWRACE_NO_CDS} turns it off.
 * The JVM's own CDS messages are off (a serve's stdout is the race log; a stale archive is simply not used).
 */
final class ClassArchive {
    /** Archives not used for this long are deleted, when a new one is made. */
    static final Duration UNUSED = Duration.ofDays(14);
    /** Temporary files older than this are left over from a run that was killed: deleted. */
    private static final Duration STALE = Duration.ofHours(1);
    /** Exit codes of a run that ended normally: closed, or stopped by SIGINT or SIGTERM. */
    private static final Set<Integer> NORMAL_EXIT = Set.of(0, 130, 143);
    /**
     * Exit codes of a JVM that crashed: SIGABRT (a fatal error, hs_err), SIGBUS, SIGSEGV. JDK 17 does not check an
     * archive's contents before it maps them, and a truncated one kills it with SIGBUS at every start.
     */
    private static final Set<Integer> CRASHED = Set.of(134, 135, 139);

    /**
     * The system property naming the file the app makes once its window shows its ledger ({@code ready} on
     * stderr): only such a run's archive holds the classes of a start, and is kept.
     */
    static final String READY = "powrace.cds.ready";

    private final Path archive;
    /** Where this run writes the archive, if there is none yet: null when it maps {@link #archive}. */
    private final Path pending;

    private ClassArchive(Path archive, Path pending) {
        this.archive = archive;
        this.pending = pending;
    }

    /**
     * The archive for a run of the desktop app from {@code classPath} (one jar) with these JVM options, in the
     * cache folder that {@code env} names; empty for a command, another class path, JVM options that already
     * choose an archive, or no usable cache folder.
     */
    static Optional<ClassArchive> forApp(String[] args, String classPath, List<String> jvmOptions,
            Function<String, String> env) {
        // Plain loops, no streams or lambdas: this runs in the JVM that only starts the app's, where every
        // first use of a JDK facility (lambdas, MessageDigest's providers) costs tens of milliseconds.
        if (env.apply("POWRACE_NO_CDS") != null) {
            return Optional.empty();
        }
        if (!Arguments.runApp(args)) { // a command (bench-race too), or help: not the desktop app
            return Optional.empty();
        }
        for (String o : jvmOptions) {
            if (o.startsWith("-Xshare") || o.contains("SharedArchiveFile") || o.contains("ArchiveClassesAtExit")) {
                return Optional.empty();
            }
        }
        try {
            Path jar = Path.of(classPath).toAbsolutePath();
            if (classPath.contains(java.io.File.pathSeparator) || !Files.isRegularFile(jar)) {
                return Optional.empty();
            }
            Path dir = directory(env);
            String name = "app-".concat(key(jar, jvmOptions)).concat(".jsa"); // no string concatenation's bootstrap either
            Path archive = dir.resolve(name);
            if (Files.isRegularFile(archive) && Files.size(archive) > 0) {
                Files.setLastModifiedTime(archive, FileTime.from(Instant.now())); // in use: not to be deleted
                return Optional.of(new ClassArchive(archive, null));
            }
            Files.createDirectories(dir);
            deleteOld(dir);
            Path pending = dir.resolve(name.concat(".").concat(Long.toString(ProcessHandle.current().pid())).concat(".tmp"));
            // Only where a file can be made: a JVM that can't write its archive at exit ends with code 1 and a VM
            // error ("Unable to use shared archive"). Empty until then; childEnded deletes it if it stays so.
            Files.write(pending, new byte[0]);
            return Optional.of(new ClassArchive(archive, pending));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // no archive: a slower start, nothing worse
        }
    }

    /** As {@link #forApp(String[], String, List, Function)} with the real environment. */
    static Optional<ClassArchive> forApp(String[] args, String classPath, List<String> jvmOptions) {
        return forApp(args, classPath, jvmOptions, System::getenv);
    }

    static Path directory(Function<String, String> env) {
        String dir = env.apply("POWRACE_CDS_DIR");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        String cache = env.apply("XDG_CACHE_HOME");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("powrace").resolve("cds");
    }

    /** What tells one archive from another: the jar (path, size, time), the JVM and its options but -D. */
    private static String key(Path jar, List<String> jvmOptions) throws IOException {
        StringBuilder id = new StringBuilder().append(jar).append('\n').append(Files.size(jar)).append('\n')
                .append(Files.getLastModifiedTime(jar).toMillis()).append('\n').append(System.getProperty("java.home"))
                .append('\n').append(System.getProperty("java.vm.version"));
        for (String o : jvmOptions) {
            if (!o.startsWith("-D")) { // properties don't count
                id.append('\n').append(o);
            }
        }
        // FNV-1a, 64 bits: enough to tell a handful of archives apart, and no MessageDigest to load
        long hash = 0xcbf29ce484222325L;
        for (byte b : id.toString().getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        String hex = Long.toHexString(hash);
        return "0".repeat(16 - hex.length()).concat(hex);
    }

    private static void deleteOld(Path dir) throws IOException {
        Instant now = Instant.now();
        Map<String, Duration> ages = Map.of(".jsa", UNUSED, ".tmp", STALE);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "app-*")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                Duration maxAge = ages.get(name.substring(Math.max(0, name.length() - 4)));
                try {
                    if (maxAge != null && Files.getLastModifiedTime(f).toInstant().plus(maxAge).isBefore(now)) {
                        Files.deleteIfExists(f);
                    }
                } catch (IOException ignored) {
                    // another run's, just deleted
                }
            }
        }
    }

    /** The child JVM's options: map the archive, or write it at exit (and say when ready); CDS messages off. */
    List<String> jvmOptions() {
        if (pending == null) {
            return List.of("-XX:SharedArchiveFile=".concat(archive.toString()), "-Xlog:cds*=off");
        }
        return List.of("-XX:ArchiveClassesAtExit=".concat(pending.toString()), "-Xlog:cds*=off",
                "-D".concat(READY).concat("=").concat(ready().toString()));
    }

    /** The file the app makes once ready: {@code app-....jsa.PID.ready.tmp}, swept as any temporary file. */
    private Path ready() {
        String name = pending.getFileName().toString();
        return pending.resolveSibling(name.substring(0, name.length() - 4).concat(".ready.tmp"));
    }

    /** The archive this run maps, or writes. */
    Path archive() {
        return archive;
    }

    /** True if this run writes the archive at exit. */
    boolean writes() {
        return pending != null;
    }

    /**
     * Once the child has exited with {@code code}: keeps the archive it wrote if it ended normally after its
     * window was ready ({@link #READY}), else deletes what it left; deletes the archive it mapped if it crashed.
     */
    void childEnded(int code) {
        if (pending == null) { // it mapped the archive: if the JVM crashed, the next run makes it anew
            if (CRASHED.contains(code)) {
                try {
                    Files.deleteIfExists(archive);
                } catch (IOException ignored) {
                    // the next run tries it again
                }
            }
            return;
        }
        try {
            // Stopped before its window was ready, a run's archive holds a fraction of the start's classes (5 of
            // 30 MB when stopped at 0.6 s), and it would be the archive from then on.
            boolean ready = Files.deleteIfExists(ready());
            if (ready && NORMAL_EXIT.contains(code) && Files.isRegularFile(pending) && Files.size(pending) > 0) {
                Files.move(pending, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.deleteIfExists(pending);
            }
        } catch (IOException ignored) {
            // the next run tries again
        }
    }
}
