package dev.powrace.cluster;

import dev.powrace.ledger.Ledger;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/** `send --cluster`: a transaction for every live node of a cluster, handed over through ZooKeeper. */
public final class Submissions {
    /** What became of a submission: its znode's name and how many nodes were live to take it. */
    public record Receipt(String name, int liveNodes) {}

    private Submissions() {}

    /**
     * Connects, writes the submission, and leaves.
     *
     * @throws ClusterException in one line if the cluster can't be reached or written
     */
    public static Receipt send(String connect, String text, Duration timeout) throws ClusterException {
        try (CuratorFramework zk = CuratorFrameworkFactory.builder().connectString(connect)
                .sessionTimeoutMs(15_000).connectionTimeoutMs((int) timeout.toMillis())
                .retryPolicy(new ExponentialBackoffRetry(200, 3, 2_000)).build()) {
            zk.start();
            if (!zk.blockUntilConnected((int) timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ClusterException("cluster unavailable: can't reach ZooKeeper at " + connect + " within "
                        + timeout.toSeconds() + " s");
            }
            int live = 0;
            try {
                for (String label : zk.getChildren().forPath(ClusterReferee.MEMBERS)) {
                    live += zk.getChildren().forPath(ClusterReferee.MEMBERS + "/" + label).size();
                }
            } catch (KeeperException.NoNodeException none) {
                live = 0; // no process has joined yet
            }
            String path = zk.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                    .forPath(ClusterReferee.SUBMISSIONS + "/sub-",
                            Ledger.JSON.writeValueAsBytes(Ledger.JSON.createObjectNode().put("text", text)));
            return new Receipt(path.substring(path.lastIndexOf('/') + 1), live);
        } catch (ClusterException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while sending to the cluster");
        } catch (Exception e) {
            throw new ClusterException("can't send to the cluster at " + connect + ": " + e.getMessage());
        }
    }
}
