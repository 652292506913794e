package dev.powrace.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Writes a cluster's ledger, in its order, in ledger.json's format: the bytes each serve "
                + "process's --ledger copy holds. To stdout, or to a new file with --out.",
                "Exit code: 0 written, 1 written but some entries are not JSON objects (they are named and left "
                        + "out), 2 the cluster can't be reached or the file can't be written."})
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--cluster", required = true, paramLabel = "CONNECT",
            description = "The ZooKeeper ensemble, host:port[,host:port...].")
    String cluster;

    @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE (through a synced temporary file "
            + "beside it, moved into place) instead of stdout.")
    Path out;

    @Option(names = "--force", description = "Replace FILE if it exists.")
    boolean force;

    @Mixin
    SecretOptions secret;

    @Override
    public Integer call() {
        String key = secret.resolve(spec, SecretOptions.environment(spec));
        return ClusterCommands.export(cluster, key, out, force, spec.commandLine());
    }
}
