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
 * @param luck per race, oldest first: all its nodes' hashes over the expected 256^difficulty: the work the race
 *     took against the work a race needs on average. It averages 1; below 1 the race was lucky
 * @param durationsSeconds per race, oldest first: from its first node's start to the winner's end
 * @param predictedMeanSeconds the mean duration that the measured hash rates predict (256^d over the summed
 *     mean rates of all the nodes, also those a race was won without, averaged over the races), NaN with no
 *     races
 * @param ksDistance the Kolmogorov-Smirnov distance between the durations and that exponential distribution,
 *     NaN with fewer than two races
 */
public record Summary(int races, int difficulty, List<NodeStats> nodes, double chiSquareP, double meanLuck,
        List<Double> luck, List<Double> durationsSeconds, double predictedMeanSeconds, double ksDistance) {
    public Summary {
        nodes = List.copyOf(nodes);
        luck = List.copyOf(luck);
        durationsSeconds = List.copyOf(durationsSeconds);
    }
}
