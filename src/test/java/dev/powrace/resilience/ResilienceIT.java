package dev.powrace.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.testing.Events;
import dev.powrace.testing.Serve;
import dev.powrace.ledger.Audit;
import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.node.Client;
import dev.powrace.node.Network;
import dev.powrace.node.Node;
import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import dev.powrace.race.Attempt;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof under load, faults and bad input. Each part is a test that can fail; together they end with one
 * summary line. The load is scaled by -Dpowrace.resilience.scale (default 1: 1000 transactions, 20 kills,
 * 2 x 200 races), which keeps `mvn -B verify` within a few minutes on two cores.
 */
@Tag("resilience")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResilienceIT {
    static final double SCALE = Double.parseDouble(System.getProperty("powrace.resilience.scale", "1"));
    static final Map<String, String> SUMMARY = Collections.synchronizedMap(new LinkedHashMap<>());
    static final AtomicLong LOST = new AtomicLong();

    @TempDir
    Path dir;

    static int scaled(int n) {
        return Math.max(1, (int) Math.round(n * SCALE));
    }

    @AfterAll
    static void summary() throws IOException {
        String line = String.join(", ", SUMMARY.values()) + ", lost " + LOST.get();
        System.out.println("resilience: " + line);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "resilience-summary.txt"), line + "\n");
    }

    // ---------------------------------------------------------------- helpers

    static final class Hosted implements AutoCloseable {
        final Ledger ledger;
        final Network network;
        final Events events = new Events();
        final List<Attempt> started = events.started;
        final List<String> problems = events.problems;

        Hosted(Ledger ledger, Settings settings) throws IOException {
            this.ledger = ledger;
            this.network = Network.start(settings, ledger, EngineFactory.auto(), events);
        }

        List<Integer> ports() {
            return network.ports();
        }

        List<Entry> entries() {
            return Events.entries(ledger.path());
        }

        @Override
        public void close() throws IOException {
            network.close();
            ledger.close();
        }
    }

    static Settings settings(int difficulty) {
        return Settings.defaults().withPorts(List.of(0, 0, 0)).withDifficulty(difficulty);
    }

    static void await(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    /** The next line from the node, or null when it has closed the connection. */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            b.write(c);
        }
        return c == -1 && b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    /** Reads until the node closes the connection; true if it did within the socket's timeout. */
    static boolean closedByNode(Socket s) {
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            while (in.read(buf) != -1) {
                // drain
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the node: closed too
        }
    }

    /**
     * `java -jar target/powrace.jar serve` in a child process, started as a user starts it, its wins lines
     * collected as they are printed.
     */
    static final class Child implements AutoCloseable {
        final Serve serve;
        final List<Integer> ports;
        final List<ProcessHandle> tree;
        final Set<String> printedWinners = ConcurrentHashMap.newKeySet();
        final Thread stdout;

        Child(Path ledger, int difficulty) throws IOException {
            serve = Serve.start(ProcessBuilder.Redirect.PIPE, List.of("-Xmx256m"), "--ports", "0,0,0",
                    "--difficulty", String.valueOf(difficulty), "--ledger", ledger.toString());
            ports = serve.ports;
            tree = serve.descendants();
            Pattern wins = Pattern.compile("^Node\\d+ wins \"(.*)\" nonce=\\d+ hash=[0-9a-f]{64} time=.*$");
            BufferedReader out = new BufferedReader(new InputStreamReader(serve.process.getInputStream(), StandardCharsets.UTF_8));
            stdout = new Thread(() -> {
                try {
                    for (String l; (l = out.readLine()) != null; ) {
                        Matcher w = wins.matcher(l);
                        if (w.matches()) {
                            printedWinners.add(w.group(1));
                        }
                    }
                } catch (IOException ignored) {
                    // the process died
                }
            });
            stdout.setDaemon(true);
            stdout.start();
        }

        /**
         * SIGKILL. Either of the process the user started only (then what it started must end by itself, and
         * the ports be freed), or of the JVM that runs the nodes first, a crash in the middle of whatever it was
         * doing, and then of the user's process.
         *
         * @return true if, when only the user's process was killed, nothing was left within 5 s
         */
        boolean kill(boolean nodesFirst) throws InterruptedException {
            if (nodesFirst) {
                tree.forEach(ProcessHandle::destroyForcibly);
                tree.forEach(p -> p.onExit().join());
            }
            serve.process.destroyForcibly(); // SIGKILL
            java.time.Duration gone = serve.awaitGone(tree, java.time.Duration.ofSeconds(5));
            tree.forEach(ProcessHandle::destroyForcibly); // whatever was left, so the next round starts clean
            stdout.join(5000);
            return gone != null;
        }

        @Override
        public void close() throws InterruptedException {
            serve.close();
        }
    }

    // ---------------------------------------------------------------- 1. load

    @Test
    @Order(1)
    void loadOfDistinctTransactionsFromConcurrentClientsIsRecordedExactlyOnce() throws Exception {
        int n = scaled(1000);
        int clients = Math.min(100, n);
        Settings s = settings(1).withJoinWindow(Duration.ofSeconds(60));
        try (Hosted h = new Hosted(Ledger.open(dir.resolve("ledger.json")), s)) {
            List<Integer> ports = h.ports();
            AtomicInteger busy = new AtomicInteger();
            AtomicBoolean loading = new AtomicBoolean(true);
            AtomicLong worstProbe = new AtomicLong();
            AtomicInteger probes = new AtomicInteger();
            Thread prober = new Thread(() -> {
                Random r = new Random(1);
                while (loading.get()) {
                    long t0 = System.nanoTime();
                    try (Socket sock = connect(ports.get(r.nextInt(ports.size())))) {
                        sock.getOutputStream().write(new byte[] {(byte) 0xFF, '\n'}); // answered, never mined
                        String reply = line(sock.getInputStream());
                        if (reply != null && reply.startsWith("ERR")) {
                            worstProbe.accumulateAndGet(System.nanoTime() - t0, Math::max);
                            probes.incrementAndGet();
                        } else {
                            worstProbe.set(Long.MAX_VALUE);
                        }
                    } catch (IOException e) {
                        worstProbe.set(Long.MAX_VALUE);
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            prober.start();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<?>> work = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                work.add(pool.submit(() -> {
                    // One connection per node per client, kept open and reused; reopened if the node closed it.
                    Socket[] socks = new Socket[ports.size()];
                    try {
                        for (int i = client; i < n; i += clients) {
                            String tx = "load " + i + " of " + n;
                            for (int k = 0; k < ports.size(); k++) {
                                while (true) {
                                    if (socks[k] == null || socks[k].isClosed()) {
                                        socks[k] = connect(ports.get(k));
                                    }
                                    String reply;
                                    try {
                                        socks[k].getOutputStream().write((tx + "\n").getBytes(StandardCharsets.UTF_8));
                                        reply = line(socks[k].getInputStream());
                                    } catch (IOException e) {
                                        reply = null;
                                    }
                                    if (reply == null) {
                                        socks[k].close(); // closed while idle: reconnect and resend
                                        continue;
                                    }
                                    if (reply.startsWith("ERR busy")) {
                                        busy.incrementAndGet();
                                        Thread.sleep(20);
                                        continue;
                                    }
                                    assertTrue(reply.startsWith("OK "), reply);
                                    break;
                                }
                            }
                        }
                    } finally {
                        for (Socket so : socks) {
                            if (so != null) {
                                so.close();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(300, TimeUnit.SECONDS);
            }
            pool.shutdown();
            await(n + " entries", 120, () -> h.entries().size() >= n);
            loading.set(false);
            prober.join();
            Thread.sleep(300);
            List<Entry> entries = h.entries();
            Set<String> txs = entries.stream().map(Entry::transaction).collect(Collectors.toSet());
            int recorded = (int) java.util.stream.IntStream.range(0, n).filter(i -> txs.contains("load " + i + " of " + n)).count();
            LOST.addAndGet(n - recorded);
            SUMMARY.put("load", "load " + recorded + "/" + n + " recorded");
            if (entries.size() != n) {
                Map<String, List<Entry>> by = entries.stream().collect(Collectors.groupingBy(Entry::transaction));
                by.values().stream().filter(l -> l.size() > 1).limit(5).forEach(l -> l.forEach(e ->
                        System.out.println("DUP " + e.transaction() + " " + e.node() + " " + e.startTime() + " " + e.endTime())));
            }
            assertEquals(n, entries.size(), "exactly one entry per transaction");
            assertEquals(n, txs.size(), "none duplicated");
            assertEquals(n, recorded, "none missing");
            assertTrue(Audit.check(h.ledger.path()).valid());
            assertEquals(0, busy.get(), "no line refused: a client is slowed down, not told ERR busy");
            assertTrue(probes.get() > 0, "the prober got answers");
            assertTrue(worstProbe.get() < TimeUnit.SECONDS.toNanos(1),
                    "a new connection was answered within 1 s during the load; worst " + worstProbe.get() / 1e6 + " ms");
            System.out.printf("resilience: load %d transactions x %d nodes from %d clients; %d ERR busy retried; "
                    + "worst new-connection answer %.1f ms over %d probes%n", n, ports.size(), clients, busy.get(),
                    worstProbe.get() / 1e6, probes.get());
        }
    }

    @Test
    @Order(2)
    void aBurstOnOneConnectionIsSlowedDownNotRefused() throws Exception {
        Settings s = Settings.defaults().withPorts(List.of(0)).withDifficulty(2).withQueueCapacity(2);
        try (Hosted h = new Hosted(Ledger.open(dir.resolve("burst.json")), s)) {
            int port = h.ports().get(0);
            try (Socket sock = connect(port)) {
                StringBuilder burst = new StringBuilder();
                for (int i = 0; i < 20; i++) {
                    burst.append("burst ").append(i).append('\n');
                }
                sock.getOutputStream().write(burst.toString().getBytes(StandardCharsets.UTF_8)); // all at once
                for (int i = 0; i < 20; i++) {
                    String reply = line(sock.getInputStream());
                    assertTrue(reply.startsWith("OK "), reply);
                }
            }
            assertTrue(h.network.nodes().get(0).linesHeld() > 0, "lines waited for room: flow control was at work");
            await("20 entries", 60, () -> h.entries().size() == 20);
            assertEquals(20, h.entries().stream().map(Entry::transaction).distinct().count());
        }
    }

    // ---------------------------------------------------------------- 2. bad input

    interface BadInput {
        /** Sends the bad input to a node; true if it was answered with ERR or closed, as it should be. */
        boolean send(int port) throws Exception;
    }

    static Map<String, BadInput> badInputs(Hosted h) {
        Map<String, BadInput> kinds = new LinkedHashMap<>();
        kinds.put("a 1 MiB line", port -> {
            try (Socket sock = connect(port)) {
                Thread writer = new Thread(() -> {
                    try {
                        byte[] big = new byte[1 << 20];
                        java.util.Arrays.fill(big, (byte) 'a');
                        sock.getOutputStream().write(big);
                        sock.getOutputStream().write('\n');
                    } catch (IOException ignored) {
                        // the node may close before we finish: that is the point
                    }
                });
                writer.start();
                String reply = line(sock.getInputStream());
                boolean closed = closedByNode(sock);
                writer.join(10_000);
                return reply != null && reply.startsWith("ERR line too long") && closed;
            }
        });
        kinds.put("64 KiB of random bytes with NULs", port -> {
            byte[] junk = new byte[64 * 1024];
            new Random(64).nextBytes(junk);
            junk[0] = (byte) 0xFF; // never valid UTF-8, so the first line is refused
            for (int i = 1; i < junk.length; i += 97) {
                junk[i] = 0;
            }
            try (Socket sock = connect(port)) {
                sock.getOutputStream().write(junk);
                String reply = line(sock.getInputStream());
                return (reply == null || reply.startsWith("ERR")) && closedByNode(sock);
            }
        });
        kinds.put("invalid UTF-8", port -> {
            try (Socket sock = connect(port)) {
                sock.getOutputStream().write(new byte[] {'b', 'a', 'd', (byte) 0xC3, (byte) 0x28, '\n'});
                String reply = line(sock.getInputStream());
                return reply != null && reply.startsWith("ERR invalid UTF-8") && closedByNode(sock);
            }
        });
        kinds.put("a lone CR", port -> {
            try (Socket sock = connect(port)) {
                sock.getOutputStream().write('\r');
                return line(sock.getInputStream()) == null; // nothing to answer; closed when idle
            }
        });
        kinds.put("a line of only spaces", port -> {
            try (Socket sock = connect(port)) {
                sock.getOutputStream().write("        \n".getBytes(StandardCharsets.US_ASCII));
                return line(sock.getInputStream()) == null;
            }
        });
        kinds.put("2000 idle connections", port -> {
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 2000; i++) {
                    idle.add(connect(port));
                }
                int ended = 0;
                for (Socket sock : idle) {
                    String reply = line(sock.getInputStream()); // ERR too many connections, or closed when idle
                    if (reply == null || reply.startsWith("ERR too many connections")) {
                        ended++;
                    }
                }
                return ended == idle.size();
            } finally {
                for (Socket sock : idle) {
                    sock.close();
                }
            }
        });
        kinds.put("half a line, then a reset", port -> {
            for (int i = 0; i < 50; i++) {
                Socket sock = connect(port);
                sock.getOutputStream().write("half a li".getBytes(StandardCharsets.US_ASCII));
                sock.setSoLinger(true, 0);
                sock.close(); // RST
            }
            Thread.sleep(1500); // past the 1 s after which an unterminated line of a live client would count
            return h.started.stream().noneMatch(a -> a.race().transaction().startsWith("half a li"));
        });
        kinds.put("a port scan", port -> {
            List<Socket> scan = new ArrayList<>();
            for (int i = 0; i < 500; i++) { // twice the connection cap, all open at once, as a scanner does
                scan.add(connect(port));
            }
            for (Socket sock : scan) {
                sock.close();
            }
            String reply = Client.send("127.0.0.1", port, "\u0000probe"); // a real client right after the scan
            return reply.startsWith("OK "); // not "ERR too many connections"
        });
        return kinds;
    }

    @Test
    @Order(3)
    void badInputOnEveryNodeGetsAnErrorOrIsClosedAndNothingIsMined() throws Exception {
        int handled = 0;
        int tried = 0;
        List<String> failures = new ArrayList<>();
        try (Hosted h = new Hosted(Ledger.open(dir.resolve("bad.json")), settings(1))) {
            Map<String, BadInput> kinds = badInputs(h);
            int threadsBefore = Thread.activeCount();
            for (Map.Entry<String, BadInput> kind : kinds.entrySet()) {
                tried++;
                boolean ok = true;
                for (int port : h.ports()) {
                    boolean answered = kind.getValue().send(port);
                    boolean serving = Client.send("127.0.0.1", port, "\u0000probe").startsWith("OK ");
                    ok &= answered && serving;
                }
                ok &= h.started.stream().allMatch(a -> a.race().transaction().equals("\u0000probe"));
                if (ok) {
                    handled++;
                } else {
                    failures.add(kind.getKey());
                }
            }
            tried++;
            boolean neverReads = aClientThatNeverReadsIsSlowedDown();
            if (neverReads) {
                handled++;
            } else {
                failures.add("a client that never reads its replies");
            }
            await("the probes' entries", 60, () -> h.entries().size() >= 1);
            Thread.sleep(300);
            Set<String> mined = h.entries().stream().map(Entry::transaction).collect(Collectors.toSet());
            assertEquals(Set.of("\u0000probe"), mined, "nothing but the valid probe was mined");
            assertTrue(Audit.check(h.ledger.path()).valid(), "the ledger stays valid");
            // A valid transaction afterwards, to every node, is raced normally.
            Client.sendToAll("127.0.0.1", h.ports(), "after the bad input").forEach(r -> assertTrue(r.startsWith("OK "), r));
            await("the valid transaction", 60, () -> h.entries().stream().anyMatch(e -> e.transaction().equals("after the bad input")));
            await("connection threads", 10, () -> Thread.activeCount() <= threadsBefore + 4);
        }
        SUMMARY.put("bad", "bad inputs " + handled + "/" + tried + " handled");
        System.out.println("resilience: bad input kinds tried on every node: " + tried + ", handled: " + handled
                + (failures.isEmpty() ? "" : ", not handled: " + failures));
        assertEquals(tried, handled, "not handled: " + failures);
    }

    /**
     * A client that floods a node and never reads its replies is slowed down by TCP: at difficulty 8 with a queue of 1
     * the node takes two of its lines and then stops reading it, so its writes stall. Other clients are served
     * meanwhile, and nothing is recorded. (When the node takes lines faster than the client reads its replies, with
     * a deep queue, the unread replies pile up, and it is closed once they pass 64 KiB: NetworkTest.)
     */
    boolean aClientThatNeverReadsIsSlowedDown() throws Exception {
        Settings s = Settings.defaults().withPorts(List.of(0)).withDifficulty(8).withQueueCapacity(1);
        try (Hosted h = new Hosted(Ledger.open(dir.resolve("never-reads.json")), s)) {
            int port = h.ports().get(0);
            AtomicLong written = new AtomicLong();
            try (Socket sock = connect(port)) {
                Thread flood = new Thread(() -> {
                    try {
                        OutputStream out = sock.getOutputStream();
                        byte[] lines = "never reads\n".repeat(64).getBytes(StandardCharsets.US_ASCII);
                        while (true) {
                            out.write(lines);
                            written.addAndGet(lines.length);
                        }
                    } catch (IOException e) {
                        // the socket is closed below
                    }
                });
                flood.start();
                Thread.sleep(2000);
                long before = written.get();
                long t0 = System.nanoTime();
                String answer = Client.send("127.0.0.1", port, "someone else");
                boolean othersServed = answer.startsWith("OK ");
                boolean fast = System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1);
                Thread.sleep(1000);
                boolean stalled = written.get() == before;
                sock.setSoTimeout(1000); // its two lines taken are answered, and the node keeps it open
                String first = line(sock.getInputStream());
                String second = line(sock.getInputStream());
                boolean held = first != null && first.startsWith("OK ") && second != null && second.startsWith("OK ");
                try {
                    sock.getInputStream().read();
                    held = false; // a third answer, or closed
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // nothing more to read, and not closed
                }
                sock.close();
                flood.join(10_000);
                return stalled && held && othersServed && fast && h.entries().isEmpty();
            }
        }
    }

    // ---------------------------------------------------------------- 3. crashes

    @Test
    @Order(4)
    void killedAtRandomMomentsTheLedgerAlwaysOpensVerifiesAndKeepsEveryAnnouncedWinner() throws Exception {
        int kills = scaled(20);
        Path ledger = dir.resolve("crash.json");
        Random random = new Random(2026);
        int recovered = 0;
        int ghosts = 0;
        Set<String> announced = new HashSet<>();
        AtomicInteger counter = new AtomicInteger();
        for (int k = 0; k < kills; k++) {
            try (Child child = new Child(ledger, 1)) {
                AtomicBoolean feeding = new AtomicBoolean(true);
                ExecutorService feeders = Executors.newFixedThreadPool(4);
                for (int f = 0; f < 4; f++) {
                    feeders.submit(() -> {
                        while (feeding.get()) {
                            Client.sendToAll("127.0.0.1", child.ports, "crash " + counter.incrementAndGet());
                        }
                        return null;
                    });
                }
                // Killed while it appends: 0.3 to 1.5 s after its first win (its first race waits for the warm-up).
                await("a first winner", 60, () -> !child.printedWinners.isEmpty());
                Thread.sleep(300 + random.nextInt(1200));
                if (!child.kill(k % 2 == 1)) {
                    ghosts++;
                }
                feeding.set(false);
                feeders.shutdownNow();
                feeders.awaitTermination(30, TimeUnit.SECONDS);
                announced.addAll(child.printedWinners);
            }
            // No manual repair: opening is all it takes, and verify passes.
            try (Ledger l = Ledger.open(ledger)) {
                l.repairNote().ifPresent(n -> System.out.println("resilience: after kill: " + n));
            }
            Audit.Report report = Audit.check(ledger);
            Set<String> recorded = Ledger.readAll(ledger).stream().map(Entry::transaction).collect(Collectors.toSet());
            long missing = announced.stream().filter(t -> !recorded.contains(t)).count();
            LOST.addAndGet(missing);
            if (report.valid() && report.tornTail().isEmpty() && missing == 0) {
                recovered++;
            }
        }
        int entries = Ledger.readAll(ledger).size();
        SUMMARY.put("crashes", "crashes " + recovered + "/" + kills + " recovered, " + ghosts + " processes left");
        System.out.println("resilience: " + kills + " SIGKILLs of serve while it appended; " + entries + " entries, "
                + announced.size() + " announced winners, all present: " + (LOST.get() == 0));
        assertTrue(announced.size() >= kills, "winners were announced between kills: " + announced.size());
        assertEquals(kills, recovered);
        assertEquals(0, ghosts, "SIGKILL of the process the user started left a process running");
    }

    @Test
    @Order(5)
    void aFullDiskIsReportedNoPartialEntryIsLeftAndTheNodesKeepRunning() throws Exception {
        Path path = dir.resolve("full.json");
        List<FailingChannel> channels = new ArrayList<>();
        Ledger ledger = Ledger.open(path, (p, write) -> {
            FileChannel real = write ? FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(p, StandardOpenOption.READ);
            FailingChannel c = new FailingChannel(real);
            channels.add(c);
            return c;
        });
        try (Hosted h = new Hosted(ledger, settings(1))) {
            Client.sendToAll("127.0.0.1", h.ports(), "before the disk filled");
            await("the first entry", 30, () -> h.entries().size() == 1);
            byte[] before = Files.readAllBytes(path);
            channels.forEach(c -> c.full = true);
            Client.sendToAll("127.0.0.1", h.ports(), "while the disk is full").forEach(r -> assertTrue(r.startsWith("OK "), r));
            await("the problem to be reported", 30, () -> h.problems.stream().anyMatch(p -> p.contains("No space left on device")));
            assertTrue(h.problems.get(0).contains("is not recorded"), h.problems.get(0));
            assertEquals(1, h.problems.get(0).lines().count(), "one line");
            assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(path)), "no partial entry is left");
            assertTrue(Audit.check(path).valid());
            channels.forEach(c -> c.full = false);
            Client.sendToAll("127.0.0.1", h.ports(), "after space was freed").forEach(r -> assertTrue(r.startsWith("OK "), r));
            await("the nodes to go on recording", 30, () -> h.entries().size() == 2);
            assertEquals("after space was freed", h.entries().get(1).transaction());
        }
    }

    @Test
    @Order(6)
    void aReadOnlyLedgerIsReportedAndTheNodesKeepRunning() throws Exception {
        Path path = dir.resolve("readonly.json");
        Files.writeString(path, "[]\n");
        Ledger ledger = Ledger.open(path, (p, write) -> {
            if (write) {
                throw new java.nio.file.AccessDeniedException(p.toString()); // as for a non-root user on a 0444 file
            }
            return FileChannel.open(p, StandardOpenOption.READ);
        });
        assertFalse(ledger.writable());
        try (Hosted h = new Hosted(ledger, settings(1))) {
            Client.sendToAll("127.0.0.1", h.ports(), "nowhere to write").forEach(r -> assertTrue(r.startsWith("OK "), r));
            await("the problem to be reported", 30, () -> h.problems.stream().anyMatch(p -> p.contains("read-only")));
            assertEquals("[]\n", Files.readString(path));
            assertTrue(Client.send("127.0.0.1", h.ports().get(0), "still serving").startsWith("OK "));
        }
    }

    // ---------------------------------------------------------------- 4. two writers

    @Test
    @Order(7)
    void twoServeProcessesShareOneLedgerAndLoseNothing() throws Exception {
        int races = scaled(200);
        Path ledger = dir.resolve("shared.json");
        Files.writeString(ledger, "[]\n");
        try (Child a = new Child(ledger, 1); Child b = new Child(ledger, 1)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<List<String>>> sends = new ArrayList<>();
            for (int i = 0; i < races; i++) {
                String ta = "writer A race " + i;
                String tb = "writer B race " + i;
                sends.add(pool.submit(() -> Client.sendToAll("127.0.0.1", a.ports, ta)));
                sends.add(pool.submit(() -> Client.sendToAll("127.0.0.1", b.ports, tb)));
            }
            for (Future<List<String>> f : sends) {
                f.get(120, TimeUnit.SECONDS).forEach(r -> assertTrue(r.startsWith("OK "), r));
            }
            pool.shutdown();
            await(2 * races + " entries", 120, () -> {
                try {
                    return Ledger.readAll(ledger).size() >= 2 * races;
                } catch (IOException e) {
                    return false;
                }
            });
        }
        List<Entry> entries = Ledger.readAll(ledger);
        Set<String> txs = entries.stream().map(Entry::transaction).collect(Collectors.toSet());
        System.out.println("resilience: two serve processes, one ledger: " + entries.size() + " entries, "
                + txs.size() + " distinct");
        assertEquals(2 * races, entries.size());
        assertEquals(2 * races, txs.size());
        assertTrue(Audit.check(ledger).valid());
    }

    // ---------------------------------------------------------------- 5. security

    @Test
    @Order(8)
    void hostileTransactionsRoundTripExactlyAndTouchNoOtherFile() throws Exception {
        List<String> hostile = List.of(
                "quotes \" ' and backslashes \\ \\\\ \\n \\u0000",
                "emoji 🙂🏳️‍🌈 and RTL \u202Eevil\u202C \u200F mark",
                "ANSI \u001b[2J\u001b[31mred\u001b[0m \u001b]0;title\u0007 bell",
                "${jndi:ldap://127.0.0.1:1389/a} ${env:HOME} %n %s",
                "../../../etc/passwd",
                "ledger.json.damaged-x",
                "<b>markup</b> &amp; \u0000 NUL");
        Path sub = Files.createDirectories(dir.resolve("sec"));
        try (Hosted h = new Hosted(Ledger.open(sub.resolve("ledger.json")), settings(1))) {
            for (Node node : h.network.nodes()) {
                assertTrue(node.port() > 0);
            }
            // Listening on loopback only by default: the same port on this machine's other addresses refuses.
            List<java.net.InetAddress> others = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())
                    .stream().flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                    .filter(a -> !a.isLoopbackAddress() && a instanceof java.net.Inet4Address).toList();
            for (java.net.InetAddress other : others) {
                try (Socket sock = new Socket()) {
                    sock.connect(new InetSocketAddress(other, h.ports().get(0)), 1000);
                    throw new AssertionError("a node answers on " + other + ": not loopback only");
                } catch (IOException refused) {
                    // as it should be
                }
            }
            System.out.println("resilience: nodes refused on " + others.size() + " non-loopback addresses");
            for (String tx : hostile) {
                Client.sendToAll("127.0.0.1", h.ports(), tx).forEach(r -> assertTrue(r.startsWith("OK "), r));
            }
            await("every hostile entry", 60, () -> h.entries().size() == hostile.size());
            Set<String> stored = h.entries().stream().map(Entry::transaction).collect(Collectors.toSet());
            assertEquals(new HashSet<>(hostile), stored, "stored verbatim");
            String raw = Files.readString(sub.resolve("ledger.json"));
            assertFalse(raw.contains("\u001b"), "escaped in JSON");
            for (String tx : hostile) {
                String shown = dev.powrace.cli.QuoteAccess.quote(tx);
                assertFalse(shown.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == 0x202E), "escaped for the terminal: " + shown);
            }
        }
        try (var files = Files.list(sub)) {
            assertEquals(List.of("ledger.json"), files.map(p -> p.getFileName().toString()).toList(),
                    "no input made a node write any other file");
        }
    }
}
