package dev.powrace.cli;

import dev.powrace.ledger.Ledger;
import dev.powrace.ledger.LedgerException;
import dev.powrace.node.Address;
import dev.powrace.node.Network;
import dev.powrace.node.PortInUseException;
import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs the nodes without a window. stdout shows only each node's start and end lines and "
                + "each race's winner; everything else goes to stderr. Ctrl-C stops.",
                "Send a transaction to all three nodes with:",
                "  echo \"Your transaction data\" | tee >(nc localhost 5000) >(nc localhost 5001) "
                        + ">(nc localhost 5002) > /dev/null"})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NodeOptions options;

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = options.settings(spec);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Ledger ledger;
        try {
            ledger = Ledger.open(options.ledger());
        } catch (LedgerException e) {
            err.println("powrace: " + e.getMessage() + " (the file was left as it is)");
            return 2;
        }
        ledger.repairNote().ifPresent(note -> err.println("powrace: " + ledger.path() + ": " + note));
        Network network;
        EngineFactory engines = EngineFactory.auto();
        List<AutoCloseable> cluster = new ArrayList<>(); // the embedded ZooKeeper server, if this process hosts one
        Terminal terminal = new Terminal(out, err);
        try {
            if (options.clustered()) { // the only path that loads cluster (and so ZooKeeper) classes
                network = Network.start(settings, ClusterMode.start(options, settings, ledger, engines, cluster, err),
                        engines, terminal);
            } else {
                network = Network.start(settings, ledger, engines, terminal);
            }
        } catch (PortInUseException e) {
            err.println("powrace: " + e.getMessage());
            closeAll(cluster);
            close(ledger);
            return 2;
        } catch (IOException e) {
            err.println("powrace: " + e.getMessage());
            closeAll(cluster);
            close(ledger);
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            network.close();
            closeAll(cluster);
            close(ledger);
            stopped.countDown();
        }, "powrace-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        terminal.banner("powrace: " + network.nodes().stream()
                .map(n -> n.name() + " on " + Address.of(settings.bind(), n.port()))
                .collect(Collectors.joining(", ")) + "; difficulty " + settings.difficulty() + "; ledger "
                + ledger.path() + " (" + VerifyCommand.entries(ledger.size()) + "); engine " + network.referee().engineName()
                + ". Ctrl-C stops.");
        stopped.await();
        return 0;
    }

    /** Closes the cluster's embedded server, if any (after the nodes and the referee). */
    private static void closeAll(List<AutoCloseable> cluster) {
        for (AutoCloseable c : cluster) {
            try {
                c.close();
            } catch (Exception ignored) {
                // the process is ending
            }
        }
        cluster.clear();
    }

    private static void close(Ledger ledger) {
        try {
            ledger.close();
        } catch (IOException ignored) {
            // the process is ending
        }
    }
}
