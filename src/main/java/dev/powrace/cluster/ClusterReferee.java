package dev.powrace.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.ledger.LedgerException;
import dev.powrace.ledger.Timestamps;
import dev.powrace.pow.EngineFactory;
import dev.powrace.pow.HashMeter;
import dev.powrace.pow.Puzzle;
import dev.powrace.race.Announcer;
import dev.powrace.race.Attempt;
import dev.powrace.race.Mining;
import dev.powrace.race.Outcome;
import dev.powrace.race.Peers;
import dev.powrace.race.Race;
import dev.powrace.race.RaceListener;
import dev.powrace.race.Referee;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;

/**
 * The referee of a cluster: the races of every process that joins one ZooKeeper ensemble, judged by the same
 * rule everywhere, with one ledger kept in ZooKeeper and copied into every process's ledger file.
 *
 * <p>The znodes (see the README's "Cluster" section for their schema):
 * <pre>
 * /powrace/labels/&lt;label&gt;                          EPHEMERAL, one per live process: a label is live once
 * /powrace/members/&lt;label&gt;/&lt;label:NodeN&gt;           EPHEMERAL {host, port, engine, hash_rate, wins, clock_...}
 * /powrace/texts/&lt;sha256 hex&gt;                      a counter: its version is the number of races opened for that text
 * /powrace/texts/&lt;h&gt;/race-&lt;n&gt;                      {text, difficulty, opened_by, opened_at, members}; n = that version
 * /powrace/texts/&lt;h&gt;/race-&lt;n&gt;/joined/&lt;label:NodeN&gt;
 * /powrace/texts/&lt;h&gt;/race-&lt;n&gt;/claims/claim-&lt;seq&gt; {node, nonce, hash, start_time, end_time, time_taken, hashes}
 * /powrace/texts/&lt;h&gt;/race-&lt;n&gt;/decided            the winning claim's name, or "abandoned"
 * /powrace/submissions/sub-&lt;seq&gt;                   {text}
 * /powrace/ledger/entry-&lt;seq&gt;                      a ledger.json entry
 * </pre>
 *
 * <p>Joining: a node's k-th copy of a text joins the oldest race for that text that is still open (within the
 * join window by ZooKeeper's clock, and not yet joined by as many nodes as were live when it opened) and that
 * the node has not joined; else it opens one. Opening is one transaction that also bumps the text's counter at
 * the version just read, so two processes can't both open a race from the same view: the loser re-reads and
 * joins the winner's race.
 *
 * <p>Judging: a node that finds a nonce writes a claim. Every process that sees a race's claims applies the same
 * rule to them in ZooKeeper's order: the earliest claim whose hash meets the race's difficulty wins; a claim
 * that does not verify never wins and is reported. The decision and its ledger entry are written in one
 * transaction, once: whoever comes second finds the decision made.
 *
 * <p>Every ZooKeeper event is handled on one thread ("powrace-cluster"), the listeners are told on another
 * ("powrace-events"), and a mining thread only searches, publishes and waits for its race's decision.
 */
public final class ClusterReferee implements Referee, Peers {
    static final String ROOT = "/powrace";
    static final String LABELS = ROOT + "/labels";
    static final String MEMBERS = ROOT + "/members";
    static final String TEXTS = ROOT + "/texts";
    static final String LEDGER = ROOT + "/ledger";
    static final String SUBMISSIONS = ROOT + "/submissions";
    /** The content of a race's "decided" znode when every node that joined it left before anyone won. */
    static final String ABANDONED = "abandoned";
    /** How long a node that found a nonce waits for the cluster's decision before it gives up on it. */
    static final Duration DECISION_WAIT = Duration.ofSeconds(30);

    /** Reads numbers with fractions as BigDecimal, so a claim's time_taken keeps all nine decimals. */
    static final ObjectMapper JSON = Ledger.JSON.copy().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final CuratorFramework zk;
    private final String label;
    private final Ledger ledger;
    private final long joinWindowMillis;
    private final EngineFactory engines;
    private final List<RaceListener> listeners = new CopyOnWriteArrayList<>();
    private final Announcer announcer = new Announcer(listeners);
    private final ExecutorService cluster = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "powrace-cluster");
        t.setDaemon(true);
        return t;
    });
    /** The races this process has seen, by their znode path. */
    private final Map<String, ClusterRace> races = new ConcurrentHashMap<>();
    /** ZooKeeper's clock minus ours, in milliseconds, estimated once from a write's ctime. */
    private final long clockOffsetMillis;
    private volatile int difficulty;
    private volatile List<Member> members = List.of();
    private volatile boolean closed;
    private volatile boolean evicted; // its label was taken by another process while it was cut off
    private volatile boolean connected = true; // it is, when start() returns
    private volatile String connect;
    /** This process's mark in its label znode, so that after an expiry it knows its own old znode. */
    private volatile byte[] token;
    // On the cluster thread only:
    private int mirrored; // entries of the cluster ledger that are in the ledger file
    private long submissionsSeen = -1; // the sequence number of the last submission handed to the nodes

    /** A race as this process knows it. */
    private static final class ClusterRace {
        final String path;
        final Race race;
        final long openedAtZkMillis;
        final int members;
        final Set<String> reported = new HashSet<>(); // invalid claims already reported; cluster thread only
        final CompletableFuture<String> decision = new CompletableFuture<>(); // the winning claim's name
        volatile boolean watched;
        volatile boolean local; // a node of this process joined it
        CuratorWatcher watcher; // cluster thread only
        final Map<String, JsonNode> claims = new java.util.HashMap<>(); // cluster thread only

        ClusterRace(String path, Race race, long openedAtZkMillis, int members) {
            this.path = path;
            this.race = race;
            this.openedAtZkMillis = openedAtZkMillis;
            this.members = members;
        }
    }

    private ClusterReferee(CuratorFramework zk, String label, Ledger ledger, int difficulty, Duration joinWindow,
            EngineFactory engines, long clockOffsetMillis) {
        this.zk = zk;
        this.label = label;
        this.ledger = ledger;
        this.difficulty = difficulty;
        this.joinWindowMillis = joinWindow.toMillis();
        this.engines = engines;
        this.clockOffsetMillis = clockOffsetMillis;
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
     *        same secret, and a cluster made without one (or with another) is refused in one line
     */
    public static ClusterReferee start(String connect, String label, Ledger ledger, int difficulty, Duration joinWindow,
            EngineFactory engines, Duration connectTimeout, String secret) throws ClusterException {
        Puzzle.checkDifficulty(difficulty);
        Labels.check(label);
        byte[] token = java.util.UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
        CuratorFramework zk = Clients.builder(connect, secret)
                .sessionTimeoutMs(15_000)
                .connectionTimeoutMs((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .retryPolicy(new ExponentialBackoffRetry(200, 5, 2_000))
                .build();
        zk.start();
        ClusterReferee referee = null;
        try {
            if (!zk.blockUntilConnected((int) connectTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ClusterException("cluster unavailable: can't reach ZooKeeper at " + connect + " within "
                        + connectTimeout.toSeconds() + " s");
            }
            long before = System.currentTimeMillis();
            Stat stat = new Stat();
            try {
                zk.create().storingStatIn(stat).creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                        .forPath(LABELS + "/" + label, token);
            } catch (KeeperException.NodeExistsException e) {
                throw new ClusterException("the label '" + label + "' is already live in the cluster at " + connect
                        + "; give this process another with --label");
            }
            long after = System.currentTimeMillis();
            long offset = stat.getCtime() - (before + after) / 2;
            Clients.checkRoot(zk, connect, secret);
            for (String path : List.of(MEMBERS + "/" + label, TEXTS, LEDGER, SUBMISSIONS)) {
                try {
                    zk.create().creatingParentsIfNeeded().forPath(path, new byte[0]);
                } catch (KeeperException.NodeExistsException fine) {
                    // another process made it
                }
            }
            referee = new ClusterReferee(zk, label, ledger, difficulty, joinWindow, engines, offset);
            referee.connect = connect;
            referee.token = token;
            referee.clockUncertaintyMillis = (after - before + 1) / 2 + 1; // half the round trip, and the clocks' ms
            ClusterReferee listening = referee;
            zk.getConnectionStateListenable().addListener((client, state) -> listening.connectionChanged(state));
            referee.owner = own(ledger);
            referee.catchUp();
            referee.timer.scheduleWithFixedDelay(() -> listening.quietly(listening::sweep), 60, 60, TimeUnit.SECONDS);
            ClusterReferee r = referee;
            referee.cluster.submit(() -> {
                r.mirrorAndWatch();
                r.skipSubmissions();
                r.sweep();
                return null;
            }).get();
            return referee;
        } catch (ClusterException e) {
            close(zk, referee);
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(zk, referee);
            throw new ClusterException("interrupted while joining the cluster");
        } catch (Exception e) {
            close(zk, referee);
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

    private static void close(CuratorFramework zk, ClusterReferee referee) {
        if (referee != null) {
            referee.close();
        } else {
            zk.close();
        }
    }

    /** The cluster name of this process's nodes: label/NodeN. */
    @Override
    public String nodeName(int index) {
        return label + "/Node" + index;
    }

    public String label() {
        return label;
    }

    @Override
    public void addListener(RaceListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(RaceListener listener) {
        listeners.remove(listener);
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

    // ---- members and submissions ----

    @Override
    public void nodesStarted(List<Member> started) {
        this.members = List.copyOf(started);
        for (Member m : started) {
            try {
                zk.create().withMode(CreateMode.EPHEMERAL).forPath(MEMBERS + "/" + label + "/" + local(m.name()),
                        memberJson(m));
            } catch (Exception e) {
                problem("cluster: " + m.name() + " could not be listed as a member: " + e.getMessage());
            }
        }
        execute(this::watchSubmissions);
        startRates();
    }

    // ---- published rates, and the cluster as the app sees it (Peers) ----

    /** How often each node's hash rate and wins are published in its member znode, and the peers re-read. */
    static final Duration RATE_PERIOD = Duration.ofMillis(500);
    /** Publishes the rates and keeps {@link #view}: never on the cluster thread or a mining thread. */
    private final java.util.concurrent.ScheduledExecutorService rates =
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "powrace-rates");
                t.setDaemon(true);
                return t;
            });
    /** How far {@link #clockOffsetMillis} may be off: half the round trip of the write it was taken from. */
    private volatile long clockUncertaintyMillis;
    private volatile Peers.View view;
    /** Races won by this process's nodes: from the ledger file at start, then from each win told. */
    private final Map<String, java.util.concurrent.atomic.AtomicLong> wins = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicBoolean peersChanged =
            new java.util.concurrent.atomic.AtomicBoolean(true);
    private final CuratorWatcher peersWatcher = event -> {
        if (event.getType() != Watcher.Event.EventType.None) {
            peersChanged.set(true);
        }
    };
    // On the rates thread only:
    private final Map<String, byte[]> published = new java.util.HashMap<>();
    private final Map<String, long[]> lastCount = new java.util.HashMap<>(); // node -> {hashes, System.nanoTime}
    private List<Peers.Peer> peerList = List.of();
    /** The clock offset shown and published: the start's, then that of the write with the shortest round trip. */
    private long shownOffset;
    private long shownUncertainty = Long.MAX_VALUE;
    private long shownSampledAt;
    private int liveLabels;
    private boolean winsCounted;
    private boolean wasConnected;
    private int ticks;

    private void startRates() {
        try {
            // with a fixed delay: ticks held up by a slow write are not caught up back to back
            rates.scheduleWithFixedDelay(this::publishRates, 0, RATE_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // closed meanwhile
        }
    }

    /**
     * On the rates thread, twice a second: writes each local node's member znode again if its hash rate or wins
     * changed, and re-reads the members if a watch said they changed.
     */
    private void publishRates() {
        try {
            if (!winsCounted) {
                winsCounted = true;
                countWins();
            }
            long now = System.nanoTime();
            for (Member m : members) {
                long hashes = m.hashes().getAsLong();
                long[] last = lastCount.get(m.name());
                if (last != null && now - last[1] < RATE_PERIOD.toNanos() / 2) {
                    continue; // too short a time for a rate (the counters move in batches)
                }
                lastCount.put(m.name(), new long[] {hashes, now});
                double rate = last == null ? 0 : Math.max(0, hashes - last[0]) * 1e9 / (now - last[1]);
                byte[] json = bytes(((ObjectNode) JSON.readTree(memberJson(m)))
                        .put("hash_rate", (double) Math.round(rate))
                        .put("wins", wins.computeIfAbsent(m.name(), k -> new java.util.concurrent.atomic.AtomicLong()).get())
                        .put("clock_offset_ms", offset()).put("clock_uncertainty_ms", uncertainty()));
                if (connected && !java.util.Arrays.equals(json, published.get(m.name()))) {
                    try {
                        long before = System.currentTimeMillis();
                        Stat stat = zk.setData().forPath(MEMBERS + "/" + label + "/" + local(m.name()), json);
                        long after = System.currentTimeMillis();
                        published.put(m.name(), json);
                        sampleClock(stat.getMtime(), before, after);
                    } catch (KeeperException.NoNodeException gone) {
                        published.remove(m.name()); // made again after a new session; written at the next tick
                    }
                }
            }
            // Watches do not outlive an expired session: read all again after any reconnection, and every 10 s.
            if (connected && (!wasConnected || ++ticks % 20 == 0)) {
                peersChanged.set(true);
            }
            wasConnected = connected;
            if (connected && peersChanged.getAndSet(false)) {
                readPeers();
            }
            Peers.View next = new Peers.View(peerList, connect, liveLabels, connected, offset(), uncertainty());
            if (!next.equals(view)) {
                view = next;
            }
        } catch (Exception e) {
            peersChanged.set(true); // read them again at the next tick
        }
    }

    /**
     * A write's time by ZooKeeper's clock (its mtime) against ours around it: a new estimate of the offset, kept if
     * its round trip is no longer than the kept one's, or if that is a minute old (clocks drift).
     */
    private void sampleClock(long zkMillis, long before, long after) {
        long uncertainty = (after - before + 1) / 2 + 1; // half the round trip, and the clocks' milliseconds
        if (uncertainty <= uncertainty() || after - shownSampledAt > 60_000) {
            shownOffset = zkMillis - (before + after) / 2;
            shownUncertainty = uncertainty;
            shownSampledAt = after;
        }
    }

    private long offset() {
        return shownUncertainty == Long.MAX_VALUE ? clockOffsetMillis : shownOffset;
    }

    private long uncertainty() {
        return shownUncertainty == Long.MAX_VALUE ? clockUncertaintyMillis : shownUncertainty;
    }

    /** The wins already in the ledger file (a copy of the cluster's), then every win as it is told. */
    private void countWins() throws LedgerException {
        Set<String> mine = new HashSet<>();
        for (Member m : members) {
            mine.add(m.name());
            wins.putIfAbsent(m.name(), new java.util.concurrent.atomic.AtomicLong());
        }
        for (Entry e : Ledger.readAll(ledger.path())) {
            if (mine.contains(e.node())) {
                wins.get(e.node()).incrementAndGet();
            }
        }
        listeners.add(new RaceListener() {
            @Override
            public void won(Race race, Entry entry) {
                java.util.concurrent.atomic.AtomicLong n = wins.get(entry.node());
                if (n != null) {
                    n.incrementAndGet();
                }
            }
        });
    }

    /** On the rates thread: every member znode, read with watches that mark the list changed. */
    private void readPeers() throws Exception {
        List<Peers.Peer> list = new ArrayList<>();
        liveLabels = zk.getChildren().usingWatcher(peersWatcher).forPath(LABELS).size();
        for (String l : zk.getChildren().usingWatcher(peersWatcher).forPath(MEMBERS)) {
            List<String> nodes;
            try {
                nodes = zk.getChildren().usingWatcher(peersWatcher).forPath(MEMBERS + "/" + l);
            } catch (KeeperException.NoNodeException gone) {
                continue;
            }
            for (String n : nodes) {
                byte[] data;
                try {
                    data = zk.getData().usingWatcher(peersWatcher).forPath(MEMBERS + "/" + l + "/" + n);
                } catch (KeeperException.NoNodeException gone) {
                    continue;
                }
                String name = n.indexOf(':') >= 0 ? n.replace(':', '/') : l + "/" + n;
                boolean local = l.equals(label);
                if (local && published.containsKey(name) && !java.util.Arrays.equals(data, published.get(name))) {
                    published.remove(name); // written over (made again after a new session): write it again
                }
                JsonNode json;
                try {
                    json = JSON.readTree(data);
                } catch (IOException notJson) {
                    json = null;
                }
                if (json == null || !json.isObject()) {
                    list.add(new Peers.Peer(name, l, "?", -1, "?", Double.NaN, 0, local, 0, 0));
                    continue;
                }
                JsonNode rate = json.path("hash_rate");
                list.add(new Peers.Peer(name, l, json.path("host").asText("?"), json.path("port").asInt(-1),
                        json.path("engine").asText("?"), rate.isNumber() ? rate.doubleValue() : Double.NaN,
                        json.path("wins").asLong(0), local, json.path("clock_offset_ms").asLong(0),
                        json.path("clock_uncertainty_ms").asLong(0)));
            }
        }
        list.sort(Comparator.comparing(Peers.Peer::label).thenComparingLong(p -> nodeNumber(p.name()))
                .thenComparing(Peers.Peer::name));
        peerList = List.copyOf(list);
    }

    private static long nodeNumber(String name) {
        int i = name.length();
        while (i > 0 && Character.isDigit(name.charAt(i - 1))) {
            i--;
        }
        return i == name.length() || name.length() - i > 18 ? Long.MAX_VALUE : Long.parseLong(name.substring(i));
    }

    @Override
    public Optional<Peers> peers() {
        return Optional.of(this);
    }

    @Override
    public Peers.View view() {
        Peers.View v = view;
        return v != null ? v : new Peers.View(List.of(), connect, 0, connected, clockOffsetMillis, clockUncertaintyMillis);
    }

    @Override
    public void submitToAll(String text) throws IOException {
        if (!connected) {
            throw new ClusterException("cluster unavailable: no connection to ZooKeeper at " + connect);
        }
        try {
            submit(zk, text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("cluster unavailable: interrupted");
        } catch (Exception e) {
            throw new ClusterException("cluster unavailable: " + connect + ": " + e.getMessage());
        }
    }

    // ---- the connection ----

    /**
     * On Curator's event thread. SUSPENDED or LOST: new transactions are refused at once ("ERR cluster
     * unavailable") and everyone is told. RECONNECTED: told too, and everything is read again on the cluster
     * thread: the ledger, the submissions, the open races, and this process's label and members, created
     * again if a new session lost them.
     */
    private void connectionChanged(ConnectionState state) {
        if (closed) {
            return;
        }
        switch (state) {
            case SUSPENDED, LOST -> {
                if (connected) {
                    connected = false;
                    problem("cluster unavailable: lost the connection to ZooKeeper at " + connect
                            + "; new transactions are refused until it is back");
                }
            }
            case RECONNECTED, CONNECTED -> {
                if (!connected) {
                    connected = true;
                    problem("cluster: connected to ZooKeeper at " + connect + " again");
                    execute(this::resume);
                }
            }
            default -> { }
        }
    }

    /** On the cluster thread, after a reconnection: re-registers what a new session lost and re-reads. */
    private void resume() throws Exception {
        if (!ensureEphemeral(LABELS + "/" + label, token, true)) {
            evicted = true;
            problem("cluster unavailable: the label '" + label + "' was taken by another process while this one was "
                    + "cut off; its nodes refuse transactions: stop this process and start it with another --label");
        } else {
            for (Member m : members) {
                ensureEphemeral(MEMBERS + "/" + label + "/" + local(m.name()), memberJson(m), false);
            }
        }
        mirrorAndWatch();
        watchSubmissions();
        for (ClusterRace r : races.values()) {
            if (r.local && !r.decision.isDone()) {
                judge(r);
            }
        }
        sendUnsent();
    }

    /**
     * Makes sure this session owns the ephemeral znode. One left by this process's expired session (the server
     * drops it only when it notices the expiry) is deleted and made again.
     *
     * @param mine if true, a znode whose data is not {@code data} belongs to another process: it is left alone
     * @return false if another process owns it
     */
    private boolean ensureEphemeral(String path, byte[] data, boolean mine) throws Exception {
        long session = zk.getZookeeperClient().getZooKeeper().getSessionId();
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                zk.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, data);
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
                }
            }
        }
        return false;
    }

    private byte[] memberJson(Member m) {
        return bytes(Ledger.JSON.createObjectNode().put("host", m.host()).put("port", m.port())
                .put("engine", engines.name()));
    }

    /** Submits a text to every live node of the cluster, through ZooKeeper. */
    public static void submit(CuratorFramework zk, String text) throws Exception {
        zk.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .forPath(SUBMISSIONS + "/sub-", bytes(Ledger.JSON.createObjectNode().put("text", text)));
    }

    /** At start: submissions made before this process joined are history, not work. */
    private void skipSubmissions() throws Exception {
        for (String sub : zk.getChildren().forPath(SUBMISSIONS)) {
            submissionsSeen = Math.max(submissionsSeen, sequence(sub));
        }
    }

    /** On the cluster thread: hands every new submission to every local node, then watches for more. */
    private void watchSubmissions() throws Exception {
        List<String> subs = sorted(zk.getChildren().usingWatcher(submissionsWatcher).forPath(SUBMISSIONS));
        for (String sub : subs) {
            long seq = sequence(sub);
            if (seq <= submissionsSeen || seq == Long.MAX_VALUE) {
                continue;
            }
            submissionsSeen = seq;
            String text;
            Stat stat = new Stat();
            try {
                text = JSON.readTree(zk.getData().storingStatIn(stat).forPath(SUBMISSIONS + "/" + sub)).path("text")
                        .asText();
            } catch (KeeperException.NoNodeException gone) {
                continue;
            }
            if (zkNow() - stat.getCtime() > joinWindowMillis) {
                continue; // made while this process was cut off, and its race is closed by now
            }
            for (Member m : members) {
                feed(m, sub, text);
            }
        }
    }

    /** ZooKeeper's clock, as estimated from ours. */
    private long zkNow() {
        return System.currentTimeMillis() + clockOffsetMillis;
    }

    // ---- forgetting what is history ----

    /**
     * How long after its join window closes a race is removed from ZooKeeper (the ledger keeps its winner): one
     * more join window, and at least this, so that no clock's error lets a node join a race being removed.
     */
    static final Duration KEEP_AFTER_WINDOW = Duration.ofSeconds(5);
    /** How long a decided race stays at least, so that every process that was in it reads its decision. */
    static final Duration KEEP_AFTER_DECISION = Duration.ofSeconds(20); // longer than a session (15 s)

    private long keepMillis() {
        return joinWindowMillis + Math.max(joinWindowMillis, KEEP_AFTER_WINDOW.toMillis());
    }

    private final java.util.concurrent.ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "powrace-cluster-timer");
                t.setDaemon(true);
                return t;
            });

    /** Removes a race this process decided or abandoned once it is closed to joins for good. */
    private void forgetLater(ClusterRace r) {
        try {
            // and never sooner than a while after the decision, so that every process can read what it was
            long delay = Math.max(KEEP_AFTER_DECISION.toMillis(), r.openedAtZkMillis + keepMillis() - zkNow());
            timer.schedule(() -> quietly(() -> forget(r.path)), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // the sweep of the next process to start removes it
        }
    }

    /**
     * On the timer thread, never the cluster thread: removes a race in one transaction (one write), its claims
     * first and its decision last but one, so that no process can ever see claims without the decision.
     */
    private void forget(String path) throws Exception {
        for (int attempt = 0; attempt < 3; attempt++) {
            List<CuratorOp> deletes = new ArrayList<>();
            try {
                for (String folder : List.of("claims", "joined")) {
                    String p = path + "/" + folder;
                    if (zk.checkExists().forPath(p) != null) {
                        for (String child : zk.getChildren().forPath(p)) {
                            deletes.add(zk.transactionOp().delete().forPath(p + "/" + child));
                        }
                        deletes.add(zk.transactionOp().delete().forPath(p));
                    }
                }
                if (zk.checkExists().forPath(path + "/decided") != null) {
                    deletes.add(zk.transactionOp().delete().forPath(path + "/decided"));
                }
                deletes.add(zk.transactionOp().delete().forPath(path));
                zk.transaction().forOperations(deletes);
                break;
            } catch (KeeperException.NoNodeException | KeeperException.NotEmptyException changed) {
                if (zk.checkExists().forPath(path) == null) {
                    break; // another process removed it
                }
                // a node joined or claimed meanwhile: look again
            }
        }
        races.remove(path);
    }

    /**
     * At start (on the cluster thread), then every minute (on the timer thread): removes the submissions older
     * than a race's keep time; at start only, also the races past it that are decided (and not within the last
     * {@link #KEEP_AFTER_DECISION}), or that every node left: those whose deciders died before removing them.
     */
    private void sweep() throws Exception {
        long old = zkNow() - keepMillis();
        Set<String> live = null;
        for (String sub : zk.getChildren().forPath(SUBMISSIONS)) {
            Stat stat = zk.checkExists().forPath(SUBMISSIONS + "/" + sub);
            if (stat != null && stat.getCtime() < old) {
                try {
                    zk.delete().forPath(SUBMISSIONS + "/" + sub);
                } catch (KeeperException.NoNodeException gone) {
                    // another process removed it
                }
            }
        }
        if (!sweepRaces) {
            return;
        }
        sweepRaces = false; // the races only at start: after that each process removes what it decides
        for (String text : zk.getChildren().forPath(TEXTS)) {
            for (String race : zk.getChildren().forPath(TEXTS + "/" + text)) {
                String path = TEXTS + "/" + text + "/" + race;
                Stat stat = zk.checkExists().forPath(path);
                if (stat == null || stat.getCtime() >= old) {
                    continue;
                }
                Stat decided = zk.checkExists().forPath(path + "/decided");
                if (decided != null && decided.getCtime() > zkNow() - KEEP_AFTER_DECISION.toMillis()) {
                    continue; // decided just now: let every process read it first
                }
                boolean over = decided != null;
                if (!over) {
                    if (live == null) {
                        live = liveNames();
                    }
                    List<String> joined = zk.getChildren().forPath(path + "/joined");
                    over = joined.stream().noneMatch(live::contains);
                }
                if (over) {
                    forget(path);
                }
            }
        }
    }

    private volatile boolean sweepRaces = true; // at start (cluster thread), then the timer thread

    /** On the timer thread: runs the action, reporting a failure in one line. */
    private void quietly(ThrowingRunnable action) {
        try {
            action.run();
        } catch (Exception e) {
            if (!closed) {
                problem("cluster: removing history: " + e.getMessage());
            }
        }
    }

    /**
     * Hands a submission to one node on that node's own feeder thread: a join makes blocking ZooKeeper calls, and
     * on the cluster thread they would hold up the watches that stop the losers of every race. One thread per node
     * keeps each node's submissions in order, and the nodes join side by side.
     */
    private void feed(Member m, String sub, String text) {
        ExecutorService feeder = feeders.computeIfAbsent(m.name(), name -> Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "powrace-feed-" + name);
            t.setDaemon(true);
            return t;
        }));
        try {
            feeder.execute(() -> {
                String reply = m.submit().apply(text);
                if (reply.startsWith("ERR")) {
                    problem("cluster: submission " + sub + " to " + m.name() + ": " + reply);
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            // closing
        }
    }

    /** One feeder thread per local node, by name. */
    private final Map<String, ExecutorService> feeders = new ConcurrentHashMap<>();

    // ---- joining ----

    @Override
    public Race join(String node, String transaction) {
        if (closed) {
            throw new IllegalStateException("cluster unavailable: powrace is shutting down");
        }
        if (!connected) {
            throw new IllegalStateException("cluster unavailable: no connection to ZooKeeper at " + connect);
        }
        if (evicted) {
            throw new IllegalStateException("cluster unavailable: the label '" + label + "' belongs to another process "
                    + "now; restart this one with another --label");
        }
        String text = TEXTS + "/" + Puzzle.hex(Puzzle.sha256().digest(transaction.getBytes(StandardCharsets.UTF_8)));
        try {
            if (zk.checkExists().forPath(text) == null) { // a read: a create that fails is still a write
                try {
                    zk.create().forPath(text, new byte[0]);
                } catch (KeeperException.NodeExistsException fine) {
                    // another node made it meanwhile
                }
            }
            while (true) {
                Stat counter = new Stat();
                zk.getData().storingStatIn(counter).forPath(text);
                for (String name : sorted(zk.getChildren().forPath(text))) {
                    ClusterRace r = race(text + "/" + name);
                    if (r == null || !open(r) || over(r)) {
                        continue;
                    }
                    try {
                        zk.create().forPath(r.path + "/joined/" + local(node), new byte[0]);
                    } catch (KeeperException.NodeExistsException already) {
                        continue; // this node's earlier copy is in it
                    } catch (KeeperException.NoNodeException removed) {
                        continue; // removed meanwhile as history
                    }
                    return joined(r);
                }
                int live = liveNodes();
                ObjectNode json = Ledger.JSON.createObjectNode().put("text", transaction).put("difficulty", difficulty)
                        .put("opened_by", node).put("opened_at", Timestamps.format(Instant.now())).put("members", live);
                // The race is named by the counter's next version, so that opening it, joining it and making its
                // claims' folder is one write: one round trip, one fsync.
                int next = counter.getVersion() + 1;
                String path = text + String.format(java.util.Locale.ROOT, "/race-%010d", next);
                try {
                    zk.transaction().forOperations(
                            zk.transactionOp().setData().withVersion(counter.getVersion())
                                    .forPath(text, Integer.toString(next).getBytes(StandardCharsets.US_ASCII)),
                            zk.transactionOp().create().forPath(path, bytes(json)),
                            zk.transactionOp().create().forPath(path + "/joined", new byte[0]),
                            zk.transactionOp().create().forPath(path + "/joined/" + local(node), new byte[0]),
                            zk.transactionOp().create().forPath(path + "/claims", new byte[0]));
                } catch (KeeperException.BadVersionException raced) {
                    continue; // another process opened one from the same view: join it
                } catch (KeeperException.NodeExistsException stale) {
                    // a race of that name from an older layout: move the counter past it and try again
                    try {
                        zk.setData().withVersion(counter.getVersion()).forPath(text,
                                Integer.toString(next).getBytes(StandardCharsets.US_ASCII));
                    } catch (KeeperException.BadVersionException raced) {
                        // someone else moved it
                    }
                    continue;
                }
                ClusterRace r = race(path);
                if (r == null) {
                    continue;
                }
                return joined(r);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("cluster unavailable: interrupted");
        } catch (Exception e) {
            throw new IllegalStateException("cluster unavailable: " + e.getMessage());
        }
    }

    private Race joined(ClusterRace r) {
        if (races.size() > 4096) { // forget races that are decided and closed to joins; ZooKeeper still has them
            long now = System.currentTimeMillis() + clockOffsetMillis;
            races.values().removeIf(old -> old != r && old.decision.isDone()
                    && now - old.openedAtZkMillis > joinWindowMillis);
        }
        r.local = true;
        if (!r.watched) {
            r.watched = true;
            execute(() -> judge(r));
        }
        return r.race;
    }

    /** Open to joins: within the join window by ZooKeeper's clock, and not yet joined by every node it expects. */
    private boolean open(ClusterRace r) throws Exception {
        long age = System.currentTimeMillis() + clockOffsetMillis - r.openedAtZkMillis;
        if (age > joinWindowMillis) {
            return false;
        }
        Stat joined = zk.checkExists().forPath(r.path + "/joined");
        return joined == null || joined.getNumChildren() < r.members;
    }

    /**
     * True if the race was abandoned, or is abandoned now because every node that joined it has left the cluster
     * before anyone won (their processes died or were cut off past their sessions). Its text then opens a new race.
     * Abandoning writes the race's "decided" znode, so it can't also be won.
     */
    private boolean over(ClusterRace r) throws Exception {
        if (r.race.abandoned()) {
            return true;
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                return ABANDONED.equals(new String(zk.getData().forPath(r.path + "/decided"), StandardCharsets.UTF_8));
            } catch (KeeperException.NoNodeException undecided) {
                // look at who is in it
            }
            List<String> joined;
            try {
                joined = zk.getChildren().forPath(r.path + "/joined");
            } catch (KeeperException.NoNodeException none) {
                return false;
            }
            if (joined.isEmpty() || joined.stream().anyMatch(liveNames()::contains) || hasValidClaim(r)) {
                return false; // (a valid claim still wins it: the node joining makes its process judge it)
            }
            try {
                zk.create().forPath(r.path + "/decided", ABANDONED.getBytes(StandardCharsets.UTF_8));
                forgetLater(r);
                problem("race " + r.race.id() + " is abandoned with no winner: every node that joined it ("
                        + String.join(", ", joined).replace(':', '/') + ") has left the cluster; its text races anew");
                return true;
            } catch (KeeperException.NodeExistsException decidedMeanwhile) {
                // read what it is
            }
        }
        return false;
    }

    /** True if a claim of the race verifies: such a race is won, not abandoned, whoever is left. */
    private boolean hasValidClaim(ClusterRace r) throws Exception {
        List<String> claims;
        try {
            claims = zk.getChildren().forPath(r.path + "/claims");
        } catch (KeeperException.NoNodeException none) {
            return false;
        }
        for (String name : claims) {
            try {
                if (verify(r.race, JSON.readTree(zk.getData().forPath(r.path + "/claims/" + name))).isPresent()) {
                    return true;
                }
            } catch (KeeperException.NoNodeException | IOException gone) {
                // removed, or not JSON: not valid
            }
        }
        return false;
    }

    /** The live nodes' znode names ("label:NodeN"). */
    private Set<String> liveNames() throws Exception {
        Set<String> live = new HashSet<>();
        for (String l : zk.getChildren().forPath(MEMBERS)) {
            try {
                live.addAll(zk.getChildren().forPath(MEMBERS + "/" + l));
            } catch (KeeperException.NoNodeException gone) {
                // its process left
            }
        }
        return live;
    }

    /** The live nodes of the cluster, counted from the member list; at least this process's own. */
    private int liveNodes() throws Exception {
        int n = 0;
        for (String l : zk.getChildren().forPath(MEMBERS)) {
            Stat s = zk.checkExists().forPath(MEMBERS + "/" + l);
            n += s == null ? 0 : s.getNumChildren();
        }
        return Math.max(n, Math.max(1, members.size()));
    }

    /** The race at a path, read once and kept; null if it is gone. */
    private ClusterRace race(String path) throws Exception {
        ClusterRace known = races.get(path);
        if (known != null) {
            return known;
        }
        Stat stat = new Stat();
        byte[] data;
        try {
            data = zk.getData().storingStatIn(stat).forPath(path);
        } catch (KeeperException.NoNodeException gone) {
            return null;
        }
        JsonNode json = JSON.readTree(data);
        // The race's id is the zxid that created it: unique and increasing across the whole cluster.
        Race race = Race.judgedElsewhere(stat.getCzxid(), json.path("text").asText(), json.path("difficulty").asInt());
        return races.computeIfAbsent(path, p -> new ClusterRace(p, race, stat.getCtime(), json.path("members").asInt(1)));
    }

    @Override
    public void withdraw(Race race, String node) {
        for (ClusterRace r : races.values()) {
            if (r.race == race) {
                try {
                    zk.delete().forPath(r.path + "/joined/" + local(node));
                } catch (Exception e) {
                    problem("cluster: " + node + " could not leave race " + race.id() + ": " + e.getMessage());
                }
            }
        }
    }

    @Override
    public int openRaces() {
        long now = System.currentTimeMillis() + clockOffsetMillis;
        return (int) races.values().stream()
                .filter(r -> !r.race.decided() && now - r.openedAtZkMillis <= joinWindowMillis).count();
    }

    // ---- mining ----

    /**
     * Runs one node's attempt on the calling (mining) thread. Its times cover the search alone. A nonce found is
     * handed to the cluster thread as a claim, and the attempt waits for the cluster's decision to know whether
     * it won (FOUND) or came second (STOPPED).
     */
    @Override
    public Attempt run(Race race, String node, BooleanSupplier stop, HashMeter meter) {
        return run(race, node, stop, meter, dev.powrace.pow.Search.MAX_POWER);
    }

    /** As {@link #run(Race, String, BooleanSupplier, HashMeter)}, throttled to {@code power} percent. */
    @Override
    public Attempt run(Race race, String node, BooleanSupplier stop, HashMeter meter, int power) {
        dev.powrace.pow.Search.checkPower(power);
        if (race.decided()) {
            Instant now = Instant.now();
            return end(new Attempt(race, node, Outcome.LATE, now, now, 0, 0, -1, null));
        }
        Attempt attempt = Mining.search(race, node, engines, stop, meter, power,
                event -> publish(l -> l.started(event.get()), race));
        if (attempt.outcome() == Outcome.STOPPED) {
            return end(attempt);
        }
        Claim claim = new Claim(byRace(race), attempt);
        try {
            cluster.execute(() -> claim(claim));
        } catch (RejectedExecutionException shuttingDown) {
            claim.written.completeExceptionally(shuttingDown);
        }
        try {
            claim.written.get(DECISION_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            claim.race.decision.get(DECISION_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            if (!claim.written.isDone()) {
                claim.written.completeExceptionally(e); // the cluster thread won't write it now
            }
            problem("race " + race.id() + ": " + node + "'s nonce " + attempt.nonce() + " was not judged by the cluster: "
                    + (e.getCause() != null ? e.getCause().getMessage() : "no decision within "
                    + DECISION_WAIT.toSeconds() + " s"));
        }
        if (!claim.ended.compareAndSet(false, true)) {
            // The race's winner is this very attempt: the cluster thread told its end already, so that the end
            // comes before the win, as in local mode.
            return attempt;
        }
        return end(Mining.stopped(attempt));
    }

    /** A local attempt that found a nonce, on its way to the cluster. */
    private static final class Claim {
        final ClusterRace race;
        final Attempt attempt;
        /** Completed with the claim's znode name once it is in ZooKeeper. */
        final CompletableFuture<String> written = new CompletableFuture<>();
        /** Whoever sets it tells the attempt's end: the cluster thread if it won, else its miner. */
        final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();

        Claim(ClusterRace race, Attempt attempt) {
            this.race = race;
            this.attempt = attempt;
        }
    }

    private ClusterRace byRace(Race race) {
        for (ClusterRace r : races.values()) {
            if (r.race == race) {
                return r;
            }
        }
        throw new IllegalStateException("race " + race.id() + " is not a cluster race");
    }

    /**
     * On the cluster thread: writes the attempt's claim, then judges the race. A claim that can't be written for
     * want of a connection waits for the connection to come back (see {@link #resume}).
     */
    private void claim(Claim claim) {
        if (claim.written.isDone()) {
            return; // its miner stopped waiting
        }
        ClusterRace r = claim.race;
        Attempt a = claim.attempt;
        ObjectNode json = Ledger.JSON.createObjectNode()
                .put("node", a.node()).put("nonce", a.nonce()).put("hash", a.hash())
                .put("start_time", Timestamps.format(a.start())).put("end_time", Timestamps.format(a.end()))
                .put("time_taken", Entry.seconds(a.elapsedNanos())).put("hashes", a.hashes());
        try {
            if (!connected) {
                throw new KeeperException.ConnectionLossException();
            }
            String path = zk.create().withMode(CreateMode.PERSISTENT_SEQUENTIAL) // no parents: a removed race stays so
                    .forPath(r.path + "/claims/claim-", bytes(json));
            pending.put(path, claim);
            claim.written.complete(path.substring(path.lastIndexOf('/') + 1));
            judge(r);
        } catch (KeeperException.ConnectionLossException | KeeperException.SessionExpiredException
                | KeeperException.SessionMovedException cutOff) {
            if (!closed && unsent.add(claim)) {
                problem("race " + r.race.id() + ": " + a.node() + " found nonce " + a.nonce() + " while cut off from "
                        + "the cluster; it is claimed when the connection is back, if the race is still undecided");
            }
        } catch (Exception e) {
            claim.written.completeExceptionally(e);
        }
    }

    /** Local claims whose znodes are written, by path, until their race is decided. */
    private final Map<String, Claim> pending = new ConcurrentHashMap<>();
    /** Local claims found while cut off from the cluster, written when it is back. */
    private final Set<Claim> unsent = ConcurrentHashMap.newKeySet();

    /** On the cluster thread, once connected again: writes the claims found meanwhile, where still undecided. */
    private void sendUnsent() throws Exception {
        for (Claim c : List.copyOf(unsent)) {
            unsent.remove(c);
            if (zk.checkExists().forPath(c.race.path + "/decided") == null) {
                claim(c);
            } else {
                judge(c.race); // decided meanwhile: the claim stays unsent, and the decision stops its miner
            }
        }
    }

    /**
     * On the cluster thread: looks at a race's decision and claims (watching both), decides it if it is not
     * decided yet and a claim verifies, and once decided tells this process's nodes and ledger.
     */
    private void judge(ClusterRace r) {
        if (closed || r.decision.isDone()) {
            return;
        }
        try {
            if (r.watcher == null) { // one watcher per race: ZooKeeper keeps one registration per path for it
                r.watcher = rearm(() -> judge(r));
            }
            String winner = decided(r);
            if (winner == null) {
                List<String> claims;
                try {
                    claims = sorted(zk.getChildren().usingWatcher(r.watcher).forPath(r.path + "/claims"));
                } catch (KeeperException.NoNodeException none) {
                    // The claims' folder is made with the race: the race was removed as history, decided while
                    // this process was cut off. Its winner, if any, is in the cluster ledger.
                    if (zk.checkExists().usingWatcher(r.watcher).forPath(r.path) == null) { // (being removed: back soon)
                        r.race.abandon(); // this process's nodes in it stop within a batch
                        r.decision.complete(ABANDONED);
                        problem("race " + r.race.id() + " was decided while this process was cut off, and is "
                                + "history now; its nodes here stop (the ledger has its winner, if any)");
                    }
                    return;
                }
                for (String name : claims) {
                    JsonNode c = claim(r, name);
                    Optional<Entry> entry = verify(r.race, c);
                    if (entry.isEmpty()) {
                        if (r.reported.add(name)) {
                            problem("race " + r.race.id() + ": " + name + " by " + c.path("node").asText("?")
                                    + " does not verify (nonce " + c.path("nonce").asText("?") + "); it never wins");
                        }
                        continue;
                    }
                    try {
                        zk.transaction().forOperations(
                                zk.transactionOp().create().forPath(r.path + "/decided",
                                        name.getBytes(StandardCharsets.UTF_8)),
                                zk.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                                        .forPath(LEDGER + "/entry-", Ledger.JSON.writeValueAsBytes(entry.get())));
                        winner = name; // decided by this process
                        forgetLater(r);
                    } catch (KeeperException.NodeExistsException another) {
                        winner = decided(r); // another process decided it first
                    }
                    break;
                }
            }
            if (winner == null) {
                return; // the watches set above bring us back
            }
            if (winner.equals(ABANDONED)) {
                r.race.abandon(); // this process's nodes in it stop within a batch
                r.decision.complete(winner);
                pending.keySet().removeIf(k -> k.startsWith(r.path + "/"));
                r.claims.clear();
                if (r.local) {
                    problem("race " + r.race.id() + " was abandoned: every node that joined it had left the cluster; "
                            + "its nodes here stop");
                }
                return;
            }
            JsonNode c = claim(r, winner);
            // This process's attempt, if the winning claim is one of its own (matched by node and nonce, so that a
            // claim written twice across a lost connection still finds its attempt)
            Claim mine = null;
            List<Claim> candidates = new ArrayList<>(unsent); // one that reached ZooKeeper though its write seemed lost
            pending.forEach((path, claim) -> {
                if (path.startsWith(r.path + "/")) {
                    candidates.add(claim);
                }
            });
            for (Claim candidate : candidates) {
                Attempt a = candidate.attempt;
                if (candidate.race == r && a.node().equals(c.path("node").asText())
                        && a.nonce() == c.path("nonce").asLong() && candidate.ended.compareAndSet(false, true)) {
                    mine = candidate;
                    unsent.remove(candidate);
                    candidate.written.complete(winner);
                    break;
                }
            }
            r.race.decide(mine != null ? mine.attempt : remote(r.race, c)); // the losers here stop within a batch
            if (mine != null) {
                end(mine.attempt); // before the win is told; its miner returns it without telling it again
            }
            r.decision.complete(winner);
            pending.keySet().removeIf(k -> k.startsWith(r.path + "/"));
            r.claims.clear();
            mirror();
            if (r.local) {
                Entry e = verify(r.race, c).orElse(null);
                if (e != null && mirroredHas(e)) {
                    publish(l -> l.won(r.race, e), r.race);
                }
            }
        } catch (Exception e) {
            if (!closed) {
                problem("cluster: race " + r.race.id() + " could not be judged: " + e.getMessage());
            }
        }
    }

    /** The winning claim's name if the race is decided, else null with a watch set for its decision. */
    private String decided(ClusterRace r) throws Exception {
        while (true) {
            try {
                return new String(zk.getData().usingWatcher(r.watcher).forPath(r.path + "/decided"),
                        StandardCharsets.UTF_8);
            } catch (KeeperException.NoNodeException notYet) {
                if (zk.checkExists().usingWatcher(r.watcher).forPath(r.path + "/decided") == null) {
                    return null;
                }
                // it was decided between the two reads: read it
            }
        }
    }

    /** A claim's JSON, read once: a claim is never changed. */
    private JsonNode claim(ClusterRace r, String name) throws Exception {
        JsonNode known = r.claims.get(name);
        if (known == null) {
            known = JSON.readTree(zk.getData().forPath(r.path + "/claims/" + name));
            r.claims.put(name, known);
        }
        return known;
    }

    /** The winner as a remote attempt. */
    private static Attempt remote(Race race, JsonNode c) {
        Instant start = Timestamps.parse(c.path("start_time").asText()).orElse(Instant.EPOCH);
        Instant end = Timestamps.parse(c.path("end_time").asText()).orElse(start);
        long nanos = c.path("time_taken").decimalValue().movePointRight(9).longValue();
        return new Attempt(race, c.path("node").asText(), Outcome.FOUND, start, end, nanos, c.path("hashes").asLong(),
                c.path("nonce").asLong(), c.path("hash").asText());
    }

    /** The ledger entry a claim makes, if its nonce solves the race's text at the race's difficulty. */
    static Optional<Entry> verify(Race race, JsonNode c) {
        if (!c.path("nonce").canConvertToLong() || !c.path("node").isTextual() || !c.path("hash").isTextual()
                || !c.path("time_taken").isNumber() || Timestamps.parse(c.path("start_time").asText()).isEmpty()
                || Timestamps.parse(c.path("end_time").asText()).isEmpty()) {
            return Optional.empty();
        }
        long nonce = c.path("nonce").asLong();
        String hash = c.path("hash").asText();
        if (!Puzzle.isSolution(race.transaction(), nonce, race.difficulty())
                || !hash.equals(Puzzle.hash(race.transaction(), nonce))) {
            return Optional.empty();
        }
        return Optional.of(new Entry(c.path("node").asText(), race.transaction(), nonce, hash, race.difficulty(),
                c.path("time_taken").decimalValue(), c.path("start_time").asText(), c.path("end_time").asText(),
                c.path("hashes").asLong()));
    }

    // ---- the ledger copy ----

    private final Set<String> recentEntries = ConcurrentHashMap.newKeySet();

    private boolean mirroredHas(Entry e) {
        return recentEntries.contains(key(e));
    }

    private static String key(Entry e) {
        return e.node() + "\n" + e.nonce() + "\n" + e.transaction();
    }

    /** This process's hold on its ledger file as the cluster's copy: one process per file. */
    private volatile java.nio.channels.FileLock owner;

    /**
     * Takes the ledger file as this process's copy of the cluster's ledger: two processes copying into one file
     * would append every entry twice. The lock is on a file beside it, "&lt;ledger&gt;.lock", held until close.
     */
    private static java.nio.channels.FileLock own(Ledger ledger) throws ClusterException {
        java.nio.file.Path lock = ledger.path().resolveSibling(ledger.path().getFileName() + ".lock");
        java.nio.channels.FileChannel channel = null;
        try {
            channel = java.nio.channels.FileChannel.open(lock, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE);
            java.nio.channels.FileLock held = channel.tryLock();
            if (held != null) {
                return held;
            }
        } catch (java.nio.channels.OverlappingFileLockException inThisJvm) {
            // held by another referee of this JVM
        } catch (IOException e) {
            throw new ClusterException("can't lock " + lock + " to keep " + ledger.path() + " as this process's copy "
                    + "of the cluster's ledger: " + e.getMessage());
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // it was only opened
        }
        throw new ClusterException(ledger.path() + " is already the cluster ledger's copy of another powrace "
                + "process; give each process its own --ledger");
    }

    /** At start: the ledger file must be a copy of a prefix of the cluster's ledger. */
    private void catchUp() throws Exception {
        // The file must be the cluster's entries that verify, in the cluster's order, up to some point: compared
        // entry by entry, and copying resumes after the last one it holds.
        List<Entry> file = Ledger.readAll(ledger.path());
        List<String> names = sorted(zk.getChildren().forPath(LEDGER));
        int matched = 0;
        int next = 0;
        for (int i = 0; i < names.size() && matched < file.size(); i++) {
            Entry e = copyable(names.get(i), zk.getData().forPath(LEDGER + "/" + names.get(i)), false);
            if (e == null) {
                continue;
            }
            if (!e.equals(file.get(matched))) {
                throw new ClusterException(ledger.path() + " is not a copy of this cluster's ledger: its entry "
                        + (matched + 1) + " differs from the cluster's (" + names.get(i) + "); give another --ledger");
            }
            matched++;
            next = i + 1;
        }
        if (matched < file.size()) {
            throw new ClusterException(ledger.path() + " has " + file.size() + " entries, of which the cluster's ledger "
                    + "has " + matched + ": it is not a copy of this cluster's ledger; give another --ledger");
        }
        mirrored = next;
    }

    /** A cluster ledger entry that may be copied, or null (reported if asked): it must parse and verify. */
    private Entry copyable(String name, byte[] data, boolean report) {
        Entry e;
        try {
            e = Ledger.JSON.readValue(data, Entry.class);
        } catch (IOException | RuntimeException malformed) {
            if (report) {
                problem("cluster: ledger " + name + " is not a ledger entry; not copied");
            }
            return null;
        }
        if (e.transaction() == null || e.hash() == null || !Puzzle.isSolution(e.transaction(), e.nonce(), e.difficulty())
                || !e.hash().equals(Puzzle.hash(e.transaction(), e.nonce()))) {
            if (report) {
                problem("cluster: ledger " + name + " by " + e.node() + " does not verify; not copied");
            }
            return null;
        }
        return e;
    }

    private final CuratorWatcher ledgerWatcher = rearm(this::mirrorAndWatch);
    private final CuratorWatcher submissionsWatcher = rearm(this::watchSubmissions);

    private void mirrorAndWatch() throws Exception {
        zk.getChildren().usingWatcher(ledgerWatcher).forPath(LEDGER);
        mirror();
    }

    /**
     * On the cluster thread: appends the cluster ledger's entries that the file lacks, in the cluster's order,
     * each verified first (fsynced by the ledger).
     */
    private void mirror() throws Exception {
        List<String> entries = sorted(zk.getChildren().forPath(LEDGER));
        for (int i = mirrored; i < entries.size(); i++) {
            Entry e = copyable(entries.get(i), zk.getData().forPath(LEDGER + "/" + entries.get(i)), true);
            mirrored = i + 1;
            if (e == null) {
                continue;
            }
            try {
                ledger.append(e).ifPresent(note -> problem(ledger.path() + ": " + note));
                recentEntries.add(key(e));
                if (recentEntries.size() > 4096) {
                    recentEntries.clear();
                    recentEntries.add(key(e));
                }
            } catch (LedgerException ex) {
                mirrored = i; // try again at the next change
                problem("cluster: " + entries.get(i) + " is not copied: " + ex.getMessage());
                return;
            }
        }
    }

    // ---- plumbing ----

    /** A one-shot watcher that runs the action again on the cluster thread (which sets the next watch). */
    private CuratorWatcher rearm(ThrowingRunnable action) {
        return (WatchedEvent event) -> {
            if (event.getType() != Watcher.Event.EventType.None) {
                execute(action);
            }
        };
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private void execute(ThrowingRunnable action) {
        if (closed) {
            return;
        }
        try {
            cluster.execute(() -> {
                try {
                    action.run();
                } catch (Exception e) {
                    if (!closed) {
                        problem("cluster: " + e.getMessage());
                    }
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            // closing
        }
    }

    /** Sequential children in ZooKeeper's order: by the 10-digit sequence number at the end of the name. */
    static List<String> sorted(List<String> children) {
        List<String> list = new ArrayList<>(children);
        list.sort(Comparator.comparingLong(ClusterReferee::sequence));
        return list;
    }

    static long sequence(String name) {
        if (name.length() < 10) {
            return Long.MAX_VALUE;
        }
        try {
            return Long.parseLong(name.substring(name.length() - 10));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** A node's name as one znode name: "a/Node1" is "a:Node1". */
    private static String local(String node) {
        return node.replace('/', ':');
    }

    private static byte[] bytes(JsonNode json) {
        try {
            return Ledger.JSON.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Attempt end(Attempt attempt) {
        attempt.race().attemptEnded(attempt);
        publish(l -> l.ended(attempt), attempt.race());
        return attempt;
    }

    private void publish(Consumer<RaceListener> event, Race race) {
        announcer.publish(event, race.transaction().length());
    }

    @Override
    public void problem(String message) {
        announcer.publish(l -> l.problem(message), message.length());
    }

    @Override
    public void note(String message) {
        announcer.publish(l -> l.note(message), message.length());
    }

    @Override
    public boolean sync(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            cluster.submit(() -> { }).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            return false;
        }
        return announcer.sync(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** After the nodes have stopped: finishes the cluster thread's work, tells what is queued, leaves the cluster. */
    @Override
    public void close() {
        feeders.values().forEach(ExecutorService::shutdownNow);
        timer.shutdownNow();
        rates.shutdownNow();
        cluster.shutdown();
        try {
            if (!cluster.awaitTermination(10, TimeUnit.SECONDS)) {
                cluster.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        announcer.close(2, TimeUnit.SECONDS);
        zk.close(); // the session ends: this process's label and members vanish at once
        if (owner != null) {
            try {
                owner.channel().close(); // releases the lock
            } catch (IOException ignored) {
                // the process is ending
            }
        }
    }

    /** For tests and commands: the client. */
    CuratorFramework client() {
        return zk;
    }
}
