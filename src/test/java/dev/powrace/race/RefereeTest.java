package dev.powrace.race;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.ledger.Audit;
import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.pow.EngineFactory;
import dev.powrace.pow.HashMeter;
import dev.powrace.pow.Puzzle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RefereeTest {
    @TempDir
    Path dir;

    Ledger ledger;
    final List<Attempt> started = new CopyOnWriteArrayList<>();
    final List<Attempt> ended = new CopyOnWriteArrayList<>();
    final List<Entry> won = new CopyOnWriteArrayList<>();
    final ExecutorService pool = Executors.newFixedThreadPool(3);

    @BeforeEach
    void open() throws Exception {
        ledger = Ledger.open(dir.resolve("ledger.json"));
    }

    @AfterEach
    void close() throws Exception {
        pool.shutdownNow();
        ledger.close();
    }

    Referee referee(int difficulty, Duration window) {
        Referee r = new Referee(ledger, 3, difficulty, window, EngineFactory.digest());
        r.addListener(new RaceListener() {
            @Override
            public void started(Attempt a) {
                started.add(a);
            }

            @Override
            public void ended(Attempt a) {
                ended.add(a);
            }

            @Override
            public void won(Race race, Entry entry) {
                won.add(entry);
            }
        });
        return r;
    }

    @Test
    void oneWinnerTheOthersStopAndOneEntryIsWritten() throws Exception {
        Referee referee = referee(2, Duration.ofSeconds(5));
        Race race = null;
        for (String node : List.of("Node1", "Node2", "Node3")) {
            Race joined = referee.join(node, "three way");
            if (race != null) {
                assertSame(race, joined, "all three join one race");
            }
            race = joined;
        }
        Race r = race;
        // Hold each node at its start until all three have started, so none can be late.
        java.util.concurrent.CyclicBarrier allStarted = new java.util.concurrent.CyclicBarrier(3);
        referee.addListener(new RaceListener() {
            @Override
            public void started(Attempt a) {
                try {
                    allStarted.await(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        List<Future<Attempt>> attempts = new ArrayList<>();
        for (String node : List.of("Node1", "Node2", "Node3")) {
            attempts.add(pool.submit(() -> referee.run(r, node, () -> false, new HashMeter())));
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Future<Attempt> f : attempts) {
            outcomes.add(f.get(60, TimeUnit.SECONDS).outcome());
        }
        assertEquals(1, outcomes.stream().filter(o -> o == Outcome.FOUND).count(), outcomes.toString());
        assertEquals(2, outcomes.stream().filter(o -> o == Outcome.STOPPED).count(), outcomes.toString());
        assertEquals(3, started.size());
        assertEquals(3, ended.size());
        assertEquals(1, won.size());
        Attempt winner = r.winner().orElseThrow();
        assertTrue(winner.won());
        Entry entry = Ledger.readAll(ledger.path()).get(0);
        assertEquals(won.get(0), entry);
        assertEquals(winner.node(), entry.node());
        assertTrue(Puzzle.isSolution("three way", entry.nonce(), 2));
        assertEquals(Entry.seconds(winner.elapsedNanos()), entry.timeTaken());
        assertTrue(Audit.check(ledger.path()).valid());
    }

    @Test
    void nodesSearchDifferentPartsOfTheNonceSpace() throws Exception {
        Referee referee = referee(1, Duration.ofSeconds(5));
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
    void aNodeThatComesAfterTheWinIsLateAndDoesNotMine() {
        Referee referee = referee(1, Duration.ofSeconds(5));
        Race race = referee.join("Node1", "late one");
        assertEquals(Outcome.FOUND, referee.run(race, "Node1", () -> false, new HashMeter()).outcome());
        assertSame(race, referee.join("Node2", "late one"), "still open: Node2 joins the decided race");
        HashMeter meter = new HashMeter();
        Attempt late = referee.run(race, "Node2", () -> false, meter);
        assertEquals(Outcome.LATE, late.outcome());
        assertEquals(0, meter.get());
        assertEquals(1, won.size());
        assertTrue(started.stream().noneMatch(a -> a.node().equals("Node2")), "a late node never starts");
    }

    @Test
    void theSameTextIsANewRaceOnceItsRaceHasClosed() throws Exception {
        Referee referee = referee(1, Duration.ofMillis(200));
        Race first = referee.join("Node1", "again");
        assertNotEquals(first, referee.join("Node1", "again"), "a node sending it twice opens a second race");
        Race second = referee.join("Node2", "window");
        Thread.sleep(400);
        assertNotEquals(second, referee.join("Node3", "window"), "the join window has passed");
        Race all = referee.join("Node1", "full");
        referee.join("Node2", "full");
        assertSame(all, referee.join("Node3", "full"));
        assertNotEquals(all, referee.join("Node1", "full"), "every node had joined: the race closed");
        // The last node to join could not queue it (busy): its retry must join the same race, not a new one.
        Race busy = referee.join("Node1", "busy last");
        referee.join("Node2", "busy last");
        assertSame(busy, referee.join("Node3", "busy last"));
        referee.withdraw(busy, "Node3");
        assertSame(busy, referee.join("Node3", "busy last"), "the retry joins the race it withdrew from");
    }

    @Test
    void stoppingASearchEndsItAsStopped() throws Exception {
        Referee referee = referee(8, Duration.ofSeconds(5));
        Race race = referee.join("Node1", "too hard to finish");
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Future<Attempt> f = pool.submit(() -> referee.run(race, "Node1", stop::get, new HashMeter()));
        Thread.sleep(100);
        stop.set(true);
        Attempt a = f.get(30, TimeUnit.SECONDS);
        assertEquals(Outcome.STOPPED, a.outcome());
        assertTrue(a.hashes() > 0);
        assertEquals(0, won.size());
    }
}
