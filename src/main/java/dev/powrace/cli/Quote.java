package dev.powrace.cli;

/** Quotes text for a terminal: see {@link dev.powrace.ledger.Quote}, where the one rule lives. */
public final class Quote {
    private Quote() {}

    public static String of(String s) {
        return dev.powrace.ledger.Quote.of(s);
    }
}
