package dev.powrace.node;

import java.time.Duration;
import java.util.List;

/**
 * How a network of nodes is set up.
 *
 * @param ports one node per port (0 picks a free one); the nodes are named Node1, Node2, ...
 * @param bind the address to listen on
 * @param difficulty leading zero bytes wanted, 1 to 8
 * @param joinWindow how long a race stays open to nodes that have not joined yet
 * @param queueCapacity transactions waiting at a node before it stops reading from connections that have one
 *     waiting already (a line handed over without a connection is answered "ERR busy" then)
 * @param maxConnections open connections per node; at the cap a new connection closes the one that has gone
 *     longest without progress (one already being closed first), so a new client always gets in
 * @param idleTimeout an unterminated line counts after this long without bytes; an idle connection with
 *     nothing pending (blank lines do not count) is closed after this long; a line still coming in twice this
 *     long after its first byte gets "ERR too slow" and its connection is closed; a client whose replies have
 *     waited this long untaken (once the system's socket buffers are full) is closed
 * @param power each node's share of its mining thread's time in percent (1 to 100), in node order, one per port;
 *     empty for 100 each
 */
public record Settings(
        List<Integer> ports,
        String bind,
        int difficulty,
        Duration joinWindow,
        int queueCapacity,
        int maxConnections,
        Duration idleTimeout,
        List<Integer> power) {
    // Every default lives here; the command-line options name these constants.
    /** The default ports, as the options take them. */
    public static final String DEFAULT_PORTS_TEXT = "5000,5001,5002";
    public static final List<Integer> DEFAULT_PORTS = parsePorts(DEFAULT_PORTS_TEXT);
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_DIFFICULTY = 3;
    public static final int DEFAULT_JOIN_WINDOW_SECONDS = 5;
    public static final int DEFAULT_QUEUE_CAPACITY = 256;
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(1);
    public static final int MAX_NODES = 16;
    /** The longest transaction line, in bytes. */
    public static final int MAX_LINE_BYTES = 65_536;

    private static List<Integer> parsePorts(String text) {
        return java.util.Arrays.stream(text.split(",")).map(Integer::valueOf).toList();
    }

    public Settings {
        ports = List.copyOf(ports);
        if (ports.isEmpty() || ports.size() > MAX_NODES) {
            throw new IllegalArgumentException("give 1 to " + MAX_NODES + " ports, not " + ports.size());
        }
        for (int p : ports) {
            if (p < 0 || p > 65_535) {
                throw new IllegalArgumentException("a port is 0 to 65535, not " + p);
            }
            if (p != 0 && ports.indexOf(p) != ports.lastIndexOf(p)) {
                throw new IllegalArgumentException("port " + p + " is given twice");
            }
        }
        power = List.copyOf(power);
        if (!power.isEmpty() && power.size() != ports.size()) {
            throw new IllegalArgumentException("give one power per node: " + ports.size()
                    + (ports.size() == 1 ? " node, " : " nodes, ") + power.size()
                    + (power.size() == 1 ? " value" : " values"));
        }
        for (int p : power) {
            if (p < 1 || p > 100) {
                throw new IllegalArgumentException("a power is 1 to 100 percent, not " + p);
            }
        }
    }

    /** The power of the {@code index}-th node (from 0): 100 unless set. */
    public int powerOf(int index) {
        return power.isEmpty() ? 100 : power.get(index);
    }

    /** The same settings with each node's power (one per port; empty for 100 each). */
    public Settings withPower(List<Integer> percents) {
        return new Settings(ports, bind, difficulty, joinWindow, queueCapacity, maxConnections, idleTimeout, percents);
    }

    public static Settings defaults() {
        return new Settings(DEFAULT_PORTS, DEFAULT_BIND, DEFAULT_DIFFICULTY, Duration.ofSeconds(DEFAULT_JOIN_WINDOW_SECONDS),
                DEFAULT_QUEUE_CAPACITY, DEFAULT_MAX_CONNECTIONS, DEFAULT_IDLE_TIMEOUT, List.of());
    }

    /** The same settings on other ports; the powers are kept if there are as many ports, else dropped. */
    public Settings withPorts(List<Integer> newPorts) {
        return new Settings(newPorts, bind, difficulty, joinWindow, queueCapacity, maxConnections, idleTimeout,
                newPorts.size() == ports.size() ? power : List.of());
    }

    public Settings withBind(String address) {
        return new Settings(ports, address, difficulty, joinWindow, queueCapacity, maxConnections, idleTimeout, power);
    }

    public Settings withDifficulty(int d) {
        return new Settings(ports, bind, d, joinWindow, queueCapacity, maxConnections, idleTimeout, power);
    }

    public Settings withJoinWindow(Duration window) {
        return new Settings(ports, bind, difficulty, window, queueCapacity, maxConnections, idleTimeout, power);
    }

    public Settings withQueueCapacity(int capacity) {
        return new Settings(ports, bind, difficulty, joinWindow, capacity, maxConnections, idleTimeout, power);
    }

    public Settings withMaxConnections(int max) {
        return new Settings(ports, bind, difficulty, joinWindow, queueCapacity, max, idleTimeout, power);
    }
}
