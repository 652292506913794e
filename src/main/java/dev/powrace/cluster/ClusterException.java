package dev.powrace.cluster;

/** Why this process can't take part in a cluster, in one line for the user. */
public final class ClusterException extends Exception {
    public ClusterException(String message) {
        super(message);
    }
}
