package dev.powrace.testing;

import dev.powrace.cluster.ClusterReferee;
import dev.powrace.ledger.Ledger;
import dev.powrace.node.Network;
import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * One "process" of a cluster inside a test's JVM: its own label, ledger file, ClusterReferee and Network. It adds
 * itself to the test's list of processes, and leaves it when closed.
 */
public final class ClusterProcess implements AutoCloseable {
    public final String label;
    public final Ledger ledger;
    public final ClusterReferee referee;
    public final Network network;
    public final Events events = new Events();
    private final Collection<ClusterProcess> processes;

    public ClusterProcess(Path dir, String connect, String label, int nodes, int difficulty, EngineFactory engines,
            Collection<ClusterProcess> processes) throws Exception {
        this(dir, connect, label, nodes, difficulty, engines, Duration.ofSeconds(30), processes, null);
    }

    /** With a cluster secret (null for none). */
    public ClusterProcess(Path dir, String connect, String label, int nodes, int difficulty, EngineFactory engines,
            Collection<ClusterProcess> processes, String secret) throws Exception {
        this(dir, connect, label, nodes, difficulty, engines, Duration.ofSeconds(30), processes, secret);
    }

    public ClusterProcess(Path dir, String connect, String label, int nodes, int difficulty, EngineFactory engines,
            Duration joinWindow, Collection<ClusterProcess> processes) throws Exception {
        this(dir, connect, label, nodes, difficulty, engines, joinWindow, processes, null);
    }

    public ClusterProcess(Path dir, String connect, String label, int nodes, int difficulty, EngineFactory engines,
            Duration joinWindow, Collection<ClusterProcess> processes, String secret) throws Exception {
        this.label = label;
        this.processes = processes;
        this.ledger = Ledger.open(dir.resolve(label + ".json"));
        ClusterReferee started;
        try {
            started = ClusterReferee.start(connect, label, ledger, difficulty, joinWindow, engines,
                    Duration.ofSeconds(10), secret);
        } catch (Exception e) {
            ledger.close();
            throw e;
        }
        this.referee = started;
        this.network = Network.start(Settings.defaults().withPorts(Collections.nCopies(nodes, 0))
                .withDifficulty(difficulty), referee, engines, events);
        processes.add(this);
    }

    public List<Integer> ports() {
        return network.ports();
    }

    public byte[] file() throws Exception {
        return Files.readAllBytes(ledger.path());
    }

    @Override
    public void close() throws Exception {
        network.close();
        ledger.close();
        processes.remove(this);
    }
}
