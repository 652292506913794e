package dev.powrace.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.pow.Engine;
import dev.powrace.pow.EngineFactory;
import dev.powrace.pow.Puzzle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.commons.statistics.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Attacks mined for real with the fastest engine this JVM has. A run's name fixes every header, hence every hash
 * and outcome: these runs are experiments with real hashes that come out the same every time.
 */
@Timeout(300) // a hang, not a speed
class AttackTest {
    static final EngineFactory ENGINES = EngineFactory.shani().orElseGet(() -> EngineFactory.simd()
            .orElse(EngineFactory.digest()));

    /** Counts the nonces every engine it makes hashes, by chain (the header's H or A). */
    static final class Counting implements EngineFactory {
        final EngineFactory real;
        final Map<Character, LongAdder> hashes = new ConcurrentHashMap<>();
        final List<String> headers = Collections.synchronizedList(new ArrayList<>());

        Counting(EngineFactory real) {
            this.real = real;
        }

        @Override
        public Engine create(String header, int difficulty) {
            headers.add(header);
            String[] words = header.trim().split(" ");
            char side = words[words.length - 2].charAt(0); // "<name> A3 <parent> "
            LongAdder count = hashes.computeIfAbsent(side, k -> new LongAdder());
            Engine e = real.create(header, difficulty);
            return new Engine() {
                @Override
                public int scan(long from, int n) {
                    int hit = e.scan(from, n);
                    count.add(hit < 0 ? n : hit + 1);
                    return hit;
                }

                @Override
                public String name() {
                    return e.name();
                }
            };
        }

        @Override
        public String name() {
            return real.name();
        }

        long of(char side) {
            LongAdder a = hashes.get(side);
            return a == null ? 0 : a.sum();
        }
    }

    @Test
    void theAttackerDoesExactlyItsShareOfTheHashes() throws Exception {
        for (double q : new double[] {0.05, 0.1, 0.3, 0.45}) {
            Counting counting = new Counting(ENGINES);
            Share share = Share.of(q);
            List<Attack.Result> results = Collections.synchronizedList(new ArrayList<>());
            Tally t = new Attacks(counting, 1, 2).run("share " + q, share, 4, 200, new Attacks.Counters(), new Control(),
                    false, results::add);
            long a = counting.of('A');
            long h = counting.of('H');
            assertTrue(a > 0 && h > 0, q + ": both sides hashed");
            // counted by the engines themselves: whole slices, a of every K the attacker's
            assertEquals(0, (a + h) % share.slice(), q + ": whole slices");
            assertEquals(share.attacker() * (a + h), share.slice() * a, q + ": attacker " + a + " of " + (a + h));
            assertEquals(a + h, t.hashes(), q + ": the tally counts every hash");
            assertEquals(a, t.attackerHashes(), q);
            for (Attack.Result r : results) {
                assertEquals(share.attacker() * r.hashes(), share.slice() * r.attackerHashes(), q + ": every attack");
            }
            assertEquals(200, results.size());
        }
    }

    @Test
    void bothChainsAreRealChainsOfBlocks() {
        Attack attack = new Attack(ENGINES, 1, Share.of(0.3), 3);
        int caught = 0;
        int gaveUp = 0;
        for (int i = 0; i < 60; i++) {
            String name = "chains/" + i;
            Attack.Result r = attack.mine(name, () -> false, h -> {}, true);
            String fork = Attack.forkOf(name, Puzzle.sha256());
            String[] tip = {fork, fork}; // honest, attacker
            int[] height = {0, 0};
            for (Attack.Block b : r.blocks()) {
                int side = b.attacker() ? 1 : 0;
                assertEquals(height[side] + 1, b.height(), "heights follow each other");
                String header = Attack.header(name, b.attacker(), b.height(), tip[side]);
                assertEquals(Puzzle.hash(header, b.nonce()), b.hash(), "the hash of its header and nonce");
                assertTrue(Puzzle.isSolution(header, b.nonce(), 1), "meets the difficulty");
                tip[side] = b.hash();
                height[side] = b.height();
            }
            assertEquals(r.honestBlocks(), height[0]);
            assertEquals(r.attackerBlocks(), height[1]);
            switch (r.outcome()) {
                case CAUGHT_UP -> {
                    caught++;
                    assertTrue(r.honestBlocks() >= 3 && r.attackerBlocks() >= r.honestBlocks(), r.toString());
                    // decided by its last block: just before it, it had not caught up
                    Attack.Block last = r.blocks().get(r.blocks().size() - 1);
                    assertTrue(last.attacker() ? r.attackerBlocks() == r.honestBlocks()
                            : r.honestBlocks() == 3, "decided at the block that made it so");
                }
                case GAVE_UP -> {
                    gaveUp++;
                    assertEquals(25, r.honestBlocks() - r.attackerBlocks(), "given up at 25 behind");
                }
                default -> throw new AssertionError(r.outcome());
            }
            assertNotEquals(0, r.hashes());
        }
        assertTrue(caught > 0 && gaveUp > 0, caught + " caught up, " + gaveUp + " gave up");
    }

    @Test
    void noConfirmationIsCaughtUpBeforeAnyHash() {
        Attack.Result r = new Attack(ENGINES, 1, Share.of(0.1), 0).mine("zero", () -> false, h -> {}, true);
        assertEquals(Attack.Outcome.CAUGHT_UP, r.outcome());
        assertEquals(0, r.hashes());
        assertTrue(r.blocks().isEmpty());
    }

    @Test
    void theMeasuredRateAtThirtyPercentAndTwoBlocksIsTheExactOne() throws Exception {
        int n = 3000;
        Tally t = new Attacks(ENGINES, 1, 2).run("rate", Share.of(0.3), 2, n, new Attacks.Counters(), new Control(),
                false, r -> {});
        assertEquals(n, t.attacks());
        double exact = CatchUp.rosenfeld(0.3, 2); // 0.432
        BinomialDistribution ifExact = BinomialDistribution.of(n, exact);
        int low = ifExact.inverseCumulativeProbability(0.005);
        int high = ifExact.inverseCumulativeProbability(0.995);
        assertTrue(t.successes() >= low && t.successes() <= high, t.successes() + " of " + n + " caught up; the exact "
                + "value gives " + low + " to " + high + " 99 times in 100");
        assertTrue(t.interval().contains(exact), t.interval() + " holds " + exact);
    }

    @Test
    void anAttackLooksAtStopBeforeEverySlice() {
        Share share = Share.of(0.3);
        Attack attack = new Attack(ENGINES, 1, share, 10);
        for (int slices = 0; slices < 5; slices++) {
            int[] asked = {0};
            int allowed = slices;
            Attack.Result r = attack.mine("slices", () -> asked[0]++ >= allowed, h -> {}, false);
            assertEquals(Attack.Outcome.STOPPED, r.outcome());
            assertEquals((long) slices * share.slice(), r.hashes(), "stopped after " + slices + " slices");
        }
    }

    @Test
    void theSameNameMinesTheSameAttacks() throws Exception {
        Attacks attacks = new Attacks(ENGINES, 1, 2);
        Tally a = attacks.run("again", Share.of(0.3), 3, 100, new Attacks.Counters(), new Control(), false, r -> {});
        Tally b = attacks.run("again", Share.of(0.3), 3, 100, new Attacks.Counters(), new Control(), false, r -> {});
        assertEquals(a.successes(), b.successes());
        assertEquals(a.hashes(), b.hashes());
        Tally c = attacks.run("another", Share.of(0.3), 3, 100, new Attacks.Counters(), new Control(), false, r -> {});
        assertNotEquals(a.hashes(), c.hashes(), "other blocks");
    }

    @Test
    @Timeout(60) // a run that does not stop
    void stopEndsTheRunAndEveryWorker() throws Exception {
        Control control = new Control();
        Attacks.Counters live = new Attacks.Counters();
        AtomicReference<Tally> tally = new AtomicReference<>();
        Thread run = new Thread(() -> {
            try {
                tally.set(new Attacks(ENGINES, 1, 2).run("stop", Share.of(0.3), 10, 1_000_000, live, control, false,
                        r -> {}));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        run.start();
        while (live.attacks() < 5) { // some attacks done: the workers are mining
            Thread.sleep(10);
        }
        control.stop();
        run.join(); // the test's timeout catches a run that does not end
        assertTrue(tally.get().attacks() >= 5 && tally.get().attacks() < 1_000_000, tally.get().toString());
        assertEquals(tally.get().attacks(), live.attacks(), "an attack cut short is not counted");
        assertFalse(workersAlive(), "no worker left");
    }

    @Test
    @Timeout(60) // workers that never wait, or a run that does not end
    void pauseHoldsEveryWorkerAndResumeGoesOn() throws Exception {
        Control control = new Control();
        Attacks.Counters live = new Attacks.Counters();
        AtomicReference<Tally> tally = new AtomicReference<>();
        Thread run = new Thread(() -> {
            try {
                tally.set(new Attacks(ENGINES, 1, 2).run("pause", Share.of(0.3), 5, 400, live, control, false, r -> {}));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }, "powrace-attack-0");
        control.pause();
        run.start();
        // both miners wait at their first slice: nothing hashed
        while (!allWorkersWaiting(2)) {
            Thread.sleep(10);
        }
        assertEquals(0, live.hashes());
        control.resume();
        run.join();
        assertEquals(400, tally.get().attacks());

        // stopped while paused, a run ends too
        Control paused = new Control();
        paused.pause();
        Thread held = new Thread(() -> {
            try {
                tally.set(new Attacks(ENGINES, 1, 2).run("held", Share.of(0.3), 5, 400, new Attacks.Counters(), paused,
                        false, r -> {}));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }, "powrace-attack-0");
        held.start();
        while (!allWorkersWaiting(2)) {
            Thread.sleep(10);
        }
        paused.stop();
        held.join();
        assertEquals(0, tally.get().attacks());
    }

    static boolean workersAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("powrace-attack-") && t.isAlive());
    }

    static boolean allWorkersWaiting(int n) {
        List<Thread> workers = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("powrace-attack-") && t.isAlive()).toList();
        return workers.size() == n && workers.stream().allMatch(t -> t.getState() == Thread.State.WAITING);
    }
}
