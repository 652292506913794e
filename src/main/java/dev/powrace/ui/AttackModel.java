package dev.powrace.ui;

import dev.powrace.attack.Attack;
import dev.powrace.attack.Attacks;
import dev.powrace.attack.Control;
import dev.powrace.attack.Share;
import dev.powrace.attack.Tally;
import dev.powrace.pow.EngineFactory;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * The Attack tab's state: runs of double-spend attacks mined for real ({@link Attacks}) on a thread of their own,
 * this session's tallies by (q, z), and the figures of the chosen q.
 *
 * <p>The miners only bump counters. {@link #sample}, which the window's timer calls on the FX thread 20 times a
 * second, reads them into the progress line and hands the figures' working out to {@code compute}, at most one at
 * a time, showing them once ready: neither mining nor summing runs on the FX thread. While the tab is hidden the
 * run is paused ({@link #setShown}); {@link #close} stops it. Needs no running toolkit.
 */
public final class AttackModel {
    /** Attacks a run may have, per z. */
    static final int MIN_ATTACKS = 1;
    static final int MAX_ATTACKS = 1_000_000;
    static final int DIFFICULTY = 1;

    private record Key(int percent, int z) {}

    /** A run under way: its control, and the (q, z) it is at with that one's live counters. */
    private record Running(Control control, int total, Key[] at, Attacks.Counters[] live, long[] before) {}

    private final Attacks miner;
    private final Executor compute;
    private final Object lock = new Object();
    private final Map<Key, Tally> tallies = new LinkedHashMap<>(); // guarded by lock
    private final Map<Integer, Integer> latestZ = new LinkedHashMap<>(); // by percent; guarded by lock
    private long changes; // guarded by lock: bumped by every tally added and every clear
    private Running running; // guarded by lock
    private int percent = 30;
    private int z = 5;
    private boolean shown = true;
    private long asked = -1; // FX thread: what the last figures were worked out from
    private long askedLive = -1;
    private int askedPercent = -1;
    private int askedZ = -1;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicReference<AttackFigures> ready = new AtomicReference<>();
    private final AtomicReference<Attack.Result> latest = new AtomicReference<>();
    private final AtomicReference<Attack.Result> latestCaughtUp = new AtomicReference<>();
    private final ReadOnlyObjectWrapper<AttackFigures> figures = new ReadOnlyObjectWrapper<>(AttackFigures.EMPTY);
    private final ReadOnlyBooleanWrapper runningProperty = new ReadOnlyBooleanWrapper();
    private final ReadOnlyStringWrapper progress = new ReadOnlyStringWrapper("");
    private volatile String finished = "";
    private final long startNanos = System.nanoTime();

    /**
     * @param engines the engine of every block (the nodes' `auto`)
     * @param threads mining threads of a run
     * @param compute where the figures are worked out: not the FX thread
     */
    public AttackModel(EngineFactory engines, int threads, Executor compute) {
        this.miner = new Attacks(engines, DIFFICULTY, threads);
        this.compute = compute;
    }

    /** One thread fewer than the machine has, at least one: the window keeps a core. */
    static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    // Properties

    public ReadOnlyObjectProperty<AttackFigures> figuresProperty() {
        return figures.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return runningProperty.getReadOnlyProperty();
    }

    /** "attack 3,412 of 10,000 at z = 5 · 31.2 MH/s", "10,000 attacks in 8.1 s", "stopped after ...". */
    public ReadOnlyStringProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    /** The latest attack decided, with its blocks; and the latest that caught up. Null before any. */
    Attack.Result latestAttack(boolean caughtUpOnly) {
        return caughtUpOnly ? latestCaughtUp.get() : latest.get();
    }

    public int threads() {
        return miner.threads();
    }

    /** True while a run is mining (under way and not paused). Any thread. */
    public boolean mining() {
        synchronized (lock) {
            return running != null && !running.control().paused();
        }
    }

    // Commands

    /** Chooses the q (in percent) and z whose figures are shown. On the FX thread. */
    public void choose(int percent, int z) {
        this.percent = percent;
        this.z = z;
    }

    /** Why a run can't start with these settings, or empty. */
    static Optional<String> problem(int percent, int z, int attacks) {
        if (percent < 5 || percent > 50) {
            return Optional.of("The attacker's share must be 5% to 50%, not " + percent + "%");
        }
        if (z < 0 || z > AttackFigures.MAX_Z) {
            return Optional.of("z must be 0 to " + AttackFigures.MAX_Z + ", not " + z);
        }
        if (attacks < MIN_ATTACKS || attacks > MAX_ATTACKS) {
            return Optional.of(String.format(Locale.ROOT, "Attacks must be %,d to %,d, not %,d", MIN_ATTACKS,
                    MAX_ATTACKS, attacks));
        }
        return Optional.empty();
    }

    /**
     * Starts a run of {@code attacks} attacks at ({@code percent}%, {@code z}), or with {@code sweep} at every z from
     * 1 to z (0 to 0 when z is 0), on a thread of its own. Their tallies add to the session's. On the FX thread.
     *
     * @return false if a run is under way or the settings are refused ({@link #problem})
     */
    public boolean start(int percent, int z, int attacks, boolean sweep) {
        if (problem(percent, z, attacks).isPresent()) {
            return false;
        }
        List<Integer> zs = new ArrayList<>();
        for (int k = sweep ? Math.min(1, z) : z; k <= z; k++) {
            zs.add(k);
        }
        Running run;
        synchronized (lock) {
            if (running != null) {
                return false;
            }
            Control control = new Control();
            if (!shown) {
                control.pause();
            }
            run = new Running(control, attacks * zs.size(), new Key[1], new Attacks.Counters[1], new long[1]);
            running = run;
        }
        finished = "";
        runningProperty.set(true);
        String name = "app-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
        Share share = Share.of(percent / 100.0);
        Thread t = new Thread(() -> mine(run, name, share, percent, zs, attacks), "powrace-attack-run");
        t.setDaemon(true);
        t.start();
        return true;
    }

    /** The run, on its own thread: one (q, z) after another; each tally joins the session's as it ends. */
    private void mine(Running run, String name, Share share, int percent, List<Integer> zs, int attacks) {
        long t0 = System.nanoTime();
        long done = 0;
        long hashes = 0;
        String end;
        try {
            for (int k : zs) {
                Key key = new Key(percent, k);
                Attacks.Counters live = new Attacks.Counters();
                synchronized (lock) {
                    run.at()[0] = key;
                    run.live()[0] = live;
                    run.before()[0] = done;
                }
                Tally t = miner.run(name + " q" + percent + " z" + k, share, k, attacks, live, run.control(), true,
                        r -> {
                            latest.set(r);
                            if (r.outcome() == Attack.Outcome.CAUGHT_UP) {
                                latestCaughtUp.set(r);
                            }
                        });
                synchronized (lock) {
                    tallies.merge(key, t, Tally::plus);
                    latestZ.put(percent, k);
                    run.live()[0] = null;
                    changes++;
                }
                done += t.attacks();
                hashes += t.hashes();
                if (run.control().stopped()) {
                    break;
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            end = run.control().stopped()
                    ? String.format(Locale.ROOT, "stopped after %,d of %,d attacks", done, run.total())
                    : String.format(Locale.ROOT, "%,d attacks in %.1f s, %s", done, seconds, rate(hashes, seconds));
        } catch (InterruptedException e) {
            end = "stopped";
        } catch (RuntimeException e) {
            end = "the attacks failed: " + e.getMessage();
        }
        finished = end;
        synchronized (lock) {
            running = null;
        }
    }

    /** Stops the run under way, if any; the attacks it finished are kept. */
    public void stop() {
        synchronized (lock) {
            if (running != null) {
                running.control().stop();
            }
        }
    }

    /** The tab is shown, or hidden: a run under way goes on only while it is shown. On the FX thread. */
    public void setShown(boolean shown) {
        synchronized (lock) {
            this.shown = shown;
            if (running != null) {
                if (shown) {
                    running.control().resume();
                } else {
                    running.control().pause();
                }
            }
        }
    }

    /** Forgets every tally of this session (a run under way is stopped first). On the FX thread. */
    public void clear() {
        stop();
        synchronized (lock) {
            tallies.clear();
            latestZ.clear();
            changes++;
        }
        latest.set(null);
        latestCaughtUp.set(null);
    }

    /** Stops for good: the window is closing. */
    public void close() {
        stop();
    }

    /** Shows ready figures, the progress and has the figures worked out anew if anything changed. FX thread. */
    public void sample() {
        AttackFigures f = ready.getAndSet(null);
        if (f != null) {
            figures.set(f);
        }
        List<Tally> forFigures = null;
        int latest;
        long liveCount;
        String text;
        boolean on;
        synchronized (lock) {
            Running run = running;
            on = run != null;
            Attacks.Counters live = on ? run.live()[0] : null;
            Key at = on ? run.at()[0] : null;
            liveCount = live == null ? 0 : live.attacks();
            if (on) {
                long done = run.before()[0] + liveCount;
                double seconds = (System.nanoTime() - startNanos) / 1e9;
                text = run.control().paused() ? String.format(Locale.ROOT, "paused at %,d of %,d attacks", done,
                        run.total())
                        : String.format(Locale.ROOT, "attack %,d of %,d%s", Math.min(done + 1, run.total()), run.total(),
                                at == null ? "" : " at z = " + at.z());
            } else {
                text = finished;
            }
            latest = latestZ.getOrDefault(percent, -1);
            long key = changes * 1_000_003L + liveCount;
            if ((key != asked || percent != askedPercent || z != askedZ) && !busy.get()) {
                forFigures = new ArrayList<>();
                for (Map.Entry<Key, Tally> e : tallies.entrySet()) {
                    if (e.getKey().percent() == percent) {
                        forFigures.add(e.getValue());
                    }
                }
                if (live != null && at.percent() == percent) { // the attacks of the (q, z) under way, so far
                    Tally sofar = new Tally(percent / 100.0, at.z(), live.attacks(), live.successes(), live.undecided(),
                            0, 0, 0);
                    forFigures.removeIf(t -> t.z() == at.z());
                    Tally before = tallies.get(at);
                    forFigures.add(before == null ? sofar : before.plus(sofar));
                    latest = at.z();
                }
                asked = key;
                askedPercent = percent;
                askedZ = z;
            }
        }
        progress.set(text);
        runningProperty.set(on);
        if (forFigures != null) {
            busy.set(true);
            List<Tally> list = forFigures;
            int p = percent;
            int chosenZ = z;
            int told = latest;
            try {
                compute.execute(() -> {
                    try {
                        ready.set(AttackFigures.of(p, chosenZ, list, told));
                    } finally {
                        busy.set(false);
                    }
                });
            } catch (RejectedExecutionException e) {
                busy.set(false); // closing
            }
        }
    }

    private static String rate(long hashes, double seconds) {
        return seconds <= 0 ? "" : String.format(Locale.ROOT, "%.1f MH/s", hashes / seconds / 1e6);
    }
}
