package dev.powrace.cluster;

/** Why this process can't take part in a cluster, in one line for the user (an IOException: the network failed us). */
public final class ClusterException extends java.io.IOException {
    public ClusterException(String message) {
        super(message);
    }
}
