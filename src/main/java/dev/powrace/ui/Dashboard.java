package dev.powrace.ui;

import dev.powrace.ledger.Entry;
import dev.powrace.node.Address;
import dev.powrace.node.Client;
import dev.powrace.node.Network;
import dev.powrace.node.Node;
import dev.powrace.node.RaceSeries;
import dev.powrace.node.Settings;
import dev.powrace.race.Attempt;
import dev.powrace.race.Peers;
import dev.powrace.race.Race;
import dev.powrace.race.RaceListener;
import dev.powrace.stats.RaceLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The window's view model. Race events come from the referee's and the series' threads into a queue, which
 * {@link #sample} (the window's timer, 10 to 30 times a second, on the UI thread) takes in one go: however fast
 * races finish, nothing crosses to the UI thread per event, the timeline is built at most once a sample and new
 * winners join {@link #entries} in one change. Hash counters are read by the same sample. Typed transactions go to
 * the nodes through the same sockets nc uses, on {@code io}; their rare errors cross through {@code fx}. Needs no
 * running toolkit.
 */
public final class Dashboard implements RaceListener {
    private static final int REMEMBERED_RACES = 2000;
    /** The most events one sample takes (a race is about eight): it stays short however many are waiting. */
    private static final int MOST_PER_DRAIN = 10_000;

    private final Network network;
    private final Path ledgerPath;
    private final Executor fx;
    private final Executor io;
    private final List<NodeModel> nodes;
    private final Map<String, NodeModel> byName = new LinkedHashMap<>();
    private final ObservableList<Entry> entries = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<RaceView> timeline = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyBooleanWrapper warming = new ReadOnlyBooleanWrapper();
    private boolean warmUpCaughtUp; // FX thread
    private final BooleanProperty followLatest = new SimpleBooleanProperty(true);
    private final IntegerProperty difficulty;
    private final ReadOnlyStringWrapper lastError = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    /** Races seen in this session, for the timeline, the latest {@value #REMEMBERED_RACES}: race id -> what is known. */
    private final Map<Long, Seen> races = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Seen> eldest) {
            return size() > REMEMBERED_RACES;
        }
    };
    private final Map<Entry, Long> raceOfEntry = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Entry, Long> eldest) {
            return size() > REMEMBERED_RACES;
        }
    };
    /** Race events and the series' news, waiting for the next {@link #sample}; from any thread. */
    private final Queue<Runnable> arrived = new ConcurrentLinkedQueue<>();
    /** Winners taken from {@link #arrived}, added to {@link #entries} together at the end of the drain. */
    private final List<Entry> newWinners = new ArrayList<>();
    /** The timeline is to be built again, at the end of the drain: FX thread only. */
    private boolean timelineDue;
    private boolean timelineDueLive;
    /** The cluster this window's referee stands in, if any, and its nodes as rows. */
    private final Peers peers;
    private final ClusterModel cluster;
    private final StatsModel stats;
    /**
     * Turns the referee's events into race results for {@link #stats}; told on the referee's thread. It keeps
     * none: the results go to {@link #stats}, which keeps what the statistics read.
     */
    private final RaceLog raceLog = new RaceLog(0);
    private final ReadOnlyBooleanWrapper seriesRunning = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper seriesProgress = new ReadOnlyStringWrapper("");
    private RaceSeries series; // FX thread only
    private long lastRace = -1;
    private long shownRace = -1;

    /** A race of this session as the timeline knows it: each node's latest attempt, and a remote winner's bar. */
    private static final class Seen {
        final Race race;
        final Map<String, Attempt> attempts = new LinkedHashMap<>();
        RaceView.Bar remoteWinner;

        Seen(Race race) {
            this.race = race;
        }
    }
    /** The rate bars' scale. */
    private final RateScale scale = new RateScale();

    public Dashboard(Network network, Path ledgerPath, Executor fx, Executor io) {
        this.network = network;
        this.ledgerPath = ledgerPath;
        this.fx = fx;
        this.io = io;
        List<NodeModel> models = new ArrayList<>();
        for (Node n : network.nodes()) {
            NodeModel m = new NodeModel(n.name(), n.port(), n::hashes, n::attemptHashes, n.power(), n::setPower);
            models.add(m);
            byName.put(n.name(), m);
        }
        this.nodes = List.copyOf(models);
        this.peers = network.referee().peers().orElse(null);
        this.cluster = peers == null ? null : new ClusterModel(byName);
        this.stats = new StatsModel(io);
        raceLog.onResult(stats::add);
        this.difficulty = new SimpleIntegerProperty(network.referee().difficulty());
        stats.chooseDifficulty(difficulty.get());
        difficulty.addListener((obs, old, d) -> {
            network.referee().setDifficulty(d.intValue());
            stats.chooseDifficulty(d.intValue());
        });
        entries.addListener((javafx.collections.ListChangeListener<Entry>) c -> updateStatus());
        lastError.addListener((obs, old, e) -> updateStatus());
        updateStatus();
    }

    // ---- Properties ----

    public List<NodeModel> nodes() {
        return nodes;
    }

    /** Every ledger entry: those in the file at start, then each new winner. */
    public ObservableList<Entry> entries() {
        return entries;
    }

    /** The race the timeline shows. */
    public ReadOnlyObjectProperty<RaceView> timelineProperty() {
        return timeline.getReadOnlyProperty();
    }

    /** True while a node holds a race until the warm-up is over. */
    public ReadOnlyBooleanProperty warmingProperty() {
        return warming.getReadOnlyProperty();
    }

    /** While true the timeline shows the latest race; picking an entry turns it off. */
    public BooleanProperty followLatestProperty() {
        return followLatest;
    }

    /** The difficulty of the next race. */
    public IntegerProperty difficultyProperty() {
        return difficulty;
    }

    public ReadOnlyStringProperty lastErrorProperty() {
        return lastError.getReadOnlyProperty();
    }

    /** Ports, entry count and the latest error, in one line. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** In a cluster: every live node of it, local and remote, grouped by label. Empty in local mode. */
    public Optional<ClusterModel> cluster() {
        return Optional.ofNullable(cluster);
    }

    /** The statistics of the races finished in this window's session. */
    public StatsModel stats() {
        return stats;
    }

    /** Whether a node's hash power is known here: one of this window's own nodes. */
    public boolean isLocal(String node) {
        return byName.containsKey(node);
    }

    /** True while a "Race ×N" series runs. */
    public ReadOnlyBooleanProperty seriesRunningProperty() {
        return seriesRunning.getReadOnlyProperty();
    }

    /** "race 37 of 200" while a series runs; how the last one ended once it is over; empty before the first. */
    public ReadOnlyStringProperty seriesProgressProperty() {
        return seriesProgress.getReadOnlyProperty();
    }

    /** Where the nodes listen, each as address:port: "127.0.0.1:5000, 127.0.0.1:5001, 127.0.0.1:5002". */
    public String portsText() {
        return network.ports().stream().map(p -> Address.of(network.settings().bind(), p))
                .collect(Collectors.joining(", "));
    }

    public Path ledgerPath() {
        return ledgerPath;
    }

    public String engineName() {
        return network.referee().engineName();
    }

    // ---- Commands ----

    /** Why {@code text} can't be submitted, or empty if it can. */
    public Optional<String> problemWith(String text) {
        if (text == null || text.isBlank()) {
            return Optional.of("Type a transaction first.");
        }
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            return Optional.of("A transaction is one line.");
        }
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > Settings.MAX_LINE_BYTES) {
            return Optional.of("Too long: " + bytes + " bytes; a transaction is at most " + Settings.MAX_LINE_BYTES
                    + " bytes of UTF-8.");
        }
        return Optional.empty();
    }

    /**
     * Sends a transaction to every node through their sockets, as nc does. Returns false (and sends nothing)
     * if {@link #problemWith} objects.
     */
    public boolean submit(String text) {
        if (problemWith(text).isPresent()) {
            return false;
        }
        followLatest.set(true);
        if (peers != null) { // through the cluster, to every live node of it, as `send --cluster` does
            io.execute(() -> {
                try {
                    peers.submitToAll(text);
                } catch (java.io.IOException e) {
                    fx.execute(() -> lastError.set(e.getMessage()));
                }
            });
            return true;
        }
        String host = Client.hostFor(network.settings().bind());
        List<Integer> ports = network.ports();
        io.execute(() -> {
            List<String> replies = Client.sendToAll(host, ports, text);
            List<String> errors = new ArrayList<>();
            for (int i = 0; i < replies.size(); i++) {
                if (!replies.get(i).startsWith("OK ")) {
                    errors.add(nodes.get(i).name() + ": " + replies.get(i));
                }
            }
            if (!errors.isEmpty()) {
                fx.execute(() -> lastError.set(String.join("; ", errors)));
            }
        });
        return true;
    }

    /** The transactions' prefix of a series: the typed text, or "Race" when there is none. */
    static String seriesPrefix(String typed) {
        return typed == null || typed.isBlank() ? "Race" : typed.strip();
    }

    /** Why a series of {@code races} races with the typed text as its prefix can't start, or empty if it can. */
    public Optional<String> seriesProblem(String typed, int races) {
        if (races < 1 || races > MAX_SERIES) {
            return Optional.of("Race ×N takes 1 to " + MAX_SERIES + " races.");
        }
        return problemWith(seriesPrefix(typed) + " #" + races);
    }

    /** The most races one "Race ×N" runs. */
    public static final int MAX_SERIES = 10_000;

    /**
     * Starts {@code races} races back to back on "prefix #1", "#2", ... (the prefix: the typed text, or "Race"), at
     * the chosen difficulty, on every node shown: in a cluster through the cluster, as {@link #submit} does. Returns
     * false (and starts nothing) if a series runs already or {@link #seriesProblem} objects. On the FX thread.
     */
    public boolean raceSeries(String typed, int races) {
        if (series != null || seriesProblem(typed, races).isPresent()) {
            return false;
        }
        followLatest.set(true);
        String prefix = seriesPrefix(typed);
        RaceSeries[] self = new RaceSeries[1];
        RaceSeries.Listener listener = new RaceSeries.Listener() {
            @Override
            public void raceDone(int done, int total) {
                arrived.add(() -> {
                    if (series == self[0] && series != null && done < total) {
                        seriesProgress.set(progress(done + 1, total));
                    }
                });
            }

            @Override
            public void finished(int done, boolean stopped) {
                fx.execute(() -> { // once a series, and told even once the window's timer has stopped
                    drainAll(); // the last races' ends and wins are shown before the series says it is done
                    if (series == self[0] && series != null) {
                        series = null;
                        seriesRunning.set(false);
                        seriesProgress.set(stopped ? "stopped after " + done + " of " + races + " races"
                                : done + (done == 1 ? " race" : " races") + " done");
                    }
                });
            }
        };
        seriesProgress.set(progress(1, races));
        seriesRunning.set(true);
        // The listener's news is taken by a sample, after this method has returned, so self[0] is set by then.
        self[0] = peers == null ? RaceSeries.start(network, prefix, races, difficulty.get(), listener)
                : RaceSeries.start(network.referee(), tx -> {
                    try {
                        peers.submitToAll(tx);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, prefix, races, difficulty.get(), listener, () -> !network.closed());
        series = self[0];
        return true;
    }

    static String progress(int race, int total) {
        return "race " + race + " of " + total;
    }

    /** Stops the series that runs, if any: no race is submitted after this; the one under way finishes. */
    public void stopSeries() {
        RaceSeries s = series;
        if (s != null) {
            s.stop();
        }
    }

    /** Entries read from the file at start. */
    public void load(List<Entry> fromFile) {
        drainAll(); // every winner told so far is in the list
        // A winner told while the file was read may be in the file too: keep it once, where it was told.
        java.util.Set<Entry> live = new java.util.HashSet<>(entries);
        entries.addAll(0, live.isEmpty() ? fromFile : fromFile.stream().filter(e -> !live.contains(e)).toList());
    }

    /** Shows a ledger entry's race on the timeline (all its attempts if it ran in this session). */
    public void pick(Entry entry) {
        if (entry == null) {
            return;
        }
        followLatest.set(false);
        timelineDue = false;
        Long id = raceOfEntry.get(entry);
        if (id != null && races.containsKey(id)) {
            show(id, false);
            build();
        } else {
            shownRace = -1;
            timeline.set(RaceView.of(entry));
        }
    }

    /**
     * Takes the race events that arrived since the last sample, all at once, and reads every node's counters. The
     * window's timer calls this on the UI thread.
     */
    public void sample(long nanos) {
        drain();
        if (!warmUpCaughtUp) { // after the events told so far: a node that said it waits before this listened
            warmUpCaughtUp = true;
            network.warmingUp().forEach(this::warmingUpNow);
        }
        for (NodeModel m : nodes) {
            m.sample(nanos, scale.max(nanos));
            // the rate the card shows, its average between races: a bar that is empty while its figure says
            // 3.22 MH/s avg would contradict it (it did, ten seconds after each race)
            scale.add(nanos, m.shownRate());
        }
        if (cluster != null) {
            boolean changed = cluster.sample(peers.view(), scale.max(nanos), nanos);
            scale.add(nanos, cluster.fastestRemote());
            if (changed) {
                updateStatus();
            }
        }
        stats.sample();
        RaceView shown = timeline.get();
        if (!timelineDue && shown != null && shown.live() && !shown.finished()) {
            show(shownRace, true); // unfinished bars grow
        }
        build();
    }

    /**
     * Takes the events that have arrived, in order, up to {@link #MOST_PER_DRAIN} (the rest wait for the next
     * sample); the new winners join the list in one change. On the FX thread.
     */
    private void drain() {
        drain(MOST_PER_DRAIN);
    }

    /** Takes every event that has arrived, however many: where what follows must come after all of them. */
    private void drainAll() {
        drain(Integer.MAX_VALUE);
    }

    private void drain(int most) {
        Runnable r;
        for (int n = 0; n < most && (r = arrived.poll()) != null; n++) {
            r.run();
        }
        for (NodeModel m : nodes) {
            m.show();
        }
        if (!newWinners.isEmpty()) {
            List<Entry> batch = List.copyOf(newWinners);
            newWinners.clear();
            entries.addAll(batch);
        }
    }

    /**
     * "Start over": forgets the races so far: the statistics, and the cards' win counts, start again from the next
     * race. On the FX thread.
     */
    public void startOver() {
        drainAll(); // every race that ended before counts in the wins to be forgotten
        stats.clear();
        raceLog.clear();
        for (NodeModel m : nodes) {
            m.resetWins();
        }
    }

    /** For tests: the race results the race log holds. */
    int resultsKept() {
        return raceLog.results().size();
    }

    public void reportProblem(String message) {
        lastError.set(message);
    }

    // ---- Events from the referee's thread: queued for the next sample ----

    @Override
    public void started(Attempt a) {
        raceLog.started(a);
        arrived.add(() -> {
            remember(a);
            model(a).ifPresent(m -> m.started(a));
            if (cluster != null && a.race().id() != lastRace) {
                lastRace = a.race().id();
                cluster.newRace();
            }
            if (followLatest.get()) {
                show(a.race().id(), true);
            } else if (a.race().id() == shownRace) {
                show(shownRace, false);
            }
        });
    }

    @Override
    public void ended(Attempt a) {
        raceLog.ended(a);
        arrived.add(() -> {
            remember(a);
            model(a).ifPresent(m -> m.ended(a));
            if (a.race().id() == shownRace || followLatest.get() && shownRace < 0) {
                show(a.race().id(), followLatest.get());
            }
        });
    }

    @Override
    public void won(Race race, Entry entry) {
        raceLog.won(race, entry);
        arrived.add(() -> {
            raceOfEntry.put(entry, race.id());
            newWinners.add(entry);
            if (cluster != null && !byName.containsKey(entry.node())) {
                remoteWinner(race, entry);
            } else if (cluster != null) {
                cluster.won(entry.node(), null, null, System.nanoTime()); // remote nodes in the race stopped
            }
        });
    }

    @Override
    public void problem(String message) {
        arrived.add(() -> lastError.set(message));
    }

    @Override
    public void warmingUp(String node) {
        arrived.add(() -> warmingUpNow(node));
    }

    private void warmingUpNow(String node) {
        NodeModel m = byName.get(node);
        if (m != null) {
            m.warmingUp();
            warming.set(true);
        }
    }

    @Override
    public void warmedUp(java.time.Duration took, java.time.Duration sinceStart) {
        arrived.add(() -> {
            nodes.forEach(NodeModel::warmedUp);
            warming.set(false);
        });
    }

    /**
     * A node of another process won: its bar goes on the timeline, its times moved from its process's clock to
     * this one's by the two clocks' offsets to the cluster's (each published with how far it may be off).
     */
    private void remoteWinner(Race race, Entry entry) {
        Instant start = dev.powrace.ledger.Timestamps.parse(entry.startTime()).orElse(null);
        Instant end = dev.powrace.ledger.Timestamps.parse(entry.endTime()).orElse(start);
        if (start == null) {
            return;
        }
        Peers.View here = peers.view();
        Optional<Peers.Peer> there = cluster.peer(entry.node());
        long shift = there.map(p -> p.clockOffsetMillis() - here.clockOffsetMillis()).orElse(0L);
        long uncertainty = here.clockUncertaintyMillis() + there.map(Peers.Peer::clockUncertaintyMillis).orElse(0L);
        start = start.plusMillis(shift);
        end = end.plusMillis(shift);
        cluster.won(entry.node(), start, end, System.nanoTime());
        races.computeIfAbsent(race.id(), k -> new Seen(race)).remoteWinner = new RaceView.Bar(entry.node(), start, end,
                NodeState.WON, there.isPresent() ? "±" + uncertainty + " ms" : "clock unknown");
        if (race.id() == shownRace || followLatest.get()) {
            show(race.id(), followLatest.get());
        }
    }

    private Optional<NodeModel> model(Attempt a) {
        return Optional.ofNullable(byName.get(a.node()));
    }

    private void remember(Attempt a) {
        races.computeIfAbsent(a.race().id(), k -> new Seen(a.race())).attempts.put(a.node(), a);
    }

    /** The timeline is to show race {@code id} (if it is known): built once, by {@link #build}. */
    private void show(long id, boolean live) {
        if (!races.containsKey(id)) {
            return;
        }
        shownRace = id;
        timelineDue = true;
        timelineDueLive = live;
    }

    /** Builds the timeline, if it is due. */
    private void build() {
        Seen seen = timelineDue ? races.get(shownRace) : null;
        timelineDue = false;
        if (seen == null) {
            return;
        }
        List<RaceView.Bar> bars = new ArrayList<>();
        for (Attempt a : seen.attempts.values()) {
            bars.add(new RaceView.Bar(a.node(), a.start(), a.end(), NodeState.of(a.outcome(), a.won())));
        }
        if (seen.remoteWinner != null) {
            bars.add(seen.remoteWinner);
        }
        Race race = seen.race;
        timeline.set(new RaceView(race.id(), race.transaction(), race.difficulty(), List.copyOf(bars), timelineDueLive,
                Instant.now()));
    }

    private void updateStatus() {
        String error = lastError.get().isEmpty() ? "no errors" : "last error: " + lastError.get();
        String inCluster = cluster == null ? "" : ClusterModel.summary(peers.view(), cluster.view() == null ? nodes.size()
                : cluster.view().peers().size()) + "   ·   ";
        // In a cluster the ports are in the caption above; the line keeps room for the cluster.
        status.set((cluster == null ? "Listening on " + portsText() + "   ·   " : "") + entries.size()
                + (entries.size() == 1 ? " entry" : " entries") + " in " + ledgerPath + "   ·   " + inCluster + error);
    }
}
