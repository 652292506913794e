package dev.powrace.cli;

import java.util.List;

/** The checks of a --power option, shared by `serve`, the app and `bench-race`. */
final class PowerOption {
    private PowerOption() {}

    /**
     * Checks {@code --power} values against the number of nodes.
     *
     * @param power the values given, or null if the option was not
     * @return the values, or an empty list (100 each) if none was given
     * @throws IllegalArgumentException in one line, naming the option
     */
    static List<Integer> check(List<Integer> power, int nodes) {
        if (power == null) {
            return List.of();
        }
        for (int p : power) {
            if (p < 1 || p > 100) {
                throw new IllegalArgumentException("--power must be 1 to 100 percent per node, not " + p);
            }
        }
        if (power.size() != nodes) {
            throw new IllegalArgumentException("--power needs one value per node: " + nodes
                    + (nodes == 1 ? " node, " : " nodes, ") + power.size() + (power.size() == 1 ? " value" : " values")
                    + " given");
        }
        return List.copyOf(power);
    }
}
