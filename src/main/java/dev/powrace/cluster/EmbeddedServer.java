package dev.powrace.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * The ZooKeeper server a process runs for --host-cluster: one standalone server inside this JVM, listening on
 * the --bind address, keeping its data in a folder of its own. Its failures are logged, never System.exit.
 */
public final class EmbeddedServer implements AutoCloseable {
    private final ZooKeeperServerEmbedded server;
    private final String bind;
    private final int port;

    private EmbeddedServer(ZooKeeperServerEmbedded server, String bind, int port) {
        this.server = server;
        this.bind = bind;
        this.port = port;
    }

    /**
     * Starts the server and waits until it serves.
     *
     * @param port 0 picks a free port
     * @throws ClusterException in one line: the port is taken, the folder can't be written, ...
     */
    public static EmbeddedServer start(String bind, int port, Path dataDir) throws ClusterException {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new ClusterException("can't create the ZooKeeper data folder " + dataDir + ": " + e.getMessage());
        }
        if (port != 0) { // say so in one line, before ZooKeeper logs a stack trace and times out
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new InetSocketAddress(bind, port));
            } catch (IOException e) {
                throw new ClusterException("can't host the cluster on " + bind + ":" + port + ": the port is taken or "
                        + "the address is not this machine's (" + e.getMessage() + ")");
            }
        }
        Properties config = new Properties();
        config.setProperty("clientPort", Integer.toString(port));
        config.setProperty("clientPortAddress", bind);
        config.setProperty("dataDir", dataDir.resolve("data").toString());
        config.setProperty("tickTime", "2000");
        config.setProperty("maxClientCnxns", "200");
        config.setProperty("maxCnxns", "1000");
        config.setProperty("admin.enableServer", "false");
        // every member znode changes twice a second while its node mines: keep the data folder from growing
        config.setProperty("autopurge.snapRetainCount", "3");
        config.setProperty("autopurge.purgeInterval", "1");
        config.setProperty("4lw.commands.whitelist", "");
        ZooKeeperServerEmbedded server = null;
        try {
            server = ZooKeeperServerEmbedded.builder().baseDir(dataDir).configuration(config)
                    .exitHandler(ExitHandler.LOG_ONLY).build();
            server.start(30_000);
            int real = server.getClientPort();
            return new EmbeddedServer(server, bind, real);
        } catch (Exception e) {
            if (server != null) {
                server.close();
            }
            String why = e.getMessage() != null ? e.getMessage() : e.toString();
            throw new ClusterException("the ZooKeeper server could not start on " + bind + ":" + port + ": " + why);
        }
    }

    /** The port it really listens on. */
    public int port() {
        return port;
    }

    /** The connect string for this machine's own processes. */
    public String connectString() {
        return (bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind) + ":" + port;
    }

    @Override
    public void close() {
        server.close();
    }
}
