package dev.powrace.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.ledger.Timestamps;
import dev.powrace.ledger.Verifier;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Judges races by one rule, the same in every process: the winner is the first claim in ZooKeeper's order (the
 * zxid that created it) that holds up; see {@link #problem}. A decision that names anything else is reported,
 * moved aside to {@code forged-<zxid>} and replaced by the right one in the same transaction, so the race is
 * still decided correctly. The decision and its ledger entry are written in one transaction: their czxids match,
 * which is how the ledger copy knows an entry is a race's decision.
 */
final class Judge {
    /** How long a decision is checked claim by claim; one older has been checked by every process in its race. */
    static final long STRICT_MILLIS = 5_000;

    /** What a race's decision does to this process: stop its nodes, tell its winner, copy the ledger. */
    interface Decided {
        void decided(ClusterRace r, String winner, JsonNode claim);
    }

    private final Session s;
    private final Decided decided;
    /**
     * Whether a ledger entry was created at a zxid, on the cluster thread: a decision counts only with the entry written
     * in its transaction. The referee sets it to its ledger copy's; true until then.
     */
    volatile EntryCheck entries = (zxid, expected) -> Boolean.TRUE;

    /**
     * Whether the ledger znode created at a zxid holds exactly the expected entry (see Mirror#hasEntry); null if that
     * can't be told now (the connection is down, say).
     */
    interface EntryCheck {
        Boolean at(long zxid, Entry expected);
    }
    /** Verdicts, and which old decisions stand. */
    final Verdicts verdicts;
    /** The races this process has seen, by their znode path. */
    final Map<String, ClusterRace> races = new ConcurrentHashMap<>();

    Judge(Session s, Decided decided) {
        this.s = s;
        this.decided = decided;
        this.verdicts = new Verdicts(s, this);
    }

    /** The race at a path, read once, checked and kept; null if it is gone or does not hold up (reported). */
    ClusterRace race(String path) throws Exception {
        ClusterRace known = races.get(path);
        if (known != null) {
            return known;
        }
        Stat stat = new Stat();
        byte[] data;
        try {
            data = s.zk.getData().storingStatIn(stat).forPath(path);
        } catch (KeeperException.NoNodeException gone) {
            return null;
        } catch (KeeperException unreadable) {
            s.reportOnce(path, "cluster: " + Schema.name(path.substring(Schema.TEXTS.length() + 1)) + " can't be read ("
                    + unreadable.code() + "); it is not a race, and no node joins it");
            return null;
        }
        String[] why = new String[1];
        ClusterRace r = ClusterRace.parse(path, data, stat, why);
        if (r == null) {
            s.reportOnce(path + "@" + stat.getCzxid(), "cluster: " + Schema.name(path.substring(Schema.TEXTS.length() + 1))
                    + " " + why[0] + "; it is not a race, and no node joins it");
            return null;
        }
        return races.computeIfAbsent(path, p -> r);
    }

    /**
     * On the cluster thread: reads the race's decision and claims (watching both), checks the decision, decides the
     * race if it is undecided and a claim holds up, and tells this process once it is decided.
     */
    void judge(ClusterRace r) {
        if (s.closed || r.decision.isDone()) {
            return;
        }
        try {
            if (r.watcher == null) { // one watcher per race: ZooKeeper keeps one registration per path for it
                r.watcher = s.rearm(() -> judge(r));
            }
            String winner = settle(r, true);
            if (winner == null) {
                return; // the watches set above bring us back
            }
            decided.decided(r, winner, winner.equals(Schema.ABANDONED) ? null : json(r.claims.get(winner)));
        } catch (KeeperException.NoNodeException removed) {
            if (!raceExists(r)) {
                r.race.abandon(); // removed as history, decided while this process was cut off
                decided.decided(r, Schema.ABANDONED, null);
                s.problem("race " + r.race.id() + " was decided while this process was cut off, and is history now; "
                        + "its nodes here stop (the ledger has its winner, if any)");
            }
        } catch (Exception e) {
            if (!s.closed) {
                s.problem("cluster: race " + r.race.id() + " could not be judged: " + Schema.shown(e.getMessage()));
            }
        }
    }

    private boolean raceExists(ClusterRace r) {
        try {
            return s.zk.checkExists().usingWatcher(r.watcher).forPath(r.path) != null;
        } catch (Exception e) {
            return true;
        }
    }

    /**
     * The race's decision, made right if it is not: its winning claim's name, {@link Schema#ABANDONED}, or null
     * while undecided (watches set if {@code watch}).
     */
    String settle(ClusterRace r, boolean watch) throws Exception {
        for (int round = 0; round < 5; round++) {
            Stat stat = new Stat();
            String decision = null;
            boolean unreadable = false;
            try {
                decision = new String(watch ? s.zk.getData().storingStatIn(stat).usingWatcher(r.watcher)
                        .forPath(r.decided()) : s.zk.getData().storingStatIn(stat).forPath(r.decided()),
                        StandardCharsets.UTF_8);
            } catch (KeeperException.NoAuthException closed) {
                s.reportOnce(r.decided() + "@unreadable", "race " + r.race.id() + ": its decision " + r.decided()
                        + " can't be read "
                        + "(someone closed it); the race is decided by a verdict beside it");
                unreadable = true;
            } catch (KeeperException.NoNodeException undecided) {
                if (watch && s.zk.checkExists().usingWatcher(r.watcher).forPath(r.decided()) != null) {
                    continue; // decided between the two reads
                }
            }
            if (decision != null && s.zkNow() - stat.getCtime() > STRICT_MILLIS) {
                String standing = verdicts.standing(r, decision, stat);
                if (standing != null) {
                    return standing; // checked claim by claim by every process in the race when it was new
                }
            }
            Schema.Child first = firstValid(r, watch);
            String right = first != null ? first.name() : null;
            if (right == null && decision == null && !unreadable && over(r)) {
                right = Schema.ABANDONED;
            }
            if (decision != null && !r.forged.contains(stat.getCzxid()) && (decision.equals(right)
                    || decision.equals(Schema.ABANDONED) && right == null && over(r))) {
                if (!watch || decision.equals(Schema.ABANDONED)
                        || !Boolean.FALSE.equals(entries.at(stat.getCzxid(), entry(r, r.claims.get(decision))))) {
                    return decision;
                }
                // the right winner, but written without its ledger entry (by someone quicker than the judges)
                r.forged.add(stat.getCzxid());
                s.reportOnce(r.decided() + "@" + stat.getCzxid(), "race " + r.race.id() + ": its decision "
                        + Schema.shown(decision) + " (" + r.decided() + ") was written without its ledger entry; it "
                        + "is set aside");
            }
            if (decision != null && r.forged.add(stat.getCzxid())) {
                s.reportOnce(r.decided() + "@" + stat.getCzxid(), "race " + r.race.id() + ": its decision "
                        + Schema.shown(decision) + " (" + r.decided() + ") is forged (the first claim that holds up is "
                        + (right == null ? "none yet" : right) + "); it is set aside");
            }
            if (unreadable || decision != null && r.pinned == stat.getCzxid()) {
                if (right == null && over(r)) {
                    right = Schema.ABANDONED;
                }
                return verdicts.verdict(r, right, watch);
            }
            if (right == null && decision == null) {
                return null;
            }
            if (write(r, right, decision == null ? null : stat, decision)) {
                return right;
            }
        }
        if (watch && r.retries++ < 20) {
            s.later(500, () -> judge(r)); // someone keeps changing the race under us: look again soon (for 10 s)
        }
        return null;
    }


    /**
     * Writes the decision (and, for a winner, its ledger entry) in one transaction; moves a forged decision aside
     * in the same one. False if the race changed meanwhile, or the forged decision is pinned (look again: the race is
     * then decided by a verdict beside it).
     */
    private boolean write(ClusterRace r, String winner, Stat forged, String forgedData) throws Exception {
        List<CuratorOp> ops = new ArrayList<>();
        if (forged != null) { // set aside under a name nobody can take first
            ops.add(s.zk.transactionOp().create().forPath(r.path + "/forged-" + forged.getCzxid() + "-"
                    + java.util.UUID.randomUUID().toString().substring(0, 8), forgedData.getBytes(StandardCharsets.UTF_8)));
            ops.add(s.zk.transactionOp().delete().withVersion(forged.getVersion()).forPath(r.decided()));
        }
        if (winner == null) { // a forged decision in a race no claim has won yet: set aside, and wait
            ops.add(s.zk.transactionOp().check().forPath(r.claims()));
        } else {
            ops.add(s.zk.transactionOp().create().forPath(r.decided(), winner.getBytes(StandardCharsets.UTF_8)));
            addEntry(ops, r, winner);
        }
        try {
            s.zk.transaction().forOperations(ops);
            return winner != null;
        } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException
                | KeeperException.NoNodeException changed) {
            return false;
        } catch (KeeperException.NotEmptyException | KeeperException.NoAuthException pinned) {
            s.reportOnce(r.decided() + "@pinned", "race " + r.race.id() + ": its forged decision " + r.decided()
                    + " can't be set aside ("
                    + pinned.code() + "); the race is decided by a verdict beside it");
            r.pinned = forged != null ? forged.getCzxid() : r.pinned;
            return false;
        }
    }

    /** Adds the winner's ledger entry to a decision's transaction (none for an abandoned race). */
    void addEntry(List<CuratorOp> ops, ClusterRace r, String winner) throws Exception {
        if (!winner.equals(Schema.ABANDONED)) {
            Entry e = entry(r, r.claims.get(winner));
            ops.add(s.zk.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL).withACL(s.self.own())
                    .forPath(Schema.LEDGER + "/entry-", Ledger.json().writeValueAsBytes(e))); // nobody can pin it
        } else {
            s.problem("race " + r.race.id() + " is abandoned with no winner: every node that joined it has left "
                    + "the cluster; its text races anew");
        }
    }

    /** The first claim in ZooKeeper's order that holds up, or null (claims that don't are reported once). */
    private Schema.Child firstValid(ClusterRace r, boolean watch) throws Exception {
        for (Schema.Child c : readClaims(r, watch)) {
            if (r.refused.contains(c.name())) {
                continue; // each is checked once: a flood of forgeries costs its reads once
            }
            String why = problem(r, c);
            if (why == null) {
                return c;
            }
            r.refused.add(c.name());
            JsonNode json = json(c);
            s.reportOnce(r.claims() + "/" + c.name() + "@" + c.stat().getCzxid(), "race " + r.race.id() + ": "
                    + Schema.name(c.name()) + (json != null ? " by " + Schema.node(json.path("node").asText("?")) : "")
                    + " " + why + "; it never wins");
        }
        return null;
    }

    /** The race's claims in ZooKeeper's order, each read once. */
    List<Schema.Child> readClaims(ClusterRace r, boolean watch) throws Exception {
        List<String> names;
        try {
            names = watch ? s.zk.getChildren().usingWatcher(r.watcher).forPath(r.claims())
                    : s.zk.getChildren().forPath(r.claims());
        } catch (KeeperException.NoAuthException closed) { // made by hand and closed: no claim there can win
            s.reportOnce(r.claims() + "@closed", "race " + r.race.id() + ": its claims can't be read; no claim wins it");
            return List.of();
        }
        List<Schema.Child> claims = new ArrayList<>();
        for (String name : names) {
            Schema.Child c = r.claims.get(name);
            if (c == null) {
                Stat stat = new Stat();
                try {
                    c = new Schema.Child(name, s.zk.getData().storingStatIn(stat).forPath(r.claims() + "/" + name), stat);
                } catch (KeeperException.NoNodeException gone) {
                    continue;
                } catch (KeeperException unreadable) { // an ACL without READ, say: a stray
                    s.reportOnce(r.claims() + "/" + name, "race " + r.race.id() + ": " + Schema.name(name)
                            + " can't be read (" + unreadable.code() + "); it never wins");
                    continue;
                }
                r.claims.put(name, c);
            }
            claims.add(c);
        }
        return Schema.byCreation(claims);
    }

    /**
     * Why a claim does not hold up, or null if it does: a JSON object of at most 4 KiB in the documented shape, by
     * a node named label/NodeN whose nonce solves the race at its difficulty, written in one transaction with that
     * node's join marker, which only the process holding the label could write.
     */
    String problem(ClusterRace r, Schema.Child c) throws Exception {
        if (!Schema.CLAIM.matcher(c.name()).matches()) {
            return "is not a claim's name";
        }
        JsonNode json = json(c);
        if (json == null) {
            return Schema.notObject(Schema.MAX_CLAIM_BYTES);
        }
        Entry e = entry(r, c);
        if (e == null) {
            return "is not a claim (node, nonce, hash, start_time, end_time, time_taken, hashes)";
        }
        String why = Verifier.problem(e);
        if (why != null) {
            return "does not verify: " + why;
        }
        if (e.node().indexOf('/') < 0) {
            return "names no label";
        }
        String label = e.node().substring(0, e.node().indexOf('/'));
        Stat marker = new Stat();
        byte[] markerData;
        try {
            markerData = s.zk.getData().storingStatIn(marker).forPath(r.joined() + "/" + Schema.marker(e.node()));
        } catch (KeeperException.NoNodeException never) {
            return "names a node that is not in the race";
        } catch (KeeperException.NoAuthException unreadable) {
            return "names a join marker that can't be read";
        }
        if (marker.getMzxid() != c.stat().getCzxid() || !java.util.Arrays.equals(markerData, c.data())) {
            return "was not written with its node's join marker";
        }
        long holder = s.holder(label);
        if (holder == 0 || marker.getEphemeralOwner() != holder) {
            return "was not written by the process that holds the label " + Schema.shown(label);
        }
        return null;
    }

    /**
     * A race is over with no winner once nobody is left in it: no join marker is held by the session that holds its
     * node's label (a process that leaves takes its markers with it).
     */
    boolean over(ClusterRace r) throws Exception {
        List<String> joined;
        try {
            joined = s.zk.getChildren().forPath(r.joined());
        } catch (KeeperException.NoNodeException none) {
            return false;
        }
        for (String m : joined) {
            java.util.regex.Matcher name = Schema.MARKER.matcher(m);
            Stat stat = name.matches() ? Schema.statOf(s.zk, r.joined() + "/" + m) : null;
            if (stat != null && stat.getEphemeralOwner() != 0 && stat.getEphemeralOwner() == s.holder(name.group(1))) {
                return false;
            }
        }
        return true;
    }

    /** A claim's JSON, or null if it is not a bounded JSON object. */
    static JsonNode json(Schema.Child c) {
        return c == null ? null : Schema.object(c.data(), Schema.MAX_CLAIM_BYTES);
    }

    /** The ledger entry a claim makes for its race, or null if a field is missing or of the wrong type. */
    static Entry entry(ClusterRace r, Schema.Child c) {
        JsonNode j = json(c);
        if (j == null || !j.path("node").isTextual() || !j.path("nonce").canConvertToLong()
                || !j.path("nonce").isIntegralNumber() || !j.path("hash").isTextual() || !j.path("time_taken").isNumber()
                || !j.path("start_time").isTextual() || !j.path("end_time").isTextual()
                || !j.path("hashes").isIntegralNumber() || !j.path("hashes").canConvertToLong()
                || Timestamps.parse(j.path("start_time").asText()).isEmpty()) {
            return null;
        }
        BigDecimal taken = j.path("time_taken").decimalValue();
        return new Entry(j.path("node").asText(), r.race.transaction(), j.path("nonce").asLong(),
                j.path("hash").asText(), r.race.difficulty(), taken, j.path("start_time").asText(),
                j.path("end_time").asText(), j.path("hashes").asLong());
    }
}
