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

    /**
     * What the mining inlines from the JDK (Objects, String, method and var handles, Unsafe) is left to C1 by the
     * directive when other code makes it hot first, as the window does before the nodes' warm-up: C2 still inlines
     * it into the engines (a method C2 may not compile on its own can still be inlined: HotSpot 17 marks it, and a
     * JDK whose C2 refused to inline such a method would show here as "not compilable (disabled)").
     */
    static final class Engines {
        public static void main(String[] args) throws Throwable {
            // the window's part: the JDK's helpers made hot (and refused to C2) before any engine runs
            java.util.List<Integer> list = new java.util.ArrayList<>(java.util.List.of(1, 2, 3, 4));
            java.util.Map<String, Integer> map = new java.util.concurrent.ConcurrentHashMap<>();
            java.lang.invoke.MethodHandle h = java.lang.invoke.MethodHandles.lookup().findStatic(Engines.class, "twice",
                    java.lang.invoke.MethodType.methodType(int.class, int.class));
            long sink = 0;
            for (int i = 0; i < 200_000; i++) {
                sink += list.get(i & 3) + ("k" + (i & 15)).hashCode() + (int) h.invokeExact(i);
                map.merge("k" + (i & 7), 1, Integer::sum);
            }
            // the nodes' part: every engine, long enough for C2
            for (dev.powrace.pow.EngineFactory f : dev.powrace.pow.EngineFactory.available()) {
                dev.powrace.pow.Engine e = f.create("a transaction", 8);
                for (int i = 0; i < 400; i++) {
                    sink += e.scan((long) i * 1024, 1024);
                }
                System.out.println("engine " + e.name());
            }
            System.out.println("sink " + sink + map.size());
        }

        static int twice(int x) {
            return 2 * x;
        }
    }

    @Test
    void theEnginesStillInlineWhatTheyUseFromTheJdkWhenOtherCodeMadeItHotFirst() throws Exception {
        List<String> options = new ArrayList<>(AppJit.jvmOptions(dir, List.of(), k -> null));
        options.remove("-XX:-DisplayVMOutput");
        Path log = Path.of(System.getProperty("appjit.log", dir.resolve("compilation.log").toString()));
        options.addAll(List.of("-XX:+LogCompilation", "-XX:LogFile=" + log, "-Xbatch", "--add-modules",
                "jdk.incubator.vector", "--add-opens", "java.base/sun.security.provider=ALL-UNNAMED"));
        String out = run(options, Engines.class);
        String xml = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(xml.contains("reason='excluded by CompileCommand' method='java.util.Objects checkIndex")
                || xml.contains("reason='excluded by CompileCommand' method='java.lang.String hashCode"),
                "the JDK's helpers were refused to C2 before the engines ran");
        for (String engine : out.lines().filter(l -> l.startsWith("engine ")).map(l -> l.substring(7)).toList()) {
            String clazz = switch (engine) {
                case "digest" -> "DigestEngine";
                case "shani" -> "ShaNiEngine";
                default -> "SimdEngine";
            };
            assertTrue(Pattern.compile("<task [^>]*method='dev.powrace.pow." + clazz + " [^>]*>").matcher(xml).results()
                    .anyMatch(m -> !m.group().contains("level=")), engine + "'s hashing is compiled by C2");
        }
        assertFalse(xml.contains("not compilable (disabled)"), "C2 inlined what the engines use");
    }

    private String run(List<String> options, Class<?> main) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        Path out = dir.resolve("out-" + main.getSimpleName() + ".txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the JVM ends");
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.contains("sink "), text);
        return text;
    }

    private static Pattern tier4(String method) {
        return Pattern.compile("(?m)^\\s*\\d+\\s+\\d+\\s+[%sbn! ]*4\\s+" + Pattern.quote(method) + " ");
    }

    /** What a JVM with these options prints of its compilations while it runs {@link Hot}. */
    private String compilations(List<String> options) throws Exception {
        List<String> all = new ArrayList<>(options);
        // -Xbatch: each compilation is waited for, so that a busy machine can't leave one unreported
        all.addAll(List.of("-Xbatch", "-XX:+PrintCompilation"));
        return run(all, Hot.class);
    }
}
