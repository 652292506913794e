package dev.powrace.ledger;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** Wall-clock timestamps as the ledger and the terminal show them: ISO-8601, 6 fractional digits, offset. */
public final class Timestamps {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx");

    private Timestamps() {}

    /** Formats an instant in the system's time zone, truncated to microseconds. */
    public static String format(Instant instant) {
        return FORMAT.format(instant.truncatedTo(ChronoUnit.MICROS).atZone(ZoneId.systemDefault()));
    }

    /** Parses a timestamp of exactly the ledger's shape, or returns empty. */
    public static Optional<Instant> parse(String text) {
        long micros = epochMicros(text);
        return micros == Long.MIN_VALUE ? Optional.empty()
                : Optional.of(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000L));
    }

    /**
     * Microseconds since the epoch for a timestamp of exactly the ledger's shape
     * ({@code 2026-11-25T10:03:42.123456+00:00}), or Long.MIN_VALUE if it is not one. Hand-written because
     * verify parses two per entry, 200 000 for a large ledger, and a formatter is ten times slower.
     */
    public static long epochMicros(String t) {
        if (t == null || t.length() != 32 || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T'
                || t.charAt(13) != ':' || t.charAt(16) != ':' || t.charAt(19) != '.' || t.charAt(29) != ':'
                || (t.charAt(26) != '+' && t.charAt(26) != '-')) {
            return Long.MIN_VALUE;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        int micro = digits(t, 20, 6);
        int offH = digits(t, 27, 2);
        int offM = digits(t, 30, 2);
        if ((year | month | day | hour | minute | second | micro | offH | offM) < 0 || offH > 18 || offM > 59) {
            return Long.MIN_VALUE;
        }
        try {
            int offset = (t.charAt(26) == '-' ? -1 : 1) * (offH * 3600 + offM * 60);
            long epochSecond = java.time.LocalDateTime.of(year, month, day, hour, minute, second)
                    .toEpochSecond(java.time.ZoneOffset.ofTotalSeconds(offset));
            return epochSecond * 1_000_000 + micro;
        } catch (java.time.DateTimeException e) {
            return Long.MIN_VALUE;
        }
    }

    /** The decimal number in t[from, from+n), or -1 if a character is not a digit. */
    private static int digits(String t, int from, int n) {
        int v = 0;
        for (int i = from; i < from + n; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
