package dev.powrace.node;

import java.io.IOException;
import java.net.BindException;
import java.util.Locale;

/**
 * Why a node could not take its address and port, in one line of advice. A {@link BindException} says only that
 * the bind failed; its message (the system's, as the JDK words it on Linux, macOS or Windows) tells a port in use
 * from a {@code --bind} address that is not this machine's, or from a port below 1024 without the privileges.
 */
public final class BindFailure {
    /** Ports below this one are the system's: only a privileged process may listen on them. */
    static final int FIRST_UNPRIVILEGED_PORT = 1024;

    /** What went wrong. */
    enum Reason {
        /** Another program listens on the port (EADDRINUSE). */
        IN_USE,
        /** The address is not one of this machine's (EADDRNOTAVAIL). */
        NOT_LOCAL,
        /** Not allowed (EACCES): below 1024, the port needs privileges. */
        DENIED,
        /** Anything else: the system's words. */
        OTHER
    }

    private BindFailure() {}

    /** The reason {@code e} gives. */
    static Reason reason(BindException e) {
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (m.contains("in use")) { // "Address already in use" (Linux, macOS), "... in use: bind" (Windows)
            return Reason.IN_USE;
        }
        if (m.contains("assign requested address")) { // "Cannot ..." (Linux, Windows), "Can't ..." (macOS)
            return Reason.NOT_LOCAL;
        }
        if (m.contains("permission denied") || m.contains("access denied") || m.contains("not permitted")) {
            return Reason.DENIED;
        }
        return Reason.OTHER;
    }

    /**
     * The exception to report, in one line, for {@code e}, which binding {@code address} (as given) and {@code port}
     * threw: a {@link PortInUseException} if the port is taken, else an IOException saying what to do instead.
     */
    public static IOException explain(BindException e, String address, int port) {
        String where = "can't listen on port " + port + " on " + address + ": ";
        return switch (reason(e)) {
            case IN_USE -> new PortInUseException(address, port);
            case NOT_LOCAL -> new IOException(where + address + " is not an address of this machine; give one of its "
                    + "own with --bind (" + Settings.DEFAULT_BIND + " for this machine only, 0.0.0.0 for every network)");
            case DENIED -> port > 0 && port < FIRST_UNPRIVILEGED_PORT
                    ? new IOException(where + "ports below " + FIRST_UNPRIVILEGED_PORT + " need administrator (root) "
                            + "privileges; choose ports of " + FIRST_UNPRIVILEGED_PORT + " or above with --ports, e.g. "
                            + "--ports " + Settings.DEFAULT_PORTS_TEXT)
                    : new IOException(where + "permission denied by the system; choose other ports with --ports or "
                            + "another address with --bind");
            case OTHER -> new IOException(where + oneLine(e.getMessage()));
        };
    }

    private static String oneLine(String message) {
        return message == null || message.isBlank() ? "the system refused" : message.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
