package dev.powrace.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.powrace.ledger.Ledger;
import dev.powrace.race.Referee.Member;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The submission feed: every text sent to the whole cluster (a {@code sub-} znode, {"text": ...}) is handed to every
 * node of this process, in ZooKeeper's order (the zxid that created each submission, never its name). A
 * submission is handed over only while its race can still be joined; one that is malformed is reported once and
 * skipped.
 */
final class Feed {
    private final Session s;
    private final Joiner joiner;
    private final long joinWindowMillis;
    private final Supplier<List<Member>> members;
    private final CuratorWatcher watcher;
    /** One feeder thread per local node, by name: a join makes blocking ZooKeeper calls. */
    private final Map<String, ExecutorService> feeders = new ConcurrentHashMap<>();
    // On the cluster thread only:
    private long seen = -1; // the zxid of the last submission handed over (or made before this process started)
    private final Set<String> known = new HashSet<>();

    Feed(Session s, Joiner joiner, long joinWindowMillis, Supplier<List<Member>> members) {
        this.s = s;
        this.joiner = joiner;
        this.joinWindowMillis = joinWindowMillis;
        this.members = members;
        this.watcher = s.rearm(this::watch);
    }

    /** Submits a text to every live node of the cluster, through ZooKeeper. */
    static String submit(CuratorFramework zk, String text) throws Exception {
        String path = zk.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .forPath(Schema.SUBMISSIONS + "/sub-",
                        Ledger.json().writeValueAsBytes(Ledger.json().createObjectNode().put("text", text)));
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** At start, on the cluster thread: submissions made before this process joined are history, not work. */
    void skipHistory() throws Exception {
        for (String sub : s.zk.getChildren().forPath(Schema.SUBMISSIONS)) {
            Stat stat = Schema.statOf(s.zk, Schema.SUBMISSIONS + "/" + sub);
            if (stat != null) {
                seen = Math.max(seen, stat.getCzxid());
                known.add(sub);
            }
        }
    }

    /** On the cluster thread: hands every new submission to every local node, then watches for more. */
    void watch() throws Exception {
        List<String> names = s.zk.getChildren().usingWatcher(watcher).forPath(Schema.SUBMISSIONS);
        known.retainAll(new HashSet<>(names));
        List<Schema.Child> fresh = new ArrayList<>();
        for (String name : names) {
            if (!known.add(name)) {
                continue;
            }
            Stat stat = new Stat();
            try {
                fresh.add(new Schema.Child(name, s.zk.getData().storingStatIn(stat)
                        .forPath(Schema.SUBMISSIONS + "/" + name), stat));
            } catch (KeeperException.NoNodeException gone) {
                known.remove(name);
            } catch (KeeperException unreadable) { // an ACL without READ, say: a stray
                s.reportOnce(Schema.SUBMISSIONS + "/" + name, "cluster: submission " + Schema.name(name)
                        + " can't be read (" + unreadable.code() + "); skipped");
            }
        }
        for (Schema.Child sub : Schema.byCreation(fresh)) {
            if (sub.stat().getCzxid() <= seen) {
                continue;
            }
            seen = sub.stat().getCzxid();
            String text = text(sub);
            if (text == null || s.zkNow() - sub.stat().getCtime() > joinWindowMillis) {
                continue; // malformed (reported), or made while this process was cut off: its race is closed by now
            }
            for (Member m : members.get()) {
                feed(m, sub.name(), text, sub.stat().getCtime() + joinWindowMillis);
            }
        }
    }

    /** A submission's text, or null (reported once) if it is not {"text": a line of at most 64 KiB}. */
    private String text(Schema.Child sub) {
        JsonNode json = Schema.object(sub.data(), Schema.MAX_RECORD_BYTES);
        JsonNode text = json == null ? null : json.path("text");
        if (!Schema.SUBMISSION.matcher(sub.name()).matches() || text == null || !text.isTextual()
                || text.asText().getBytes(StandardCharsets.UTF_8).length > Schema.MAX_TEXT_BYTES
                || text.asText().indexOf('\n') >= 0 || text.asText().indexOf('\r') >= 0) {
            s.reportOnce(Schema.SUBMISSIONS + "/" + sub.name() + "@" + sub.stat().getCzxid(), "cluster: submission "
                    + Schema.name(sub.name()) + " is not {\"text\": one line of at most " + Schema.MAX_TEXT_BYTES
                    + " bytes}; skipped");
            return null;
        }
        return text.asText();
    }

    /**
     * Hands a submission to one node on that node's own feeder thread, so that each node's submissions stay in
     * order and the nodes join side by side, off the cluster thread.
     */
    private void feed(Member m, String sub, String text, long deadline) {
        ExecutorService feeder = feeders.computeIfAbsent(m.name(), name -> Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "powrace-feed-" + name);
            t.setDaemon(true);
            return t;
        }));
        try {
            feeder.execute(() -> {
                String reply = joiner.before(deadline, () -> m.submit().apply(text));
                if (reply.startsWith("ERR")) {
                    s.problem("cluster: submission " + sub + " to " + m.name() + ": " + reply);
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            // closing
        }
    }

    void close() {
        feeders.values().forEach(ExecutorService::shutdownNow);
    }
}
