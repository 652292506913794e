package dev.powrace.cli;

import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Timestamps;
import dev.powrace.race.Attempt;
import dev.powrace.race.Race;
import dev.powrace.race.RaceListener;
import java.io.PrintWriter;

/**
 * What `serve` prints: on stdout only the start, end and winner lines, one line each; problems, notes and the
 * warm-up's two lines (a race waits for it; it is over) on stderr.
 */
final class Terminal implements RaceListener {
    private final PrintWriter out;
    private final PrintWriter err;

    Terminal(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public void started(Attempt a) {
        out.println(a.node() + " start " + Timestamps.format(a.start()) + " " + Quote.of(a.race().transaction()));
    }

    @Override
    public void ended(Attempt a) {
        String head = a.node() + " end " + Timestamps.format(a.end()) + " " + Quote.of(a.race().transaction()) + " ";
        String tail = switch (a.outcome()) {
            case FOUND -> "found nonce=" + a.nonce() + " hashes=" + a.hashes() + " time=" + seconds(a.elapsedNanos());
            case STOPPED -> "stopped hashes=" + a.hashes() + " time=" + seconds(a.elapsedNanos());
            case LATE -> a.race().abandoned() ? "late abandoned"
                    : "late won-by=" + a.race().winner().map(Attempt::node).orElse("?");
            case MINING -> "mining";
        };
        out.println(head + tail);
    }

    @Override
    public void won(Race race, Entry e) {
        out.println(e.node() + " wins " + Quote.of(e.transaction()) + " nonce=" + e.nonce() + " hash=" + e.hash()
                + " time=" + e.timeTaken().toPlainString() + "s");
    }

    @Override
    public void problem(String message) {
        err.println("powrace: " + message);
    }

    @Override
    public void note(String message) {
        err.println("powrace: " + message);
    }

    /** Told on the event thread only. */
    private boolean warmingUpSaid;

    /** The first race that waits for the warm-up says so, in one line (three nodes waiting are one wait). */
    @Override
    public void warmingUp(String node) {
        if (!warmingUpSaid) {
            warmingUpSaid = true;
            err.println("powrace: warming up (compiling the search code, so that no race runs on cold code);"
                    + " the races sent so far start when it is done");
        }
    }

    @Override
    public void warmedUp(java.time.Duration took, java.time.Duration sinceStart) {
        err.println("powrace: warmed up in " + String.format(java.util.Locale.ROOT, "%.2f", took.toNanos() / 1e9)
                + " s; the races start");
    }

    private static String seconds(long nanos) {
        return Entry.seconds(nanos).toPlainString() + "s";
    }
}
