package dev.powrace.ui;

import dev.powrace.stats.RaceResult;
import dev.powrace.stats.Statistics;
import dev.powrace.stats.Summary;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * The statistics view's state: every finished race of this session, and the figures of those at the chosen
 * difficulty, or, while there are none, at the latest race's (in a cluster another process may open races at its
 * own). Races at another difficulty are kept apart, and shown again when theirs is chosen.
 *
 * <p>Results arrive on any thread ({@link #add}). {@link #sample}, which the window's timer calls on the FX thread
 * 20 times a second, hands the summing up to {@code compute} when races were added, at most one at a time, and
 * shows the figures once they are ready: the FX thread never sums races, and the charts change at most 20 times a
 * second however fast races finish. Nor does it copy them: each difficulty's races are kept in a {@link History}
 * that is only ever appended to, and what the summing gets is a fixed view of its first races, taken in constant
 * time. So a sample costs the FX thread the same with ten races or a hundred thousand. Needs no running toolkit.
 */
public final class StatsModel {
    private final Executor compute;
    private final Function<List<RaceResult>, Summary> summarize;
    private final Object lock = new Object();
    private final Map<Integer, History> byDifficulty = new LinkedHashMap<>(); // guarded by lock
    private int latestDifficulty = -1; // guarded by lock
    private int chosenDifficulty = -1; // guarded by lock
    private long added; // guarded by lock: results added since the last clear
    private long generation; // guarded by lock: bumped by clear
    /** What the last summing up was asked for: generation and races added; FX thread only. */
    private long askedGeneration = -1;
    private long askedAdded = -1;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicReference<Ready> ready = new AtomicReference<>();
    private final ReadOnlyObjectWrapper<StatsFigures> figures = new ReadOnlyObjectWrapper<>(StatsFigures.EMPTY);

    private record Ready(long generation, StatsFigures figures) {}

    /** @param compute where races are summed up: not the FX thread */
    public StatsModel(Executor compute) {
        this(compute, Statistics::summarize, 0);
    }

    private StatsModel(Executor compute, Function<List<RaceResult>, Summary> summarize, int unused) {
        this.compute = compute;
        this.summarize = summarize;
    }

    /** For tests: races summed up by {@code summarize}. */
    static StatsModel summingWith(Executor compute, Function<List<RaceResult>, Summary> summarize) {
        return new StatsModel(compute, summarize, 0);
    }

    /** The figures shown: of the races at the chosen difficulty, or while there are none, at the latest race's. */
    public ReadOnlyObjectProperty<StatsFigures> figuresProperty() {
        return figures.getReadOnlyProperty();
    }

    /** A race finished; from any thread. */
    public void add(RaceResult result) {
        synchronized (lock) {
            byDifficulty.computeIfAbsent(result.difficulty(), k -> new History()).add(result);
            latestDifficulty = result.difficulty();
            added++;
        }
    }

    /** The difficulty chosen in the window: its races are the ones shown, once there are any. */
    public void chooseDifficulty(int difficulty) {
        synchronized (lock) {
            chosenDifficulty = difficulty;
            askedAdded = -1; // shown anew at the next sample
        }
    }

    /** Forgets every race so far: the figures start again from the next race. On the FX thread. */
    public void clear() {
        synchronized (lock) {
            byDifficulty.clear();
            latestDifficulty = -1;
            added = 0;
            generation++;
        }
        figures.set(StatsFigures.EMPTY);
    }

    /** Shows figures that are ready, and has new races summed up. On the FX thread, 20 times a second. */
    public void sample() {
        long gen;
        Ready r = ready.getAndSet(null);
        List<RaceResult> races = null;
        synchronized (lock) {
            gen = generation;
            if (r != null && r.generation() == gen) {
                figures.set(r.figures());
            }
            if ((added != askedAdded || gen != askedGeneration) && latestDifficulty >= 0 && !busy.get()) {
                int shown = byDifficulty.containsKey(chosenDifficulty) ? chosenDifficulty : latestDifficulty;
                races = byDifficulty.get(shown).upToNow(); // a view, not a copy
                askedAdded = added;
                askedGeneration = gen;
            }
        }
        if (races != null) {
            busy.set(true);
            List<RaceResult> toSum = races;
            try {
                compute.execute(() -> {
                    try {
                        ready.set(new Ready(gen, StatsFigures.of(summarize.apply(toSum), toSum)));
                    } finally {
                        busy.set(false);
                    }
                });
            } catch (RejectedExecutionException e) {
                busy.set(false); // closing
            }
        }
    }

    /**
     * One difficulty's races, oldest first. Only ever appended to, by one thread at a time (under the model's lock);
     * {@link #upToNow} is read from any thread without it. The races are kept in blocks of {@value #BLOCK} that never
     * move, so a view of the first n races stays valid while more are added, and nothing is ever copied but the
     * short list of blocks when it is full.
     */
    static final class History {
        static final int BLOCK = 1024;
        /** The blocks; written before {@link #size}, so a reader that sees a size sees the blocks that hold it. */
        private volatile RaceResult[][] blocks = new RaceResult[4][];
        private volatile int size;

        /** Adds a race; by one thread at a time. */
        void add(RaceResult race) {
            int n = size;
            RaceResult[][] b = blocks;
            int block = n / BLOCK;
            if (block == b.length) {
                b = Arrays.copyOf(b, b.length * 2);
            }
            if (b[block] == null) {
                b[block] = new RaceResult[BLOCK];
            }
            b[block][n % BLOCK] = race;
            blocks = b;
            size = n + 1;
        }

        /** The races added so far, as a view that later additions leave as it is; constant time, from any thread. */
        List<RaceResult> upToNow() {
            int n = size;
            RaceResult[][] b = blocks;
            return new Fixed(b, n);
        }

        private static final class Fixed extends AbstractList<RaceResult> implements RandomAccess {
            private final RaceResult[][] blocks;
            private final int size;

            Fixed(RaceResult[][] blocks, int size) {
                this.blocks = blocks;
                this.size = size;
            }

            @Override
            public RaceResult get(int i) {
                java.util.Objects.checkIndex(i, size);
                return blocks[i / BLOCK][i % BLOCK];
            }

            @Override
            public int size() {
                return size;
            }
        }
    }
}
