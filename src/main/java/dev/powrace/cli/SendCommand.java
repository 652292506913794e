package dev.powrace.cli;

import java.io.PrintWriter;
import dev.powrace.node.Client;
import dev.powrace.node.Settings;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Sends one transaction to every node at once, as the nc line does, and prints each "
                + "node's reply. Exit code 0 if every node took it, 1 otherwise.",
                "With --cluster, submits it through ZooKeeper to every live node of the cluster and prints how many "
                        + "there are. Exit code 0 sent, 1 no live node, 2 the cluster can't be reached."})
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
            description = "Submit to every live node of the cluster at this ZooKeeper ensemble, "
                    + "host:port[,host:port...], instead of to --ports.")
    String cluster;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "The transaction; several words are joined "
            + "with spaces.")
    List<String> words;

    @Mixin
    SecretOptions secret;

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
        if (cluster == null && secret.given()) {
            throw new ParameterException(spec.commandLine(), "a cluster secret goes with --cluster");
        }
        if (cluster != null) {
            String key = secret.resolve(spec, SecretOptions.environment(spec));
            if (spec.commandLine().getParseResult().hasMatchedOption("--ports")
                    || spec.commandLine().getParseResult().hasMatchedOption("--host")) {
                throw new ParameterException(spec.commandLine(), "give --ports/--host or --cluster, not both");
            }
            if (text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > Settings.MAX_LINE_BYTES) {
                throw new ParameterException(spec.commandLine(), "TEXT is longer than a transaction may be ("
                        + Settings.MAX_LINE_BYTES + " bytes)");
            }
            // loaded only here: without --cluster, send loads no ZooKeeper class
            return ClusterCommands.send(cluster, key, text, out, spec.commandLine().getErr());
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
