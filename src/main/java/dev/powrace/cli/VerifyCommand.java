package dev.powrace.cli;

import dev.powrace.ledger.Audit;
import dev.powrace.ledger.LedgerException;
import dev.powrace.ledger.Verifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Re-checks every ledger entry: the hash is sha256(transaction + nonce), it meets the "
                + "difficulty, and the timestamps are well formed and in order. The file is not changed.",
                "With --cluster, checks the cluster's ledger in ZooKeeper the same way, naming each bad entry's znode.",
                "Exit code: 0 all valid, 1 some entries invalid (they are named), 2 the file (or the cluster) can't "
                        + "be read."})
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--ledger", paramLabel = "FILE", defaultValue = "ledger.json",
            description = "The ledger file (default: ${DEFAULT-VALUE}).")
    Path ledger;

    @Option(names = "--cluster", paramLabel = "CONNECT",
            description = "Check the ledger of the cluster at this ZooKeeper ensemble, host:port[,host:port...], "
                    + "instead of a file.")
    String cluster;

    @Mixin
    SecretOptions secret;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (cluster == null && secret.given()) {
            throw new ParameterException(spec.commandLine(), "a cluster secret goes with --cluster");
        }
        if (cluster != null) {
            String key = secret.resolve(spec, SecretOptions.environment(spec));
            if (spec.commandLine().getParseResult().hasMatchedOption("--ledger")) {
                throw new ParameterException(spec.commandLine(), "give --ledger or --cluster, not both");
            }
            return ClusterCommands.verify(cluster, key, out, err); // loaded only here: no ZooKeeper class otherwise
        }
        Audit.Report report;
        try {
            report = Audit.check(ledger);
        } catch (LedgerException e) {
            err.println("powrace: " + e.getMessage());
            return 2;
        }
        report.tornTail().ifPresent(t -> err.println("powrace: " + ledger + ": " + t));
        for (Audit.Problem p : report.problems()) {
            out.println("entry " + p.index() + " (" + node(p) + ", " + describe(p) + "): " + p.reason());
        }
        if (report.valid()) {
            out.println(ledger + ": " + entries(report.entries()) + ", all valid");
            return 0;
        }
        out.println(ledger + ": " + report.problems().size() + " of " + entries(report.entries()) + " invalid");
        return 1;
    }

    static String entries(long n) {
        return n + (n == 1 ? " entry" : " entries");
    }

    /**
     * An entry's node as it reads: a node's name plainly, anything else quoted, since a forged name may hold
     * a terminal escape ("mallory/Node1\u001b[2J").
     */
    static String node(Audit.Problem p) {
        return p.node() == null || Verifier.isNodeName(p.node()) ? String.valueOf(p.node()) : Quote.of(p.node());
    }

    /** An entry's transaction, quoted and cut to 60 characters, for naming it. */
    static String describe(Audit.Problem p) {
        return p.transaction() == null ? "no transaction" : Quote.of(abbreviate(p.transaction()));
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
