package dev.powrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.testing.Serve;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar target/powrace.jar [options]}, the app, as a user starts it: the toolkit starts while the
 * arguments are read (Main, App.startEarly). Without a display, so that no window opens: a mistake in the arguments
 * is still told in one line, and no display still gets its own one-line message, each with exit code 2, and the
 * ledger is left alone.
 */
class AppLaunchIT {
    @TempDir
    Path dir;

    record Run(int code, String err) {}

    Run app(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Serve.javaBin(), "-jar", Serve.jar().toString()));
        command.addAll(List.of(args));
        Path err = dir.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile());
        pb.environment().remove("DISPLAY"); // no window may open here
        pb.environment().remove("WAYLAND_DISPLAY");
        pb.environment().put("POWRACE_CDS_DIR", dir.resolve("cds").toString());
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the app ends by itself");
        String text = Files.readString(err, StandardCharsets.UTF_8);
        return new Run(p.exitValue(), text.lines().filter(l -> !l.startsWith("WARNING: Using incubator modules"))
                .reduce("", (a, b) -> a + b + "\n"));
    }

    @Test
    void aMistakeInTheArgumentsIsToldInOneLineThoughTheToolkitHadStarted() throws Exception {
        Run run = app("--ports", "0,0,0", "--difficulty", "x", "--ledger", dir.resolve("ledger.json").toString());
        assertEquals(2, run.code(), run.err());
        assertEquals("powrace: Invalid value for option '--difficulty': 'x' is not an int (see 'powrace --help')\n",
                run.err());
        assertFalse(Files.exists(dir.resolve("ledger.json")), "no ledger made");
    }

    @Test
    void noDisplayIsToldInOneLine() throws Exception {
        Path ledger = dir.resolve("ledger.json");
        Run run = app("--ports", "0,0,0", "--ledger", ledger.toString());
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().matches("powrace: can't open a window \\(.+\\); 'powrace serve' runs the nodes without one\n"),
                run.err());
        // the nodes and the ledger open beside the toolkit's start: if they did before it failed, they were closed
        if (Files.exists(ledger)) {
            assertEquals("[]\n", Files.readString(ledger));
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("ledger.json") && !n.equals("ledger.json")).toList(), "no file left half made");
        }
    }
}
