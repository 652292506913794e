package dev.powrace.stats;

/**
 * One node's figures over the races it joined.
 *
 * @param power its share of its thread's time, in percent (100 when not throttled), in the races summed up: each
 *     race's as it ran; the highest, if it changed between them (see {@code lowestPower})
 * @param winShare wins over races joined
 * @param winShareLow the 95% Wilson score interval's lower end
 * @param winShareHigh its upper end
 * @param hashShare its hashes over all nodes' hashes in the races it joined
 * @param hashesPerSecond its hashes over its search time in those races
 * @param lowestPower the lowest power it ran at in those races: {@code power} unless its power changed
 */
public record NodeStats(String node, int power, int joined, int wins, double winShare, double winShareLow,
        double winShareHigh, double hashShare, double hashesPerSecond, int lowestPower) {
    /** A node that ran every race at {@code power}. */
    public NodeStats(String node, int power, int joined, int wins, double winShare, double winShareLow,
            double winShareHigh, double hashShare, double hashesPerSecond) {
        this(node, power, joined, wins, winShare, winShareLow, winShareHigh, hashShare, hashesPerSecond, power);
    }

    /** Its power as a person reads it: "50%", or "50–100%" if it changed between the races. */
    public String powerText() {
        return lowestPower == power ? power + "%" : lowestPower + "–" + power + "%";
    }
}
