package dev.powrace.cli;

import dev.powrace.cluster.ClusterReferee;
import dev.powrace.cluster.EmbeddedServer;
import dev.powrace.cluster.Labels;
import dev.powrace.ledger.Ledger;
import dev.powrace.node.Address;
import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import dev.powrace.race.Referee;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Starts cluster mode for `serve`: the embedded ZooKeeper server if asked, then the cluster referee. The only
 * class outside dev.powrace.cluster that names it, and it is loaded only when a cluster option is given, so
 * that local mode loads no ZooKeeper class.
 */
final class ClusterMode {
    /** How long to wait for the cluster at start. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

    private ClusterMode() {}

    /**
     * @param toClose gets the embedded server, to be closed after the nodes and the referee
     * @throws IOException in one line (a ClusterException) if the cluster can't be hosted or joined
     */
    /** The label these options give (the host name by default), checked: a one-line ClusterException if bad. */
    static void checkLabel(NodeOptions options) throws IOException {
        Labels.check(options.label != null ? options.label : Labels.host());
    }

    static Referee start(NodeOptions options, Settings settings, Ledger ledger, EngineFactory engines,
            List<AutoCloseable> toClose, PrintWriter err) throws IOException {
        String label = options.label != null ? options.label : Labels.host();
        Labels.check(label);
        String connect = options.cluster;
        if (options.hostCluster != null) {
            Path data = ledger.path().resolveSibling("powrace-zk-data");
            EmbeddedServer server = EmbeddedServer.start(settings.bind(), options.hostCluster, data);
            toClose.add(server);
            connect = server.connectString();
            err.println("powrace: hosting the cluster on " + Address.of(settings.bind(), server.port()) + " (data in "
                    + data + "); others join with --cluster <this machine's address>:" + server.port());
            if (!isLoopback(settings.bind()) && options.secret == null) {
                err.println(openWarning(settings.bind(), server.port()));
            }
        }
        try {
            ClusterReferee referee = ClusterReferee.start(connect, label, ledger, settings.difficulty(),
                    settings.joinWindow(), engines, CONNECT_TIMEOUT, options.secret);
            err.println("powrace: in the cluster at " + connect + " as " + label + "; " + ledger.path()
                    + " is a copy of the cluster's ledger (" + VerifyCommand.entries(ledger.size()) + ")");
            return referee;
        } catch (IOException e) {
            throw e; // the caller closes the server
        }
    }

    /** The one-line warning for a server reachable beyond this machine whose znodes anyone may read and write. */
    static String openWarning(String bind, int port) {
        return "powrace: warning: hosting a cluster on " + bind + " without --cluster-secret: anyone who can reach "
                + "port " + port + " can read and forge races and the cluster ledger";
    }

    private static boolean isLoopback(String bind) {
        return bind.equals("localhost") || bind.startsWith("127.") || bind.equals("::1");
    }
}
