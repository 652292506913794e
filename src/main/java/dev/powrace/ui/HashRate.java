package dev.powrace.ui;

/**
 * A hash rate as delta-count over delta-time across a sliding window of samples (as xmrig does), so the
 * figure is steady and honest. It has a value as soon as there are two samples.
 */
final class HashRate {
    private final long windowNanos;
    private final long[] times = new long[128];
    private final long[] counts = new long[128];
    private int head; // index of the newest sample
    private int size;

    HashRate(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    void sample(long nanos, long count) {
        head = (head + 1) % times.length;
        times[head] = nanos;
        counts[head] = count;
        size = Math.min(size + 1, times.length);
    }

    /** Hashes per second over the window, or NaN with fewer than two samples. */
    double perSecond() {
        if (size < 2) {
            return Double.NaN;
        }
        int oldest = head;
        for (int i = 1; i < size; i++) { // walk back to the oldest sample still in the window
            int j = Math.floorMod(head - i, times.length);
            oldest = j;
            if (times[head] - times[j] >= windowNanos) {
                break;
            }
        }
        long dt = times[head] - times[oldest];
        return dt <= 0 ? Double.NaN : (counts[head] - counts[oldest]) * 1e9 / dt;
    }
}
