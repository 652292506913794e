package dev.powrace.race;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.ledger.Audit;
import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.pow.Engine;
import dev.powrace.pow.EngineFactory;
import dev.powrace.pow.HashMeter;
import dev.powrace.pow.Puzzle;
import dev.powrace.testing.Events;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RefereeTest {
    static final List<String> NODES = List.of("Node1", "Node2", "Node3");
    static final Duration WINDOW = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    Ledger ledger;
    final Events events = new Events();
    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final List<LocalReferee> referees = new ArrayList<>();
    final ExecutorService pool = Executors.newFixedThreadPool(3);

    @BeforeEach
    void open() throws Exception {
        ledger = Ledger.open(dir.resolve("ledger.json"));
    }

    @AfterEach
    void close() throws Exception {
        pool.shutdownNow();
        referees.forEach(LocalReferee::close);
        ledger.close();
    }

    LocalReferee referee(int difficulty, EngineFactory engines) {
        LocalReferee r = new LocalReferee(ledger, 3, difficulty, WINDOW, engines, clock::get);
        r.addListener(events);
        referees.add(r);
        return r;
    }

    LocalReferee referee(int difficulty) {
        return referee(difficulty, EngineFactory.auto());
    }

    // ---- joining ----

    /** Every way of interleaving n copies of one text to each of the three nodes. */
    static List<List<String>> interleavings(int n) {
        List<List<String>> all = new ArrayList<>();
        interleave(new int[] {n, n, n}, new ArrayList<>(), all);
        return all;
    }

    private static void interleave(int[] left, List<String> prefix, List<List<String>> all) {
        boolean any = false;
        for (int i = 0; i < left.length; i++) {
            if (left[i] > 0) {
                any = true;
                left[i]--;
                prefix.add(NODES.get(i));
                interleave(left, prefix, all);
                prefix.remove(prefix.size() - 1);
                left[i]++;
            }
        }
        if (!any) {
            all.add(List.copyOf(prefix));
        }
    }

    @Test
    void nSubmissionsInAnyInterleavingMakeNRacesEachWithEveryNode() throws Exception {
        for (int n = 1; n <= 3; n++) {
            List<List<String>> orders = interleavings(n);
            assertEquals(n == 1 ? 6 : n == 2 ? 90 : 1680, orders.size());
            for (List<String> order : orders) {
                LocalReferee referee = new LocalReferee(ledger, 3, 1, WINDOW, EngineFactory.digest(), clock::get);
                Map<Race, List<String>> races = new LinkedHashMap<>();
                Map<String, Integer> copies = new HashMap<>();
                for (String node : order) {
                    Race race = referee.join(node, "same text");
                    races.computeIfAbsent(race, r -> new ArrayList<>()).add(node);
                    int k = copies.merge(node, 1, Integer::sum);
                    // The k-th copy joins the k-th race opened (the oldest it is not in).
                    assertEquals(k, new ArrayList<>(races.keySet()).indexOf(race) + 1, "order " + order);
                }
                assertEquals(n, races.size(), "order " + order);
                for (List<String> nodes : races.values()) {
                    assertEquals(Set.copyOf(NODES), new LinkedHashSet<>(nodes), "order " + order);
                    assertEquals(3, nodes.size(), "order " + order);
                }
                assertEquals(0, referee.openRaces(), "every race is full, none waits for joins: " + order);
                referee.close();
            }
        }
    }

    @Test
    void nSubmissionsInAnyInterleavingGiveNEntries() throws Exception {
        int expected = 0;
        for (int n = 2; n <= 3; n++) {
            List<List<String>> orders = interleavings(n);
            for (int o = 0; o < orders.size(); o += n == 2 ? 1 : 7) { // every order of two, every 7th of three
                List<String> order = orders.get(o);
                Referee referee = referee(1, EngineFactory.digest());
                String text = "order " + n + "/" + o;
                List<Race> joined = new ArrayList<>();
                for (String node : order) {
                    joined.add(referee.join(node, text));
                }
                for (int i = 0; i < order.size(); i++) { // each node runs its copies in the order it got them
                    referee.run(joined.get(i), order.get(i), () -> false, new HashMeter());
                }
                expected += n;
                assertTrue(referee.sync(Duration.ofSeconds(30)));
                assertEquals(n, Events.entries(ledger.path()).stream().filter(e -> e.transaction().equals(text)).count(),
                        "order " + order);
            }
        }
        assertEquals(expected, Events.entries(ledger.path()).size());
        assertTrue(Audit.check(ledger.path()).valid());
    }

    @Test
    void theJoinWindowIsMeasuredOnTheClock() {
        Referee referee = referee(1);
        Race first = referee.join("Node1", "window");
        clock.addAndGet(WINDOW.toNanos()); // exactly the window: still open
        assertSame(first, referee.join("Node2", "window"));
        clock.addAndGet(1); // one nanosecond later: closed
        Race second = referee.join("Node3", "window");
        assertNotSame(first, second);
        assertEquals(1, referee.openRaces(), "the new race waits for Node1 and Node2");
        clock.addAndGet(WINDOW.toNanos() + 1);
        assertEquals(0, referee.openRaces());
    }

    @Test
    void aRaceClosesToJoinsOnceEveryNodeIsIn() {
        Referee referee = referee(1);
        Race all = referee.join("Node1", "full");
        referee.join("Node2", "full");
        assertSame(all, referee.join("Node3", "full"));
        assertNotEquals(all, referee.join("Node1", "full"), "every node had joined: the same text is a new race");
    }

    /**
     * Flow control (issue 17): a node that had no room reads a copy late. A copy that may have waited joins the race
     * its text's other copies opened within the window of its earliest arrival, even once that window has passed
     * (the race may be decided: the node is then late, and the send makes one entry, not two); a copy that has just
     * come does not, and opens a race of its own.
     */
    @Test
    void aCopyThatWaitedForRoomJoinsTheRaceItsTextOpenedMeanwhile() {
        Referee referee = referee(1);
        Race first = referee.join("Node1", "held");
        clock.addAndGet(WINDOW.toNanos() / 2);
        Race second = referee.join("Node1", "held"); // sent again, half a window later
        referee.join("Node2", "held");
        clock.addAndGet(10 * WINDOW.toNanos()); // Node3 read its copies ten windows later
        long waited = 10 * WINDOW.toNanos() + WINDOW.toNanos() / 2;
        assertSame(first, referee.join("Node3", "held", waited), "its first copy joins the first race");
        assertSame(second, referee.join("Node3", "held", waited), "its second copy, the second");
        Race fresh = referee.join("Node3", "held", waited);
        assertNotSame(first, fresh, "a third copy: none left to join, a race of its own");
        assertNotSame(second, fresh);
        Race again = referee.join("Node2", "held", WINDOW.toNanos());
        assertSame(fresh, again, "Node2's copy joins the open race");
        assertNotSame(second, referee.join("Node2", "held"), "a copy that just came never joins a lapsed race");
    }

    // ---- racing ----

    /** An engine factory whose engines all wait at a barrier when made, so that no node can be late. */
    static EngineFactory together(EngineFactory engines, int parties) {
        CyclicBarrier barrier = new CyclicBarrier(parties);
        return new EngineFactory() {
            @Override
            public Engine create(String transaction, int difficulty) {
                try {
                    barrier.await(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return engines.create(transaction, difficulty);
            }

            @Override
            public String name() {
                return engines.name();
            }
        };
    }

    @Test
    void oneWinnerTheOthersStopAndOneEntryIsWritten() throws Exception {
        Referee referee = referee(2, together(EngineFactory.auto(), 3));
        Race race = referee.join("Node1", "three way");
        assertSame(race, referee.join("Node2", "three way"));
        assertSame(race, referee.join("Node3", "three way"));
        List<Future<Attempt>> attempts = new ArrayList<>();
        for (String node : NODES) {
            attempts.add(pool.submit(() -> referee.run(race, node, () -> false, new HashMeter())));
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Future<Attempt> f : attempts) {
            outcomes.add(f.get(60, TimeUnit.SECONDS).outcome());
        }
        assertEquals(1, outcomes.stream().filter(o -> o == Outcome.FOUND).count(), outcomes.toString());
        assertEquals(2, outcomes.stream().filter(o -> o == Outcome.STOPPED).count(), outcomes.toString());
        assertTrue(referee.sync(Duration.ofSeconds(30)));
        assertEquals(3, events.started.size());
        assertEquals(3, events.ended.size());
        assertEquals(1, events.won.size());
        Attempt winner = race.winner().orElseThrow();
        assertTrue(winner.won());
        Entry entry = Ledger.readAll(ledger.path()).get(0);
        assertEquals(events.won.get(0), entry);
        assertEquals(winner.node(), entry.node());
        assertTrue(Puzzle.isSolution("three way", entry.nonce(), 2));
        assertEquals(Entry.seconds(winner.elapsedNanos()), entry.timeTaken());
        assertTrue(Audit.check(ledger.path()).valid());
        // Each node's events in order, and the win after the winner's end.
        for (String node : NODES) {
            List<String> mine = events.log.stream().filter(l -> l.contains(" " + node + " ")).toList();
            assertTrue(mine.get(0).startsWith("started") && mine.get(1).startsWith("ended"), mine.toString());
        }
        assertTrue(events.log.indexOf("won " + winner.node() + " " + race.id())
                > events.log.indexOf("ended " + winner.node() + " " + race.id() + " FOUND"), events.log.toString());
    }

    @Test
    void nodesSearchDifferentPartsOfTheNonceSpace() {
        Referee referee = referee(1);
        List<Long> nonces = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Race race = referee.join("Node1", "space " + i);
            nonces.add(referee.run(race, "Node1", () -> false, new HashMeter()).nonce());
        }
        // From 0 every search would find a nonce below a few thousand; random 62-bit starts find big ones.
        assertTrue(nonces.stream().allMatch(n -> n > 1_000_000L), nonces.toString());
        assertEquals(5, nonces.stream().distinct().count());
    }

    @Test
    void anAttemptCarriesThePowerItRanAt() throws Exception {
        Referee referee = referee(1);
        Race race = referee.join("Node1", "at 60%");
        referee.join("Node2", "at 60%");
        Attempt found = referee.run(race, "Node1", () -> false, new HashMeter(), 60);
        assertEquals(Outcome.FOUND, found.outcome());
        assertEquals(60, found.power());
        assertEquals(30, referee.run(race, "Node2", () -> false, new HashMeter(), 30).power(), "late, at 30%");
        assertTrue(referee.sync(Duration.ofSeconds(30)));
        assertEquals(60, events.started.get(0).power(), "the start event's too");
        Race other = referee.join("Node1", "stopped at 45%");
        assertEquals(45, referee.run(other, "Node1", () -> true, new HashMeter(), 45).power());
    }

    @Test
    void aNodeThatComesAfterTheWinIsLateAndDoesNotMine() throws Exception {
        Referee referee = referee(1);
        Race race = referee.join("Node1", "late one");
        assertEquals(Outcome.FOUND, referee.run(race, "Node1", () -> false, new HashMeter()).outcome());
        assertSame(race, referee.join("Node2", "late one"), "still open: Node2 joins the decided race");
        HashMeter meter = new HashMeter();
        Attempt late = referee.run(race, "Node2", () -> false, meter);
        assertEquals(Outcome.LATE, late.outcome());
        assertEquals(0, meter.get());
        assertTrue(referee.sync(Duration.ofSeconds(30)));
        assertEquals(1, events.won.size());
        assertTrue(events.started.stream().noneMatch(a -> a.node().equals("Node2")), "a late node never starts");
    }

    @Test
    void stoppingASearchEndsItAsStopped() throws Exception {
        Referee referee = referee(8);
        Race race = referee.join("Node1", "too hard to finish");
        AtomicBoolean stop = new AtomicBoolean();
        HashMeter meter = new HashMeter();
        Future<Attempt> f = pool.submit(() -> referee.run(race, "Node1", stop::get, meter));
        Events.await("hashes", () -> meter.get() > 0);
        stop.set(true);
        Attempt a = f.get(30, TimeUnit.SECONDS);
        assertEquals(Outcome.STOPPED, a.outcome());
        assertTrue(a.hashes() > 0);
        assertTrue(referee.sync(Duration.ofSeconds(30)));
        assertEquals(0, events.won.size());
    }

    @Test
    void aWinnerTheVerifierRefusesIsNotRecordedButReported() throws Exception {
        // Honest engines can't make one; a node name that no node has is the way in from a test.
        Referee referee = referee(1);
        Race race = referee.join("mallory\u001b[2J", "gated");
        Attempt a = referee.run(race, "mallory\u001b[2J", () -> false, new HashMeter());
        assertEquals(Outcome.FOUND, a.outcome());
        assertTrue(referee.sync(Duration.ofSeconds(30)));
        assertEquals(List.of(), Events.entries(ledger.path()));
        assertEquals(0, events.won.size());
        assertEquals(1, events.problems.size(), events.problems.toString());
        assertTrue(events.problems.get(0).startsWith("race " + race.id() + ": mallory\u001b[2J's nonce " + a.nonce()
                + " does not verify (node is not NodeN or label/NodeN"), events.problems.get(0));
        assertTrue(events.problems.get(0).endsWith("); not recorded"), events.problems.get(0));
    }

    // ---- nothing slow on a mining thread ----

    @Test
    void aBlockedListenerNeitherStallsMiningNorAddsToTimesAndHearsEverythingInOrderLater() throws Exception {
        Referee referee = referee(1);
        CountDownLatch release = new CountDownLatch(1);
        referee.addListener(new RaceListener() { // a terminal nobody reads
            @Override
            public void started(Attempt a) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        String miner = Thread.currentThread().getName();
        Future<List<Attempt>> run = pool.submit(() -> {
            List<Attempt> won = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                Race race = referee.join("Node1", "blocked " + i);
                won.add(referee.run(race, "Node1", () -> false, new HashMeter()));
            }
            return won;
        });
        List<Attempt> attempts = run.get(60, TimeUnit.SECONDS); // the old referee hung here
        Events.await("100 entries recorded while the listener is blocked",
                () -> Events.entries(ledger.path()).size() == 100);
        for (Attempt a : attempts) {
            assertEquals(Outcome.FOUND, a.outcome());
        }
        assertTrue(events.log.size() <= 1, "the blocked listener holds the events back: " + events.log);
        release.countDown();
        assertTrue(referee.sync(Duration.ofSeconds(30)));
        assertEquals(300, events.log.size(), "every event comes out once the listener is free");
        for (int i = 0; i < 100; i++) {
            long id = attempts.get(i).race().id();
            assertEquals(List.of("started Node1 " + id, "ended Node1 " + id + " FOUND", "won Node1 " + id),
                    events.log.stream().filter(l -> l.endsWith(" " + id) || l.endsWith(" " + id + " FOUND")).toList());
        }
        assertTrue(events.threads.stream().noneMatch(t -> t.equals(miner) || t.startsWith("pool")),
                "no listener runs on a mining thread: " + new LinkedHashSet<>(events.threads));
    }

    @Test
    void aTearLeftByAnotherWriterIsRepairedAtTheNextAppendAndReported() throws Exception {
        Referee referee = referee(1);
        referee.run(referee.join("Node1", "before the tear"), "Node1", () -> false, new HashMeter());
        assertTrue(referee.sync(Duration.ofSeconds(30)));
        // Another process sharing the file was killed in the middle of its append.
        String whole = java.nio.file.Files.readString(ledger.path());
        java.nio.file.Files.writeString(ledger.path(), whole.substring(0, whole.lastIndexOf(']'))
                + ",\n{\"node\":\"Node9\",\"transaction\":\"torn ] }");
        referee.run(referee.join("Node1", "after the tear"), "Node1", () -> false, new HashMeter());
        assertTrue(referee.sync(Duration.ofSeconds(30)));
        assertEquals(List.of("before the tear", "after the tear"),
                Events.entries(ledger.path()).stream().map(Entry::transaction).toList());
        assertTrue(Audit.check(ledger.path()).valid());
        assertEquals(1, events.problems.size(), events.problems.toString());
        assertTrue(events.problems.get(0).startsWith(ledger.path() + ": "), events.problems.get(0));
        assertEquals(2, events.won.size(), "the win after the repair is announced");
    }
}
