package dev.powrace.cli;

import dev.powrace.node.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The options shared by `serve` and the app. */
public final class NodeOptions {
    @Option(names = "--ports", split = ",", paramLabel = "PORT", defaultValue = Settings.DEFAULT_PORTS_TEXT,
            description = "One node per port, 1 to 16 ports (default: ${DEFAULT-VALUE}). 0 picks a free port.")
    List<Integer> ports;

    @Option(names = "--difficulty", paramLabel = "D", defaultValue = "" + Settings.DEFAULT_DIFFICULTY,
            description = "Leading zero bytes (\"00\" pairs) the hash needs, 1 to 8 (default: ${DEFAULT-VALUE}, "
                    + "about 16.7 million hashes, a second or a few).")
    int difficulty;

    @Option(names = "--power", split = ",", paramLabel = "PERCENT",
            description = "Each node's share of its thread's time, 1 to 100 percent, one per node in node order "
                    + "(default: 100 each). --power 100,50,25 gives Node2 half of Node1's hash power.")
    List<Integer> power;

    @Option(names = "--ledger", paramLabel = "FILE", defaultValue = "ledger.json",
            description = "The ledger file (default: ${DEFAULT-VALUE}). Created as [] if missing.")
    Path ledger;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = Settings.DEFAULT_BIND,
            description = "The address to listen on (default: ${DEFAULT-VALUE}, this machine only). "
                    + "0.0.0.0 lets anyone on the network submit work and grow your ledger.")
    String bind;

    @Option(names = "--join-window", paramLabel = "SECONDS", defaultValue = "" + Settings.DEFAULT_JOIN_WINDOW_SECONDS,
            description = "How long a race waits for the other nodes' copies of its transaction "
                    + "(default: ${DEFAULT-VALUE}).")
    double joinWindowSeconds;

    @Option(names = "--cluster", paramLabel = "CONNECT",
            description = "Join the ZooKeeper ensemble at CONNECT (host:port[,host:port...]) and race with every "
                    + "node of the cluster. The ledger file becomes a copy of the cluster's ledger.")
    String cluster;

    @Option(names = "--host-cluster", paramLabel = "PORT",
            description = "Also run a ZooKeeper server on the --bind address at PORT (0 picks a free one) and join "
                    + "it. Its data is kept in powrace-zk-data beside the ledger.")
    Integer hostCluster;

    @Option(names = "--label", paramLabel = "NAME",
            description = "This process's name in the cluster: its nodes are NAME/Node1, NAME/Node2, ... "
                    + "(default: the host name). A name that is already live is refused.")
    String label;

    @Mixin
    SecretOptions secretOptions;

    /** The cluster secret, once {@link #settings} has read it; null if there is none. */
    String secret;

    /** True if a cluster option is given. */
    public boolean clustered() {
        return cluster != null || hostCluster != null;
    }

    /** The settings these options give, or a one-line ParameterException. */
    public Settings settings(CommandSpec spec) {
        try {
            if (!(joinWindowSeconds >= 0 && joinWindowSeconds <= 3600)) {
                throw new IllegalArgumentException("--join-window must be 0 to 3600 seconds");
            }
            if (cluster != null && hostCluster != null) {
                throw new IllegalArgumentException("give --cluster or --host-cluster, not both");
            }
            if (cluster != null && cluster.isBlank()) {
                throw new IllegalArgumentException("--cluster needs a connect string such as 10.0.0.5:2181");
            }
            if (hostCluster != null && (hostCluster < 0 || hostCluster > 65_535)) {
                throw new IllegalArgumentException("--host-cluster must be a port, 0 to 65535, not " + hostCluster);
            }
            if (label != null && !clustered()) {
                throw new IllegalArgumentException("--label names this process in a cluster: give --cluster or "
                        + "--host-cluster too");
            }
            if (secretOptions.given() && !clustered()) {
                throw new IllegalArgumentException("a cluster secret protects a cluster: give --cluster or "
                        + "--host-cluster too");
            }
            if (difficulty < 1 || difficulty > 8) {
                throw new IllegalArgumentException("--difficulty must be 1 to 8, not " + difficulty);
            }
            List<Integer> powers = PowerOption.check(power, ports.size());
            // the environment's secret only matters in a cluster
            secret = clustered() ? secretOptions.resolve(spec, SecretOptions.environment(spec)) : null;
            return Settings.defaults()
                    .withPorts(ports)
                    .withBind(bind)
                    .withDifficulty(difficulty)
                    .withJoinWindow(Duration.ofMillis((long) (joinWindowSeconds * 1000)))
                    .withPower(powers);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    public Path ledger() {
        return ledger;
    }
}
