package dev.powrace.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.pow.EngineFactory;
import dev.powrace.race.Attempt;
import dev.powrace.race.Race;
import dev.powrace.stats.RaceLog;
import dev.powrace.stats.RaceResult;
import dev.powrace.testing.Events;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many races back to back, with the real referee and nodes. */
class RaceSeriesTest {
    @TempDir
    Path dir;

    Ledger ledger;
    Network network;
    final Events events = new Events();
    final RaceLog log = new RaceLog();
    final List<String> heard = new CopyOnWriteArrayList<>();
    final RaceSeries.Listener listener = new RaceSeries.Listener() {
        @Override
        public void raceDone(int done, int total) {
            heard.add("done " + done + "/" + total + " on " + Thread.currentThread().getName());
        }

        @Override
        public void finished(int done, boolean stopped) {
            heard.add("finished " + done + (stopped ? " stopped" : ""));
        }
    };

    Network start(int nodes, int difficulty) throws Exception {
        ledger = Ledger.open(dir.resolve("ledger.json"));
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            ports.add(0);
        }
        network = Network.start(Settings.defaults().withPorts(ports).withDifficulty(difficulty), ledger,
                EngineFactory.digest(), events, log);
        return network;
    }

    @AfterEach
    void stop() throws Exception {
        if (network != null) {
            network.close();
        }
        if (ledger != null) {
            ledger.close();
        }
    }

    @Test
    void racesOneAfterAnotherEachOnceTheLastIsOver() throws Exception {
        Network n = start(3, 3);
        RaceSeries series = RaceSeries.start(n, "demo", 8, 1, listener);
        assertEquals(8, series.done().get(60, TimeUnit.SECONDS));
        assertTrue(n.referee().sync(java.time.Duration.ofSeconds(10)));
        assertEquals(1, n.referee().difficulty(), "the series sets the difficulty");
        List<String> texts = Ledger.readAll(ledger.path()).stream().map(Entry::transaction).toList();
        assertEquals(List.of("demo #1", "demo #2", "demo #3", "demo #4", "demo #5", "demo #6", "demo #7", "demo #8"),
                texts);
        assertEquals(9, heard.size(), String.join("\n", heard));
        assertEquals("done 1/8 on powrace-race-series", heard.get(0));
        assertEquals("finished 8", heard.get(8));
        // every attempt at race k ended before any attempt at race k + 1 started
        for (int k = 1; k < 8; k++) {
            String text = "demo #" + k;
            String next = "demo #" + (k + 1);
            int lastEnd = -1;
            int firstStart = Integer.MAX_VALUE;
            for (int i = 0; i < events.log.size(); i++) {
                String line = events.log.get(i);
                if (line.startsWith("ended ") && raceOf(line, text)) {
                    lastEnd = i;
                }
                if (line.startsWith("started ") && raceOf(line, next)) {
                    firstStart = Math.min(firstStart, i);
                }
            }
            assertTrue(lastEnd >= 0 && lastEnd < firstStart, "race " + k + " was over before race " + (k + 1)
                    + " began:\n" + String.join("\n", events.log));
        }
        List<RaceResult> results = log.results();
        assertEquals(8, results.size());
        for (RaceResult r : results) {
            assertEquals(1, r.difficulty());
            assertTrue(r.runs().stream().anyMatch(run -> run.won() && run.node().equals(r.winner())), r.toString());
        }
    }

    /** Event lines name the race by id; the ids of a text come from the ledger's order of races. */
    private boolean raceOf(String line, String text) {
        String[] parts = line.split(" ");
        long id = Long.parseLong(parts[2]);
        return events.ended.stream().anyMatch(a -> a.race().id() == id && a.race().transaction().equals(text))
                || events.started.stream().anyMatch(a -> a.race().id() == id && a.race().transaction().equals(text));
    }

    /** Stopped during a race that would take hours: done at once, nothing more submitted. */
    @Test
    void stopsAtAnyMoment() throws Exception {
        Network n = start(2, 3);
        List<String> submitted = new CopyOnWriteArrayList<>();
        RaceSeries series = RaceSeries.start(n.referee(), tx -> {
            submitted.add(tx);
            n.nodes().forEach(node -> node.submit(tx));
        }, "long", 1000, 8, listener);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (events.started.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(2, events.started.size(), "both nodes mine the first race");
        series.stop();
        assertEquals(0, series.done().get(10, TimeUnit.SECONDS));
        assertEquals(List.of("long #1"), submitted);
        Thread.sleep(200);
        assertEquals(List.of("finished 0 stopped"), heard);
        assertTrue(series.stopped());
    }

    /**
     * The network is closed during a race that would take hours (the app restarting its nodes, say): its nodes
     * stop mining, the race can never be won, so the series ends, stopped, rather than waiting for ever.
     */
    @Test
    void endsWhenItsNetworkClosesMidRace() throws Exception {
        Network n = start(2, 3);
        RaceSeries series = RaceSeries.start(n, "closing", 1000, 8, listener);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (events.started.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(2, events.started.size(), "both nodes mine the first race");
        n.close();
        network = null;
        assertEquals(0, series.done().get(10, TimeUnit.SECONDS));
        Thread.sleep(200);
        assertEquals(List.of("finished 0 stopped"), heard);
    }

    /**
     * A series stopped during its first race, and a new one with the same prefix started at once (the app's
     * "Race ×N", stopped and clicked again): the new series' first race is its own "demo #1", not the old one
     * that the nodes are still mining, so its first race is over only once its own "demo #1" has a winner.
     */
    @Test
    void aNewSeriesDoesNotTakeAnOldRaceOfTheSameTextForItsOwn() throws Exception {
        Network n = start(2, 3);
        RaceSeries first = RaceSeries.start(n, "demo", 5, 3, null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (events.started.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        // at least: by now a quick first race may be won and the next begun (then the assumption below skips)
        assertTrue(events.started.size() >= 2, "both nodes mine the first series' first race");
        first.stop();
        Race old = events.started.get(0).race();
        org.junit.jupiter.api.Assumptions.assumeTrue(first.done().get(10, TimeUnit.SECONDS) == 0 && !old.decided(),
                "the first series' first race was won already (a race of a second on average): nothing to test");
        List<Long> winnersOfDemo1AtFirstDone = new CopyOnWriteArrayList<>();
        RaceSeries second = RaceSeries.start(n, "demo", 1, 3, new RaceSeries.Listener() {
            @Override
            public void raceDone(int done, int total) {
                if (done == 1) {
                    winnersOfDemo1AtFirstDone.add(events.started.stream().map(Attempt::race).distinct()
                            .filter(r -> r.transaction().equals("demo #1") && r.decided()).count());
                }
            }
        });
        assertEquals(1, second.done().get(120, TimeUnit.SECONDS));
        assertEquals(List.of(2L), winnersOfDemo1AtFirstDone,
                "when the second series counted its first race over, both races of \"demo #1\" had a winner");
    }

    @Test
    void refusesABadSeries() throws Exception {
        Network n = start(1, 1);
        assertThrows(IllegalArgumentException.class, () -> RaceSeries.start(n, "x", 0, 1, null));
        assertThrows(IllegalArgumentException.class, () -> RaceSeries.start(n, "x", 1, 9, null));
        assertThrows(IllegalArgumentException.class, () -> RaceSeries.start(n, " ", 1, 1, null));
        assertThrows(IllegalArgumentException.class, () -> RaceSeries.start(n, "a\nb", 1, 1, null));
    }
}
