package dev.powrace.cli;

/** Lets tests in other packages use the terminal quoting. */
public final class QuoteAccess {
    private QuoteAccess() {}

    public static String quote(String s) {
        return Quote.of(s);
    }
}
