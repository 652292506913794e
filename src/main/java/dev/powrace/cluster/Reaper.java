package dev.powrace.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Forgets history: a race this process decided is removed once it is closed to joins for good (the ledger keeps
 * its winner); submissions are removed after as long; and at start, races that dead processes left behind are
 * judged first and removed only once decided (a race that holds a claim that holds up is decided by it, never
 * dropped). Nothing here ever fails a start: a problem is reported once and the sweep goes on.
 */
final class Reaper {
    /**
     * How long after its join window closes a race is removed (the ledger keeps its winner): one more join window,
     * and at least this, so that no clock's error lets a node join a race being removed.
     */
    static final Duration KEEP_AFTER_WINDOW = Duration.ofSeconds(5);
    /** How long a decided race stays at least, so that every process that was in it reads its decision. */
    static final Duration KEEP_AFTER_DECISION = Duration.ofSeconds(20); // longer than a session (15 s)

    private final Session s;
    private final Judge judge;
    private final long joinWindowMillis;

    Reaper(Session s, Judge judge, long joinWindowMillis) {
        this.s = s;
        this.judge = judge;
        this.joinWindowMillis = joinWindowMillis;
    }

    long keepMillis() {
        return joinWindowMillis + Math.max(joinWindowMillis, KEEP_AFTER_WINDOW.toMillis());
    }

    /** Sweeps the submissions every minute (the races only at start: after that each process removes its own). */
    void start() {
        s.timer.scheduleWithFixedDelay(() -> quietly(this::sweepSubmissions), 60, 60, TimeUnit.SECONDS);
    }

    /** Removes a race this process decided once it is closed to joins for good. */
    void forgetLater(ClusterRace r) {
        try {
            long delay = Math.max(KEEP_AFTER_DECISION.toMillis(), r.openedAtZkMillis + keepMillis() - s.zkNow());
            s.timer.schedule(() -> quietly(() -> forget(r.path)), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // the sweep of the next process to start removes it
        }
    }

    /**
     * On the timer thread (or at start): removes a race and everything under it in one transaction, so that no
     * process ever sees its claims without its decision.
     */
    void forget(String path) throws Exception {
        for (int attempt = 0; attempt < 3; attempt++) {
            List<CuratorOp> deletes = new ArrayList<>();
            try {
                for (String child : s.zk.getChildren().forPath(path)) {
                    if (child.startsWith("forged-")) { // kept for verify --cluster, as {race, decision}
                        byte[] data = s.zk.getData().forPath(path + "/" + child);
                        deletes.add(s.zk.transactionOp().create().forPath(Schema.FORGED + "/" + child,
                                dev.powrace.ledger.Ledger.json().writeValueAsBytes(dev.powrace.ledger.Ledger.json()
                                        .createObjectNode().put("race", path.substring(Schema.TEXTS.length() + 1))
                                        .put("decision", new String(data, java.nio.charset.StandardCharsets.UTF_8)))));
                    }
                    for (String grandchild : s.zk.getChildren().forPath(path + "/" + child)) {
                        deletes.add(s.zk.transactionOp().delete().forPath(path + "/" + child + "/" + grandchild));
                    }
                    deletes.add(s.zk.transactionOp().delete().forPath(path + "/" + child));
                }
                deletes.add(s.zk.transactionOp().delete().forPath(path));
                s.zk.transaction().forOperations(deletes);
                break;
            } catch (KeeperException.NoAuthException notOurs) {
                break; // only the race's opener may remove its markers and claims: it does, or it died (it stays)
            } catch (KeeperException.NoNodeException | KeeperException.NotEmptyException
                    | KeeperException.NodeExistsException changed) {
                if (s.zk.checkExists().forPath(path) == null) {
                    break; // another process removed it
                }
                // a node joined or claimed meanwhile: look again
            }
        }
        judge.races.remove(path);
    }

    /**
     * At start (on the cluster thread): removes old submissions, and the races past their keep time that are
     * decided (not within the last {@link #KEEP_AFTER_DECISION}), or that every node left once they are judged.
     */
    void sweep() {
        quietly(this::sweepSubmissions);
        List<String> texts;
        try {
            texts = s.zk.getChildren().forPath(Schema.TEXTS);
        } catch (Exception e) {
            s.problem("cluster: removing history: " + Schema.shown(String.valueOf(e.getMessage())));
            return;
        }
        long old = s.zkNow() - keepMillis();
        for (String text : texts) {
            if (!Schema.TEXT_HASH.matcher(text).matches()) {
                s.reportOnce(Schema.TEXTS + "/" + text, "cluster: " + Schema.name(text) + " under "
                        + Schema.TEXTS + " is not a text's folder; skipped");
                continue;
            }
            List<String> races;
            try {
                races = s.zk.getChildren().forPath(Schema.TEXTS + "/" + text);
            } catch (Exception gone) {
                continue;
            }
            for (String race : races) {
                String path = Schema.TEXTS + "/" + text + "/" + race;
                quietly(() -> sweep(path, old));
            }
        }
    }

    private void sweep(String path, long old) throws Exception {
        Stat stat = s.zk.checkExists().forPath(path);
        if (stat == null || stat.getCtime() >= old) {
            return;
        }
        ClusterRace r = Schema.RACE.matcher(path.substring(path.lastIndexOf('/') + 1)).matches()
                ? judge.race(path) : null;
        if (r == null) {
            forget(path); // not a race (reported): an old stray
            return;
        }
        Stat decided = Schema.statOf(s.zk, r.decided());
        if (decided != null && decided.getCtime() > s.zkNow() - KEEP_AFTER_DECISION.toMillis()) {
            return; // decided just now: let every process read it first
        }
        // judged first: a claim that holds up wins it, even one by a live process that has not decided it yet (else
        // it would stay undecided); with none, it is abandoned once every node left
        String settled = judge.settle(r, false);
        if (settled != null && decided != null) {
            forget(path);
        } else if (settled != null) {
            forgetLater(r); // decided now: kept a while for every process to read
        }
    }

    private void sweepSubmissions() throws Exception {
        long old = s.zkNow() - keepMillis();
        for (String sub : s.zk.getChildren().forPath(Schema.SUBMISSIONS)) {
            Stat stat = Schema.statOf(s.zk, Schema.SUBMISSIONS + "/" + sub);
            if (stat != null && stat.getCtime() < old) {
                try {
                    s.zk.delete().deletingChildrenIfNeeded().forPath(Schema.SUBMISSIONS + "/" + sub);
                } catch (KeeperException.NoNodeException gone) {
                    // another process removed it
                }
            }
        }
    }

    /** Runs the action, reporting a failure in one line. */
    private void quietly(Session.Action action) {
        try {
            action.run();
        } catch (Exception e) {
            if (!s.closed) {
                s.problem("cluster: removing history: " + Schema.shown(String.valueOf(e.getMessage())));
            }
        }
    }

}
