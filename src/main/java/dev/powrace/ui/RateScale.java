package dev.powrace.ui;

import java.util.ArrayDeque;

/**
 * The rate bars' scale: the fastest rate sampled in the last {@link #WINDOW_NANOS}, so that once a spike (or a
 * fast node that left) is past, the bars grow back. A sliding-window maximum: only the rates that may still be the
 * maximum are kept, a few hundred at most at the timer's 10 to 30 samples a second. Needs no running toolkit.
 */
final class RateScale {
    /** How long a rate counts toward the scale. */
    static final long WINDOW_NANOS = 10_000_000_000L;

    private record Sample(long nanos, double rate) {}

    /** Newest last; rates strictly falling from first to last. */
    private final ArrayDeque<Sample> window = new ArrayDeque<>();

    /** A rate sampled at {@code nanos}; NaN is no rate. */
    void add(long nanos, double rate) {
        if (Double.isNaN(rate) || rate <= 0) {
            return;
        }
        while (!window.isEmpty() && window.peekLast().rate() <= rate) {
            window.removeLast(); // never the maximum again: this one is as fast and newer
        }
        window.addLast(new Sample(nanos, rate));
    }

    /** The bars' full length at {@code nanos}: the fastest rate in the window before it, 0 if none. */
    double max(long nanos) {
        while (!window.isEmpty() && nanos - window.peekFirst().nanos() > WINDOW_NANOS) {
            window.removeFirst();
        }
        return window.isEmpty() ? 0 : window.peekFirst().rate();
    }
}
