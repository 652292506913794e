package dev.powrace.ledger;

import java.io.IOException;
import java.nio.file.Path;

/** The ledger can't be read or written. The message is one line a person can act on. */
public final class LedgerException extends IOException {
    public LedgerException(Path path, String problem) {
        super(path + ": " + problem);
    }

    public LedgerException(Path path, String problem, Throwable cause) {
        super(path + ": " + problem, cause);
    }
}
