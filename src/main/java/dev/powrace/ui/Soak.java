package dev.powrace.ui;

import dev.powrace.ledger.Entry;
import dev.powrace.race.Race;
import dev.powrace.race.RaceListener;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Spinner;
import javafx.scene.control.TabPane;

/**
 * The app's side of the soak benchmark ({@code bench/soak.sh}), on only with {@code -Dpowrace.soak=PHASES}, such as
 * {@code 10000x1,1000x2}: Race ×10000 at difficulty 1, then ×1000 at difficulty 2. Once the window shows the ledger it
 * runs each phase through the window's own controls (the difficulty and count spinners, the Race ×N button), shows the
 * Statistics tab for the second half of every thousand races and the race for the first, and every 1,000 races prints
 * one line to stderr:
 *
 * <pre>soak: races=1000 difficulty=1 heap_after_gc_mb=41.2 longest_frame_gap_ms=48.1 longest_layout_ms=21.0 gc_ms=87 elapsed_s=12.3</pre>
 *
 * <ul>
 *   <li>{@code heap_after_gc_mb}: the heap in use right after a full collection ({@code System.gc()}), the live heap;
 *   <li>{@code longest_frame_gap_ms}: over the races since the last line, the longest time between the starts of two
 *       consecutive FX pulses (a frame timer that asks for a pulse every frame): how long the FX thread was kept from
 *       drawing, whatever kept it (event handling, the sampler, CSS, layout, a render it waited for);
 *   <li>{@code longest_layout_ms}: the longest CSS and layout pass of one pulse (the scene's pre- and post-layout pulse
 *       listeners);
 *   <li>{@code gc_ms}: how long that measuring collection took. It stops every thread, the FX thread too, so the frame
 *       time it overlaps is taken out of the frame gap or layout it falls in: it is the benchmark's, not the app's.
 * </ul>
 *
 * With {@code -Dpowrace.soak.trace=true} every frame gap over 50 ms is printed too, with the layout of its pulse.
 * When the last phase is done it prints the heap of the first line (1,000 races) against the heap at the end of the
 * first phase, and the window closes. Needs a display.
 *
 * <p>{@code -Dpowrace.soak=attack:PERCENT:Z:N} runs N attacks at (PERCENT%, Z) through the Attack tab's controls
 * instead, or N at every z from 1 to Z with {@code attack:PERCENT:Z:N:sweep}, and prints one line with the longest
 * frame gap and layout of the run; the window stays {@code -Dpowrace.soak.hold} ms (3,000) after it, for a screenshot.
 */
final class Soak {
    private static final String PROPERTY = "powrace.soak";
    private static final int REPORT_EVERY = 1000;
    /** With -Dpowrace.soak.trace=true, every frame gap over 50 ms is printed as it happens. */
    private static final boolean TRACE = Boolean.getBoolean("powrace.soak.trace");

    private final Window window;
    private final Scene scene;
    private final List<int[]> phases;
    private final AtomicInteger races = new AtomicInteger();
    private final AtomicLong longestGap = new AtomicLong();
    private final AtomicLong longestLayout = new AtomicLong();
    /** The measuring collection under way or last done, System.nanoTime: from, to (Long.MAX_VALUE while it runs). */
    private volatile long[] collecting = {Long.MAX_VALUE, Long.MAX_VALUE};
    private long lastFrame;
    private long layoutFrom;
    private long lastLayout;

    private Soak(Window window, Scene scene, List<int[]> phases) {
        this.window = window;
        this.scene = scene;
        this.phases = phases;
    }

    /** Starts the soak if the system property asks for one; on the FX thread, once the window shows the ledger. */
    static void startIfAsked(Window window, Scene scene) {
        String asked = System.getProperty(PROPERTY);
        if (asked == null || asked.isBlank()) {
            return;
        }
        List<int[]> phases = new ArrayList<>();
        if (asked.startsWith("attack:")) { // attack:PERCENT:Z:N[:sweep], the Attack tab's run (issue 18)
            String[] a = asked.split(":");
            phases.add(new int[] {-1, Integer.parseInt(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]),
                a.length > 4 && a[4].equals("sweep") ? 1 : 0});
            new Soak(window, scene, phases).start();
            return;
        }
        for (String phase : asked.split(",")) {
            String[] p = phase.strip().split("x");
            phases.add(new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])});
        }
        new Soak(window, scene, phases).start();
    }

    private void start() {
        window.session().network().referee().addListener(new RaceListener() {
            @Override
            public void won(Race race, Entry entry) {
                races.incrementAndGet();
            }
        });
        new AnimationTimer() { // asks for a pulse every frame, and times the gaps between them
            @Override
            public void handle(long ignored) {
                long now = System.nanoTime();
                if (lastFrame != 0) {
                    long gap = outsideCollection(lastFrame, now);
                    longestGap.accumulateAndGet(gap, Math::max);
                    if (TRACE && gap > 50_000_000L) {
                        System.err.printf(Locale.ROOT, "soak: trace frame_gap_ms=%.1f layout_ms=%.1f races=%d tab=%d%n",
                                gap / 1e6, lastLayout / 1e6, races.get(), tabs().getSelectionModel().getSelectedIndex());
                    }
                }
                lastFrame = now;
            }
        }.start();
        scene.addPreLayoutPulseListener(() -> layoutFrom = System.nanoTime());
        scene.addPostLayoutPulseListener(() -> {
            long now = System.nanoTime();
            if (layoutFrom != 0) {
                lastLayout = outsideCollection(layoutFrom, now);
                longestLayout.accumulateAndGet(lastLayout, Math::max);
            }
        });
        Thread t = new Thread(this::run, "powrace-soak");
        t.setDaemon(true);
        t.start();
    }

    /** The nanoseconds from {@code from} to {@code to} outside the measuring collection. */
    private long outsideCollection(long from, long to) {
        long[] c = collecting;
        long overlap = Math.max(0, Math.min(to, c[1] == Long.MAX_VALUE ? to : c[1]) - Math.max(from, c[0]));
        return to - from - overlap;
    }

    private void run() {
        if (phases.get(0)[0] == -1) {
            attacks(phases.get(0));
            return;
        }
        try {
            long t0 = System.nanoTime();
            int nextReport = REPORT_EVERY;
            int nextTab = REPORT_EVERY / 2;
            double firstHeap = Double.NaN;
            double phaseHeap = Double.NaN;
            int firstAt = 0;
            int phaseAt = 0;
            int target = 0;
            for (int p = 0; p < phases.size(); p++) {
                int count = phases.get(p)[0];
                int difficulty = phases.get(p)[1];
                target += count;
                startSeries(count, difficulty);
                while (true) {
                    int done = races.get();
                    if (done >= nextTab) {
                        boolean stats = (done / (REPORT_EVERY / 2)) % 2 == 1;
                        Platform.runLater(() -> tabs().getSelectionModel().select(stats ? 1 : 0)); // not waited for
                        nextTab = (done / (REPORT_EVERY / 2) + 1) * (REPORT_EVERY / 2);
                    }
                    if (done >= nextReport) {
                        double heap = report(done, difficulty, t0);
                        if (firstAt == 0) {
                            firstHeap = heap;
                            firstAt = done;
                        }
                        if (p == 0) {
                            phaseHeap = heap;
                            phaseAt = done;
                        }
                        nextReport = (done / REPORT_EVERY + 1) * REPORT_EVERY;
                    }
                    if (done >= target && !onFx(() -> window.dashboard().seriesRunningProperty().get())) {
                        break;
                    }
                    Thread.sleep(20);
                }
            }
            System.err.printf(Locale.ROOT, "soak: done races=%d heap_after_gc_mb at %d races %.1f, at %d races %.1f: "
                    + "%.2fx%n", races.get(), firstAt, firstHeap, phaseAt, phaseHeap, phaseHeap / firstHeap);
            Thread.sleep(3000); // the window as the soak leaves it, for a screenshot
        } catch (Exception e) {
            System.err.println("soak: failed: " + e);
        } finally {
            Platform.runLater(Platform::exit);
        }
    }

    /**
     * {@code -Dpowrace.soak=attack:30:6:10000}: shows the Attack tab, runs 10,000 attacks at q = 30%, z = 6 through its
     * controls, and prints the longest frame gap and layout while they ran:
     * {@code soak: attacks=10000 q=30% z=6 longest_frame_gap_ms=.. longest_layout_ms=.. elapsed_s=.. said="..."}.
     */
    private void attacks(int[] phase) {
        try {
            onFx(() -> {
                tabs().getSelectionModel().select(2);
                return null;
            });
            Thread.sleep(Long.getLong("powrace.soak.settle", 1000)); // built and shown (and, longer, start-up done)
            onFx(() -> {
                ((Spinner<Integer>) scene.lookup("#attackShare")).getValueFactory().setValue(phase[1]);
                ((Spinner<Integer>) scene.lookup("#attackZ")).getValueFactory().setValue(phase[2]);
                ((Spinner<Integer>) scene.lookup("#attackCount")).getValueFactory().setValue(phase[3]);
                ((javafx.scene.control.CheckBox) scene.lookup("#attackSweep")).setSelected(phase[4] == 1);
                return null;
            });
            Thread.sleep(500);
            longestGap.set(0);
            longestLayout.set(0);
            long t0 = System.nanoTime();
            onFx(() -> {
                ((Button) scene.lookup("#attackRun")).fire();
                return null;
            });
            String said;
            do {
                Thread.sleep(50);
                said = onFx(() -> ((javafx.scene.control.Label) scene.lookup("#attackProgress")).getText());
            } while (!said.contains(" attacks in ") && !said.startsWith("stopped") && !said.startsWith("the attacks"));
            System.err.printf(Locale.ROOT, "soak: attacks=%d q=%d%% z=%d longest_frame_gap_ms=%.1f "
                    + "longest_layout_ms=%.1f elapsed_s=%.1f said=\"%s\"%n", phase[3], phase[1], phase[2],
                    longestGap.get() / 1e6, longestLayout.get() / 1e6, (System.nanoTime() - t0) / 1e9, said);
            Thread.sleep(Long.getLong("powrace.soak.hold", 3000)); // the window as it ends, for a screenshot
        } catch (Exception e) {
            System.err.println("soak: failed: " + e);
        } finally {
            Platform.runLater(Platform::exit);
        }
    }

    /** Runs Race ×count at difficulty through the window's controls, as a person would. */
    private void startSeries(int count, int difficulty) throws Exception {
        onFx(() -> {
            tabs().getSelectionModel().select(0);
            ((Spinner<Integer>) scene.lookup("#difficultySpinner")).getValueFactory().setValue(difficulty);
            ((Spinner<Integer>) scene.lookup("#seriesCount")).getValueFactory().setValue(count);
            ((Button) scene.lookup("#seriesButton")).fire();
            return null;
        });
        if (!onFx(() -> window.dashboard().seriesRunningProperty().get())) {
            throw new IllegalStateException("Race ×" + count + " did not start: "
                    + onFx(() -> window.dashboard().seriesProgressProperty().get()));
        }
    }

    /** Collects, measures the heap, and prints the line; returns the heap in MB. */
    private double report(int done, int difficulty, long t0) {
        long from = System.nanoTime();
        collecting = new long[] {from, Long.MAX_VALUE};
        long full = fullCollections();
        // a System.gc() asked while native code holds the GC locker (the toolkit does) ends as a young collection
        for (int i = 0; i < 10 && (i == 0 || fullCollections() == full); i++) {
            System.gc();
        }
        long to = System.nanoTime();
        collecting = new long[] {from, to};
        double heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
        System.err.printf(Locale.ROOT, "soak: races=%d difficulty=%d heap_after_gc_mb=%.1f longest_frame_gap_ms=%.1f "
                + "longest_layout_ms=%.1f gc_ms=%d elapsed_s=%.1f%n", done, difficulty, heap,
                longestGap.getAndSet(0) / 1e6, longestLayout.getAndSet(0) / 1e6, (to - from) / 1_000_000,
                (to - t0) / 1e9);
        return heap;
    }

    /** Full collections so far: of the old generation's collector (G1's), or of every collector if there is none. */
    private static long fullCollections() {
        long all = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc.getName().contains("Old")) {
                return gc.getCollectionCount();
            }
            all += gc.getCollectionCount();
        }
        return all;
    }

    private TabPane tabs() {
        return (TabPane) scene.lookup("#viewTabs");
    }

    private static <T> T onFx(Callable<T> task) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(task.call());
            } catch (Exception | Error e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(30, TimeUnit.SECONDS);
    }
}
