package dev.powrace.ui;

import dev.powrace.race.Outcome;
import java.util.Locale;

/** What a node card says a node is doing. */
public enum NodeState {
    IDLE, MINING, WON, STOPPED, LATE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The stylesheet class for this state, such as "state-won". */
    public String styleClass() {
        return "state-" + label();
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
