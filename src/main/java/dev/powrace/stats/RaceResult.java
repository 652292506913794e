package dev.powrace.stats;

import java.util.List;

/**
 * One finished race as the statistics see it: every node that joined it, with what it measured.
 *
 * @param race the race's id in this process
 * @param difficulty leading zero bytes wanted
 * @param winner the winning node's name
 * @param durationNanos the winner's search time (start to end of its search), the race's "time to a block"
 * @param runs one per node that joined the race, in node order
 */
public record RaceResult(long race, int difficulty, String winner, long durationNanos, List<NodeRun> runs) {
    public RaceResult {
        runs = List.copyOf(runs);
    }

    /**
     * One node's part in a race.
     *
     * @param node its name
     * @param hashes hashes it tried in this race
     * @param elapsedNanos how long it searched
     * @param won whether it won the race
     * @param power its share of its thread's time in this race, in percent: what it ran at, not what it is set to now
     */
    public record NodeRun(String node, long hashes, long elapsedNanos, boolean won, int power) {
        /** A run at full power. */
        public NodeRun(String node, long hashes, long elapsedNanos, boolean won) {
            this(node, hashes, elapsedNanos, won, 100);
        }
    }
}
