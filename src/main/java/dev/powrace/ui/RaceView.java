package dev.powrace.ui;

import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Timestamps;
import java.time.Instant;
import java.util.List;

/**
 * A race as the timeline draws it: each node's attempt as a bar from its start to its end on one shared
 * microsecond axis.
 *
 * @param live true if this is the race being run now (its unfinished bars grow), false for history
 * @param asOf when this view was taken: where unfinished bars end
 */
public record RaceView(long id, String transaction, int difficulty, List<Bar> bars, boolean live, Instant asOf) {
    /**
     * One node's attempt; {@code end} is null while it is still mining.
     *
     * @param note said beside the bar: for another process's node, how far its times may be off
     */
    public record Bar(String node, Instant start, Instant end, NodeState state, String note) {
        public Bar(String node, Instant start, Instant end, NodeState state) {
            this(node, start, end, state, "");
        }
    }

    /** The earliest start: the axis's zero. */
    public Instant origin() {
        return bars.stream().map(Bar::start).min(Instant::compareTo).orElse(Instant.EPOCH);
    }

    public boolean finished() {
        return bars.stream().allMatch(b -> b.end() != null);
    }

    /** A race from the ledger file, of which only the winner's attempt is known. */
    static RaceView of(Entry e) {
        Instant start = Timestamps.parse(e.startTime()).orElse(Instant.EPOCH);
        Instant end = Timestamps.parse(e.endTime()).orElse(start);
        return new RaceView(-1, e.transaction(), e.difficulty(), List.of(new Bar(e.node(), start, end, NodeState.WON)),
                false, end);
    }
}
