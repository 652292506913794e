package dev.powrace.cluster;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.client.ConnectStringParser;

/**
 * Checks a ZooKeeper connect string before a client is made from it: the client logs a stack trace (at ERROR) for
 * each failed parse or each failed name lookup, over and over, where the user needs one line.
 */
public final class ConnectString {
    private ConnectString() {}

    /**
     * @throws ClusterException "cluster unavailable: ..." in one line if the string is not host:port[,host:port...]
     *         (with an optional /chroot) or if one of its hosts has no address
     */
    public static void check(String connect) throws ClusterException {
        String usage = "give host:port[,host:port...]";
        if (connect == null || connect.isBlank()) {
            throw new ClusterException("cluster unavailable: the connect string is empty; " + usage);
        }
        List<InetSocketAddress> servers;
        try {
            servers = new ConnectStringParser(connect).getServerAddresses();
        } catch (RuntimeException e) {
            throw new ClusterException("cluster unavailable: '" + connect + "' is not a ZooKeeper connect string ("
                    + e.getMessage() + "); " + usage);
        }
        if (servers.isEmpty()) {
            throw new ClusterException("cluster unavailable: '" + connect + "' names no server; " + usage);
        }
        List<String> unknown = new ArrayList<>();
        for (InetSocketAddress s : servers) {
            if (s.getHostString().isEmpty()) {
                throw new ClusterException("cluster unavailable: '" + connect + "' has a server with no host; " + usage);
            }
            try {
                InetAddress.getAllByName(s.getHostString());
            } catch (UnknownHostException e) {
                unknown.add(s.getHostString());
            }
        }
        if (!unknown.isEmpty()) {
            throw new ClusterException("cluster unavailable: can't resolve " + String.join(", ", unknown) + " (in '"
                    + connect + "')");
        }
    }
}
