package dev.powrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.pow.Puzzle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app's JVM compiles the mining with C2 and nothing else ({@link AppJit}): checked in a real JVM given the
 * options, against the same JVM without them.
 */
class AppJitTest {
    @TempDir
    Path dir;

    @Test
    void theDirectiveIsWrittenOnceAndMendedWhenDamaged() throws Exception {
        List<String> options = AppJit.jvmOptions(dir, List.of(), k -> null);
        Path file = dir.resolve(AppJit.FILE);
        assertEquals(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=" + file,
                "-XX:-DisplayVMOutput"), options);
        assertEquals(AppJit.DIRECTIVES, Files.readString(file));
        Files.writeString(file, "[ { match: \"*.*\", c2: { Exclude: tru"); // the JVM would not start on this
        assertEquals(options, AppJit.jvmOptions(dir, List.of(), k -> null));
        assertEquals(AppJit.DIRECTIVES, Files.readString(file));
    }

    @Test
    void noDirectiveWhereTheUserSaysHowToCompileOrTurnsItOff() {
        assertEquals(List.of(), AppJit.jvmOptions(dir, List.of("-XX:TieredStopAtLevel=1"), k -> null));
        assertEquals(List.of(), AppJit.jvmOptions(dir, List.of("-XX:CompilerDirectivesFile=/x.json"), k -> null));
        assertEquals(List.of(), AppJit.jvmOptions(dir, List.of("-XX:+PrintCompilation"), k -> null));
        assertEquals(List.of(), AppJit.jvmOptions(dir, List.of(), Map.of("POWRACE_NO_JIT_DIRECTIVE", "1")::get));
        assertFalse(Files.exists(dir.resolve(AppJit.FILE)));
    }

    /** Hot code outside the mining: C2 compiles it in a JVM without the directive, and not with it. */
    static final class Hot {
        static long mix(long x) {
            return (x ^ (x >>> 7)) * 0x9E3779B97F4A7C15L + 1;
        }

        public static void main(String[] args) {
            byte[] digest = new byte[32];
            long sink = 0;
            for (int i = 0; i < 3_000_000; i++) {
                digest[0] = (byte) i;
                sink += Puzzle.meets(digest, 1) ? 1 : 0;
                sink += mix(i) & 1;
            }
            System.out.println("sink " + sink);
        }
    }

    @Test
    void withTheDirectiveC2CompilesTheMiningAndNotTheRest() throws Exception {
        List<String> options = AppJit.jvmOptions(dir, List.of(), k -> null).stream()
                .filter(o -> !o.equals("-XX:-DisplayVMOutput")).toList(); // so that PrintCompilation is seen
        String with = compilations(options);
        String without = compilations(List.of());
        Pattern mining = tier4("dev.powrace.pow.Puzzle::meets");
        Pattern rest = tier4("dev.powrace.cli.AppJitTest$Hot::mix");
        assertTrue(mining.matcher(without).find(), "C2 compiles both without the directive:\n" + without);
        assertTrue(rest.matcher(without).find(), "C2 compiles both without the directive:\n" + without);
        assertTrue(mining.matcher(with).find(), "with it, the mining still gets C2:\n" + with);
        assertFalse(rest.matcher(with).find(), "with it, the rest does not:\n" + with);
    }

    private static Pattern tier4(String method) {
        return Pattern.compile("(?m)^\\s*\\d+\\s+\\d+\\s+[%sbn! ]*4\\s+" + Pattern.quote(method) + " ");
    }

    private String compilations(List<String> options) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(List.of("-XX:+PrintCompilation", "-cp", System.getProperty("java.class.path"), Hot.class.getName()));
        Path out = dir.resolve("out-" + options.size() + ".txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the JVM ends");
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.contains("sink "), text);
        return text;
    }
}
