package dev.powrace.ui;

import dev.powrace.node.Address;
import dev.powrace.race.Peers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * Every live node of the cluster, local and remote, as compact rows grouped by label: this process's group
 * first, then the others by label. Rows and groups come and go with the cluster's snapshots ({@link Peers.View},
 * about twice a second); a row that stays is the same object, so its view stays too. Local rows take their
 * figures from this window's own {@link NodeModel}s (sampled 20 times a second), remote ones from the snapshot.
 * Only the FX thread touches it; needs no running toolkit.
 */
public final class ClusterModel {
    /** One label's nodes. */
    public static final class Group {
        private final String label;
        private final boolean local;
        private final ObservableList<Row> rows = FXCollections.observableArrayList();

        Group(String label, boolean local) {
            this.label = label;
            this.local = local;
        }

        public String label() {
            return label;
        }

        /** True for this process's own nodes. */
        public boolean local() {
            return local;
        }

        public ObservableList<Row> rows() {
            return rows;
        }

        /** "a · this window · 3 nodes", "b · 3 nodes". */
        public String title() {
            return label + (local ? " · this window" : "") + " · " + rows.size() + (rows.size() == 1 ? " node" : " nodes");
        }
    }

    /** One node as a compact row: name, engine, rate bar, start and end, state, wins. */
    public static final class Row {
        private final String name;
        private final String label;
        private final NodeModel localModel; // null for a remote node
        private final ReadOnlyStringWrapper engine = new ReadOnlyStringWrapper("?");
        private final ReadOnlyStringWrapper address = new ReadOnlyStringWrapper("");
        private final ReadOnlyDoubleWrapper rate = new ReadOnlyDoubleWrapper(Double.NaN);
        private final ReadOnlyStringWrapper rateText = new ReadOnlyStringWrapper("—");
        private final ReadOnlyDoubleWrapper rateShare = new ReadOnlyDoubleWrapper(0);
        private final ReadOnlyObjectWrapper<NodeState> state = new ReadOnlyObjectWrapper<>(NodeState.IDLE);
        private final ReadOnlyStringWrapper startText = new ReadOnlyStringWrapper("—");
        private final ReadOnlyStringWrapper endText = new ReadOnlyStringWrapper("—");
        private final ReadOnlyLongWrapper wins = new ReadOnlyLongWrapper(0);
        private final ReadOnlyBooleanWrapper winner = new ReadOnlyBooleanWrapper(false);
        private final ReadOnlyBooleanWrapper settled = new ReadOnlyBooleanWrapper(false);
        /** A remote node's last rate above 0: shown, dimmed, once it is idle again, as local rows show an average. */
        private double lastRate = Double.NaN;
        /** When (System.nanoTime) another node won the latest race here; Long.MIN_VALUE: not yet. */
        private long lostAt = Long.MIN_VALUE;

        Row(String name, String label, NodeModel localModel) {
            this.name = name;
            this.label = label;
            this.localModel = localModel;
        }

        public String name() {
            return name;
        }

        public String label() {
            return label;
        }

        public boolean local() {
            return localModel != null;
        }

        /** This window's own node's model, for a local row (its power is set there); null for a remote one. */
        NodeModel localModel() {
            return localModel;
        }

        public ReadOnlyStringProperty engineProperty() {
            return engine.getReadOnlyProperty();
        }

        /** host:port */
        public ReadOnlyStringProperty addressProperty() {
            return address.getReadOnlyProperty();
        }

        /** Hashes per second: sampled here for a local node, as published for a remote one; NaN if unknown. */
        public ReadOnlyDoubleProperty rateProperty() {
            return rate.getReadOnlyProperty();
        }

        public ReadOnlyStringProperty rateTextProperty() {
            return rateText.getReadOnlyProperty();
        }

        /** The rate as a share (0 to 1) of the bars' scale (see {@link RateScale}): the bar's length. */
        public ReadOnlyDoubleProperty rateShareProperty() {
            return rateShare.getReadOnlyProperty();
        }

        public ReadOnlyObjectProperty<NodeState> stateProperty() {
            return state.getReadOnlyProperty();
        }

        /** The latest attempt's start, to the microsecond (a remote node's only if it won, in this clock). */
        public ReadOnlyStringProperty startTextProperty() {
            return startText.getReadOnlyProperty();
        }

        public ReadOnlyStringProperty endTextProperty() {
            return endText.getReadOnlyProperty();
        }

        /** Races won, as the cluster counts them (from its process's member znode). */
        public ReadOnlyLongProperty winsProperty() {
            return wins.getReadOnlyProperty();
        }

        public ReadOnlyBooleanProperty winnerProperty() {
            return winner.getReadOnlyProperty();
        }

        /** True when the rate shown is the last one seen while mining, not a live one. */
        public ReadOnlyBooleanProperty settledProperty() {
            return settled.getReadOnlyProperty();
        }

        void update(Peers.Peer p, long nanos) {
            engine.set(p.engine());
            address.set(Address.of(p.host(), p.port()));
            wins.set(p.wins());
            if (localModel == null) {
                double r = p.hashRate();
                rate.set(r);
                boolean mining = r > 0;
                if (mining) {
                    lastRate = r;
                }
                // A published rate is of the half second before it, and reaches here up to a second later: a rate
                // that soon after the race was decided is its tail, so the node stopped rather than mines anew.
                boolean tail = lostAt != Long.MIN_VALUE && nanos - lostAt < DECIDED_TAIL_NANOS;
                boolean showLast = !mining && !Double.isNaN(lastRate);
                settled.set(showLast);
                rateText.set(Formats.rate(showLast ? lastRate : r));
                NodeState s = state.get();
                state.set(winner.get() ? NodeState.WON : mining && tail ? NodeState.STOPPED : mining ? NodeState.MINING
                        : s == NodeState.STOPPED ? NodeState.STOPPED : NodeState.IDLE);
            }
        }

        /** The rate the bar shows: the live one, or the last one seen while mining. */
        double shownRate() {
            return settled.get() ? lastRate : rate.get();
        }

        /** Local rows: the figures of this window's own node. */
        void sample(double fastest) {
            if (localModel != null) {
                rate.set(localModel.rateProperty().get());
                rateText.set(localModel.rateTextProperty().get().replace(" avg", ""));
                state.set(localModel.stateProperty().get());
                winner.set(localModel.winnerProperty().get());
                startText.set(Formats.withoutHour(localModel.startTextProperty().get()));
                endText.set(Formats.withoutHour(localModel.endTextProperty().get()));
                rateShare.set(localModel.rateShareProperty().get());
                settled.set(localModel.settledProperty().get());
            } else {
                double r = shownRate();
                rateShare.set(Double.isNaN(r) || fastest <= 0 ? 0 : Math.min(1, r / fastest));
            }
        }

        /** Another node won the race: a remote node mining in it stopped. */
        void lost(long nanos) {
            if (localModel == null && !winner.get()) {
                lostAt = nanos;
                if (state.get() == NodeState.MINING) {
                    state.set(NodeState.STOPPED);
                }
            }
        }

        void won(Instant start, Instant end) {
            winner.set(true);
            state.set(NodeState.WON);
            startText.set(Formats.withoutHour(Formats.clock(start)));
            endText.set(Formats.withoutHour(Formats.clock(end)));
        }

        void newRace() {
            if (localModel == null) {
                lostAt = Long.MIN_VALUE;
                startText.set("—"); // a remote node's times are known only if it wins
                endText.set("—");
                if (winner.get() || state.get() == NodeState.STOPPED) {
                    winner.set(false);
                    state.set(rate.get() > 0 ? NodeState.MINING : NodeState.IDLE);
                }
            }
        }
    }

    /** How long after a race is decided a remote node's published rate is still that race's tail. */
    static final long DECIDED_TAIL_NANOS = 1_500_000_000L;

    private final String localLabel;
    private final Map<String, NodeModel> localModels;
    private final ObservableList<Group> groups = FXCollections.observableArrayList();
    private final Map<String, Row> rows = new HashMap<>();
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("");
    private Peers.View last;
    private Peers.View shown;

    /**
     * @param localModels this window's nodes by their cluster names ("a/Node1"), whose figures the local rows show
     */
    public ClusterModel(Map<String, NodeModel> localModels) {
        this.localModels = Map.copyOf(localModels);
        this.localLabel = localModels.keySet().stream().map(ClusterModel::labelOf).findFirst().orElse("");
    }

    /** The groups: this window's first, then the others by label. */
    public ObservableList<Group> groups() {
        return groups;
    }

    /** "cluster 127.0.0.1:2281 · 3 members · 9 nodes · connected · clock +2 ms ± 1 ms" */
    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    /** The latest snapshot applied, or null. */
    public Peers.View view() {
        return shown;
    }

    /** The row of a node, if it is live. */
    public java.util.Optional<Row> row(String name) {
        return java.util.Optional.ofNullable(rows.get(name));
    }

    /**
     * Takes the cluster's latest snapshot (applied only if it is a new one) and refreshes every row's figures.
     * The dashboard's timer calls this 10 to 30 times a second.
     *
     * @param fastest the bars' scale: the fastest recent rate (see {@link RateScale})
     * @return true if the snapshot was a new one
     */
    boolean sample(Peers.View view, double fastest, long nanos) {
        boolean changed = view != null && view != last;
        if (changed) {
            last = view;
            apply(view, nanos);
        }
        for (Row r : rows.values()) {
            r.sample(fastest);
        }
        return changed;
    }

    /** The fastest rate any remote row shows, NaN if none. */
    double fastestRemote() {
        double f = Double.NaN;
        for (Row r : rows.values()) {
            if (!r.local() && !Double.isNaN(r.rate.get()) && !(r.rate.get() <= f)) {
                f = r.rate.get();
            }
        }
        return f;
    }

    /** A race's winner is known (its times already in this window's clock); {@code nanos} is System.nanoTime. */
    void won(String node, Instant start, Instant end, long nanos) {
        Row r = rows.get(node);
        if (r != null && !r.local()) {
            r.won(start, end);
        }
        for (Row other : rows.values()) {
            if (other != r) {
                other.lost(nanos);
            }
        }
    }

    /** A new race began here: remote winners of the last one are no longer marked. */
    void newRace() {
        rows.values().forEach(Row::newRace);
    }

    /** A remote node's clock offset, as its process published it; empty if it is not live. */
    java.util.Optional<Peers.Peer> peer(String node) {
        if (shown == null) {
            return java.util.Optional.empty();
        }
        return shown.peers().stream().filter(p -> p.name().equals(node)).findFirst();
    }

    private void apply(Peers.View view, long nanos) {
        shown = view;
        Map<String, List<Peers.Peer>> byLabel = new LinkedHashMap<>();
        for (Peers.Peer p : view.peers()) {
            byLabel.computeIfAbsent(p.label(), k -> new ArrayList<>()).add(p);
        }
        // This window's nodes are always shown, even before the snapshot lists them.
        for (String name : localModels.keySet()) {
            List<Peers.Peer> mine = byLabel.computeIfAbsent(localLabel, k -> new ArrayList<>());
            if (mine.stream().noneMatch(p -> p.name().equals(name))) {
                mine.add(new Peers.Peer(name, localLabel, "?", -1, "?", Double.NaN, 0, true, 0, 0));
            }
        }
        List<String> labels = new ArrayList<>(byLabel.keySet());
        labels.sort(Comparator.comparing((String l) -> !l.equals(localLabel)).thenComparing(Comparator.naturalOrder()));
        // Groups: drop the gone, add the new in place, keep the rest (and their views).
        groups.removeIf(g -> !byLabel.containsKey(g.label()));
        for (int i = 0; i < labels.size(); i++) {
            String l = labels.get(i);
            Group g = i < groups.size() && groups.get(i).label().equals(l) ? groups.get(i) : null;
            if (g == null) {
                g = groups.stream().filter(x -> x.label().equals(l)).findFirst().orElse(null);
                if (g != null) {
                    groups.remove(g);
                } else {
                    g = new Group(l, l.equals(localLabel));
                }
                groups.add(i, g);
            }
            List<Peers.Peer> peers = byLabel.get(l);
            peers.sort(Comparator.comparingLong((Peers.Peer p) -> number(p.name())).thenComparing(Peers.Peer::name));
            List<Row> wanted = new ArrayList<>();
            for (Peers.Peer p : peers) {
                Row r = rows.computeIfAbsent(p.name(), n -> new Row(n, l, localModels.get(n)));
                r.update(p, nanos);
                wanted.add(r);
            }
            if (!g.rows().equals(wanted)) {
                g.rows().setAll(wanted);
            }
        }
        java.util.Set<String> live = new java.util.HashSet<>();
        groups.forEach(g -> g.rows().forEach(r -> live.add(r.name())));
        rows.keySet().retainAll(live);
        summary.set(summary(view, rows.size()));
    }

    static String summary(Peers.View v, int nodes) {
        return "cluster " + v.connectString() + " · " + v.members() + (v.members() == 1 ? " member" : " members") + " · "
                + nodes + (nodes == 1 ? " node" : " nodes") + " · " + (v.connected() ? "connected" : "disconnected")
                + " · clock " + String.format(Locale.ROOT, "%+d ms ± %d ms", v.clockOffsetMillis(),
                        v.clockUncertaintyMillis());
    }

    static String labelOf(String name) {
        int slash = name.indexOf('/');
        return slash < 0 ? "" : name.substring(0, slash);
    }

    private static long number(String name) {
        int i = name.length();
        while (i > 0 && Character.isDigit(name.charAt(i - 1))) {
            i--;
        }
        return i == name.length() || name.length() - i > 18 ? Long.MAX_VALUE : Long.parseLong(name.substring(i));
    }
}
