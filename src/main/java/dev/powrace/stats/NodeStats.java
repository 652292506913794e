package dev.powrace.stats;

/**
 * One node's figures over the races it joined.
 *
 * @param power its share of its thread's time, in percent (100 when not throttled)
 * @param winShare wins over races joined
 * @param winShareLow the 95% Wilson score interval's lower end
 * @param winShareHigh its upper end
 * @param hashShare its hashes over all nodes' hashes in the races it joined
 * @param hashesPerSecond its hashes over its search time in those races
 */
public record NodeStats(String node, int power, int joined, int wins, double winShare, double winShareLow,
        double winShareHigh, double hashShare, double hashesPerSecond) {}
