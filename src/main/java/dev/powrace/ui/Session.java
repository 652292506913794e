package dev.powrace.ui;

import dev.powrace.ledger.Ledger;
import dev.powrace.node.Network;
import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import java.io.IOException;
import java.nio.file.Path;

/** The nodes and the ledger that one window hosts, opened and closed together. */
final class Session implements AutoCloseable {
    private final Ledger ledger;
    private final Network network;
    private boolean closed;

    private Session(Ledger ledger, Network network) {
        this.ledger = ledger;
        this.network = network;
    }

    /**
     * Opens the ledger (refusing a corrupt one untouched) and starts the nodes.
     *
     * @throws IOException with a one-line message: a bad ledger, a port in use, a bad address
     */
    static Session open(Settings settings, Path ledgerPath, EngineFactory engines) throws IOException {
        Ledger ledger = Ledger.open(ledgerPath);
        try {
            return new Session(ledger, Network.start(settings, ledger, engines));
        } catch (IOException | RuntimeException e) {
            ledger.close();
            throw e;
        }
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
        try {
            ledger.close();
        } catch (IOException ignored) {
            // nothing is pending: every append was fsynced
        }
    }
}
