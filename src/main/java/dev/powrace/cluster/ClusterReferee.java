package dev.powrace.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.pow.EngineFactory;
import dev.powrace.pow.HashMeter;
import dev.powrace.pow.Puzzle;
import dev.powrace.race.Attempt;
import dev.powrace.race.Listeners;
import dev.powrace.race.Peers;
import dev.powrace.race.Race;
import dev.powrace.race.RaceListener;
import dev.powrace.race.Referee;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The referee of a cluster: the races of every process that joins one ZooKeeper ensemble, judged by the same rule
 * everywhere, with one ledger kept in ZooKeeper and copied into every process's ledger file. It is a handful of
 * recipes, each with one job, wired here: {@link Session} (the client, label, identity and cluster thread),
 * {@link Feed} (submissions), {@link Joiner} (joining races), {@link Claims} (this process's claims),
 * {@link Judge} (deciding races by the one rule), {@link Mirror} (the ledger copy), {@link Reaper} (history) and
 * {@link PeerRates} (the view of the cluster). The znodes' schema is in docs/cluster.md and {@link Schema}.
 *
 * <p>Every ZooKeeper event is handled on one thread ("powrace-cluster"), the listeners are told on another
 * ("powrace-events"), and a mining thread only searches, publishes and waits for its race's decision.
 */
public final class ClusterReferee implements Referee, Peers {
    static final String ROOT = Schema.ROOT;
    static final String LABELS = Schema.LABELS;
    static final String MEMBERS = Schema.MEMBERS;
    static final String TEXTS = Schema.TEXTS;
    static final String LEDGER = Schema.LEDGER;
    static final String SUBMISSIONS = Schema.SUBMISSIONS;
    static final String ABANDONED = Schema.ABANDONED;

    private final Session s;
    private final Ledger ledger;
    private final EngineFactory engines;
    private final Judge judge;
    private final Joiner joiner;
    private final Feed feed;
    private final Mirror mirror;
    private final Reaper reaper;
    private final PeerRates rates;
    private final Claims claims;
    private volatile int difficulty;
    private volatile List<Member> members = List.of();

    private ClusterReferee(Session s, Ledger ledger, int difficulty, long joinWindowMillis, EngineFactory engines,
            java.nio.channels.FileLock owner) {
        this.s = s;
        this.ledger = ledger;
        this.difficulty = difficulty;
        this.engines = engines;
        this.judge = new Judge(s, this::decided);
        this.joiner = new Joiner(s, judge, joinWindowMillis);
        this.feed = new Feed(s, joiner, joinWindowMillis, () -> members);
        this.mirror = new Mirror(s, ledger, judge, owner);
        judge.entries = mirror::hasEntry;
        this.reaper = new Reaper(s, judge, joinWindowMillis);
        this.rates = new PeerRates(s, ledger, engines.name(), () -> members);
        this.claims = new Claims(s, judge);
    }

    /**
     * Connects to the cluster, takes the label, and catches the ledger file up with the cluster's ledger before
     * anything else happens.
     *
     * @param connect a ZooKeeper connect string, such as "10.0.0.5:2181" or "zk1:2181,zk2:2181"
     * @throws ClusterException with a one-line message: unreachable, label taken, or a ledger file that is not a
     *         copy of this cluster's
     */
    public static ClusterReferee start(String connect, String label, Ledger ledger, int difficulty, Duration joinWindow,
            EngineFactory engines, Duration connectTimeout) throws ClusterException {
        return start(connect, label, ledger, difficulty, joinWindow, engines, connectTimeout, null);
    }

    /**
     * As {@link #start(String, String, Ledger, int, Duration, EngineFactory, Duration)}, with a cluster secret.
     *
     * @param secret null for none; else every znode this process creates is closed to all but the holders of the
     *        same secret, and a cluster made without one (or with another) is refused in one line, before this
     *        process creates anything
     */
    public static ClusterReferee start(String connect, String label, Ledger ledger, int difficulty, Duration joinWindow,
            EngineFactory engines, Duration connectTimeout, String secret) throws ClusterException {
        Puzzle.checkDifficulty(difficulty);
        Labels.check(label);
        Identity self = Identity.create(secret);
        CuratorFramework zk = Clients.builder(connect, secret, self)
                .sessionTimeoutMs(15_000)
                .connectionTimeoutMs((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .retryPolicy(new ExponentialBackoffRetry(200, 5, 2_000))
                .build();
        zk.start();
        ClusterReferee referee = null;
        java.nio.channels.FileLock owner = null;
        try {
            if (!zk.blockUntilConnected((int) connectTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ClusterException("cluster unavailable: can't reach ZooKeeper at " + connect + " within "
                        + connectTimeout.toSeconds() + " s");
            }
            Clients.checkRoot(zk, connect, secret); // before anything is created
            Schema.folders(zk, self);
            byte[] token = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
            long before = System.currentTimeMillis();
            Stat stat = new Stat();
            try {
                zk.create().storingStatIn(stat).withMode(CreateMode.EPHEMERAL).withACL(self.own())
                        .forPath(LABELS + "/" + label, token);
            } catch (KeeperException.NodeExistsException e) {
                throw new ClusterException("the label '" + label + "' is already live in the cluster at " + connect
                        + "; give this process another with --label");
            }
            long after = System.currentTimeMillis();
            Schema.membersFolder(zk, label, self);
            owner = CopyLock.take(ledger);
            Session s = new Session(zk, label, connect, self, new Listeners(), token,
                    stat.getCtime() - (before + after) / 2, (after - before + 1) / 2 + 1);
            referee = new ClusterReferee(s, ledger, difficulty, joinWindow.toMillis(), engines, owner);
            ClusterReferee r = referee;
            Reconnection reconnection = new Reconnection(s, r.members(), r.rates, r.joiner, r.mirror, r.feed, r.judge,
                    r.claims);
            zk.getConnectionStateListenable().addListener((client, state) -> reconnection.changed(state));
            s.submit(() -> {
                r.mirror.catchUp();
                r.mirror.watch();
                r.feed.skipHistory();
                r.reaper.sweep();
                return null;
            }).get();
            r.reaper.start();
            return referee;
        } catch (ClusterException e) {
            close(zk, referee, owner);
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(zk, referee, owner);
            throw new ClusterException("interrupted while joining the cluster");
        } catch (Exception e) {
            close(zk, referee, owner);
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof ClusterException ce) {
                throw ce;
            }
            if (Clients.refusal(cause)) {
                throw Clients.refused(connect);
            }
            throw new ClusterException("can't join the cluster at " + connect + ": " + cause);
        }
    }

    private static void close(CuratorFramework zk, ClusterReferee referee, java.nio.channels.FileLock owner) {
        if (referee != null) {
            referee.close();
            return;
        }
        if (owner != null) {
            try {
                owner.channel().close();
            } catch (IOException ignored) {
                // failing anyway
            }
        }
        zk.close();
    }

    /** The cluster name of this process's nodes: label/NodeN. */
    @Override
    public String nodeName(int index) {
        return s.label + "/Node" + index;
    }

    public String label() {
        return s.label;
    }

    @Override
    public void addListener(RaceListener listener) {
        s.events.add(listener);
    }

    @Override
    public void removeListener(RaceListener listener) {
        s.events.remove(listener);
    }

    @Override
    public Ledger ledger() {
        return ledger;
    }

    @Override
    public String engineName() {
        return engines.name();
    }

    @Override
    public int difficulty() {
        return difficulty;
    }

    @Override
    public void setDifficulty(int difficulty) {
        Puzzle.checkDifficulty(difficulty);
        this.difficulty = difficulty;
    }

    @Override
    public void nodesStarted(List<Member> started) {
        this.members = List.copyOf(started);
        for (Member m : started) {
            try {
                s.zk.create().withMode(CreateMode.EPHEMERAL).withACL(s.self.own())
                        .forPath(MEMBERS + "/" + s.label + "/" + Schema.marker(m.name()), rates.memberJson(m));
            } catch (Exception e) {
                problem("cluster: " + m.name() + " could not be listed as a member: " + e.getMessage());
            }
        }
        s.execute(feed::watch);
        rates.start();
    }

    private java.util.function.Supplier<List<Member>> members() {
        return () -> members;
    }

    @Override
    public Optional<Peers> peers() {
        return Optional.of(this);
    }

    @Override
    public Peers.View view() {
        return rates.view();
    }

    @Override
    public void submitToAll(String text) throws IOException {
        if (!s.connected) {
            throw new ClusterException("cluster unavailable: no connection to ZooKeeper at " + s.connect);
        }
        try {
            Feed.submit(s.zk, text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("cluster unavailable: interrupted");
        } catch (Exception e) {
            throw new ClusterException("cluster unavailable: " + s.connect + ": " + e.getMessage());
        }
    }

    /** Submits a text to every live node of the cluster, through ZooKeeper. */
    public static void submit(CuratorFramework zk, String text) throws Exception {
        Feed.submit(zk, text);
    }

    @Override
    public Race join(String node, String transaction) {
        return joiner.join(node, transaction, difficulty, 0);
    }

    @Override
    public Race join(String node, String transaction, long waitedNanos) {
        return joiner.join(node, transaction, difficulty, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(waitedNanos));
    }

    @Override
    public int openRaces() {
        return joiner.openRaces();
    }

    @Override
    public Attempt run(Race race, String node, BooleanSupplier stop, HashMeter meter) {
        return run(race, node, stop, meter, dev.powrace.pow.Search.MAX_POWER);
    }

    @Override
    public Attempt run(Race race, String node, BooleanSupplier stop, HashMeter meter, int power) {
        return claims.run(race, node, stop, meter, power, engines);
    }

    /** On the cluster thread: a race is decided (by the judge of this process or another's). */
    private void decided(ClusterRace r, String winner, JsonNode claim) {
        if (winner.equals(ABANDONED) || claim == null) {
            r.race.abandon(); // this process's nodes in it stop within a batch
            r.decision.complete(winner);
            claims.settled(r);
            if (r.opened) {
                reaper.forgetLater(r);
            }
            if (r.local && winner.equals(ABANDONED)) {
                problem("race " + r.race.id() + " was abandoned: every node that joined it had left the cluster; "
                        + "its nodes here stop");
            }
            return;
        }
        claims.decided(r, winner, claim); // the losers here stop within a batch
        r.decision.complete(winner);
        claims.settled(r);
        if (r.opened) {
            reaper.forgetLater(r);
        }
        try {
            mirror.copy();
        } catch (Exception e) {
            problem("cluster: the ledger copy: " + Schema.shown(String.valueOf(e.getMessage())));
        }
        if (r.local) {
            Entry e = Judge.entry(r, r.claims.get(winner));
            if (e != null) {
                mirror.whenCopied(e, () -> s.events.publish(l -> l.won(r.race, e), r.race));
            }
        }
        r.claims.clear();
    }

    // ---- plumbing ----

    @Override
    public void problem(String message) {
        s.events.problem(message);
    }

    @Override
    public void note(String message) {
        s.events.note(message);
    }

    @Override
    public void warmingUp(String node) {
        s.events.warmingUp(node);
    }

    @Override
    public void warmedUp(Duration took, Duration sinceStart) {
        s.events.warmedUp(took, sinceStart);
    }

    @Override
    public boolean sync(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            s.submit(() -> null).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
        return s.events.sync(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** After the nodes have stopped: finishes the cluster thread's work, tells what is queued, leaves the cluster. */
    @Override
    public void close() {
        feed.close();
        rates.close();
        s.stopThread();
        s.closed = true;
        s.events.close(2, TimeUnit.SECONDS);
        s.zk.close(); // the session ends: this process's label and members vanish at once
        mirror.close();
    }

    /** For tests and commands: the client. */
    CuratorFramework client() {
        return s.zk;
    }
}
