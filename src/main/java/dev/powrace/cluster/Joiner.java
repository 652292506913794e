package dev.powrace.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.powrace.ledger.Ledger;
import dev.powrace.ledger.Timestamps;
import dev.powrace.race.Race;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Joining races: a node's k-th copy of a text joins the oldest race for that text that is still open (within the
 * join window by ZooKeeper's clock) and that the node has not joined; else it opens one. Opening is one
 * transaction that also bumps the text's counter at the version just read, so two processes can't both open a race
 * from the same view: the loser re-reads and joins the winner's race.
 *
 * <p>Each join writes the node's join marker: ephemeral, so it is this session's and leaves with it, and changeable by
 * this process alone. Its data is a token of that one join: a join retried after a lost connection finds its own
 * token and knows it got in, so one copy never makes two races.
 */
final class Joiner {
    private final Session s;
    private final Judge judge;
    private final long joinWindowMillis;
    /** The ZooKeeper time after which a submission fed on this thread may no longer open a race (see Feed). */
    private final ThreadLocal<Long> deadline = new ThreadLocal<>();

    /** A test seam: how an open's or a join's write reaches ZooKeeper. */
    interface Wire {
        void send(Session.Action write) throws Exception;
    }

    /**
     * For tests only, null (off) by default: when set, every open's and join's write goes through it, so that a test
     * can play a flaky connection, e.g. send a write that went through once more (what Curator's retry does after
     * a lost reply, failing with NodeExists or BadVersion), or fail it with a connection loss before it is sent.
     */
    static volatile Wire wire;

    private static void send(Session.Action write) throws Exception {
        Wire w = wire;
        if (w == null) {
            write.run();
        } else {
            w.send(write);
        }
    }

    Joiner(Session s, Judge judge, long joinWindowMillis) {
        this.s = s;
        this.judge = judge;
        this.joinWindowMillis = joinWindowMillis;
    }

    /** Runs {@code submit} with a deadline for opening a race: the submission's time plus the join window. */
    String before(long deadlineZkMillis, java.util.function.Supplier<String> submit) {
        deadline.set(deadlineZkMillis);
        try {
            return submit.get();
        } finally {
            deadline.remove();
        }
    }

    /**
     * @param waitedMillis how long the copy may have waited unread at its node (flow control): a race opened within
     *     the join window of its earliest arrival is open to it, even if decided (it is then late)
     */
    Race join(String node, String transaction, int difficulty, long waitedMillis) {
        if (s.closed) {
            throw new IllegalStateException("cluster unavailable: powrace is shutting down");
        }
        if (!s.connected) {
            throw new IllegalStateException("cluster unavailable: no connection to ZooKeeper at " + s.connect);
        }
        if (s.evicted) {
            throw new IllegalStateException("cluster unavailable: the label '" + s.label + "' belongs to another "
                    + "process now; restart this one with another --label");
        }
        String text = Schema.textPath(transaction);
        byte[] token = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
        String marker = Schema.marker(node);
        try {
            if (s.zk.checkExists().forPath(text) == null) { // a read: a create that fails is still a write
                try {
                    s.zk.create().forPath(text, new byte[0]);
                } catch (KeeperException.NodeExistsException fine) {
                    // another node made it meanwhile
                }
            }
            while (true) {
                Stat counter = new Stat();
                s.zk.getData().storingStatIn(counter).forPath(text);
                for (ClusterRace r : races(text)) {
                    if (!open(r, waitedMillis) || over(r)) {
                        continue;
                    }
                    try {
                        send(() -> s.zk.create().withMode(CreateMode.EPHEMERAL).withACL(s.self.own())
                                .forPath(r.joined() + "/" + marker, token));
                    } catch (KeeperException.NodeExistsException already) {
                        if (!mine(r, marker, token)) {
                            continue; // this node's earlier copy is in it, or someone else's marker squats its name
                        }
                    } catch (KeeperException.NoNodeException removed) {
                        continue; // removed meanwhile as history, or not a race's layout
                    }
                    return joined(r, node);
                }
                Long last = deadline.get();
                if (last != null && s.zkNow() > last) {
                    throw new IllegalStateException("too late: the submission is older than the join window ("
                            + joinWindowMillis + " ms), and its race is closed (was this process paused?)");
                }
                String opened = open(text, counter, node, marker, transaction, difficulty, token);
                ClusterRace r = opened == null ? null : judge.race(opened);
                if (r != null) {
                    r.opened = true;
                    return joined(r, node);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("cluster unavailable: interrupted");
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cluster unavailable: " + Schema.shown(String.valueOf(e.getMessage())));
        }
    }

    /**
     * The text's races, oldest first by the zxid that created them (a name can be chosen, a zxid can't); a child that
     * is not a race is reported once and skipped.
     */
    private List<ClusterRace> races(String text) throws Exception {
        List<ClusterRace> races = new ArrayList<>();
        for (String name : s.zk.getChildren().forPath(text)) {
            if (Schema.RACE.matcher(name).matches()) {
                ClusterRace r = judge.race(text + "/" + name);
                if (r != null) {
                    races.add(r);
                }
            } else {
                s.reportOnce(text + "/" + name, "cluster: " + Schema.name(name) + " under a text's races is not a "
                        + "race; skipped");
            }
        }
        races.sort(java.util.Comparator.comparingLong(r -> r.race.id()));
        return races;
    }

    /**
     * Opens a race: the counter's next version names it, so that opening it, joining it and making its folders is
     * one write. Returns its path, or null if another process opened one from the same view (join that).
     */
    private String open(String text, Stat counter, String node, String marker, String transaction, int difficulty,
            byte[] token) throws Exception {
        ObjectNode json = Ledger.json().createObjectNode().put("text", transaction).put("difficulty", difficulty)
                .put("opened_by", node).put("opened_at", Timestamps.format(Instant.now()));
        int next = counter.getVersion() + 1;
        String path = text + String.format(java.util.Locale.ROOT, "/race-%010d", next);
        try {
            send(() -> s.zk.transaction().forOperations(
                    s.zk.transactionOp().setData().withVersion(counter.getVersion())
                            .forPath(text, Integer.toString(next).getBytes(StandardCharsets.US_ASCII)),
                    s.zk.transactionOp().create().forPath(path, Ledger.json().writeValueAsBytes(json)),
                    s.zk.transactionOp().create().withACL(s.self.raceFolder()).forPath(path + "/joined", new byte[0]),
                    s.zk.transactionOp().create().withMode(CreateMode.EPHEMERAL).withACL(s.self.own())
                            .forPath(path + "/joined/" + marker, token),
                    s.zk.transactionOp().create().withACL(s.self.raceFolder()).forPath(path + "/claims", new byte[0]),
                    s.zk.transactionOp().create().withACL(s.self.raceFolder()).forPath(path + "/verdicts", new byte[0])));
            return path;
        } catch (KeeperException.BadVersionException raced) {
            return null; // another process opened one from the same view, or our own write went through: look again
        } catch (KeeperException.NodeExistsException stale) {
            // a race of that name made by hand or by an older layout: move the counter past it and look again
            try {
                s.zk.setData().withVersion(counter.getVersion()).forPath(text,
                        Integer.toString(next).getBytes(StandardCharsets.US_ASCII));
            } catch (KeeperException.BadVersionException raced) {
                // someone else moved it
            }
            return null;
        }
    }

    /**
     * True if the node's marker, which exists, is this very join's: it holds this join's token (an earlier try of
     * this join went through). A marker
     * of another session in its place is reported once: someone else made it, and this copy goes to another race.
     */
    private boolean mine(ClusterRace r, String marker, byte[] token) throws Exception {
        Stat stat = new Stat();
        byte[] data;
        try {
            data = s.zk.getData().storingStatIn(stat).forPath(r.joined() + "/" + marker);
        } catch (KeeperException.NoNodeException gone) {
            return false;
        }
        if (java.util.Arrays.equals(data, token)) {
            return true;
        }
        if (stat.getEphemeralOwner() != s.zk.getZookeeperClient().getZooKeeper().getSessionId()) {
            s.reportOnce(r.joined() + "/" + marker + "@" + stat.getCzxid(), "race " + r.race.id() + ": the join "
                    + "marker " + Schema.name(marker) + " is not this process's; its node joins another race");
            return false;
        }
        return false;
    }

    private Race joined(ClusterRace r, String node) {
        if (judge.races.size() > 4096) { // forget races that are decided and closed to joins; ZooKeeper still has them
            long now = s.zkNow();
            judge.races.values().removeIf(old -> old != r && old.decision.isDone()
                    && now - old.openedAtZkMillis > joinWindowMillis);
        }
        r.local = true;
        r.nodes.add(node);
        if (!r.watched) {
            r.watched = true;
            s.execute(() -> judge.judge(r));
        }
        return r.race;
    }

    /** Open to a copy that may have waited {@code waitedMillis}: within the join window of its earliest arrival. */
    private boolean open(ClusterRace r, long waitedMillis) {
        return s.zkNow() - waitedMillis - r.openedAtZkMillis <= joinWindowMillis;
    }

    /**
     * True if the race is abandoned, or is abandoned now because every node that joined it has left the cluster
     * before anyone won. Its text then opens a new race.
     */
    private boolean over(ClusterRace r) throws Exception {
        if (r.race.abandoned()) {
            return true;
        }
        byte[] decided;
        try {
            decided = s.zk.getData().forPath(r.decided());
        } catch (KeeperException.NoNodeException undecided) {
            if (!judge.over(r)) {
                return false;
            }
            String settled = judge.settle(r, false); // abandons it unless a claim holds up
            return Schema.ABANDONED.equals(settled);
        } catch (KeeperException.NoAuthException closed) { // forged: decided by a verdict beside it, if at all
            return Schema.ABANDONED.equals(judge.settle(r, false));
        }
        // an abandonment is taken only as the judge takes it: a forged one, pinned, must not open a second race
        return Schema.ABANDONED.equals(new String(decided, StandardCharsets.UTF_8))
                && Schema.ABANDONED.equals(judge.settle(r, false));
    }

    /**
     * After a new session (the old one expired, and its join markers with it): this process's nodes in races still
     * undecided are put back in them, so that their claims still count.
     */
    void rejoin() throws Exception {
        for (ClusterRace r : judge.races.values()) {
            if (!r.local || r.decision.isDone()) {
                continue;
            }
            for (String node : r.nodes) {
                s.ensureEphemeral(r.joined() + "/" + Schema.marker(node), new byte[0], s.self.own(), false);
            }
        }
    }

    int openRaces() {
        long now = s.zkNow();
        return (int) judge.races.values().stream()
                .filter(r -> !r.race.decided() && now - r.openedAtZkMillis <= joinWindowMillis).count();
    }
}
