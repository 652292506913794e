package dev.powrace.ui;

import dev.powrace.pow.Puzzle;
import dev.powrace.race.Attempt;
import dev.powrace.race.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * One node card's state. Only the FX thread touches it: events arrive through the dashboard's sample, which
 * shows the latest of them once a sample, and the counters are sampled by the same timer. Needs no running toolkit, so plain JUnit tests drive it.
 */
public final class NodeModel {
    private final String name;
    private final int port;
    private final LongSupplier totalHashes;
    private final LongSupplier attemptHashes;
    private final IntConsumer applyPower;
    private final HashRate hashRate = new HashRate(Duration.ofMillis(500).toNanos());

    private final ReadOnlyObjectWrapper<NodeState> state = new ReadOnlyObjectWrapper<>(NodeState.IDLE);
    private final ReadOnlyDoubleWrapper rate = new ReadOnlyDoubleWrapper(Double.NaN);
    private final ReadOnlyStringWrapper rateText = new ReadOnlyStringWrapper("—");
    private final ReadOnlyDoubleWrapper rateShare = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyLongWrapper hashes = new ReadOnlyLongWrapper(0);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyStringWrapper progressText = new ReadOnlyStringWrapper("no race yet");
    private final ReadOnlyStringWrapper startText = new ReadOnlyStringWrapper("—");
    private final ReadOnlyStringWrapper endText = new ReadOnlyStringWrapper("—");
    private final ReadOnlyStringWrapper elapsedText = new ReadOnlyStringWrapper("—");
    private final ReadOnlyIntegerWrapper wins = new ReadOnlyIntegerWrapper(0);
    private final ReadOnlyBooleanWrapper winner = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyBooleanWrapper settled = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyIntegerWrapper power;
    private Attempt current;
    /** The latest attempt told and not shown yet: see {@link #show}. */
    private Attempt untold;
    private int winCount;
    private double lastAverage = Double.NaN;
    private double shownRate = Double.NaN;

    public NodeModel(String name, int port, LongSupplier totalHashes, LongSupplier attemptHashes) {
        this(name, port, totalHashes, attemptHashes, 100, p -> {});
    }

    /**
     * @param power the node's hash power now, in percent of its thread's time
     * @param applyPower sets the node's hash power (from its next race), in percent from 1 to 100
     */
    public NodeModel(String name, int port, LongSupplier totalHashes, LongSupplier attemptHashes, int power,
            IntConsumer applyPower) {
        this.name = name;
        this.port = port;
        this.totalHashes = totalHashes;
        this.attemptHashes = attemptHashes;
        this.applyPower = applyPower;
        this.power = new ReadOnlyIntegerWrapper(clampPower(power));
    }

    // ---- Properties ----

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public ReadOnlyObjectProperty<NodeState> stateProperty() {
        return state.getReadOnlyProperty();
    }

    /** Hashes per second, NaN until there are two samples. */
    public ReadOnlyDoubleProperty rateProperty() {
        return rate.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty rateTextProperty() {
        return rateText.getReadOnlyProperty();
    }

    /** This node's rate as a share (0 to 1) of the bars' scale (see {@link RateScale}): the bar's length. */
    public ReadOnlyDoubleProperty rateShareProperty() {
        return rateShare.getReadOnlyProperty();
    }

    /** Hashes tried in the current or last attempt. */
    public ReadOnlyLongProperty hashesProperty() {
        return hashes.getReadOnlyProperty();
    }

    /** Hashes tried against the 256^difficulty expected, capped at 1. */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty progressTextProperty() {
        return progressText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty startTextProperty() {
        return startText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty endTextProperty() {
        return endText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty elapsedTextProperty() {
        return elapsedText.getReadOnlyProperty();
    }

    public ReadOnlyIntegerProperty winsProperty() {
        return wins.getReadOnlyProperty();
    }

    /** True while this node is the winner of its latest race. */
    public ReadOnlyBooleanProperty winnerProperty() {
        return winner.getReadOnlyProperty();
    }

    /** True when the bar shows the last attempt's average rate rather than a live one. */
    public ReadOnlyBooleanProperty settledProperty() {
        return settled.getReadOnlyProperty();
    }

    /** The node's hash power, in percent of its thread's time (1 to 100); applies from its next race. */
    public ReadOnlyIntegerProperty powerProperty() {
        return power.getReadOnlyProperty();
    }

    // ---- Commands ----

    /** Sets the node's hash power from its next race on; a value outside 1..100 is taken as the nearest end. */
    public void setPower(int percent) {
        int p = clampPower(percent);
        if (p != power.get()) {
            power.set(p);
            applyPower.accept(p);
        }
    }

    static int clampPower(int percent) {
        return Math.max(1, Math.min(100, percent));
    }

    /** "Start over": the win count starts again from the next race. */
    void resetWins() {
        winCount = 0;
        wins.set(0);
    }

    /** It holds a race until the warm-up is over. */
    void warmingUp() {
        if (current == null) {
            state.set(NodeState.WARMING_UP);
        }
    }

    /** The warm-up is over: a card that said "warming up" says "idle" until its race starts, a moment later. */
    void warmedUp() {
        if (state.get() == NodeState.WARMING_UP) {
            state.set(NodeState.IDLE);
        }
    }

    /** Its attempt at a race has started; shown by the next {@link #show}. */
    void started(Attempt a) {
        current = a;
        untold = a;
    }

    /** Its attempt has ended; counted at once, shown by the next {@link #show}. */
    void ended(Attempt a) {
        current = null;
        untold = a;
        if (a.won()) {
            winCount++;
        }
        lastAverage = a.outcome() == Outcome.LATE || a.elapsedNanos() <= 0 ? lastAverage
                : a.hashes() * 1e9 / a.elapsedNanos();
    }

    /**
     * Shows the latest attempt told, and the wins: once a sample, however many attempts were told since (a series at
     * difficulty 1 runs thousands of races a second, and only the latest can be seen).
     */
    void show() {
        wins.set(winCount);
        Attempt a = untold;
        untold = null;
        if (a == null) {
            return;
        }
        if (a.outcome() == Outcome.MINING) {
            state.set(NodeState.MINING);
            winner.set(false);
            startText.set(Formats.clock(a.start()));
            endText.set("—");
            elapsedText.set("0.000000 s");
            hashes.set(0);
            progress.set(0);
            return;
        }
        boolean won = a.won();
        state.set(NodeState.of(a.outcome(), won));
        winner.set(won);
        startText.set(Formats.clock(a.start()));
        endText.set(Formats.clock(a.end()));
        elapsedText.set(a.outcome() == Outcome.LATE ? "did not mine" : Formats.seconds(a.elapsedNanos()));
        showProgress(a.hashes(), a.race().difficulty());
    }

    /**
     * The rate the card shows: the live one while mining, the last attempt's average between races; NaN before
     * there is one. What the bars' scale is made of, so that a bar is as long as its figure says.
     */
    double shownRate() {
        return shownRate;
    }

    /** Reads the node's counters; called by the dashboard's timer, 10 to 30 times a second. */
    void sample(long nanos, double fastest) {
        hashRate.sample(nanos, totalHashes.getAsLong());
        double r = hashRate.perSecond();
        rate.set(r);
        Attempt a = current;
        // Between races the bar keeps the last attempt's average, so a finished race still reads.
        boolean showAverage = a == null && !Double.isNaN(lastAverage);
        double shown = showAverage ? lastAverage : r;
        settled.set(showAverage);
        rateText.set(Formats.rate(shown) + (showAverage ? " avg" : ""));
        shownRate = shown;
        double scale = Math.max(fastest, Double.isNaN(shown) ? 0 : shown);
        rateShare.set(Double.isNaN(shown) || scale <= 0 ? 0 : Math.min(1, shown / scale));
        if (a != null) {
            showProgress(attemptHashes.getAsLong(), a.race().difficulty());
            elapsedText.set(Formats.seconds(Duration.between(a.start(), Instant.now()).toNanos()));
        }
    }

    private void showProgress(long n, int difficulty) {
        double expected = Puzzle.expectedHashes(difficulty);
        hashes.set(n);
        progress.set(Math.min(1, n / expected));
        progressText.set(Formats.count(n) + " hashes of " + Formats.count(expected) + " expected ("
                + Math.round(100 * n / expected) + "%)");
    }
}
