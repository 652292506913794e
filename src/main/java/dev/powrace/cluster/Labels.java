package dev.powrace.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** A process's label in a cluster: its nodes are label/Node1, label/Node2, ... */
public final class Labels {
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private Labels() {}

    /** Throws a one-line ClusterException unless the label is 1 to 63 letters, digits, '.', '_' or '-'. */
    public static void check(String label) throws ClusterException {
        if (label == null || !LABEL.matcher(label).matches()) {
            throw new ClusterException("--label must be 1 to 63 letters, digits, '.', '_' or '-', starting with a "
                    + "letter or digit, not '" + label + "'");
        }
    }

    /** The default label: this machine's host name, cut to what a label may hold, or "powrace". */
    public static String host() {
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            name = "";
        }
        String cut = name.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        if (cut.length() > 63) {
            cut = cut.substring(0, 63);
        }
        return cut.isEmpty() ? "powrace" : cut;
    }
}
