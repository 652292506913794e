package dev.powrace.race;

import java.io.IOException;
import java.util.List;

/**
 * What a referee that stands in a cluster tells of it, for a window to show without knowing how the cluster
 * works: every live node, local and remote, the connection, and this process's clock against the cluster's.
 * {@link Referee#peers()} gives it; a local referee has none.
 */
public interface Peers {
    /**
     * One live node of the cluster.
     *
     * @param name its cluster name, "label/NodeN"
     * @param hashRate hashes per second as its process last published it (about twice a second); NaN if it
     *     publishes none
     * @param wins the races it has won, as its process last published them
     * @param local true if it is one of this process's nodes
     * @param clockOffsetMillis its process's clock offset to the cluster's (ZooKeeper's) clock: cluster time minus
     *     its time, in milliseconds; 0 if it publishes none
     * @param clockUncertaintyMillis how far that offset may be off, either way
     */
    record Peer(String name, String label, String host, int port, String engine, double hashRate, long wins,
            boolean local, long clockOffsetMillis, long clockUncertaintyMillis) {}

    /**
     * A snapshot of the cluster. A new object whenever anything in it changes, so a reader can tell a change by
     * identity.
     *
     * @param peers every live node, by label and then node number
     * @param members how many processes (labels) are live
     * @param clockOffsetMillis this process's clock offset to the cluster's: cluster time minus ours
     * @param clockUncertaintyMillis how far that offset may be off, either way
     */
    record View(List<Peer> peers, String connectString, int members, boolean connected, long clockOffsetMillis,
            long clockUncertaintyMillis) {
        public View {
            peers = List.copyOf(peers);
        }
    }

    /** The latest snapshot; cheap, from any thread. */
    View view();

    /**
     * Submits a text to every live node of the cluster, as `send --cluster` does. Blocks on the network: not for
     * a UI thread.
     *
     * @throws IOException in one line if the cluster can't take it
     */
    void submitToAll(String text) throws IOException;
}
