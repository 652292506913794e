package dev.powrace.cli;

import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Timestamps;
import dev.powrace.race.Attempt;
import dev.powrace.race.Race;
import dev.powrace.race.RaceListener;
import java.io.PrintWriter;

/**
 * What `serve` prints: on stdout only the start, end and winner lines, one line each; problems on stderr.
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

    private boolean bannerShown; // guarded by this: the banner is told on serve's thread, the warm-up on the event thread
    private final java.util.List<String> held = new java.util.ArrayList<>(); // warm-up lines told before the banner
    private boolean warmingUpSaid;

    /** Serve's first line, on stderr; the warm-up's lines told before it follow it. */
    synchronized void banner(String line) {
        err.println(line);
        bannerShown = true;
        held.forEach(err::println);
        held.clear();
    }

    /** The first race that waits for the warm-up says so, in one line (three nodes waiting are one wait). */
    @Override
    public synchronized void warmingUp(String node) {
        if (!warmingUpSaid) {
            warmingUpSaid = true;
            say("powrace: warming up (compiling the search code, so that no race runs on cold code);"
                    + " the races sent so far start when it is done");
        }
    }

    @Override
    public synchronized void warmedUp(java.time.Duration took, java.time.Duration sinceStart) {
        say("powrace: warmed up in " + String.format(java.util.Locale.ROOT, "%.2f", took.toNanos() / 1e9)
                + " s; the races start");
    }

    private void say(String line) {
        if (bannerShown) {
            err.println(line);
        } else {
            held.add(line);
        }
    }

    private static String seconds(long nanos) {
        return Entry.seconds(nanos).toPlainString() + "s";
    }
}
