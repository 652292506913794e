package dev.powrace.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.ledger.LedgerException;
import dev.powrace.race.Peers;
import dev.powrace.race.Race;
import dev.powrace.race.RaceListener;
import dev.powrace.race.Referee.Member;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;

/**
 * The cluster as the app sees it ({@link Peers}): each local node's hash rate and wins published in its member
 * znode twice a second, and every member znode read back (with watches) into a view. Never on the cluster thread
 * or a mining thread. A member znode that does not hold up shows as "?" and its name is escaped where shown.
 */
final class PeerRates {
    private final Session s;
    private final Ledger ledger;
    private final String engine;
    private final Supplier<List<Member>> members;

    PeerRates(Session s, Ledger ledger, String engine, Supplier<List<Member>> members) {
        this.s = s;
        this.ledger = ledger;
        this.engine = engine;
        this.members = members;
    }

    /** How often each node's hash rate and wins are published in its member znode, and the peers re-read. */
    static final Duration RATE_PERIOD = Duration.ofMillis(500);
    /** Publishes the rates and keeps {@link #view}: never on the cluster thread or a mining thread. */
    private final java.util.concurrent.ScheduledExecutorService rates =
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "powrace-rates");
                t.setDaemon(true);
                return t;
            });
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

    void start() {
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
            for (Member m : members.get()) {
                long hashes = m.hashes().getAsLong();
                long[] last = lastCount.get(m.name());
                if (last != null && now - last[1] < RATE_PERIOD.toNanos() / 2) {
                    continue; // too short a time for a rate (the counters move in batches)
                }
                lastCount.put(m.name(), new long[] {hashes, now});
                double rate = last == null ? 0 : Math.max(0, hashes - last[0]) * 1e9 / (now - last[1]);
                byte[] json = Ledger.json().writeValueAsBytes(((ObjectNode) Schema.JSON.readTree(memberJson(m)))
                        .put("hash_rate", (double) Math.round(rate))
                        .put("wins", wins.computeIfAbsent(m.name(), k -> new java.util.concurrent.atomic.AtomicLong()).get())
                        .put("clock_offset_ms", offset()).put("clock_uncertainty_ms", uncertainty()));
                if (s.connected && !java.util.Arrays.equals(json, published.get(m.name()))) {
                    try {
                        long before = System.currentTimeMillis();
                        Stat stat = s.zk.setData().forPath(Schema.MEMBERS + "/" + s.label + "/" + Schema.marker(m.name()), json);
                        long after = System.currentTimeMillis();
                        published.put(m.name(), json);
                        sampleClock(stat.getMtime(), before, after);
                    } catch (KeeperException.NoNodeException gone) {
                        published.remove(m.name()); // made again after a new session; written at the next tick
                    }
                }
            }
            // Watches do not outlive an expired session: read all again after any reconnection, and every 10 s.
            if (s.connected && (!wasConnected || ++ticks % 20 == 0)) {
                peersChanged.set(true);
            }
            wasConnected = s.connected;
            if (s.connected && peersChanged.getAndSet(false)) {
                readPeers();
            }
            Peers.View next = new Peers.View(peerList, s.connect, liveLabels, s.connected, offset(), uncertainty());
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
        return shownUncertainty == Long.MAX_VALUE ? s.clockOffsetMillis : shownOffset;
    }

    private long uncertainty() {
        return shownUncertainty == Long.MAX_VALUE ? s.clockUncertaintyMillis : shownUncertainty;
    }

    /** The wins already in the ledger file (a copy of the cluster's), then every win as it is told. */
    private void countWins() throws LedgerException {
        Set<String> mine = new HashSet<>();
        for (Member m : members.get()) {
            mine.add(m.name());
            wins.putIfAbsent(m.name(), new java.util.concurrent.atomic.AtomicLong());
        }
        for (Entry e : Ledger.readAll(ledger.path())) {
            if (mine.contains(e.node())) {
                wins.get(e.node()).incrementAndGet();
            }
        }
        s.events.add(new RaceListener() {
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
        liveLabels = s.zk.getChildren().usingWatcher(peersWatcher).forPath(Schema.LABELS).size();
        for (String l : s.zk.getChildren().usingWatcher(peersWatcher).forPath(Schema.MEMBERS)) {
            List<String> nodes;
            try {
                nodes = s.zk.getChildren().usingWatcher(peersWatcher).forPath(Schema.MEMBERS + "/" + l);
            } catch (KeeperException.NoNodeException | KeeperException.NoAuthException goneOrStray) {
                continue;
            }
            for (String n : nodes) {
                java.util.regex.Matcher form = Schema.MARKER.matcher(n);
                if (!form.matches() || !form.group(1).equals(l)) {
                    s.reportOnce(Schema.MEMBERS + "/" + l + "/" + n, "cluster: member " + Schema.name(l + "/" + n)
                            + " is not named label/label:NodeN; not shown");
                    continue;
                }
                byte[] data;
                try {
                    data = s.zk.getData().usingWatcher(peersWatcher).forPath(Schema.MEMBERS + "/" + l + "/" + n);
                } catch (KeeperException.NoNodeException gone) {
                    continue;
                } catch (KeeperException.NoAuthException unreadable) {
                    data = new byte[0]; // shown as "?"
                }
                String name = n.replace(':', '/');
                boolean local = l.equals(s.label);
                if (local && published.containsKey(name) && !java.util.Arrays.equals(data, published.get(name))) {
                    published.remove(name); // written over (made again after a new session): write it again
                }
                JsonNode json = Schema.object(data, Schema.MAX_MEMBER_BYTES);
                if (json == null) {
                    list.add(new Peers.Peer(name, l, "?", -1, "?", Double.NaN, 0, local, 0, 0));
                    continue;
                }
                JsonNode rate = json.path("hash_rate");
                list.add(new Peers.Peer(name, l, plain(json.path("host")), json.path("port").asInt(-1),
                        plain(json.path("engine")), rate.isNumber() ? rate.doubleValue() : Double.NaN,
                        json.path("wins").asLong(0), local, json.path("clock_offset_ms").asLong(0),
                        json.path("clock_uncertainty_ms").asLong(0)));
            }
        }
        list.sort(Comparator.comparing(Peers.Peer::label).thenComparingLong(p -> nodeNumber(p.name()))
                .thenComparing(Peers.Peer::name));
        peerList = List.copyOf(list);
    }

    /** A member znode's data before its first rates: where its node listens, and its engine. */
    byte[] memberJson(Member m) {
        try {
            return Ledger.json().writeValueAsBytes(Ledger.json().createObjectNode().put("host", m.host())
                    .put("port", m.port()).put("engine", engine));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The view, or an empty one before the first tick. */
    Peers.View view() {
        Peers.View v = view;
        return v != null ? v : new Peers.View(List.of(), s.connect, 0, s.connected, s.clockOffsetMillis,
                s.clockUncertaintyMillis);
    }

    void close() {
        rates.shutdownNow();
    }

    /** A host or engine name as published, if it is plain (letters, digits, '.', ':', '-', '_'); else "?". */
    private static String plain(JsonNode value) {
        String text = value.asText("?");
        return value.isTextual() && text.matches("[A-Za-z0-9.:_\\[\\]-]{1,64}") ? text : "?";
    }

    private static long nodeNumber(String name) {
        int i = name.length();
        while (i > 0 && Character.isDigit(name.charAt(i - 1))) {
            i--;
        }
        return i == name.length() || name.length() - i > 18 ? Long.MAX_VALUE : Long.parseLong(name.substring(i));
    }

}
