package dev.powrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What `serve` prints of the warm-up (issue 17): two lines on stderr, none on stdout. */
class TerminalTest {
    @Test
    void theWarmUpIsOneLineWhenRacesBeginToWaitAndOneWhenItIsOver() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Terminal t = new Terminal(new PrintWriter(out, true), new PrintWriter(err, true));
        t.warmingUp("Node1"); // a line sent the moment the port listened: before serve's banner
        assertEquals("", err.toString(), "the banner comes first");
        t.banner("powrace: Node1 on 127.0.0.1:5000, ...");
        t.warmingUp("Node2"); // three nodes waiting are one wait
        t.warmingUp("Node3");
        t.warmedUp(Duration.ofMillis(1234), Duration.ofMillis(1300));
        List<String> lines = err.toString().lines().toList();
        assertEquals(3, lines.size(), err.toString());
        assertEquals("powrace: Node1 on 127.0.0.1:5000, ...", lines.get(0));
        assertTrue(lines.get(1).startsWith("powrace: warming up ("), lines.get(1));
        assertEquals("powrace: warmed up in 1.23 s; the races start", lines.get(2));
        assertEquals("", out.toString(), "stdout keeps to start, end and wins lines");
    }
}
