package dev.powrace.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = {"Lists the live nodes of a cluster: name, host, port, engine, hash rate and races won (the "
                + "cluster ledger's entries that name the node).",
                "Exit code: 0 listed, 2 the cluster can't be reached."})
final class NodesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--cluster", required = true, paramLabel = "CONNECT",
            description = "The ZooKeeper ensemble, host:port[,host:port...].")
    String cluster;

    @Option(names = "--json", description = "One line of JSON: {\"cluster\":...,\"nodes\":[{\"name\":...,\"host\":...,"
            + "\"port\":...,\"engine\":...,\"hash_rate\":null,\"wins\":...}]}.")
    boolean json;

    @Mixin
    SecretOptions secret;

    @Override
    public Integer call() {
        String key = secret.resolve(spec, SecretOptions.environment(spec));
        return ClusterCommands.nodes(cluster, key, json, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
