package dev.powrace.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.ledger.Ledger;
import dev.powrace.pow.EngineFactory;
import dev.powrace.race.Attempt;
import dev.powrace.race.LocalReferee;
import dev.powrace.race.Outcome;
import dev.powrace.race.Race;
import dev.powrace.stats.RaceResult.NodeRun;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Referee events in, race results out. */
class RaceLogTest {
    @TempDir
    Path dir;

    final RaceLog log = new RaceLog();
    final List<RaceResult> told = new CopyOnWriteArrayList<>();

    {
        log.onResult(told::add);
    }

    static Attempt mining(Race race, String node) {
        return new Attempt(race, node, Outcome.MINING, Instant.EPOCH, null, 0, 0, -1, null);
    }

    static Attempt ended(Race race, String node, Outcome outcome, long hashes, long nanos) {
        return new Attempt(race, node, outcome, Instant.EPOCH, Instant.EPOCH.plusNanos(nanos), nanos, hashes,
                outcome == Outcome.FOUND ? 7 : -1, outcome == Outcome.FOUND ? "00ab" : null);
    }

    @Test
    void aRaceIsFinishedOnceItsWinnerIsKnownAndEveryNodeThatStartedHasEnded() {
        Race race = Race.judgedElsewhere(3, "tx", 2);
        log.started(mining(race, "Node10"));
        log.started(mining(race, "Node2"));
        log.started(mining(race, "Node1"));
        Attempt win = ended(race, "Node2", Outcome.FOUND, 5000, 4_000_000);
        race.decide(win);
        log.ended(win);
        log.ended(ended(race, "Node10", Outcome.STOPPED, 3000, 4_100_000));
        assertTrue(told.isEmpty(), "Node1 is still mining");
        assertTrue(log.results().isEmpty());
        log.ended(ended(race, "Node1", Outcome.STOPPED, 1000, 4_200_000));
        RaceResult r = new RaceResult(3, 2, "Node2", 4_000_000, List.of(
                new NodeRun("Node1", 952, 4_000_000, false), // its hashes until the find: 1000 x 4.0/4.2
                new NodeRun("Node2", 5000, 4_000_000, true),
                new NodeRun("Node10", 2927, 4_000_000, false))); // 3000 x 4.0/4.1
        assertEquals(List.of(r), told);
        assertEquals(List.of(r), log.results());
        log.won(race, null); // the ledger's word, after: no second result
        assertEquals(1, told.size());
    }

    @Test
    void eachRunKeepsThePowerItsAttemptRanAt() {
        Race race = Race.judgedElsewhere(4, "tx", 1);
        Attempt win = new Attempt(race, "Node1", Outcome.FOUND, Instant.EPOCH, Instant.EPOCH.plusNanos(1000), 1000, 300,
                7, "00ab", 100);
        log.started(mining(race, "Node1"));
        log.started(mining(race, "Node3"));
        race.decide(win);
        log.ended(win);
        log.ended(new Attempt(race, "Node2", Outcome.LATE, Instant.EPOCH, Instant.EPOCH, 0, 0, -1, null, 30));
        log.ended(new Attempt(race, "Node3", Outcome.STOPPED, Instant.EPOCH, Instant.EPOCH.plusNanos(1100), 1100, 100,
                -1, null, 60));
        assertEquals(List.of(new NodeRun("Node1", 300, 1000, true, 100), new NodeRun("Node2", 0, 0, false, 30),
                new NodeRun("Node3", 91, 1000, false, 60)), told.get(0).runs());
    }

    @Test
    void aLateNodeIsARunWithoutHashesAndAnAbandonedRaceIsNoResult() {
        Race race = Race.judgedElsewhere(1, "tx", 1);
        log.started(mining(race, "Node1"));
        log.started(mining(race, "Node3"));
        Attempt win = ended(race, "Node1", Outcome.FOUND, 300, 1000);
        race.decide(win);
        log.ended(win);
        log.ended(ended(race, "Node2", Outcome.LATE, 0, 0));
        log.ended(ended(race, "Node3", Outcome.STOPPED, 100, 1100));
        log.ended(ended(race, "Node4", Outcome.LATE, 0, 0)); // after the result: no second one
        assertEquals(List.of(new NodeRun("Node1", 300, 1000, true), new NodeRun("Node2", 0, 0, false),
                new NodeRun("Node3", 91, 1000, false)), told.get(0).runs()); // Node3: 100 x 10/11

        Race abandoned = Race.judgedElsewhere(2, "tx", 1);
        log.started(mining(abandoned, "Node1"));
        abandoned.abandon();
        log.ended(ended(abandoned, "Node1", Outcome.STOPPED, 900, 1000));
        assertEquals(1, log.results().size());
    }

    @Test
    void aRemoteWinnerIsNamedWithoutARun() {
        Race race = Race.judgedElsewhere(1, "tx", 1);
        log.started(mining(race, "a/Node1"));
        race.decide(ended(race, "b/Node1", Outcome.FOUND, 400, 1500)); // judged by the cluster
        log.ended(ended(race, "a/Node1", Outcome.STOPPED, 200, 1600));
        RaceResult r = told.get(0);
        assertEquals("b/Node1", r.winner());
        assertEquals(1500, r.durationNanos());
        assertEquals(List.of(new NodeRun("a/Node1", 200, 1600, false)), r.runs());
    }

    /** A local referee knows who joined: a node that joined but has not begun is waited for. */
    @Test
    void aNodeThatJoinedIsWaitedFor() throws Exception {
        try (Ledger ledger = Ledger.open(dir.resolve("ledger.json"))) {
            LocalReferee referee = new LocalReferee(ledger, 2, 1, Duration.ofSeconds(5), EngineFactory.digest());
            Race race = referee.join("Node1", "tx");
            referee.join("Node2", "tx");
            assertEquals(List.of("Node1", "Node2"), race.joined());
            log.started(mining(race, "Node1"));
            Attempt win = ended(race, "Node1", Outcome.FOUND, 300, 1000);
            race.decide(win);
            log.ended(win);
            assertTrue(told.isEmpty(), "Node2 joined and has not ended");
            log.ended(ended(race, "Node2", Outcome.LATE, 0, 0));
            assertEquals(1, told.size());
            referee.close();
        }
    }

    /** A race is on from its first node's start: a winner that began later took less than the race did. */
    @Test
    void aRaceLastsFromItsFirstStartToTheWinnersEnd() {
        Race race = Race.judgedElsewhere(5, "tx", 1);
        Instant t0 = Instant.parse("2026-11-30T10:00:00Z");
        log.started(new Attempt(race, "Node1", Outcome.MINING, t0, null, 0, 0, -1, null));
        log.started(new Attempt(race, "Node2", Outcome.MINING, t0.plusNanos(300_000), null, 0, 0, -1, null));
        Attempt won = new Attempt(race, "Node2", Outcome.FOUND, t0.plusNanos(300_000), t0.plusNanos(1_300_000),
                1_000_000, 500, 7, "00ab");
        race.decide(won);
        log.ended(won);
        log.ended(new Attempt(race, "Node1", Outcome.STOPPED, t0, t0.plusNanos(1_400_000), 1_400_000, 900, -1, null));
        RaceResult r = told.get(0);
        assertEquals(1_300_000, r.durationNanos(), "Node1's start to Node2's find");
        // Node1 hashed on 0.1 ms past the find: its 900 hashes in 1.4 ms count 1.3/1.4 of them, in 1.3 ms
        assertEquals(List.of(new NodeRun("Node1", Math.round(900 * 1.3 / 1.4), 1_300_000, false),
                new NodeRun("Node2", 500, 1_000_000, true)), r.runs());
    }

    @Test
    void aLogKeepsOnlyTheLatestResultsAskedForAndNoneWhenItOnlyTellsThem() {
        RaceLog keepOne = new RaceLog(1);
        RaceLog keepNone = new RaceLog(0);
        List<RaceResult> toldNone = new CopyOnWriteArrayList<>();
        keepNone.onResult(toldNone::add);
        for (long id = 1; id <= 2; id++) {
            Race race = Race.judgedElsewhere(id, "tx", 1);
            Attempt win = ended(race, "Node1", Outcome.FOUND, 300, 1000);
            for (RaceLog l : List.of(keepOne, keepNone)) {
                l.started(mining(race, "Node1"));
            }
            race.decide(win);
            for (RaceLog l : List.of(keepOne, keepNone)) {
                l.ended(win);
            }
        }
        assertEquals(List.of(2L), keepOne.results().stream().map(RaceResult::race).toList(), "the latest only");
        assertEquals(2, toldNone.size(), "every result is told");
        assertTrue(keepNone.results().isEmpty(), "and none kept");
    }
}
