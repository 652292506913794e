package dev.powrace.cluster;

import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.ledger.LedgerException;
import dev.powrace.ledger.Verifier;
import java.io.IOException;
import java.nio.channels.FileLock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The ledger copy: the cluster's ledger entries that hold up, in ZooKeeper's order (the zxid that created each),
 * appended to this process's ledger file. An entry holds up if it verifies on its own and, while its race is still
 * in ZooKeeper, it is that race's decision (written in the same transaction: the same czxid). A young entry that is
 * no race's decision is a forgery: reported and removed, so that a process that starts later never copies it. The
 * copy resumes after the zxid of the last entry it copied, never at a position in a list.
 */
final class Mirror {
    /** How young an entry must be for its race to still be in ZooKeeper (a decided race stays 20 s at least). */
    static final long YOUNG_MILLIS = 15_000;
    /**
     * How old a decision must be before a process that was not in its race copies its entry: time enough for the
     * processes in the race, which check it claim by claim as it appears, to set a forged one aside.
     */
    static final long SETTLE_MILLIS = 1_000;
    /** A race that can't be looked at: its entry is never copied. */
    private static final ClusterRace UNREADABLE = new ClusterRace("", null, 0);
    /** The entry of a second decision of a race that has one already: never copied. */
    private static final Entry SECOND = new Entry("", "", 1, "", 0, java.math.BigDecimal.ZERO, "", "", 0);
    /** Not yet: look again once the entry is {@link #SETTLE_MILLIS} old. */
    private static final Entry LATER = new Entry("", "", 0, "", 0, java.math.BigDecimal.ZERO, "", "", 0);

    private final Session s;
    private final Ledger ledger;
    private final Judge judge;
    private final CuratorWatcher watcher;
    private final FileLock owner;
    /** Entries copied lately, for telling a win only once its entry is in the file. */
    private final Set<String> recent = ConcurrentHashMap.newKeySet();
    // On the cluster thread only:
    private long copied = -1; // the zxid of the last entry copied (or matched at start)
    private final Map<String, Long> known = new HashMap<>(); // entry znodes already looked at, with their zxids

    Mirror(Session s, Ledger ledger, Judge judge, FileLock owner) {
        this.s = s;
        this.ledger = ledger;
        this.judge = judge;
        this.owner = owner;
        this.watcher = s.rearm(this::watch);
    }

    /**
     * At start: the ledger file must be a copy of the cluster's ledger up to some entry, less entries that have been
     * removed from the cluster since they were copied (reported, and kept). Copying resumes after it.
     */
    void catchUp() throws Exception {
        List<Entry> file = Ledger.readAll(ledger.path());
        List<Schema.Child> cluster = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        for (Schema.Child c : fresh(s.zk.getChildren().forPath(Schema.LEDGER))) {
            Entry e = judged(c);
            for (int wait = 0; e == LATER && wait < 3; wait++) { // at start, before any node: wait for it to settle
                Thread.sleep(Math.min(SETTLE_MILLIS, Math.max(1, c.stat().getCtime() + SETTLE_MILLIS - s.zkNow())));
                e = judged(c);
            }
            known.put(c.name(), c.stat().getCzxid());
            if (e != null && e != LATER) {
                cluster.add(c);
                entries.add(e);
            }
        }
        int matched = 0;
        List<Integer> removed = new ArrayList<>();
        for (int j = 0; j < file.size(); j++) {
            if (matched < entries.size() && entries.get(matched).equals(file.get(j))) {
                matched++;
            } else {
                removed.add(j + 1);
            }
        }
        if (!file.isEmpty() && matched == 0) {
            throw new ClusterException(ledger.path() + (cluster.isEmpty() ? " has " + file.size() + " entries, of "
                    + "which the cluster's ledger has 0" : " is not a copy of this cluster's ledger: its entry 1 "
                    + "differs from the cluster's (" + cluster.get(0).name() + ")") + "; give another --ledger");
        }
        if (!removed.isEmpty()) {
            s.problem(ledger.path() + ": " + removed.size() + " of its entries (" + brief(removed) + ") are no longer "
                    + "in the cluster's ledger (removed there); they are kept here");
        }
        copied = matched == 0 ? -1 : cluster.get(matched - 1).stat().getCzxid();
        for (int i = matched; i < cluster.size(); i++) {
            if (!append(cluster.get(i), entries.get(i))) {
                return;
            }
        }
    }

    private static String brief(List<Integer> numbers) {
        List<String> shown = numbers.stream().limit(5).map(n -> "entry " + n).toList();
        return String.join(", ", shown) + (numbers.size() > 5 ? ", ..." : "");
    }

    /** On the cluster thread: copies what is new, and watches for more. */
    void watch() throws Exception {
        List<String> names = s.zk.getChildren().usingWatcher(watcher).forPath(Schema.LEDGER);
        copy(names);
    }

    /** On the cluster thread: copies what is new, without a watch (after a race this process decided). */
    void copy() throws Exception {
        copy(s.zk.getChildren().forPath(Schema.LEDGER));
    }

    private void copy(List<String> names) throws Exception {
        List<Schema.Child> fresh = fresh(names);
        for (int i = 0; i < fresh.size(); i++) {
            Schema.Child c = fresh.get(i);
            if (c.stat().getCzxid() <= copied) {
                known.put(c.name(), c.stat().getCzxid());
                s.reportOnce(Schema.LEDGER + "/" + c.name() + "@" + c.stat().getCzxid(), "cluster: ledger "
                        + Schema.name(c.name()) + " is older than an entry already copied; not copied");
                continue;
            }
            Entry e = judged(c);
            if (e == LATER) { // this and what follows, in order, once it has settled
                s.later(Math.max(1, c.stat().getCtime() + SETTLE_MILLIS - s.zkNow()), this::copy);
                return;
            }
            if (e == null) {
                copied = c.stat().getCzxid();
                known.put(c.name(), c.stat().getCzxid());
            } else if (!append(c, e)) {
                return;
            }
        }
    }

    /** Appends one entry (fsynced by the ledger); false if the file refused it (it is tried again later). */
    private boolean append(Schema.Child c, Entry e) {
        try {
            ledger.append(e).ifPresent(note -> s.problem(ledger.path() + ": " + note));
            copied = c.stat().getCzxid();
            known.put(c.name(), c.stat().getCzxid());
            recent.add(key(e));
            if (recent.size() > 4096) {
                recent.clear();
                recent.add(key(e));
            }
            Runnable then = awaited.remove(key(e));
            if (then != null) {
                then.run();
            }
            return true;
        } catch (LedgerException ex) { // tried again at the next change
            s.problem("cluster: " + c.name() + " is not copied: " + ex.getMessage());
            return false;
        }
    }

    /** The entry znodes not looked at yet, read, in ZooKeeper's order. */
    private List<Schema.Child> fresh(List<String> names) throws Exception {
        known.keySet().retainAll(new java.util.HashSet<>(names));
        List<Schema.Child> fresh = new ArrayList<>();
        for (String name : names) {
            if (known.containsKey(name)) {
                continue;
            }
            Stat stat = new Stat();
            try {
                byte[] data = s.zk.getData().storingStatIn(stat).forPath(Schema.LEDGER + "/" + name);
                fresh.add(new Schema.Child(name, data, stat));
            } catch (KeeperException.NoNodeException gone) {
                // removed meanwhile
            } catch (KeeperException unreadable) { // an ACL without READ, say: a stray
                known.put(name, -1L);
                s.reportOnce(Schema.LEDGER + "/" + name, "cluster: ledger " + Schema.name(name) + " can't be read ("
                        + unreadable.code() + "); not copied");
            }
        }
        return Schema.byCreation(fresh);
    }

    /**
     * On the cluster thread: whether the ledger znode created at this zxid holds exactly the expected entry, never
     * changed and with no child (a decision's entry is created in the decision's transaction); null if it can't be
     * told now (the connection is down, say).
     */
    Boolean hasEntry(long zxid, Entry expected) {
        try {
            Stat folder = s.zk.checkExists().forPath(Schema.LEDGER);
            if (folder == null || folder.getPzxid() < zxid || expected == null) {
                return false; // nothing was added to the ledger since before the decision
            }
            String name = null;
            for (Map.Entry<String, Long> k : known.entrySet()) {
                if (k.getValue() == zxid) {
                    name = k.getKey();
                }
            }
            if (name == null && folder.getPzxid() == zxid) { // the last change: its name is the counter's last
                String last = String.format(java.util.Locale.ROOT, "entry-%010d", folder.getCversion() - 1);
                Stat stat = Schema.statOf(s.zk, Schema.LEDGER + "/" + last);
                name = stat != null && stat.getCzxid() == zxid ? last : null;
            }
            if (name == null) {
                for (String n : s.zk.getChildren().forPath(Schema.LEDGER)) {
                    Stat stat = known.containsKey(n) ? null : Schema.statOf(s.zk, Schema.LEDGER + "/" + n);
                    if (stat != null && stat.getCzxid() == zxid) {
                        name = n;
                        break;
                    }
                }
            }
            if (name == null) {
                return false;
            }
            Stat stat = new Stat();
            byte[] data = s.zk.getData().storingStatIn(stat).forPath(Schema.LEDGER + "/" + name);
            return stat.getCzxid() == zxid && stat.getVersion() == 0 && stat.getNumChildren() == 0
                    && expected.equals(Schema.entry(Schema.object(data, Schema.MAX_RECORD_BYTES)));
        } catch (KeeperException.NoNodeException | KeeperException.NoAuthException goneOrClosed) {
            return false;
        } catch (Exception cantTell) {
            return null;
        }
    }

    /** Entries of this process's wins not copied yet, with what to do once they are. */
    private final Map<String, Runnable> awaited = new ConcurrentHashMap<>();

    /** Runs {@code then} once the entry is in the ledger file: now if it is (a win is told after its entry). */
    void whenCopied(Entry e, Runnable then) {
        if (recent.contains(key(e))) {
            then.run();
        } else {
            awaited.put(key(e), then);
            if (recent.contains(key(e)) && awaited.remove(key(e)) != null) {
                then.run();
            }
            if (awaited.size() > 4096) {
                awaited.clear(); // never copied (decided and then set aside): forgotten
            }
        }
    }

    private static String key(Entry e) {
        return e.node() + "\n" + e.nonce() + "\n" + e.transaction();
    }

    /**
     * {@link #accepted}, with a ZooKeeper error about this one entry's race (a folder someone closed, a race made by
     * hand without its folders) taken as "not copied", reported once, so that no znode can stop the copy of every
     * entry after it, or a start. Only a lost connection is thrown: the copy resumes when it is back.
     */
    private Entry judged(Schema.Child c) throws Exception {
        try {
            return accepted(c);
        } catch (KeeperException.ConnectionLossException | KeeperException.SessionExpiredException
                | KeeperException.OperationTimeoutException down) {
            throw down;
        } catch (KeeperException e) {
            s.reportOnce(Schema.LEDGER + "/" + c.name() + "@" + c.stat().getCzxid(), "cluster: ledger "
                    + Schema.name(c.name()) + " can't be judged (" + e.code() + " at " + Schema.shown(String.valueOf(
                    e.getPath())) + "); not copied");
            return null;
        }
    }

    /** A ledger znode as an entry that may be copied, or null (reported once; a young forgery is removed). */
    Entry accepted(Schema.Child c) throws Exception {
        String where = Schema.LEDGER + "/" + c.name() + "@" + c.stat().getCzxid();
        if (!Schema.ENTRY.matcher(c.name()).matches()) {
            s.reportOnce(where, "cluster: ledger " + Schema.name(c.name()) + " is not an entry's name; not copied");
            return null;
        }
        Entry e = Schema.entry(Schema.object(c.data(), Schema.MAX_RECORD_BYTES));
        if (e == null) {
            s.reportOnce(where, "cluster: ledger " + c.name() + " is not a ledger entry; not copied");
            return null;
        }
        if (c.stat().getNumChildren() > 0) { // an entry is written with the decider's own ACL: nobody adds to it
            s.reportOnce(where, "cluster: ledger " + c.name() + " by " + Schema.node(e.node()) + " has children of its "
                    + "own (someone pinned it there); not copied");
            return null;
        }
        String why = Verifier.problem(e);
        if (why != null) {
            s.reportOnce(where, "cluster: ledger " + c.name() + " by " + Schema.node(e.node()) + " does not verify ("
                    + why + "); not copied");
            return null;
        }
        ClusterRace race = raceDecidedAt(e.transaction(), c.stat().getCzxid());
        if (race == UNREADABLE) {
            return null;
        }
        long age = s.zkNow() - c.stat().getCtime();
        Entry decided = race == null ? null : decision(race, c.stat().getCzxid(), age);
        if (decided == LATER) {
            return LATER;
        }
        if (decided == SECOND) { // a second honest decision of the race, beside the first: its entry is one too many
            try {
                s.zk.delete().withVersion(c.stat().getVersion()).forPath(Schema.LEDGER + "/" + c.name());
            } catch (KeeperException removedOrPinned) {
                // removed by another process meanwhile (it is never copied here either way)
            }
            return null;
        }
        if (race == null ? age >= YOUNG_MILLIS : e.equals(decided)) {
            return e;
        }
        s.reportOnce(where, "cluster: ledger " + c.name() + " by " + Schema.node(e.node()) + " is no race's decision; "
                + "not copied, and removed");
        try {
            s.zk.delete().withVersion(c.stat().getVersion()).forPath(Schema.LEDGER + "/" + c.name());
        } catch (KeeperException removedOrPinned) {
            // removed by another process meanwhile, or pinned by a child of its own (it is still never copied here)
        }
        return null;
    }

    /** The race of a text whose decision was written at this zxid, or null. */
    private ClusterRace raceDecidedAt(String transaction, long zxid) throws Exception {
        String text = Schema.textPath(transaction);
        List<String> races;
        try {
            races = s.zk.getChildren().forPath(text);
        } catch (KeeperException.NoNodeException none) {
            return null;
        } catch (KeeperException unreadable) { // a text's folder someone closed: no race of it can be read
            s.reportOnce(text, "cluster: " + Schema.name(text.substring(Schema.TEXTS.length() + 1)) + " can't be read ("
                    + unreadable.code() + "); entries of its text are not copied");
            return UNREADABLE;
        }
        for (String name : races) {
            Stat decided = Schema.RACE.matcher(name).matches()
                    ? Schema.statOf(s.zk, text + "/" + name + "/decided") : null;
            if (decided != null && decided.getCzxid() == zxid) {
                return judge.race(text + "/" + name);
            }
        }
        for (String name : races) { // decided by a verdict beside a forged "decided" that can't be set aside?
            if (Schema.RACE.matcher(name).matches()) {
                List<String> children;
                try {
                    children = s.zk.getChildren().forPath(text + "/" + name + "/verdicts");
                } catch (KeeperException.NoNodeException gone) {
                    continue;
                }
                for (String child : children) {
                    Stat verdict = Schema.VERDICT.matcher(child).matches()
                            ? Schema.statOf(s.zk, text + "/" + name + "/verdicts/" + child) : null;
                    if (verdict != null && verdict.getCzxid() == zxid) {
                        return judge.race(text + "/" + name);
                    }
                }
            }
        }
        return null;
    }

    /**
     * The entry of the race's decision, if that decision (written at this zxid) holds up by the judge's rule; else
     * null. A process that was not in the race looks once the decision has stood for {@link #SETTLE_MILLIS}
     * (the processes in it have set a forged one aside by then), and says {@link #LATER} before.
     */
    private Entry decision(ClusterRace r, long zxid, long age) throws Exception {
        if (!r.local && age < SETTLE_MILLIS) {
            return LATER;
        }
        String winner;
        if (r.local || age >= Judge.STRICT_MILLIS) {
            winner = r.decision.isDone() ? r.decision.getNow(null) : judge.settle(r, false);
        } else {
            // Not in the race: a decision that has stood for 1 s was checked claim by claim by the processes in it
            // (a forged one is set aside within milliseconds); judging it again here could not tell a winner whose
            // process has just left from a forger. It must still name the first claim that verifies.
            winner = judge.verdicts.standing(r);
        }
        if (winner == null || winner.equals(Schema.ABANDONED)) {
            return null;
        }
        if (!r.claims.containsKey(winner)) {
            judge.readClaims(r, false);
        }
        Entry expected = Judge.entry(r, r.claims.get(winner));
        Verdicts.Place place = judge.verdicts.placeOf(r, winner, zxid, expected, this::hasEntry);
        return place == Verdicts.Place.DECISION ? expected : place == Verdicts.Place.LATER_DECISION ? SECOND
                : place == Verdicts.Place.UNKNOWN ? LATER : null;
    }

    void close() {
        try {
            owner.channel().close(); // releases the lock
        } catch (IOException ignored) {
            // the process is ending
        }
    }
}
