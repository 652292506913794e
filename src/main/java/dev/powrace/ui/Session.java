package dev.powrace.ui;

import dev.powrace.ledger.Ledger;
import dev.powrace.node.Network;
import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The nodes and the ledger that one window hosts, opened and closed together. */
final class Session implements AutoCloseable {
    private final Ledger ledger;
    private final Network network;
    /** Closed after the nodes and their referee: the cluster's embedded server, if this window hosts it. */
    private final List<AutoCloseable> after;
    private boolean closed;

    private Session(Ledger ledger, Network network, List<AutoCloseable> after) {
        this.ledger = ledger;
        this.network = network;
        this.after = after;
    }

    /**
     * Opens the ledger (refusing a corrupt one untouched) and starts the nodes.
     *
     * @throws IOException with a one-line message: a bad ledger, a port in use, a bad address
     */
    static Session open(Settings settings, Path ledgerPath, EngineFactory engines) throws IOException {
        return open(settings, ledgerPath, engines, null, CompletableFuture.completedFuture(null));
    }

    /**
     * As {@link #open(Settings, Path, EngineFactory)}, the nodes judged by {@code referees}' referee (null: local),
     * their warm-up held until {@code shown} completes: the window is on the screen.
     */
    static Session open(Settings settings, Path ledgerPath, EngineFactory engines, App.RefereeStarter referees,
            CompletionStage<?> shown) throws IOException {
        Ledger ledger = Ledger.open(ledgerPath);
        List<AutoCloseable> after = new ArrayList<>();
        try {
            Network network = referees == null ? Network.start(settings, ledger, engines, shown)
                    : Network.start(settings, referees.start(ledger, after), engines, shown);
            return new Session(ledger, network, after);
        } catch (IOException | RuntimeException e) {
            closeAll(after);
            ledger.close();
            throw e;
        }
    }

    private static void closeAll(List<AutoCloseable> list) {
        for (AutoCloseable c : list) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        list.clear();
    }

    Ledger ledger() {
        return ledger;
    }

    Network network() {
        return network;
    }

    /** Stops the mining and the listeners, then closes the ledger. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        network.close();
        closeAll(after);
        try {
            ledger.close();
        } catch (IOException ignored) {
            // nothing is pending: every append was fsynced
        }
    }
}
