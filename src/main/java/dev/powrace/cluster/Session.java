package dev.powrace.cluster;

import dev.powrace.race.Listeners;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * What every recipe of the cluster shares: the client, this process's label and identity, the one thread on which
 * every ZooKeeper event is handled ("powrace-cluster"), the connection's state, ZooKeeper's clock, and the
 * listeners, told of each problem once.
 */
final class Session {
    final CuratorFramework zk;
    final String label;
    final String connect;
    final Identity self;
    final Listeners events;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "powrace-cluster");
        t.setDaemon(true);
        return t;
    });
    /** For work that waits: history's removal, a ledger entry's second look. */
    final java.util.concurrent.ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "powrace-cluster-timer");
        t.setDaemon(true);
        return t;
    });
    /** This process's mark in its label znode, so that after an expiry it knows its own old znode. */
    final byte[] token;
    /** ZooKeeper's clock minus ours, in milliseconds, estimated from the label's ctime at start. */
    final long clockOffsetMillis;
    final long clockUncertaintyMillis;
    volatile boolean connected = true;
    volatile boolean closed;
    /** Its label was taken by another process while it was cut off. */
    volatile boolean evicted;
    /** What has been reported, so that each forgery or stray is reported once per process. */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    Session(CuratorFramework zk, String label, String connect, Identity self, Listeners events, byte[] token,
            long clockOffsetMillis, long clockUncertaintyMillis) {
        this.zk = zk;
        this.label = label;
        this.connect = connect;
        this.self = self;
        this.events = events;
        this.token = token;
        this.clockOffsetMillis = clockOffsetMillis;
        this.clockUncertaintyMillis = clockUncertaintyMillis;
    }

    /** ZooKeeper's clock, as estimated from ours. */
    long zkNow() {
        return System.currentTimeMillis() + clockOffsetMillis;
    }

    void problem(String message) {
        events.problem(message);
    }

    /** Reports a problem the first time its key is seen (a znode's path, say), never again. */
    void reportOnce(String key, String message) {
        if (reported.size() > 100_000) {
            reported.clear(); // a flood of forgeries must not hold the memory: some may be reported twice
        }
        if (reported.add(key)) {
            events.problem(message);
        }
    }

    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    /** Runs the action on the cluster thread; a failure is told in one line. */
    void execute(Action action) {
        if (closed) {
            return;
        }
        try {
            thread.execute(() -> {
                try {
                    action.run();
                } catch (Exception e) {
                    if (!closed) {
                        problem("cluster: " + Schema.shown(String.valueOf(e.getMessage())));
                    }
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            // closing
        }
    }

    /** Runs the action on the cluster thread after a while. */
    void later(long millis, Action action) {
        try {
            timer.schedule(() -> execute(action), millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // closed meanwhile
        }
    }

    /** Runs on the cluster thread and waits for it (at start, and for sync). */
    <T> java.util.concurrent.Future<T> submit(java.util.concurrent.Callable<T> task) {
        return thread.submit(task);
    }

    /** A one-shot watcher that runs the action again on the cluster thread (which sets the next watch). */
    CuratorWatcher rearm(Action action) {
        return event -> {
            if (event.getType() != Watcher.Event.EventType.None) {
                execute(action);
            }
        };
    }

    /** The session that holds a label now (its label znode's ephemeral owner), or 0 if none does. */
    long holder(String label) throws Exception {
        Stat stat = Schema.statOf(zk, Schema.LABELS + "/" + label); // a label closed to reads is nobody's
        return stat == null ? 0 : stat.getEphemeralOwner();
    }

    /**
     * Makes sure this session owns the ephemeral znode. One left by this process's expired session (the server
     * drops it only when it notices the expiry) is deleted and made again.
     *
     * @param mine if true, a znode whose data is not {@code data} belongs to another process: it is left alone
     * @return false if another process owns it
     */
    boolean ensureEphemeral(String path, byte[] data, List<ACL> acl, boolean mine) throws Exception {
        long session = zk.getZookeeperClient().getZooKeeper().getSessionId();
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                zk.create().withMode(CreateMode.EPHEMERAL).withACL(acl).forPath(path, data);
                return true;
            } catch (KeeperException.NodeExistsException exists) {
                Stat stat = new Stat();
                byte[] held;
                try {
                    held = zk.getData().storingStatIn(stat).forPath(path);
                } catch (KeeperException.NoNodeException gone) {
                    continue;
                }
                if (stat.getEphemeralOwner() == session) {
                    return true; // the session survived, and the znode with it
                }
                if (mine && !java.util.Arrays.equals(held, data)) {
                    return false;
                }
                try {
                    zk.delete().withVersion(stat.getVersion()).forPath(path); // our old session's
                } catch (KeeperException.NoNodeException | KeeperException.BadVersionException changed) {
                    // look again
                } catch (KeeperException.NoAuthException folderClosed) {
                    // The labels' folder lets nobody delete: the server drops our old session's znode when it sees
                    // the expiry; it is made again then. Until then it stands for this process.
                    zk.checkExists().usingWatcher(rearm(() -> ensureEphemeral(path, data, acl, mine))).forPath(path);
                    return true;
                }
            }
        }
        return false;
    }

    /** Finishes the cluster thread's work (up to 10 s), then stops it. */
    void stopThread() {
        timer.shutdownNow();
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
