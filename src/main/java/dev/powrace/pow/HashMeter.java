package dev.powrace.pow;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.LongConsumer;

/**
 * A count of hashes with one writer (a mining thread) and any number of readers (a UI sampling hash rates).
 * The writer never takes a lock or a contended atomic; the count is padded so that meters of different
 * threads never share a cache line.
 */
public final class HashMeter implements LongConsumer {
    private static final VarHandle COUNT;

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(HashMeter.class, "count", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused")
    private long p01, p02, p03, p04, p05, p06, p07;
    private long count;
    @SuppressWarnings("unused")
    private long p11, p12, p13, p14, p15, p16, p17;

    /** Adds {@code n} hashes. Only one thread may call this. */
    @Override
    public void accept(long n) {
        COUNT.setRelease(this, (long) COUNT.getOpaque(this) + n);
    }

    /** The hashes counted so far, from any thread. */
    public long get() {
        return (long) COUNT.getAcquire(this);
    }
}
