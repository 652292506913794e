package dev.powrace.cli;

import dev.powrace.node.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    /** The settings these options give, or a one-line ParameterException. */
    public Settings settings(CommandSpec spec) {
        try {
            if (!(joinWindowSeconds >= 0 && joinWindowSeconds <= 3600)) {
                throw new IllegalArgumentException("--join-window must be 0 to 3600 seconds");
            }
            if (difficulty < 1 || difficulty > 8) {
                throw new IllegalArgumentException("--difficulty must be 1 to 8, not " + difficulty);
            }
            return Settings.defaults()
                    .withPorts(ports)
                    .withBind(bind)
                    .withDifficulty(difficulty)
                    .withJoinWindow(Duration.ofMillis((long) (joinWindowSeconds * 1000)));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    public Path ledger() {
        return ledger;
    }
}
