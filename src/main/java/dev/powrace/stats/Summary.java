package dev.powrace.stats;

import java.util.List;

/**
 * What many races show, computed from what was measured.
 *
 * @param races races summarized
 * @param difficulty the difficulty of the races (the last race's, if they differ)
 * @param nodes per node, in node order
 * @param chiSquareP the p-value of a chi-square test of "win shares equal hash shares" (see
 *     {@link Statistics#summarize}); NaN while there are too few races (or one node) to test
 * @param meanLuck the mean of {@link #luck}
 * @param luck per race, oldest first: the winner's hashes over the expected 256^difficulty. A lone miner's
 *     luck averages 1 (below 1 is lucky); in a race the winner is whoever's lottery ended first, so with several
 *     nodes the winner's own hashes average less: the sum of the squares of the nodes' hash shares (about 0.43
 *     at powers 100, 50 and 25)
 * @param durationsSeconds per race, oldest first: the race's duration
 * @param predictedMeanSeconds the mean duration that the measured total hash rate predicts (256^d over the
 *     summed rates of the nodes), NaN with no races
 * @param ksDistance the Kolmogorov-Smirnov distance between the durations and that exponential distribution,
 *     NaN with no races
 */
public record Summary(int races, int difficulty, List<NodeStats> nodes, double chiSquareP, double meanLuck,
        List<Double> luck, List<Double> durationsSeconds, double predictedMeanSeconds, double ksDistance) {
    public Summary {
        nodes = List.copyOf(nodes);
        luck = List.copyOf(luck);
        durationsSeconds = List.copyOf(durationsSeconds);
    }
}
