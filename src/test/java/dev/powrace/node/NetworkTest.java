package dev.powrace.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.ledger.Audit;
import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.pow.EngineFactory;
import dev.powrace.race.Attempt;
import dev.powrace.race.Outcome;
import dev.powrace.testing.Events;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkTest {
    @TempDir
    Path dir;

    Ledger ledger;
    Network network;
    final Events events = new Events();
    final List<Attempt> started = events.started;
    final List<Attempt> ended = events.ended;
    final ExecutorService pool = Executors.newCachedThreadPool();

    /** The nodes as users run them: the engine that `auto` picks. */
    Network start(Settings settings) throws IOException {
        ledger = Ledger.open(dir.resolve("ledger.json"));
        network = Network.start(settings, ledger, EngineFactory.auto(), events);
        return network;
    }

    static Settings settings(int difficulty) {
        return Settings.defaults().withPorts(List.of(0, 0, 0)).withDifficulty(difficulty);
    }

    @AfterEach
    void stop() throws Exception {
        pool.shutdownNow();
        if (network != null) {
            network.close();
        }
        if (ledger != null) {
            ledger.close();
        }
    }

    /** A client that sends bytes and reads lines, as nc does: it does not close its side by itself. */
    static final class Client implements AutoCloseable {
        final Socket socket = new Socket();
        final InputStream in;

        Client(int port) throws IOException {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(15_000);
            in = socket.getInputStream();
        }

        Client send(byte[] bytes) throws IOException {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return this;
        }

        Client send(String text) throws IOException {
            return send(text.getBytes(StandardCharsets.UTF_8));
        }

        /** The next reply line, or null when the node has closed the connection. */
        String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                b.write(c);
            }
            return c == -1 && b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static void await(String what, BooleanSupplier condition) {
        Events.await(what, condition);
    }

    List<Entry> entries() {
        return Events.entries(ledger.path());
    }

    @Test
    void oneLineSentToThreePortsAtOnceAsNcDoesGivesOneEntry() throws Exception {
        start(settings(2));
        List<Future<List<String>>> replies = new ArrayList<>();
        for (int port : network.ports()) {
            replies.add(pool.submit(() -> {
                try (Client c = new Client(port)) {
                    c.send("Your transaction data\n");
                    String reply = c.line();
                    long t0 = System.nanoTime();
                    String after = c.line(); // the node closes an idle connection by itself
                    return List.of(reply, String.valueOf(after), String.valueOf((System.nanoTime() - t0) / 1_000_000));
                }
            }));
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            List<String> r = replies.get(i).get(30, TimeUnit.SECONDS);
            assertTrue(r.get(0).matches("OK Node" + (i + 1) + " \\d+"), r.get(0));
            ids.add(r.get(0).split(" ")[2]);
            assertEquals("null", r.get(1), "closed after the reply");
            assertTrue(Long.parseLong(r.get(2)) < 10_000, "closed within seconds, not never: " + r.get(2) + " ms");
        }
        assertEquals(1, ids.stream().distinct().count(), "one race: " + ids);
        await("the winner's entry", () -> entries().size() == 1);
        Entry e = entries().get(0);
        assertEquals("Your transaction data", e.transaction());
        Thread.sleep(300);
        assertEquals(1, entries().size(), "exactly one entry");
        await("every node's attempt to end", () -> ended.size() == 3);
        List<Outcome> outcomes = ended.stream().map(Attempt::outcome).toList();
        assertEquals(1, outcomes.stream().filter(o -> o == Outcome.FOUND).count(), outcomes.toString());
        assertTrue(outcomes.stream().allMatch(o -> o == Outcome.FOUND || o == Outcome.STOPPED || o == Outcome.LATE));
        assertEquals(e.node(), ended.stream().filter(a -> a.outcome() == Outcome.FOUND).findFirst().orElseThrow().node());
        assertTrue(Audit.check(ledger.path()).valid());
    }

    static java.util.Set<Thread> warmUps() {
        java.util.Set<Thread> set = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("powrace-warm-up")).forEach(set::add);
        return set;
    }

    @Test
    void theAppsNodesHoldTheWarmUpAndTheFirstRaceUntilTheWindowIsShown() throws Exception {
        ledger = Ledger.open(dir.resolve("ledger.json"));
        java.util.concurrent.CompletableFuture<Void> shown = new java.util.concurrent.CompletableFuture<>();
        java.util.Set<Thread> before = warmUps(); // other tests' warm-ups may still be running
        network = Network.start(settings(1), ledger, EngineFactory.auto(), shown);
        try (Client c = new Client(network.ports().get(0))) {
            assertTrue(c.send("before the window\n").line().startsWith("OK Node1 "), "the nodes answer at once");
        }
        Thread.sleep(500);
        java.util.Set<Thread> now = warmUps();
        now.removeAll(before);
        assertEquals(java.util.Set.of(), now, "no warm-up while the window is being built");
        assertEquals(List.of(), entries(), "the first race waits for the warm-up");
        shown.complete(null);
        await("the entry, once the window is shown and the warm-up done", () -> entries().size() == 1);
        assertEquals("before the window", entries().get(0).transaction());
    }

    /**
     * Issue 17: a transaction sent at once was answered OK, then nothing showed for a second or more. Each node that
     * holds a race for the warm-up says so; the warm-up's end is told once, before any race starts; a race sent after
     * the warm-up is over says nothing of it. The warm-up is held (as the app holds it for its window) so that the
     * races surely wait.
     */
    @Test
    void aRaceThatWaitsForTheWarmUpSaysSoAndItsEndIsToldOnce() throws Exception {
        ledger = Ledger.open(dir.resolve("ledger.json"));
        java.util.concurrent.CompletableFuture<Void> go = new java.util.concurrent.CompletableFuture<>();
        network = Network.start(settings(1), ledger, EngineFactory.auto(), go);
        network.referee().addListener(events);
        for (int port : network.ports().subList(0, 2)) { // Node3 gets nothing, and so does not wait
            assertTrue(dev.powrace.node.Client.send("127.0.0.1", port, "sent at once").startsWith("OK "));
        }
        await("Node1 and Node2 to say they wait", () -> events.log.stream().filter(l -> l.startsWith("warming up")).count() == 2);
        assertEquals(List.of("warming up Node1", "warming up Node2"),
                events.log.stream().filter(l -> l.startsWith("warm")).sorted().toList());
        go.complete(null);
        await("the entry", () -> entries().size() == 1);
        assertTrue(network.referee().sync(Duration.ofSeconds(10)));
        List<String> log = List.copyOf(events.log);
        int over = log.indexOf("warmed up");
        assertTrue(over > 0 && log.lastIndexOf("warmed up") == over, "told once: " + log);
        for (int i = 0; i < log.size(); i++) {
            String line = log.get(i);
            assertTrue(line.startsWith("warming up") ? i < over : !line.startsWith("started") || i > over, log.toString());
        }
        for (int port : network.ports()) {
            assertTrue(dev.powrace.node.Client.send("127.0.0.1", port, "after the warm-up").startsWith("OK "));
        }
        await("the second entry", () -> entries().size() == 2);
        assertTrue(network.referee().sync(Duration.ofSeconds(10)));
        assertEquals(3, events.log.stream().filter(l -> l.startsWith("warm")).count(), "nothing more: " + events.log);
    }

    static java.util.Set<Thread> calibrations() {
        java.util.Set<Thread> set = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("powrace-calibration"))
                .forEach(set::add);
        return set;
    }

    @Test
    void closingTheNetworkEndsItsEngineCalibration() throws Exception {
        java.util.Set<Thread> before = calibrations(); // other tests' may still be running
        start(settings(1));
        java.util.Set<Thread> ours = calibrations();
        await("the calibration under way, after the warm-up", () -> {
            ours.addAll(calibrations());
            ours.removeAll(before);
            return !ours.isEmpty();
        });
        network.close();
        long t0 = System.nanoTime();
        for (Thread t : ours) {
            t.join(2000);
        }
        // It measures for seconds (every engine, slices of 100 ms) on a full core: not once the nodes are gone.
        assertTrue(ours.stream().noneMatch(Thread::isAlive), "the calibration still runs "
                + (System.nanoTime() - t0) / 1_000_000 + " ms after close()");
    }

    @Test
    void anUnterminatedLineCountsAfterASecondOfQuiet() throws Exception {
        start(settings(1));
        try (Client c = new Client(network.ports().get(0))) {
            long t0 = System.nanoTime();
            c.send("no newline here");
            String reply = c.line();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(reply.startsWith("OK Node1 "), reply);
            assertTrue(ms >= 900, "answered only after the quiet second: " + ms + " ms");
        }
        await("entry", () -> entries().size() == 1);
        assertEquals("no newline here", entries().get(0).transaction());
    }

    @Test
    void blankLinesAreIgnoredAndCarriageReturnsStripped() throws Exception {
        start(settings(1));
        try (Client c = new Client(network.ports().get(0))) {
            c.send("\r\n   \n\nwith cr\r\n");
            assertTrue(c.line().startsWith("OK Node1 "));
            assertEquals(null, c.line(), "one reply only, then closed when idle");
        }
        await("entry", () -> entries().size() == 1);
        assertEquals("with cr", entries().get(0).transaction());
    }

    @Test
    void anOversizedLineIsRefusedAndNothingIsMined() throws Exception {
        start(settings(1));
        try (Client c = new Client(network.ports().get(0))) {
            byte[] big = new byte[Settings.MAX_LINE_BYTES + 10];
            java.util.Arrays.fill(big, (byte) 'a');
            c.send(big).send("\nafter\n");
            String reply = c.line();
            assertTrue(reply.startsWith("ERR line too long"), reply);
            assertEquals(null, c.line(), "the connection is closed");
        }
        // A line of exactly the limit is fine.
        try (Client c = new Client(network.ports().get(0))) {
            c.send("b".repeat(Settings.MAX_LINE_BYTES) + "\r\n");
            assertTrue(c.line().startsWith("OK "));
        }
        await("entry", () -> entries().size() == 1);
        assertEquals(Settings.MAX_LINE_BYTES, entries().get(0).transaction().length());
        assertEquals(1, started.size(), "only the valid line was mined");
    }

    @Test
    void invalidUtf8GetsAnError() throws Exception {
        start(settings(1));
        try (Client c = new Client(network.ports().get(1))) {
            c.send(new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28, '\n'});
            String reply = c.line();
            assertTrue(reply.startsWith("ERR invalid UTF-8"), reply);
            assertEquals(null, c.line());
        }
        try (Client c = new Client(network.ports().get(1))) {
            c.send("still serving ✓\n");
            assertTrue(c.line().startsWith("OK Node2 "));
        }
        await("entry", () -> entries().size() == 1);
        assertEquals("still serving ✓", entries().get(0).transaction());
    }

    @Test
    void aConnectionFloodIsCappedAndTheNodeKeepsServing() throws Exception {
        start(settings(1).withMaxConnections(20));
        int port = network.ports().get(0);
        List<Client> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 60; i++) {
                flood.add(new Client(port));
            }
            // At the cap each new connection closes the one that has gone longest without progress: here the
            // oldest, so the first 40 make room for the last 40, which are closed when idle.
            int evicted = 0;
            for (Client c : flood.subList(0, 40)) {
                String line = c.line();
                if (line != null && line.startsWith("ERR too many connections")) {
                    evicted++;
                }
            }
            assertTrue(evicted >= 30, "the oldest connections made room: " + evicted);
        } finally {
            for (Client c : flood) {
                c.close();
            }
        }
        try (Client c = new Client(port)) {
            String reply = c.send("after the flood\n").line();
            assertTrue(reply.startsWith("OK Node1"), reply);
        }
        await("entry", () -> entries().size() == 1);
    }

    @Test
    void aLineThatTricklesInIsCutOffAndItsConnectionClosed() throws Exception {
        start(settings(1).withPorts(List.of(0)));
        try (Client c = new Client(network.ports().get(0))) {
            long stopAt = System.nanoTime() + 20_000_000_000L; // bounded: the trickle ends whatever happens
            pool.submit(() -> {
                while (System.nanoTime() < stopAt) {
                    c.send("a"); // a byte every 0.3 s: never a second of quiet, never a newline
                    Thread.sleep(300);
                }
                return null;
            });
            long t0 = System.nanoTime();
            String reply = c.line();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(reply != null && reply.startsWith("ERR too slow"), reply + " after " + ms + " ms");
            assertEquals(null, c.line(), "then closed");
        }
        assertEquals(0, started.size(), "nothing mined for it");
    }

    @Test
    void fiftyTransactionsInFlightGiveFiftyEntriesEachOnce() throws Exception {
        start(settings(1));
        List<Future<?>> sends = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String tx = "in flight " + i;
            for (int port : network.ports()) {
                sends.add(pool.submit(() -> {
                    try (Client c = new Client(port)) {
                        c.send(tx + "\n");
                        String reply = c.line();
                        assertTrue(reply.startsWith("OK "), reply);
                    }
                    return null;
                }));
            }
        }
        for (Future<?> f : sends) {
            f.get(60, TimeUnit.SECONDS);
        }
        await("50 entries", () -> entries().size() >= 50);
        Thread.sleep(300);
        List<Entry> entries = entries();
        assertEquals(50, entries.size());
        Map<String, Long> counts = entries.stream().collect(Collectors.groupingBy(Entry::transaction, Collectors.counting()));
        assertEquals(50, counts.size());
        assertEquals(Collections.singleton(1L), new java.util.HashSet<>(counts.values()));
        assertTrue(Audit.check(ledger.path()).valid());
    }

    /** A network whose warm-up is held until {@code go} completes (at most 5 s): nothing is mined till then. */
    Network held(Settings settings, java.util.concurrent.CompletableFuture<Void> go) throws IOException {
        ledger = Ledger.open(dir.resolve("ledger.json"));
        network = Network.start(settings, ledger, EngineFactory.auto(), go);
        return network;
    }

    static String lines(String prefix, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            b.append(prefix).append(i).append('\n');
        }
        return b.toString();
    }

    /**
     * Issue 17: `nc localhost 5000 < transactions.txt` with 1,000 lines mined 277; the rest got "ERR busy". Now the
     * node stops reading the connection while its queue is full, and TCP slows the sender. Sent before the warm-up
     * ends (it is held here), so the queue of 256 is full at once.
     */
    @Test
    void aThousandLinesPipedThroughOneSocketAreAllAnsweredOkAndMinedOnce() throws Exception {
        java.util.concurrent.CompletableFuture<Void> go = new java.util.concurrent.CompletableFuture<>();
        Node node = held(settings(1).withPorts(List.of(0)), go).nodes().get(0);
        List<String> replies = new ArrayList<>();
        try (Client c = new Client(node.port())) {
            Future<?> writer = pool.submit(() -> c.send(lines("piped line ", 1000))); // as fast as TCP takes it
            for (int i = 0; i < 257; i++) { // one in the miner's hands (waiting for the warm-up), 256 queued
                replies.add(c.line());
            }
            await("the 258th line to wait for room", () -> node.linesHeld() >= 1);
            go.complete(null);
            for (int i = 257; i < 1000; i++) {
                replies.add(c.line());
            }
            writer.get(60, TimeUnit.SECONDS);
        }
        List<String> notOk = replies.stream().filter(r -> r == null || !r.startsWith("OK Node1 ")).toList();
        assertEquals(List.of(), notOk.subList(0, Math.min(3, notOk.size())), notOk.size() + " of 1000 not OK");
        await("1000 entries", () -> entries().size() >= 1000);
        assertTrue(network.referee().sync(Duration.ofSeconds(10)));
        List<Entry> entries = entries();
        assertEquals(1000, entries.size());
        assertEquals(1000, entries.stream().map(Entry::transaction).distinct().count(), "each line once");
        assertTrue(Audit.check(ledger.path()).valid());
    }

    /**
     * While one connection waits for room with 95 lines behind it, a second connection's line is taken at once (a
     * connection with no line waiting always is): one client's flood does not keep another out. The first is not
     * closed as idle or as too slow for the seconds the node does not read it.
     */
    @Test
    void anotherConnectionIsAnsweredAtOnceWhileTheFirstWaitsForRoom() throws Exception {
        java.util.concurrent.CompletableFuture<Void> go = new java.util.concurrent.CompletableFuture<>();
        Node node = held(settings(1).withPorts(List.of(0)).withQueueCapacity(4), go).nodes().get(0);
        try (Client a = new Client(node.port()); Client b = new Client(node.port())) {
            a.send(lines("A ", 100));
            for (int i = 1; i <= 5; i++) { // one in the miner's hands, four queued
                assertEquals("OK Node1 " + i, a.line());
            }
            await("A's sixth line to wait", () -> node.linesHeld() >= 1);
            b.send("B 1\n");
            assertEquals("OK Node1 6", b.line(), "B's line is taken while A waits");
            Thread.sleep(2_500); // past the idle timeout and a line's deadline: A waits for the node, not the other way
            go.complete(null);
            for (int i = 6; i <= 100; i++) {
                String reply = a.line();
                assertTrue(reply != null && reply.startsWith("OK Node1 "), "A " + i + ": " + reply);
            }
        }
        await("101 entries", () -> entries().size() >= 101);
    }

    /**
     * Review of issue 17: a copy held back by flow control past the join window was raced alone once read, so one
     * send to three nodes made two entries. Node3, at 1% power with a queue of 1, has four races of its own to mine
     * (about half a second each at difficulty 2): its copies of L2 to L4 wait unread while Node1 and Node2 race them,
     * for longer than the join window (200 ms). Read at last, each joins its decided race and is late.
     */
    @Test
    void aCopyHeldPastTheJoinWindowJoinsItsRaceAndMakesNoSecondEntry() throws Exception {
        ledger = Ledger.open(dir.resolve("ledger.json"));
        network = Network.start(settings(2).withQueueCapacity(1).withJoinWindow(Duration.ofMillis(200))
                .withPower(List.of(100, 100, 1)), ledger, EngineFactory.auto(), events);
        Node node3 = network.nodes().get(2);
        List<Client> clients = new ArrayList<>();
        try (Client solo = new Client(node3.port())) {
            solo.send(lines("solo ", 4));
            assertTrue(solo.line().startsWith("OK Node3 "));
            assertTrue(solo.line().startsWith("OK Node3 ")); // its other two wait for room
            for (Node n : network.nodes()) {
                clients.add(new Client(n.port()).send(lines("L", 4)));
            }
            for (Client c : clients) {
                for (int i = 1; i <= 4; i++) {
                    String reply = c.line();
                    assertTrue(reply != null && reply.startsWith("OK "), reply);
                }
            }
            assertTrue(solo.line().startsWith("OK Node3 "));
            assertTrue(solo.line().startsWith("OK Node3 "));
        } finally {
            for (Client c : clients) {
                c.close();
            }
        }
        assertTrue(node3.linesHeld() > 0, "Node3's copies waited for room");
        await("all three idle", () -> network.nodes().stream().allMatch(Node::idle));
        assertTrue(network.referee().sync(Duration.ofSeconds(10)));
        Map<String, Long> counts = entries().stream()
                .collect(Collectors.groupingBy(Entry::transaction, Collectors.counting()));
        assertEquals(Map.of("solo 1", 1L, "solo 2", 1L, "solo 3", 1L, "solo 4", 1L, "L1", 1L, "L2", 1L, "L3", 1L,
                "L4", 1L), counts);
    }

    /**
     * Review of issue 17: a client that opens a new connection for each line was never slowed (a connection with none
     * waiting always had its line taken), so the queue grew until the heap ran out. The queue has a hard bound: its
     * capacity plus one line per connection the node may hold; past it, such a line is told "ERR busy" (TCP can't
     * slow a client down that opens connections).
     */
    @Test
    void newConnectionsOfOneLineEachAreToldBusyPastTheHardBound() throws Exception {
        java.util.concurrent.CompletableFuture<Void> go = new java.util.concurrent.CompletableFuture<>();
        Node node = held(settings(8).withPorts(List.of(0)).withQueueCapacity(2).withMaxConnections(4), go)
                .nodes().get(0);
        List<String> replies = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            try (Client c = new Client(node.port())) {
                replies.add(c.send("one line " + i + "\n").line());
            }
        }
        long ok = replies.stream().filter(r -> r.startsWith("OK Node1 ")).count();
        // 2 + 4 queued, and the first if the miner took it first (it holds it for the warm-up)
        assertTrue(ok == 6 || ok == 7, ok + " OK: " + replies);
        assertTrue(replies.subList((int) ok, 20).stream().allMatch(r -> r.startsWith("ERR busy: Node1 has 6 ")),
                replies.toString());
        go.complete(null);
    }

    /**
     * Review of issue 17: a connection that waits for room made no progress, so at the cap it was the first closed to
     * make room: idle sockets could cut an `nc < file` off. Now a waiting connection goes last.
     */
    @Test
    void atTheCapIdleConnectionsMakeRoomBeforeOneThatWaitsForRoom() throws Exception {
        java.util.concurrent.CompletableFuture<Void> go = new java.util.concurrent.CompletableFuture<>();
        Node node = held(settings(1).withPorts(List.of(0)).withQueueCapacity(2).withMaxConnections(3), go)
                .nodes().get(0);
        try (Client flood = new Client(node.port())) {
            flood.send(lines("F", 10));
            for (int i = 1; i <= 3; i++) { // one in the miner's hands, two queued
                assertEquals("OK Node1 " + i, flood.line());
            }
            await("F4 to wait", () -> node.linesHeld() >= 1);
            List<Client> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    idle.add(new Client(node.port()));
                }
                String first = idle.get(0).line();
                assertTrue(first != null && first.startsWith("ERR too many connections"), "an idle one: " + first);
                go.complete(null);
                for (int i = 4; i <= 10; i++) {
                    String reply = flood.line();
                    assertTrue(reply != null && reply.startsWith("OK Node1 "), "F" + i + ": " + reply);
                }
            } finally {
                for (Client c : idle) {
                    c.close();
                }
            }
        }
        await("10 entries", () -> entries().size() >= 10);
    }

    /**
     * A waiting connection is not read, so a reset by its client went unseen. At the cap, the node looks: a client that
     * reset is closed (making room without closing anyone else), and its line that waited is not mined.
     */
    @Test
    void atTheCapAWaitingConnectionWhoseClientResetIsClosedAndItsLineDropped() throws Exception {
        java.util.concurrent.CompletableFuture<Void> go = new java.util.concurrent.CompletableFuture<>();
        Node node = held(settings(1).withPorts(List.of(0)).withQueueCapacity(1).withMaxConnections(2), go)
                .nodes().get(0);
        Socket x = new Socket();
        x.connect(new InetSocketAddress("127.0.0.1", node.port()), 5000);
        // X1 first, taken by the miner (it then waits for the warm-up), so that X2 is queued and X3 waits for room:
        // sent together, X2 could be the line that waits, when the miner had not taken X1 yet
        x.getOutputStream().write("X1\n".getBytes(StandardCharsets.UTF_8));
        await("the miner to take X1", () -> network.warmingUp().contains(node.name()));
        x.getOutputStream().write("X2\nX3\n".getBytes(StandardCharsets.UTF_8));
        await("X3 to wait", () -> node.linesHeld() >= 1);
        x.setSoLinger(true, 0);
        x.close(); // RST
        try (Client a = new Client(node.port()); Client b = new Client(node.port())) {
            a.send("A1\n");
            assertTrue(a.line().startsWith("OK Node1 "), "A was not closed to make room for B");
            b.send("B1\n");
            assertTrue(b.line().startsWith("OK Node1 "));
        }
        go.complete(null);
        await("4 entries", () -> entries().size() >= 4);
        assertTrue(network.referee().sync(Duration.ofSeconds(10)));
        Thread.sleep(300);
        assertEquals(java.util.Set.of("X1", "X2", "A1", "B1"),
                entries().stream().map(Entry::transaction).collect(Collectors.toSet()));
        assertEquals(4, entries().size());
    }

    /** A transaction handed over without a connection (the window's, a cluster's) can't be slowed: ERR busy. */
    @Test
    void aSubmissionWithoutAConnectionIsToldBusyWhenTheQueueIsFull() throws Exception {
        java.util.concurrent.CompletableFuture<Void> go = new java.util.concurrent.CompletableFuture<>();
        Node node = held(settings(1).withPorts(List.of(0)).withQueueCapacity(1), go).nodes().get(0);
        assertTrue(node.submit("first").startsWith("OK "));
        await("the miner to take the first (it holds it for the warm-up)", () -> node.submit("second").startsWith("OK "));
        String busy = node.submit("third");
        assertTrue(busy.startsWith("ERR busy: Node1 has 1 transactions waiting"), busy);
        try (Client c = new Client(node.port())) { // a connection's line is taken all the same
            c.send("fourth\n");
            assertTrue(c.line().startsWith("OK Node1 "));
        }
        go.complete(null);
        await("3 entries", () -> entries().size() >= 3);
    }

    @Test
    void aPortInUseIsNamed() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Ledger l = Ledger.open(dir.resolve("l.json"));
            try {
                PortInUseException e = org.junit.jupiter.api.Assertions.assertThrows(PortInUseException.class,
                        () -> Network.start(Settings.defaults().withPorts(List.of(0, taken.getLocalPort())), l,
                                EngineFactory.digest()));
                assertEquals(taken.getLocalPort(), e.port());
                assertTrue(e.getMessage().contains("--ports"));
            } finally {
                l.close();
            }
        }
    }

    /** A --bind address that is not this machine's is not a port in use (issue 19). */
    @Test
    void anAddressNotOfThisMachineIsSaidSo() throws Exception {
        // TEST-NET-3 (RFC 5737): documentation only, never an address of this machine
        Ledger l = Ledger.open(dir.resolve("l.json"));
        try {
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> Network.start(Settings.defaults().withBind("203.0.113.7").withPorts(List.of(0)), l,
                            EngineFactory.digest()));
            assertTrue(!(e instanceof PortInUseException), e.toString());
            assertTrue(e.getMessage().contains("203.0.113.7 is not an address of this machine"), e.getMessage());
            assertTrue(e.getMessage().contains("--bind"), e.getMessage());
            assertTrue(!e.getMessage().contains("in use") && !e.getMessage().contains("\n"), e.getMessage());
        } finally {
            l.close();
        }
    }

    /** Each reason a bind fails gets its own one-line advice (a low port binds as root: the messages are built here). */
    @Test
    void eachBindFailureGetsItsOwnAdvice() {
        IOException inUse = BindFailure.explain(new java.net.BindException("Address already in use"), "127.0.0.1", 5000);
        assertTrue(inUse instanceof PortInUseException, inUse.toString());
        assertTrue(inUse.getMessage().contains("port 5000 on 127.0.0.1 is already in use"), inUse.getMessage());

        IOException low = BindFailure.explain(new java.net.BindException("Permission denied"), "0.0.0.0", 80);
        assertTrue(!(low instanceof PortInUseException), low.toString());
        assertTrue(low.getMessage().contains("port 80") && low.getMessage().contains("below 1024"), low.getMessage());
        assertTrue(low.getMessage().contains("1024 or above") && low.getMessage().contains("--ports"), low.getMessage());

        IOException notLocal = BindFailure.explain(new java.net.BindException("Cannot assign requested address"),
                "10.9.8.7", 5000);
        assertTrue(!(notLocal instanceof PortInUseException), notLocal.toString());
        assertTrue(notLocal.getMessage().contains("10.9.8.7 is not an address of this machine"), notLocal.getMessage());
        // macOS and Windows say it their way
        assertTrue(BindFailure.explain(new java.net.BindException("Can't assign requested address"), "10.9.8.7", 5000)
                .getMessage().contains("not an address of this machine"));
        assertTrue(BindFailure.explain(new java.net.BindException("Address already in use: bind"), "127.0.0.1", 5000)
                instanceof PortInUseException);

        // denied at 1024 or above is no matter of privileged ports; an unknown reason is given as it is
        IOException denied = BindFailure.explain(new java.net.BindException("Permission denied"), "127.0.0.1", 5000);
        assertTrue(!denied.getMessage().contains("below 1024") && denied.getMessage().contains("permission denied"),
                denied.getMessage());
        IOException other = BindFailure.explain(new java.net.BindException("Something odd"), "127.0.0.1", 5000);
        assertTrue(!(other instanceof PortInUseException) && other.getMessage().contains("Something odd"),
                other.getMessage());
        for (IOException e : List.of(inUse, low, notLocal, denied, other)) {
            assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void settingsRefuseBadPorts() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Settings.defaults().withPorts(List.of()));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Settings.defaults().withPorts(Collections.nCopies(17, 0)));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Settings.defaults().withPorts(List.of(6000, 6000)));
        assertEquals(Duration.ofSeconds(5), Settings.defaults().joinWindow());
    }

    @Test
    void aConnectionClosedForNotReadingItsRepliesJoinsNoMoreOfItsLines() throws Exception {
        // Difficulty 8 and a deep queue: every line joins a race of its own and waits; nothing is mined away.
        start(settings(8).withQueueCapacity(100_000));
        int port = network.ports().get(0);
        // One write of 5461 distinct 2-character lines (16 383 bytes): the node reads it in one go and queues a
        // reply per line ("OK Node1 <race>", 11 to 14 bytes) before it writes any. At line 4743 there is no room
        // left for one more reply within the 64 KiB a client may leave unread, and the node closes the connection
        // there, without taking that line.
        String alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&()*+,-./:;<=>?@[]^_{|}~";
        StringBuilder flood = new StringBuilder();
        int lines = 0;
        for (int i = 0; i < alphabet.length() && lines < 5461; i++) {
            for (int j = 0; j < alphabet.length() && lines < 5461; j++, lines++) {
                flood.append(alphabet.charAt(i)).append(alphabet.charAt(j)).append('\n');
            }
        }
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(1024);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.getOutputStream().write(flood.toString().getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            await("the node to close the connection", () -> {
                try {
                    s.getOutputStream().write("x".repeat(4096).getBytes(StandardCharsets.US_ASCII));
                    return false;
                } catch (IOException closed) {
                    return true;
                }
            });
        }
        String marker;
        try (Client c = new Client(port)) {
            marker = c.send("marker\n").line();
        }
        assertTrue(marker.startsWith("OK Node1 "), marker);
        long joined = Long.parseLong(marker.substring("OK Node1 ".length())) - 1;
        assertTrue(joined < lines, "the lines after the close joined races too: " + joined + " of " + lines);
        assertTrue(joined >= 4742, "the lines before the close were taken: " + joined);
    }

    /**
     * A node is busy from the moment a transaction reaches it, not only once it mines: the engine calibration
     * starts only while every node is idle. (It was idle again while its first race waited for the warm-up.)
     */
    @Test
    void aNodeIsNotIdleFromTheMomentItTakesATransaction() throws Exception {
        Network n = start(settings(8)); // never found: the race runs until the network closes
        Node node = n.nodes().get(0);
        assertTrue(node.idle());
        assertTrue(node.submit("busy from now on").startsWith("OK "));
        long until = System.nanoTime() + 300_000_000L; // while the miner takes it and waits for the warm-up
        while (System.nanoTime() < until) {
            assertTrue(!node.idle(), "idle while holding a race");
            Thread.sleep(5);
        }
    }

    /**
     * Issue 19: one byte every 0.9 s per socket kept a connection alive for ever, and 256 such sockets (the
     * default cap) shut the node out to every real client. A trickler that the node drops reconnects at once,
     * so 256 of them trickle throughout. A real client must still get its OK within 1 s, both while the
     * tricklers are fresh and once their lines have run past the node's deadline.
     */
    @Test
    void twoHundredFiftySixTricklingSocketsDoNotKeepARealClientOut() throws Exception {
        start(settings(1).withPorts(List.of(0)));
        int port = network.ports().get(0);
        int count = Settings.DEFAULT_MAX_CONNECTIONS;
        Socket[] tricklers = new Socket[count];
        int[] reconnects = {0};
        for (int i = 0; i < count; i++) {
            tricklers[i] = trickler(port);
        }
        long deadline = System.nanoTime() + 20_000_000_000L; // bounded: the trickling stops whatever happens
        Future<?> trickling = pool.submit(() -> {
            while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadline) {
                for (int i = 0; i < count; i++) {
                    try {
                        tricklers[i].getOutputStream().write('a');
                    } catch (IOException dropped) {
                        closeQuietly(tricklers[i]);
                        try {
                            tricklers[i] = trickler(port);
                            reconnects[0]++;
                        } catch (IOException e) {
                            // the node may refuse: try again on the next round
                        }
                    }
                }
                try {
                    Thread.sleep(900);
                } catch (InterruptedException e) {
                    return null;
                }
            }
            return null;
        });
        try {
            Thread.sleep(300); // every trickler has sent its first byte
            assertRealClientGetsItsOkWithinASecond(port, "while 256 tricklers are fresh");
            Thread.sleep(3_000); // past the tricklers' first lines' deadline; dropped ones reconnect
            assertRealClientGetsItsOkWithinASecond(port, "after 3 s more of trickling (" + reconnects[0]
                    + " reconnects)");
        } finally {
            trickling.cancel(true);
            for (Socket s : tricklers) {
                closeQuietly(s);
            }
        }
    }

    static Socket trickler(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.getOutputStream().write('a');
        return s;
    }

    static void closeQuietly(Socket s) {
        try {
            if (s != null) {
                s.close();
            }
        } catch (IOException ignored) {
            // gone
        }
    }

    static void assertRealClientGetsItsOkWithinASecond(int port, String when) throws IOException {
        long t0 = System.nanoTime();
        try (Client c = new Client(port)) {
            String reply = c.send("a real client " + t0 + "\n").line();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(reply != null && reply.startsWith("OK Node1 "), when + ": " + reply + " after " + ms + " ms");
            assertTrue(ms < 1_000, when + ": OK after " + ms + " ms");
        }
    }
}
