package dev.powrace.cluster;

import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Verifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * A race's decisions beside the "decided" its judges write: the verdicts written beside a forged "decided" that can't
 * be set aside (pinned by a child of its own, or closed to the processes), and the rule by which a decision that can
 * no longer be checked claim by claim stands. See docs/cluster.md, "Who can cheat".
 */
final class Verdicts {
    private final Session s;
    private final Judge judge;

    Verdicts(Session s, Judge judge) {
        this.s = s;
        this.judge = judge;
    }

    /**
     * An old decision stands as it is if it is {@link Schema#ABANDONED} with nobody left in the race, or names a
     * claim that is there, verifies on its own and copies no earlier claim's nonce: who wrote it was checked by the
     * processes in the race when it was new, and its process may be gone since, so that can't be checked again
     * (see docs/cluster.md, "Who can cheat"). A copy is always later than what it copies, so a decision that names
     * a copied nonce never stands. A decision this process found forged never stands.
     */
    boolean stands(ClusterRace r, String decision, Stat stat) throws Exception {
        if (r.forged.contains(stat.getCzxid())) {
            return false;
        }
        if (decision.equals(Schema.ABANDONED)) {
            return judge.over(r);
        }
        List<Schema.Child> claims = judge.readClaims(r, false);
        Schema.Child named = r.claims.get(decision);
        Entry e = null;
        for (Schema.Child c : claims) {
            Entry ce = Schema.CLAIM.matcher(c.name()).matches() ? Judge.entry(r, c) : null;
            if (ce == null || Verifier.problem(ce) != null) {
                continue;
            }
            if (c.name().equals(decision)) {
                e = ce;
                break;
            }
            if (named != null && ce.nonce() == entryNonce(r, named)) {
                return false; // an earlier claim has its nonce: it is a copy
            }
        }
        return e != null;
    }

    /** The czxid of the named claim (as read), or the largest long: an abandonment names none. */
    private static long claimZxid(ClusterRace r, String name) {
        Schema.Child c = r.claims.get(name);
        return c == null ? Long.MAX_VALUE - 1 : c.stat().getCzxid();
    }

    private static long entryNonce(ClusterRace r, Schema.Child c) {
        Entry e = Judge.entry(r, c);
        return e == null ? Long.MIN_VALUE : e.nonce();
    }

    /**
     * For a process not in the race: its decision if it stands (see {@link #stands}), else null.
     */
    String standing(ClusterRace r) throws Exception {
        Stat stat = new Stat();
        String decision = null;
        try {
            decision = new String(s.zk.getData().storingStatIn(stat).forPath(r.decided()), StandardCharsets.UTF_8);
        } catch (KeeperException.NoNodeException undecided) {
            return null;
        } catch (KeeperException.NoAuthException closed) {
            // decided by a verdict beside it, if at all
        }
        return standing(r, decision, stat);
    }

    /**
     * Of the race's decisions that stand (its "decided", read as given, null if unreadable, and its verdicts), the one
     * that names the earliest claim, or null.
     */
    String standing(ClusterRace r, String decision, Stat stat) throws Exception {
        // Of the decisions that stand, the one that names the earliest claim: a verdict is written only beside a
        // "decided" that its judges found forged, and a forged one that stands names a later claim than the truth.
        String best = null;
        long bestClaim = Long.MAX_VALUE;
        if (decision != null && stands(r, decision, stat)) {
            best = decision;
            bestClaim = claimZxid(r, decision);
        }
        for (Schema.Child v : verdicts(r, false)) {
            String d = new String(v.data(), StandardCharsets.UTF_8);
            if (v.stat().getVersion() == 0 && claimZxid(r, d) < bestClaim && stands(r, d, v.stat())) {
                best = d;
                bestClaim = claimZxid(r, d);
            }
        }
        return best;
    }

    /**
     * The race's decision when its "decided" is forged and can't be set aside: the first verdict beside it that names
     * the right claim (or, once old, stands), or a new one this process writes with its ledger entry. Verdicts are
     * named at random, so nobody can take a verdict's name first, and nobody needs to set a forged one aside.
     */
    String verdict(ClusterRace r, String right, boolean watch) throws Exception {
        for (Schema.Child v : verdicts(r, watch)) {
            String d = new String(v.data(), StandardCharsets.UTF_8);
            long czxid = v.stat().getCzxid();
            boolean old = s.zkNow() - v.stat().getCtime() > Judge.STRICT_MILLIS;
            boolean rightWithEntry = d.equals(right) && (!watch || d.equals(Schema.ABANDONED)
                    || !Boolean.FALSE.equals(judge.entries.at(czxid, Judge.entry(r, r.claims.get(d)))));
            if (!r.forged.contains(czxid) && v.stat().getVersion() == 0 && (rightWithEntry || old && stands(r, d, v.stat()))) {
                return d;
            }
            if (r.forged.add(czxid)) {
                s.reportOnce(r.verdicts() + "/" + v.name() + "@" + czxid, "race " + r.race.id() + ": its verdict "
                        + Schema.name(v.name()) + " (" + Schema.shown(d) + ") is forged (the first claim that holds up "
                        + "is " + (right == null ? "none yet" : right) + "); it is ignored");
            }
        }
        if (right == null) {
            return null;
        }
        String name = "verdict-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        List<CuratorOp> ops = new ArrayList<>();
        ops.add(s.zk.transactionOp().create().withACL(s.self.own()).forPath(r.verdicts() + "/" + name,
                right.getBytes(StandardCharsets.UTF_8)));
        judge.addEntry(ops, r, right);
        try {
            if (s.zk.checkExists().forPath(r.verdicts()) == null) { // a race made without one (by hand, say)
                s.zk.create().withACL(s.self.raceFolder()).forPath(r.verdicts(), new byte[0]);
            }
            s.zk.transaction().forOperations(ops);
        } catch (KeeperException.NodeExistsException | KeeperException.NoNodeException changed) {
            return null; // the race changed under us; its watches bring us back
        }
        return right;
    }

    /** How the znode created at a zxid stands to a race's decision for a winner. */
    enum Place { DECISION, LATER_DECISION, NONE, UNKNOWN }

    /**
     * Whether the znode created at {@code zxid} is the race's decision for this winner: the first of its decisions
     * ("decided" and its verdicts, in ZooKeeper's order) that names the winner, was not found forged here, was never
     * changed, and has the winner's entry in its transaction (the one at {@code zxid} is the caller's to check;
     * earlier ones are checked here). {@link Place#LATER_DECISION} if it names the winner after that one: a second
     * honest verdict, whose entry is not copied; {@link Place#UNKNOWN} if an earlier one's entry can't be checked now.
     * Changes nothing, so any thread may ask.
     */
    Place placeOf(ClusterRace r, String winner, long zxid, Entry expected, Judge.EntryCheck entries) throws Exception {
        List<Schema.Child> candidates = new ArrayList<>(verdicts(r, false));
        Stat stat = new Stat();
        try {
            candidates.add(new Schema.Child("decided", s.zk.getData().storingStatIn(stat).forPath(r.decided()), stat));
        } catch (KeeperException.NoNodeException | KeeperException.NoAuthException noneOrClosed) {
            // decided by a verdict, if at all
        }
        boolean earlier = false;
        for (Schema.Child c : Schema.byCreation(candidates)) {
            long czxid = c.stat().getCzxid();
            // a verdict is its writer's own and never changed; "decided" is open to anyone's setData (the same bytes
            // again would bump its version), so its version says nothing
            if (!new String(c.data(), StandardCharsets.UTF_8).equals(winner) || r.forged.contains(czxid)
                    || !c.name().equals("decided") && c.stat().getVersion() != 0) {
                continue;
            }
            if (czxid == zxid) {
                return earlier ? Place.LATER_DECISION : Place.DECISION;
            }
            if (czxid < zxid && !earlier) {
                Boolean has = entries.at(czxid, expected);
                if (has == null) {
                    return Place.UNKNOWN;
                }
                earlier = has;
            }
        }
        return Place.NONE;
    }

    /** The race's verdicts (see {@link #verdict}) in ZooKeeper's order, each read once. */
    List<Schema.Child> verdicts(ClusterRace r, boolean watch) throws Exception {
        List<String> names;
        try {
            names = watch ? s.zk.getChildren().usingWatcher(r.watcher).forPath(r.verdicts())
                    : s.zk.getChildren().forPath(r.verdicts());
        } catch (KeeperException.NoNodeException | KeeperException.NoAuthException noneOrClosed) {
            return List.of(); // a race made by hand without it, or closed by someone: no verdict can be read there
        }
        List<Schema.Child> verdicts = new ArrayList<>();
        for (String name : names) {
            if (!Schema.VERDICT.matcher(name).matches()) {
                continue;
            }
            Stat stat = new Stat();
            try {
                byte[] data = s.zk.getData().storingStatIn(stat).forPath(r.verdicts() + "/" + name);
                if (data.length <= 64) {
                    verdicts.add(new Schema.Child(name, data, stat));
                }
            } catch (KeeperException.NoNodeException | KeeperException.NoAuthException goneOrClosed) {
                // not a verdict anyone can read
            }
        }
        return Schema.byCreation(verdicts);
    }
}
