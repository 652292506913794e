package dev.powrace.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.ledger.Timestamps;
import dev.powrace.pow.EngineFactory;
import dev.powrace.pow.HashMeter;
import dev.powrace.race.Attempt;
import dev.powrace.race.Mining;
import dev.powrace.race.Outcome;
import dev.powrace.race.Race;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * This process's claims: a node that finds a nonce hands it to the cluster thread, which writes the claim and its
 * node's join marker in one transaction (the proof that this process wrote it), then has the race judged. The
 * miner waits for the decision to know whether it won. A claim found while cut off is written when the connection
 * is back, even if its miner has stopped waiting: the race is then still decided.
 */
final class Claims {
    /**
     * How long a node that found a nonce waits for the cluster's decision before it stops waiting: 30 s. Not final
     * only so that a test can shorten it (package-private); nothing else changes it.
     */
    static volatile Duration decisionWait = Duration.ofSeconds(30);

    private final Session s;
    private final Judge judge;
    /** Claims written, by path, until their race is decided. */
    private final Map<String, Claim> pending = new ConcurrentHashMap<>();
    /** Claims found while cut off from the cluster, written when it is back. */
    private final Set<Claim> unsent = ConcurrentHashMap.newKeySet();

    /** A local attempt that found a nonce, on its way to the cluster. */
    private static final class Claim {
        final ClusterRace race;
        final Attempt attempt;
        /** Completed with the claim's znode name once it is in ZooKeeper. */
        final CompletableFuture<String> written = new CompletableFuture<>();
        /** Whoever sets it tells the attempt's end: the cluster thread if it won, else its miner. */
        final AtomicBoolean ended = new AtomicBoolean();

        Claim(ClusterRace race, Attempt attempt) {
            this.race = race;
            this.attempt = attempt;
        }
    }

    Claims(Session s, Judge judge) {
        this.s = s;
        this.judge = judge;
    }

    /**
     * Runs one node's attempt on the calling (mining) thread. Its times cover the search alone. A nonce found is
     * handed to the cluster thread as a claim, and the attempt waits for the cluster's decision to know whether
     * it won (FOUND) or came second (STOPPED).
     */
    Attempt run(Race race, String node, BooleanSupplier stop, HashMeter meter, int power, EngineFactory engines) {
        dev.powrace.pow.Search.checkPower(power);
        if (race.decided()) {
            Instant now = Instant.now();
            return s.events.end(new Attempt(race, node, Outcome.LATE, now, now, 0, 0, -1, null, power));
        }
        Attempt attempt = Mining.search(race, node, engines, stop, meter, power,
                event -> s.events.publish(l -> l.started(event.get()), race));
        if (attempt.outcome() == Outcome.STOPPED) {
            return s.events.end(attempt);
        }
        Claim claim = new Claim(byRace(race), attempt);
        try {
            s.submit(() -> {
                claim(claim);
                return null;
            });
        } catch (RejectedExecutionException shuttingDown) {
            claim.written.completeExceptionally(shuttingDown);
        }
        Duration wait = decisionWait;
        try {
            claim.written.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            claim.race.decision.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            s.problem("race " + race.id() + ": " + node + "'s nonce " + attempt.nonce() + " was not judged by the "
                    + "cluster" + (e.getCause() != null ? ": " + Schema.shown(String.valueOf(e.getCause().getMessage()))
                    : " within " + wait.toSeconds() + " s; it is claimed when the cluster is back"));
        }
        if (!claim.ended.compareAndSet(false, true)) {
            // The race's winner is this very attempt: the cluster thread told its end already, so that the end
            // comes before the win, as in local mode.
            return attempt;
        }
        return s.events.end(Mining.stopped(attempt));
    }

    private ClusterRace byRace(Race race) {
        for (ClusterRace r : judge.races.values()) {
            if (r.race == race) {
                return r;
            }
        }
        throw new IllegalStateException("race " + race.id() + " is not a cluster race");
    }

    /**
     * On the cluster thread: writes the claim and its node's join marker in one transaction, then judges the race.
     * A claim that can't be written for want of a connection waits for the connection to come back.
     */
    private void claim(Claim claim) {
        if (claim.race.decision.isDone()) {
            claim.written.complete(""); // decided meanwhile: nothing to claim, and its miner sees the decision
            return;
        }
        if (claim.written.isDone()) {
            return;
        }
        ClusterRace r = claim.race;
        Attempt a = claim.attempt;
        String marker = r.joined() + "/" + Schema.marker(a.node());
        try {
            byte[] json = Ledger.json().writeValueAsBytes(Ledger.json().createObjectNode()
                    .put("node", a.node()).put("nonce", a.nonce()).put("hash", a.hash())
                    .put("start_time", Timestamps.format(a.start())).put("end_time", Timestamps.format(a.end()))
                    .put("time_taken", Entry.seconds(a.elapsedNanos())).put("hashes", a.hashes()));
            if (!s.connected) {
                throw new KeeperException.ConnectionLossException();
            }
            String path;
            org.apache.zookeeper.data.Stat held = s.zk.checkExists().forPath(marker);
            if (held == null) {
                throw new KeeperException.NoNodeException(marker);
            }
            try { // at the version read: a claim written twice (a retry after a lost reply) fails the second time
                path = s.zk.transaction().forOperations(
                        s.zk.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL).withACL(s.self.own())
                                .forPath(r.claims() + "/claim-", json),
                        s.zk.transactionOp().setData().withVersion(held.getVersion()).forPath(marker, json))
                        .get(0).getResultPath();
            } catch (KeeperException.BadVersionException retried) {
                path = written(r, json); // a try whose reply was lost went through
                if (path == null) {
                    throw new IllegalStateException("its node's join marker holds another claim");
                }
            }
            pending.put(path, claim);
            claim.written.complete(path.substring(path.lastIndexOf('/') + 1));
            judge.judge(r);
        } catch (KeeperException.ConnectionLossException | KeeperException.SessionExpiredException
                | KeeperException.SessionMovedException cutOff) {
            if (!s.closed && unsent.add(claim)) {
                s.problem("race " + r.race.id() + ": " + a.node() + " found nonce " + a.nonce() + " while cut off from "
                        + "the cluster; it is claimed when the connection is back, if the race is still undecided");
            }
        } catch (KeeperException.NoNodeException gone) {
            claim.written.completeExceptionally(new IllegalStateException("the race is gone (decided and removed "
                    + "while this process was cut off), or its node is no longer in it"));
            judge.judge(r);
        } catch (Exception e) {
            claim.written.completeExceptionally(e);
        }
    }

    /** The path of the claim whose data is {@code json}, if one was written; else null. */
    private String written(ClusterRace r, byte[] json) throws Exception {
        for (Schema.Child c : judge.readClaims(r, false)) {
            if (java.util.Arrays.equals(c.data(), json)) {
                return r.claims() + "/" + c.name();
            }
        }
        return null;
    }

    /** On the cluster thread, once connected again: writes the claims found meanwhile, where still undecided. */
    void sendUnsent() throws Exception {
        for (Claim c : List.copyOf(unsent)) {
            unsent.remove(c);
            org.apache.zookeeper.data.Stat decided = Schema.statOf(s.zk, c.race.decided()); // null if closed: forged
            if (decided == null || c.race.forged.contains(decided.getCzxid())) { // undecided, or a forged decision
                claim(c);
            } else {
                judge.judge(c.race); // decided meanwhile: the decision stops its miner
            }
        }
    }

    /**
     * On the cluster thread: the race has a winner. Decides the local race with this process's own attempt if the
     * winning claim is one of its own (matched by node and nonce, so a claim written twice across a lost connection
     * still finds its attempt), and tells that attempt's end before its win.
     *
     * @return true if the winner is this process's
     */
    boolean decided(ClusterRace r, String winner, JsonNode c) {
        Claim mine = null;
        List<Claim> candidates = new ArrayList<>(unsent); // one that reached ZooKeeper though its write seemed lost
        pending.forEach((path, claim) -> {
            if (path.startsWith(r.path + "/")) {
                candidates.add(claim);
            }
        });
        for (Claim candidate : candidates) {
            Attempt a = candidate.attempt;
            if (candidate.race == r && a.node().equals(c.path("node").asText())
                    && a.nonce() == c.path("nonce").asLong() && candidate.ended.compareAndSet(false, true)) {
                mine = candidate;
                unsent.remove(candidate);
                candidate.written.complete(winner);
                break;
            }
        }
        r.race.decide(mine != null ? mine.attempt : remote(r.race, c)); // the losers here stop within a batch
        if (mine != null) {
            s.events.end(mine.attempt); // before the win is told; its miner returns it without telling it again
        }
        return mine != null;
    }

    /** On the cluster thread: the race is decided; its claims are no longer pending. */
    void settled(ClusterRace r) {
        pending.keySet().removeIf(k -> k.startsWith(r.path + "/"));
        unsent.removeIf(c -> c.race == r);
    }

    /** The winner as a remote attempt. */
    private static Attempt remote(Race race, JsonNode c) {
        Instant start = Timestamps.parse(c.path("start_time").asText()).orElse(Instant.EPOCH);
        Instant end = Timestamps.parse(c.path("end_time").asText()).orElse(start);
        long nanos = c.path("time_taken").decimalValue().movePointRight(9).longValue();
        return new Attempt(race, c.path("node").asText(), Outcome.FOUND, start, end, nanos, c.path("hashes").asLong(),
                c.path("nonce").asLong(), c.path("hash").asText());
    }
}
