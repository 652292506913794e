package dev.powrace.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench-cluster", mixinStandardHelpOptions = true,
        description = {"Measures a cluster on this machine: it hosts a ZooKeeper server, starts PROCESSES `serve "
                + "--cluster` processes of this jar, spreads each NODES count over them, and runs RACES races one "
                + "after another with `send --cluster`. For each count it prints the time from the winner's find "
                + "to the last loser's stop (median and 99th percentile), races per second, and ZooKeeper writes "
                + "per race.",
                "Works in a temporary folder, which it removes, on free ports."})
final class BenchClusterCommand implements Callable<Integer> {
    @Option(names = "--nodes", split = ",", paramLabel = "N", defaultValue = "3,9,30",
            description = "Node counts to measure, spread over the processes (default: ${DEFAULT-VALUE}).")
    List<Integer> nodes;

    @Option(names = "--processes", paramLabel = "P", defaultValue = "3",
            description = "serve processes (default: ${DEFAULT-VALUE}).")
    int processes;

    @Option(names = "--races", paramLabel = "R", defaultValue = "50",
            description = "Races measured per node count, after 3 unmeasured ones (default: ${DEFAULT-VALUE}).")
    int races;

    @Option(names = "--difficulty", paramLabel = "D", defaultValue = "1",
            description = "Difficulty of the races (default: ${DEFAULT-VALUE}).")
    int difficulty;

    @Option(names = "--json", description = "End with one JSON line per node count.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // ClusterBench names ZooKeeper's classes: loaded only when this command runs.
        return ClusterBench.run(this, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
