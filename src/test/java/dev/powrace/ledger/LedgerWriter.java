package dev.powrace.ledger;

import dev.powrace.testing.Entries;
import java.nio.file.Path;

/** A child process for LedgerTest: appends N entries to a shared ledger. */
public final class LedgerWriter {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        String name = args[1];
        int n = Integer.parseInt(args[2]);
        try (Ledger ledger = Ledger.open(file)) {
            for (int i = 0; i < n; i++) {
                ledger.append(Entries.valid(name, name + "-" + i));
            }
        }
    }
}
