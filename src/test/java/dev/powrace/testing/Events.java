package dev.powrace.testing;

import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.race.Attempt;
import dev.powrace.race.Race;
import dev.powrace.race.RaceListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The tests' shared fixture: a listener that keeps every event, in order, and small waiting helpers. */
public final class Events implements RaceListener {
    public final List<Attempt> started = new CopyOnWriteArrayList<>();
    public final List<Attempt> ended = new CopyOnWriteArrayList<>();
    public final List<Entry> won = new CopyOnWriteArrayList<>();
    public final List<String> problems = new CopyOnWriteArrayList<>();
    public final List<String> notes = new CopyOnWriteArrayList<>();
    /**
     * Every event as one line ("started Node1 3", "ended Node1 3 FOUND", "won Node1 3", "problem ...", "warming up
     * Node1", "warmed up"), in order.
     */
    public final List<String> log = new CopyOnWriteArrayList<>();
    /** The names of the threads the events came on. */
    public final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public void started(Attempt a) {
        record("started " + a.node() + " " + a.race().id());
        started.add(a);
    }

    @Override
    public void ended(Attempt a) {
        record("ended " + a.node() + " " + a.race().id() + " " + a.outcome());
        ended.add(a);
    }

    @Override
    public void won(Race race, Entry entry) {
        record("won " + entry.node() + " " + race.id());
        won.add(entry);
    }

    @Override
    public void problem(String message) {
        record("problem " + message);
        problems.add(message);
    }

    @Override
    public void note(String message) {
        record("note " + message);
        notes.add(message);
    }

    @Override
    public void warmingUp(String node) {
        record("warming up " + node);
    }

    @Override
    public void warmedUp(java.time.Duration took, java.time.Duration sinceStart) {
        record("warmed up");
    }

    private void record(String line) {
        threads.add(Thread.currentThread().getName());
        log.add(line);
    }

    /** Waits up to 60 s for the condition: a timeout only to catch a hang. */
    public static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    /** Every entry in the ledger file. */
    public static List<Entry> entries(Path ledger) {
        try {
            return Ledger.readAll(ledger);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
