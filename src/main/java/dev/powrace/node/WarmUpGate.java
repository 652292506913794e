package dev.powrace.node;

import dev.powrace.race.Referee;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * What the nodes' first races wait for: the warm-up ({@link dev.powrace.pow.WarmUp}), and in the app its hold until
 * the window shows. A race that waits says so ({@link Referee#warmingUp}, once per node), and once the warm-up is
 * over the referee tells how long it took ({@link Referee#warmedUp}), only if a race waited: a warm-up that is over
 * before the first transaction comes goes unmentioned.
 *
 * <p>A mining thread only waits here and publishes; the listeners hear of it on the referee's event thread.
 */
final class WarmUpGate {
    private final Referee referee;
    private final long created = System.nanoTime();
    private Thread thread; // the warm-up's thread: if it ends without opening the gate (it failed), the gate opens
    private long began = -1;
    private boolean open;
    private boolean waited;
    private final java.util.Set<String> waiting = new java.util.LinkedHashSet<>();

    WarmUpGate(Referee referee) {
        this.referee = referee;
    }

    /** The thread the warm-up (and its hold) runs on. */
    synchronized void runsOn(Thread warmUp) {
        thread = warmUp;
        notifyAll();
    }

    /** The warm-up itself begins now (in the app, once its hold is over). */
    synchronized void began() {
        began = System.nanoTime();
    }

    /** The warm-up is over: the races may run. */
    synchronized void open() {
        if (open) {
            return;
        }
        open = true;
        waiting.clear();
        if (waited) {
            long now = System.nanoTime();
            referee.warmedUp(Duration.ofNanos(now - (began < 0 ? created : began)), Duration.ofNanos(now - created));
        }
        notifyAll();
    }

    /** The nodes that hold a race until the warm-up is over, in the order they began to wait; empty once it is. */
    synchronized java.util.List<String> waiting() {
        return java.util.List.copyOf(waiting);
    }

    /** True once the warm-up is over. */
    synchronized boolean isOpen() {
        return open;
    }

    /**
     * Called by {@code node}'s mining thread with a race in hand: returns at once if the warm-up is over, else says
     * that the node waits, and waits. False if the node is stopping (or interrupted) meanwhile.
     */
    boolean pass(String node, BooleanSupplier stopping) {
        synchronized (this) {
            if (open) {
                return true;
            }
            if (thread != null && !thread.isAlive()) {
                open(); // it ended without saying so: it failed; the races go on as they did before
                return !stopping.getAsBoolean();
            }
            waited = true;
            waiting.add(node);
            referee.warmingUp(node);
            try {
                while (!open && !stopping.getAsBoolean()) {
                    if (thread != null && !thread.isAlive()) {
                        open(); // it ended without saying so: it failed; the races go on as they did before
                        break;
                    }
                    wait(100);
                }
            } catch (InterruptedException e) {
                return false;
            }
            return !stopping.getAsBoolean();
        }
    }
}
