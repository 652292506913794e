package dev.powrace.cli;

import dev.powrace.cluster.ClusterException;
import dev.powrace.cluster.Submissions;
import java.io.PrintWriter;
import java.time.Duration;

/** `send --cluster`; a class of its own so that `send` without it loads no cluster (ZooKeeper) class. */
final class ClusterSend {
    private ClusterSend() {}

    static int send(String connect, String text, PrintWriter out, PrintWriter err) {
        try {
            Submissions.Receipt r = Submissions.send(connect, text, Duration.ofSeconds(15));
            out.println("submitted to the cluster at " + connect + " as " + r.name() + "; " + r.liveNodes() + " live node"
                    + (r.liveNodes() == 1 ? "" : "s"));
            return 0;
        } catch (ClusterException e) {
            err.println("powrace: " + e.getMessage());
            return 2;
        }
    }
}
