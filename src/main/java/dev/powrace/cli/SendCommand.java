package dev.powrace.cli;

import java.io.PrintWriter;
import dev.powrace.node.Client;
import dev.powrace.node.Settings;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "send", mixinStandardHelpOptions = true,
        description = "Sends one transaction to every node at once, as the nc line does, and prints each "
                + "node's reply. Exit code 0 if every node took it, 1 otherwise. With --cluster, to every live "
                + "node of a cluster (exit code 2 if it can't be reached).")
final class SendCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--ports", split = ",", paramLabel = "PORT", defaultValue = Settings.DEFAULT_PORTS_TEXT,
            description = "The nodes' ports (default: ${DEFAULT-VALUE}).")
    List<Integer> ports;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = Settings.DEFAULT_BIND,
            description = "Where the nodes listen (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--cluster", paramLabel = "CONNECT",
            description = "Send TEXT to every live node of the cluster at CONNECT, through ZooKeeper, instead of "
                    + "to --ports. Exit code 0 once the cluster has it.")
    String cluster;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "The transaction; several words are joined "
            + "with spaces.")
    List<String> words;

    @Override
    public Integer call() {
        String text = String.join(" ", words);
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw new ParameterException(spec.commandLine(), "a transaction is one line: TEXT has a line break");
        }
        if (text.isBlank()) {
            throw new ParameterException(spec.commandLine(), "TEXT is blank");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (cluster != null) {
            return ClusterSend.send(cluster, text, out, spec.commandLine().getErr());
        }
        List<String> replies = Client.sendToAll(host, ports, text);
        boolean allOk = true;
        for (int i = 0; i < ports.size(); i++) {
            allOk &= replies.get(i).startsWith("OK ");
            out.println(ports.get(i) + ": " + replies.get(i));
        }
        return allOk ? 0 : 1;
    }
}
