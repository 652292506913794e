package dev.powrace.ui;

import dev.powrace.race.Outcome;
import java.util.Locale;

/** What a node card says a node is doing. */
public enum NodeState {
    /** WARMING_UP: it holds a race until the warm-up is over (the search code is being compiled). */
    IDLE, WARMING_UP, MINING, WON, STOPPED, LATE;

    /** What the card says, such as "won" or "warming up". */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** The stylesheet class for this state, such as "state-won" or "state-warming-up". */
    public String styleClass() {
        return "state-" + label().replace(' ', '-');
    }

    static NodeState of(Outcome outcome, boolean won) {
        return switch (outcome) {
            case MINING -> MINING;
            case FOUND -> won ? WON : STOPPED;
            case STOPPED -> STOPPED;
            case LATE -> LATE;
        };
    }
}
