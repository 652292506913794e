package dev.powrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.powrace.ledger.Ledger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code bench --engine all} and {@code bench --engine shani}, with and without the JDK internal opened. */
class BenchCommandTest {
    @Test
    void allMeasuresEveryEngineAndNamesTheFastest() throws Exception {
        CliTest.Run r = CliTest.run("bench", "--engine", "all", "--seconds", "0.2", "--json");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        JsonNode result = Ledger.json().readTree(lines[lines.length - 1]);
        List<String> names = new ArrayList<>();
        String fastest = null;
        long best = -1;
        for (JsonNode e : result.get("engines")) {
            names.add(e.get("engine").asText());
            long rate = e.get("hashes_per_second").asLong();
            assertTrue(rate > 0, e.toString());
            if (rate > best) {
                best = rate;
                fastest = e.get("engine").asText();
            }
        }
        // Surefire loads the Vector API and opens the JDK internal: every engine is there, shani first.
        assertEquals(3, names.size(), names.toString());
        assertEquals("shani", names.get(0));
        assertTrue(names.get(1).startsWith("simd"), names.toString());
        assertEquals("digest", names.get(2));
        assertEquals(fastest, result.get("auto").asText(), result.toString());
        assertEquals(List.of("engines", "auto"), fieldNames(result));
        for (String name : names) {
            assertTrue(r.out().contains("with " + name + " on 1 thread"), r.out());
        }
    }

    @Test
    void withoutTheOpensShaniIsAbsentAndBenchSaysWhyInOneLine() throws Exception {
        Result all = java("bench", "--engine", "all", "--seconds", "0.2", "--json");
        assertEquals(0, all.code, all.err);
        List<String> why = all.err.lines().filter(l -> l.startsWith("bench: no shani engine here")).toList();
        assertEquals(1, why.size(), all.err);
        assertTrue(why.get(0).contains("--add-opens java.base/sun.security.provider=ALL-UNNAMED"), why.get(0));
        String[] lines = all.out.strip().split("\n");
        JsonNode result = Ledger.json().readTree(lines[lines.length - 1]);
        List<String> names = new ArrayList<>();
        result.get("engines").forEach(e -> names.add(e.get("engine").asText()));
        assertEquals(2, names.size(), names.toString());
        assertTrue(names.get(0).startsWith("simd") && names.get(1).equals("digest"), names.toString());

        Result shani = java("bench", "--engine", "shani", "--seconds", "0.2");
        assertEquals(0, shani.code, shani.err);
        List<String> said = shani.err.lines().filter(l -> l.startsWith("powrace: the shani engine is not available")).toList();
        assertEquals(1, said.size(), shani.err);
        assertTrue(said.get(0).endsWith("measuring digest instead"), said.get(0));
        assertTrue(shani.out.contains("with digest on 1 thread"), shani.out);
        assertTrue(shani.err.lines().noneMatch(l -> l.startsWith("\tat ")), shani.err); // no stack trace
    }

    private record Result(int code, String out, String err) {}

    /** powrace in a JVM with the Vector API but without the --add-opens (and so without relaunching itself). */
    private static Result java(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        Path out = java.nio.file.Files.createTempFile("bench", ".out");
        Path err = java.nio.file.Files.createTempFile("bench", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) { // only to catch a hang
                p.destroyForcibly();
                throw new AssertionError("bench did not end");
            }
            return new Result(p.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8),
                    java.nio.file.Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            java.nio.file.Files.deleteIfExists(out);
            java.nio.file.Files.deleteIfExists(err);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
