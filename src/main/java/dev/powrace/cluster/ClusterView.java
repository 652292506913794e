package dev.powrace.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.powrace.ledger.Ledger;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * What the {@code nodes}, {@code send}, {@code export} and {@code verify} commands see of a cluster: its live
 * nodes and its ledger, read from ZooKeeper, and a way to submit a text. It takes no label and creates nothing
 * but a submission; it is not a member.
 */
public final class ClusterView implements AutoCloseable {
    /**
     * A live node, from its member znode.
     *
     * @param hashRate hashes per second, or null: the member znodes do not publish it yet
     * @param wins the entries of the cluster ledger that name this node
     */
    public record Node(String name, String host, int port, String engine, Double hashRate, long wins) {}

    /** One znode of the cluster ledger: its name (entry-&lt;seq&gt;) and its data, as written. */
    public record LedgerZnode(String name, byte[] data) {}

    /**
     * The cluster ledger as a ledger.json file's bytes.
     *
     * @param bytes {@code []\n} when empty, else {@code [\n{...},\n{...}\n]\n}: what Ledger's appends make
     * @param znodes the entry znode of each object in {@code bytes}, in order
     * @param unreadable entry znodes whose data is not a JSON object, left out of {@code bytes}
     */
    public record Export(byte[] bytes, List<String> znodes, List<String> unreadable) {}

    private final CuratorFramework zk;
    private final String connect;

    private ClusterView(CuratorFramework zk, String connect) {
        this.zk = zk;
        this.connect = connect;
    }

    /**
     * Connects, waiting at most {@code timeout}.
     *
     * @throws ClusterException "cluster unavailable: ..." in one line
     */
    public static ClusterView connect(String connect, Duration timeout) throws ClusterException {
        return connect(connect, null, timeout);
    }

    /**
     * Connects with a cluster secret, waiting at most {@code timeout}.
     *
     * @param secret null for none; else the client authenticates with it, a submission it makes is closed to all
     *        but the secret's holders, and a cluster made without a secret is refused
     * @throws ClusterException "cluster unavailable: ..." in one line, or the cluster's refusal
     */
    public static ClusterView connect(String connect, String secret, Duration timeout) throws ClusterException {
        ConnectString.check(connect);
        CuratorFramework zk;
        try {
            zk = Clients.builder(connect, secret)
                    .sessionTimeoutMs(15_000)
                    .connectionTimeoutMs((int) timeout.toMillis())
                    .retryPolicy(new ExponentialBackoffRetry(200, 2, 1_000))
                    .build();
            zk.start();
        } catch (RuntimeException e) {
            throw new ClusterException("cluster unavailable: '" + connect + "' is not a ZooKeeper connect string ("
                    + e.getMessage() + ")");
        }
        try {
            if (!zk.blockUntilConnected((int) timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                zk.close();
                throw new ClusterException("cluster unavailable: can't reach ZooKeeper at " + connect + " within "
                        + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            zk.close();
            throw new ClusterException("cluster unavailable: interrupted while connecting to " + connect);
        }
        try {
            Clients.checkRoot(zk, connect, secret);
        } catch (ClusterException e) {
            zk.close();
            throw e;
        } catch (Exception e) {
            zk.close();
            throw new ClusterView(zk, connect).unavailable(e);
        }
        return new ClusterView(zk, connect);
    }

    public String connectString() {
        return connect;
    }

    /** The live nodes, by label and then by node number. */
    public List<Node> nodes() throws ClusterException {
        try {
            Map<String, Long> wins = new HashMap<>();
            for (LedgerZnode z : ledgerZnodes()) {
                JsonNode node = readObject(z.data());
                if (node != null && node.path("node").isTextual()) {
                    wins.merge(node.path("node").asText(), 1L, Long::sum);
                }
            }
            List<Node> nodes = new ArrayList<>();
            for (String label : children(Schema.MEMBERS)) {
                for (String n : children(Schema.MEMBERS + "/" + label)) {
                    byte[] data;
                    try {
                        data = zk.getData().forPath(Schema.MEMBERS + "/" + label + "/" + n);
                    } catch (KeeperException.NoNodeException left) {
                        continue; // it left meanwhile
                    }
                    JsonNode m = readObject(data);
                    // The core names a member znode "<label>:<NodeN>" (docs/cluster.md's schema says "<NodeN>"): take both.
                    String name = n.indexOf(':') >= 0 ? n.replace(':', '/') : label + "/" + n;
                    if (m == null) {
                        nodes.add(new Node(name, "?", -1, "?", null, wins.getOrDefault(name, 0L)));
                        continue;
                    }
                    JsonNode rate = m.path("hash_rate");
                    nodes.add(new Node(name, m.path("host").asText("?"), m.path("port").asInt(-1),
                            m.path("engine").asText("?"), rate.isNumber() ? rate.doubleValue() : null,
                            wins.getOrDefault(name, 0L)));
                }
            }
            nodes.sort(Comparator.comparing((Node x) -> x.name().substring(0, x.name().indexOf('/')))
                    .thenComparingLong(x -> number(x.name())).thenComparing(Node::name));
            return nodes;
        } catch (ClusterException e) {
            throw e;
        } catch (Exception e) {
            throw unavailable(e);
        }
    }

    /** How many nodes are live: the member znodes, counted without reading them or the ledger. */
    public int liveNodes() throws ClusterException {
        try {
            int n = 0;
            for (String label : children(Schema.MEMBERS)) {
                n += children(Schema.MEMBERS + "/" + label).size();
            }
            return n;
        } catch (Exception e) {
            throw unavailable(e);
        }
    }

    /** The cluster ledger's znodes, in ZooKeeper's order (by the zxid that created each). */
    public List<LedgerZnode> ledgerZnodes() throws ClusterException {
        try {
            List<Schema.Child> read = new ArrayList<>();
            for (String name : children(Schema.LEDGER)) {
                Stat stat = new Stat();
                try {
                    read.add(new Schema.Child(name, zk.getData().storingStatIn(stat).forPath(Schema.LEDGER + "/" + name),
                            stat));
                } catch (KeeperException.NoNodeException gone) {
                    // removed meanwhile: it is not in the ledger any more
                }
            }
            List<LedgerZnode> entries = new ArrayList<>();
            for (Schema.Child c : Schema.byCreation(read)) { // in ZooKeeper's order, not by name
                entries.add(new LedgerZnode(c.name(), c.data()));
            }
            return entries;
        } catch (ClusterException e) {
            throw e;
        } catch (Exception e) {
            throw unavailable(e);
        }
    }

    /** What verify --cluster names beyond the audit of the entries: see {@link Forgeries#find}. */
    public Forgeries forgeries() throws ClusterException {
        try {
            return Forgeries.find(zk, zxidStat().getCtime());
        } catch (Exception e) {
            throw unavailable(e);
        }
    }

    /** The cluster ledger as ledger.json's bytes. */
    public Export export() throws ClusterException {
        return export(ledgerZnodes());
    }

    /**
     * Writes entry znodes as a ledger file's bytes, in the layout of Ledger's appends: {@code []\n} when there is
     * none, else {@code "[" + "\n" + e1 + ",\n" + e2 + ... + "\n]\n"}. Each object is its znode's JSON, written
     * compactly with the ledger's settings (numbers with fractions kept digit for digit), so an entry the
     * cluster wrote comes out byte for byte as the ledger copies hold it.
     */
    static Export export(List<LedgerZnode> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> written = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        out.writeBytes("[".getBytes(StandardCharsets.US_ASCII));
        for (LedgerZnode z : entries) {
            JsonNode object = readObject(z.data());
            if (object == null) {
                unreadable.add(z.name());
                continue;
            }
            byte[] json;
            try {
                json = Ledger.json().writeValueAsBytes(object);
            } catch (Exception e) {
                unreadable.add(z.name());
                continue;
            }
            out.writeBytes((written.isEmpty() ? "\n" : ",\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(json);
            written.add(z.name());
        }
        out.writeBytes((written.isEmpty() ? "]\n" : "\n]\n").getBytes(StandardCharsets.US_ASCII));
        return new Export(out.toByteArray(), List.copyOf(written), List.copyOf(unreadable));
    }

    /**
     * Submits a text to every live node (a PERSISTENT_SEQUENTIAL {@code sub-} znode holding {@code {"text":...}}).
     *
     * @return the submission's znode name
     */
    public String submit(String text) throws ClusterException {
        try {
            String path = zk.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                    .forPath(Schema.SUBMISSIONS + "/sub-",
                            Ledger.json().writeValueAsBytes(Ledger.json().createObjectNode().put("text", text)));
            return path.substring(path.lastIndexOf('/') + 1);
        } catch (Exception e) {
            throw unavailable(e);
        }
    }

    /**
     * ZooKeeper's transaction id now: a scratch znode is made, read and removed (two writes). Each write to the
     * ensemble takes the next id, so the difference of two marks, less two, counts the writes made between them.
     */
    public long zxidMark() throws ClusterException {
        try {
            return zxidStat().getCzxid();
        } catch (Exception e) {
            throw unavailable(e);
        }
    }

    /** A scratch znode's stat: ZooKeeper's transaction id and clock now. */
    private Stat zxidStat() throws Exception {
        Stat stat = new Stat();
        String path = zk.create().storingStatIn(stat).creatingParentsIfNeeded()
                .withMode(CreateMode.EPHEMERAL_SEQUENTIAL).forPath(Schema.ROOT + "/mark-", new byte[0]);
        zk.delete().forPath(path);
        return stat;
    }

    /**
     * For bench-cluster: how many writes per second the ensemble takes, from {@code threads} clients' threads
     * each setting its own scratch znode's data back to back for {@code duration}. The scratch znodes are removed.
     */
    public double writesPerSecond(int threads, Duration duration) throws ClusterException {
        String base = Schema.ROOT + "/bench-writes";
        java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicReference<Exception> failed = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            for (int i = 0; i < threads; i++) {
                zk.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(base + "/w" + i, new byte[8]);
            }
            long end = System.nanoTime() + duration.toNanos();
            List<Thread> all = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String path = base + "/w" + i;
                Thread t = new Thread(() -> {
                    try {
                        while (System.nanoTime() < end) {
                            zk.setData().forPath(path, new byte[8]);
                            writes.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.compareAndSet(null, e);
                    }
                }, "bench-writes-" + i);
                t.start();
                all.add(t);
            }
            long start = System.nanoTime();
            for (Thread t : all) {
                t.join();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (failed.get() != null) {
                throw failed.get();
            }
            zk.delete().deletingChildrenIfNeeded().forPath(base);
            return writes.get() / seconds;
        } catch (Exception e) {
            throw unavailable(e);
        }
    }

    private List<String> children(String path) throws Exception {
        try {
            return zk.getChildren().forPath(path);
        } catch (KeeperException.NoNodeException none) {
            return List.of(); // no process has joined this ensemble yet
        }
    }

    private ClusterException unavailable(Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        if (Clients.refusal(e)) {
            return Clients.refused(connect);
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new ClusterException("cluster unavailable: " + connect + ": " + message.lines().findFirst().orElse(""));
    }

    /** A JSON object, or null if the bytes are not one. */
    private static JsonNode readObject(byte[] data) {
        try {
            JsonNode node = Schema.JSON.readTree(data);
            return node != null && node.isObject() ? node : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static long number(String name) {
        String digits = name.replaceAll("^.*?(\\d+)$", "$1");
        try {
            return digits.equals(name) ? Long.MAX_VALUE : Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public void close() {
        zk.close();
    }
}
