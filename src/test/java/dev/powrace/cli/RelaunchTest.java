package dev.powrace.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which runs mine, and so start again with the fast engines' module (issue 19). */
class RelaunchTest {
    @Test
    void anOptionsValueThatNamesACommandIsNotTheCommand() {
        for (String[] args : List.of(new String[] {"serve", "--cluster", "h:2181", "--label", "send"},
                new String[] {"serve", "--ledger", "verify"}, new String[] {"serve", "--label=nodes"},
                new String[] {"bench-race", "--ledger", "export"}, new String[] {"serve", "--bind", "help"},
                new String[] {"--ports", "0", "serve", "--cluster-secret", "bench-ledger", "--cluster", "h:1"})) {
            assertTrue(Relaunch.mines(args), String.join(" ", args));
        }
    }

    @Test
    void commandsThatNeverMineAreNotStartedAgain() {
        for (String[] args : List.of(new String[] {"verify"}, new String[] {"--ports", "0", "verify"},
                new String[] {"send", "serve"}, new String[] {"send", "--ports", "5000", "hello"},
                new String[] {"nodes", "--cluster", "h:1"}, new String[] {"export", "--cluster", "h:1", "--out", "x"},
                new String[] {"help", "serve"}, new String[] {"bench-ledger"}, new String[] {"serve", "--help"},
                new String[] {"--version"}, new String[] {"-h"})) {
            assertFalse(Relaunch.mines(args), String.join(" ", args));
        }
        for (String[] args : List.of(new String[] {}, new String[] {"--ports", "0,0"}, new String[] {"serve"},
                new String[] {"bench"}, new String[] {"bench-race"}, new String[] {"bench-cluster"})) {
            assertTrue(Relaunch.mines(args), String.join(" ", args));
        }
    }
}
