package dev.powrace.node;

/**
 * How powrace writes where something listens, in every line and label alike: {@code 127.0.0.1:5000}, the form nc's
 * users and URLs know; an IPv6 address in brackets, {@code [::1]:5000}, so that its own colons don't run into the
 * port's.
 */
public final class Address {
    private Address() {}

    /** {@code host:port}; {@code [host]:port} for an IPv6 address not already in brackets. */
    public static String of(String host, int port) {
        boolean ipv6 = host.indexOf(':') >= 0 && !host.startsWith("[");
        return (ipv6 ? "[" + host + "]" : host) + ":" + port;
    }
}
