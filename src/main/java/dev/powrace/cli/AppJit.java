package dev.powrace.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The desktop app's JVM keeps its optimizing compiler (C2) for the mining: a compiler directive
 * ({@code -XX:CompilerDirectivesFile}) lets C2 compile the proof-of-work code and what it is built on (the Vector
 * API, the JDK's SHA-256) and nothing else, so JavaFX, the window and the rest of the app run on C1's code. On
 * two cores, C2 compiling the toolkit's start-up code took a core for most of the second before the window's
 * first frame; with this, the window comes about a sixth sooner, while the mining runs as fast as before
 * (docs/performance.md, Start-up). Only the app's JVM gets it ({@link Relaunch}); {@code serve} and the other
 * commands have no window to show.
 *
 * <p>The directive is a file in the user's cache folder, written once and read back at each start
 * ({@code POWRACE_NO_JIT_DIRECTIVE} turns it off; JVM options that say how to compile or what the JVM prints get
 * none). The JVM's own console output is off in the app's JVM: it would announce the directive at each start.
 */
final class AppJit {
    /** Versioned: a change of the directive is a new file. */
    static final String FILE = "jit-c2-mining-only-1.json";

    /**
     * C2 for the mining and what it inlines from the JDK; C2 for nothing else (C1's code only). Directives are
     * matched in order, the first match wins.
     */
    static final String DIRECTIVES = "[\n"
            + "  { match: [\"dev/powrace/pow/*.*\", \"jdk/incubator/vector/*.*\", \"jdk/internal/vm/vector/*.*\",\n"
            + "             \"sun/security/provider/*.*\"],\n"
            + "    c2: { Exclude: false } },\n"
            + "  { match: \"*.*\", c2: { Exclude: true } }\n"
            + "]\n";

    private AppJit() {}

    /**
     * The JVM options that give the app's JVM the directive, written into {@code dir} if it is not there yet; none
     * if {@code jvmOptions} (the user's) already say how to compile, or if the file can't be made.
     */
    static List<String> jvmOptions(Path dir, List<String> jvmOptions, java.util.function.Function<String, String> env) {
        if (env.apply("POWRACE_NO_JIT_DIRECTIVE") != null) {
            return List.of();
        }
        for (String o : jvmOptions) {
            // the user's own say on compiling, or on what the JVM prints: the directive's options would get in its way
            if (o.contains("CompilerDirectives") || o.contains("TieredCompilation") || o.contains("TieredStopAtLevel")
                    || o.contains("Print") || o.contains("VMOutput")) {
                return List.of();
            }
        }
        try {
            Path file = dir.resolve(FILE);
            byte[] want = DIRECTIVES.getBytes(StandardCharsets.UTF_8);
            // read back each time: the JVM refuses to start on a file it can't parse (an edited or damaged one)
            if (!Files.isRegularFile(file) || !java.util.Arrays.equals(Files.readAllBytes(file), want)) {
                Files.createDirectories(dir);
                // written whole under another name, then renamed: a JVM never reads half a file
                Path tmp = dir.resolve(FILE.concat(".").concat(Long.toString(ProcessHandle.current().pid())).concat(".tmp"));
                Files.write(tmp, want);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            // -DisplayVMOutput: the JVM would print "2 compiler directives added" on the app's console at each start
            // (and nothing else of the VM's goes to it then; a crash report still does)
            return List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=".concat(file.toString()),
                    "-XX:-DisplayVMOutput");
        } catch (IOException | RuntimeException e) {
            return List.of(); // the app starts slower, nothing worse
        }
    }
}
