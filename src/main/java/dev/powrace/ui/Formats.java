package dev.powrace.ui;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How figures read in the window. */
final class Formats {
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS").withZone(ZoneId.systemDefault());

    private Formats() {}

    /** 3.42 MH/s, 812.0 kH/s, 12 H/s; a dash before there is a rate. */
    static String rate(double perSecond) {
        if (Double.isNaN(perSecond)) {
            return "—";
        }
        return count(perSecond) + (perSecond >= 1e3 ? "H/s" : " H/s");
    }

    /** 16.78 M, 812.0 k, 12. */
    static String count(double n) {
        if (n >= 1e9) {
            return String.format(Locale.ROOT, "%.2f G", n / 1e9);
        }
        if (n >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", n / 1e6);
        }
        if (n >= 1e3) {
            return String.format(Locale.ROOT, "%.1f k", n / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", n);
    }

    /** Wall-clock time of day to the microsecond. */
    static String clock(Instant t) {
        return t == null ? "—" : CLOCK.format(t);
    }

    /** A {@link #clock} time without its hour, for compact rows: 12:34.567890 (a dash stays a dash). */
    static String withoutHour(String clock) {
        return clock.length() == 15 && clock.charAt(2) == ':' ? clock.substring(3) : clock;
    }

    /** Seconds with microseconds: 1.602677 s. */
    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.6f s", nanos / 1e9);
    }

    /** Microseconds with thin grouping: 1 602 677 µs. */
    static String micros(long micros) {
        return String.format(Locale.ROOT, "%,d µs", micros).replace(',', '\u2009');
    }
}
