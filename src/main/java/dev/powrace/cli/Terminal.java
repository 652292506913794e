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

    private static String seconds(long nanos) {
        return Entry.seconds(nanos).toPlainString() + "s";
    }
}
