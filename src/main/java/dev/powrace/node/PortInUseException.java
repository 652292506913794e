package dev.powrace.node;

import java.io.IOException;

/** A node's port is taken by another program. */
public final class PortInUseException extends IOException {
    private final int port;

    public PortInUseException(String address, int port) {
        super("port " + port + " on " + address + " is already in use; choose free ports with --ports, e.g. --ports "
                + (port + 1000) + "," + (port + 1001) + "," + (port + 1002));
        this.port = port;
    }

    public int port() {
        return port;
    }
}
