package dev.powrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.ledger.Audit;
import dev.powrace.ledger.Entry;
import dev.powrace.node.Client;
import dev.powrace.testing.Events;
import dev.powrace.testing.Serve;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** `java -jar target/powrace.jar serve`, started, fed and killed the way a person does it. */
class ServeProcessIT {
    @TempDir
    Path dir;

    static final String TS = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}[+-]\\d\\d:\\d\\d";

    @Test
    void serveRacesALineSentToEveryNodeAndPrintsOnlyStartEndAndWins() throws Exception {
        Path ledger = dir.resolve("ledger.json");
        Path out = dir.resolve("out.txt");
        try (Serve serve = Serve.start(ProcessBuilder.Redirect.to(out.toFile()),
                "--ports", "0,0,0", "--difficulty", "2", "--ledger", ledger.toString())) {
            assertTrue(serve.banner.contains("engine simd") || serve.banner.contains("engine digest"), serve.banner);
            assertTrue(serve.errors.stream().noneMatch(l -> l.contains("Exception")), serve.errors.toString());
            assertEquals(3, serve.ports.size(), serve.banner);
            // each node's address as address:port, as the window's status line and ready line give them (issue 17)
            assertTrue(serve.banner.startsWith("powrace: Node1 on 127.0.0.1:" + serve.ports.get(0) + ", Node2 on 127.0.0.1:"
                    + serve.ports.get(1) + ", Node3 on 127.0.0.1:" + serve.ports.get(2) + "; "), serve.banner);

            String tx = "Your \"transaction\" data \u001b[2J";
            List<String> replies = serve.ports.parallelStream().map(port -> Client.send("127.0.0.1", port, tx)).toList();
            replies.forEach(r -> assertTrue(r.startsWith("OK "), r));

            // Each node ends its attempt once, whether it found, stopped or came late.
            Events.await("every node's end line and the winner", () -> {
                List<String> lines = lines(out);
                return lines.stream().filter(l -> l.contains(" end ")).count() == 3
                        && lines.stream().anyMatch(l -> l.contains(" wins "));
            });
            List<String> lines = lines(out);
            String q = Pattern.quote("\"Your \\\"transaction\\\" data \\x1b[2J\"");
            String all = String.join("\n", lines);
            Pattern start = Pattern.compile("(Node\\d) start " + TS + " " + q);
            Pattern found = Pattern.compile("(Node\\d) end " + TS + " " + q + " found nonce=\\d+ hashes=\\d+ time=\\d+\\.\\d{9}s");
            Pattern stopped = Pattern.compile("(Node\\d) end " + TS + " " + q + " stopped hashes=\\d+ time=\\d+\\.\\d{9}s");
            Pattern late = Pattern.compile("(Node\\d) end " + TS + " " + q + " late won-by=(Node\\d)");
            Pattern wins = Pattern.compile("(Node\\d) wins " + q + " nonce=\\d+ hash=0000[0-9a-f]{60} time=\\d+\\.\\d{9}s");
            String winner = null;
            int starts = 0;
            for (String node : List.of("Node1", "Node2", "Node3")) {
                List<String> mine = lines.stream().filter(l -> l.startsWith(node + " ")).toList();
                Matcher lateLine = late.matcher(mine.get(mine.size() - 1));
                if (mine.stream().anyMatch(l -> l.contains(" wins "))) {
                    winner = node;
                }
                if (lateLine.matches()) { // came after the decision: it never started
                    assertEquals(1, mine.size(), all);
                    continue;
                }
                starts++;
                assertTrue(start.matcher(mine.get(0)).matches(), all);
                assertTrue(found.matcher(mine.get(1)).matches() || stopped.matcher(mine.get(1)).matches(), all);
            }
            assertNotNull(winner, all);
            assertEquals(1 + 3 + starts, lines.size(), "only start, end and wins lines:\n" + all);
            assertEquals(1, lines.stream().filter(l -> found.matcher(l).matches()).count(), all);
            String w = winner;
            int foundAt = lines.indexOf(lines.stream().filter(l -> l.startsWith(w + " end ")).findFirst().orElseThrow());
            int winsAt = lines.indexOf(lines.stream().filter(l -> wins.matcher(l).matches()).findFirst().orElseThrow());
            assertTrue(found.matcher(lines.get(foundAt)).matches() && winsAt > foundAt, all);
            for (String l : lines) {
                Matcher m = late.matcher(l);
                if (m.matches()) {
                    assertEquals(w, m.group(2), all);
                }
            }
            assertTrue(lines.stream().noneMatch(l -> l.indexOf('\u001b') >= 0), "no raw escape reaches the terminal");

            List<Entry> entries = Events.entries(ledger);
            assertEquals(1, entries.size());
            assertEquals(tx, entries.get(0).transaction());
            assertEquals(w, entries.get(0).node());
            assertTrue(Audit.check(ledger).valid());
        }
    }

    /**
     * Issue 17, as a user meets it: `nc localhost 5000 < 1000-lines.txt` the moment serve listens. Every line is
     * answered OK and mined once (flow control, not "ERR busy"), and serve says on stderr that the races wait for the
     * warm-up, and when it is over; stdout keeps to start, end and wins lines.
     */
    @Test
    void aThousandLinesThroughOneSocketTheMomentServeListensAreAllMinedAndTheWarmUpIsSaid() throws Exception {
        Path ledger = dir.resolve("ledger.json");
        Path out = dir.resolve("out.txt");
        try (Serve serve = Serve.start(ProcessBuilder.Redirect.to(out.toFile()),
                "--ports", "0", "--difficulty", "1", "--ledger", ledger.toString())) {
            StringBuilder file = new StringBuilder();
            for (int i = 1; i <= 1000; i++) {
                file.append("line ").append(i).append(" of 1000\n");
            }
            List<String> replies = new ArrayList<>();
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress("127.0.0.1", serve.ports.get(0)), 5000);
                s.setSoTimeout(30_000); // only to catch a hang
                ExecutorService writer = Executors.newSingleThreadExecutor();
                try {
                    Future<?> sent = writer.submit(() -> {
                        s.getOutputStream().write(file.toString().getBytes(StandardCharsets.UTF_8));
                        s.getOutputStream().flush();
                        return null;
                    });
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    String line;
                    while (replies.size() < 1000 && (line = in.readLine()) != null) {
                        replies.add(line);
                    }
                    sent.get(60, TimeUnit.SECONDS);
                } finally {
                    writer.shutdownNow();
                }
            }
            List<String> notOk = replies.stream().filter(r -> !r.startsWith("OK Node1 ")).toList();
            assertEquals(1000, replies.size(), "answers: " + replies.size());
            assertEquals(0, notOk.size(), notOk.size() + " not OK, such as " + notOk.subList(0, Math.min(3, notOk.size())));
            Events.await("1000 wins", () -> lines(out).stream().filter(l -> l.contains(" wins ")).count() == 1000);
            Events.await("the warm-up's end on stderr", () -> serve.errors.stream().anyMatch(l -> l.startsWith("powrace: warmed up in ")));
            List<String> warm = serve.errors.stream().filter(l -> l.startsWith("powrace: warm")).toList();
            assertEquals(2, warm.size(), serve.errors.toString());
            assertTrue(warm.get(0).startsWith("powrace: warming up ("), warm.get(0));
            assertTrue(warm.get(1).matches("powrace: warmed up in \\d+\\.\\d\\d s; the races start"), warm.get(1));
            assertTrue(lines(out).stream().allMatch(l -> l.matches("Node1 (start|end|wins) .*")), "stdout: start, end, wins");
            List<Entry> entries = Events.entries(ledger);
            assertEquals(1000, entries.size());
            assertEquals(1000, entries.stream().map(Entry::transaction).distinct().count());
            assertTrue(Audit.check(ledger).valid());
        }
    }

    @Test
    void autoMeasuresTheEnginesBetweenRacesAndUsesTheFastest() throws Exception {
        Path ledger = dir.resolve("ledger.json");
        Path out = dir.resolve("out.txt");
        try (Serve serve = Serve.start(ProcessBuilder.Redirect.to(out.toFile()),
                "--ports", "0", "--difficulty", "1", "--ledger", ledger.toString())) {
            // a race at once: the nodes take it with auto's first guess, and calibration waits for it
            assertTrue(Client.send("127.0.0.1", serve.ports.get(0), "before the measurement").startsWith("OK "));
            Pattern measured = Pattern.compile("powrace: engines measured here, one thread: (\\S+) [0-9.]+ MH/s"
                    + "(, \\S+ [0-9.]+ MH/s)+; auto uses (\\S+) from the next race on");
            Events.await("the measurement on stderr", () -> serve.errors.stream().anyMatch(l -> measured.matcher(l).matches()));
            String line = serve.errors.stream().filter(l -> measured.matcher(l).matches()).findFirst().orElseThrow();
            // shani too: the relaunched JVM is started with -cp, so the jar manifest's Add-Opens is not read there
            assertTrue(line.contains(" digest ") && line.contains(" simd") && line.contains(" shani "),
                    "every engine of a java -jar run: " + line);
            assertTrue(Client.send("127.0.0.1", serve.ports.get(0), "after it").startsWith("OK "));
            Events.await("two entries", () -> Events.entries(ledger).size() == 2);
            assertTrue(Audit.check(ledger).valid());
        }
    }

    static List<String> lines(Path out) {
        try {
            return Files.readString(out, StandardCharsets.UTF_8).lines().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"KILL", "TERM", "INT"})
    void killingTheProcessTheUserStartedEndsEverythingItStartedAndFreesThePorts(String signal) throws Exception {
        Path ledger = dir.resolve("ledger.json");
        try (Serve serve = Serve.start(ProcessBuilder.Redirect.DISCARD,
                "--ports", "0,0,0", "--difficulty", "8", "--ledger", ledger.toString())) {
            List<ProcessHandle> tree = serve.descendants();
            assertFalse(tree.isEmpty(), "java -jar relaunches itself with the Vector API: " + serve.banner);
            Client.sendToAll("127.0.0.1", serve.ports, "mining when the signal comes")
                    .forEach(r -> assertTrue(r.startsWith("OK "), r));
            serve.signal(signal);
            Duration gone = serve.awaitGone(tree, Duration.ofSeconds(20));
            assertNotNull(gone, "after SIG" + signal + " something is left: " + tree.stream()
                    .filter(ProcessHandle::isAlive).map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList()
                    + ", ports free: " + serve.ports.stream().map(Serve::free).toList());
            System.out.printf("serve: SIG%s of the process the user started: all processes gone and ports free after %d ms%n",
                    signal, gone.toMillis());
        }
    }

    @Test
    void aBlockedStdoutNeitherStallsMiningNorInflatesTimesAndEveryLineComesOutLater() throws Exception {
        int races = 300;
        Path ledger = dir.resolve("ledger.json");
        // stdout is a pipe this test does not read (as `serve | less` with less paused): it fills after 64 KiB.
        try (Serve serve = Serve.start(ProcessBuilder.Redirect.PIPE,
                "--ports", "0,0,0", "--difficulty", "1", "--ledger", ledger.toString())) {
            ExecutorService pool = Executors.newFixedThreadPool(6);
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < races; i++) {
                String tx = "blocked stdout race " + i + " " + "x".repeat(200);
                sends.add(pool.submit(() -> {
                    for (int port : serve.ports) {
                        String r = Client.send("127.0.0.1", port, tx);
                        assertTrue(r.startsWith("OK "), r);
                    }
                    return null;
                }));
            }
            for (Future<?> f : sends) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            Events.await(races + " entries while stdout is blocked", () -> Events.entries(ledger).size() == races);
            List<Entry> entries = Events.entries(ledger);
            BigDecimal worst = entries.stream().map(Entry::timeTaken).max(BigDecimal::compareTo).orElseThrow();
            System.out.printf("serve: %d races recorded with stdout blocked; longest time_taken %ss%n", races, worst);
            for (Entry e : entries) {
                assertTrue(e.timeTaken().compareTo(new BigDecimal("0.2")) <= 0, "a blocked stdout inflated a time: " + e);
            }
            assertTrue(Audit.check(ledger).valid());

            // Now the reader catches up: every line comes out, each race's in order.
            java.util.concurrent.BlockingQueue<String> read = new java.util.concurrent.LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> new BufferedReader(new InputStreamReader(serve.process.getInputStream(),
                    StandardCharsets.UTF_8)).lines().forEach(read::add), "stdout-reader");
            reader.setDaemon(true);
            reader.start();
            List<String> lines = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // only to catch a hang
            while (lines.stream().filter(l -> l.contains(" wins ")).count() < races) {
                String line = read.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertNotNull(line, "wins lines missing: " + lines.stream().filter(l -> l.contains(" wins ")).count());
                lines.add(line);
            }
            Map<String, List<String>> byRace = lines.stream().collect(Collectors.groupingBy(
                    l -> l.replaceAll(".*\"blocked stdout race (\\d+) .*", "$1")));
            assertEquals(races, byRace.size());
            for (List<String> race : byRace.values()) {
                List<String> wins = race.stream().filter(l -> l.contains(" wins ")).toList();
                assertEquals(1, wins.size(), race.toString());
                String winner = wins.get(0).split(" ")[0];
                int endAt = race.indexOf(race.stream().filter(l -> l.startsWith(winner + " end ") && l.contains(" found "))
                        .findFirst().orElseThrow());
                assertTrue(endAt < race.indexOf(wins.get(0)), "the win after the winner's end: " + race);
            }
        }
    }
}
