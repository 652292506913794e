package dev.powrace.race;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Tells the listeners of every event, in the order the events were published, on a thread of its own. A node
 * publishes and goes on at once: a slow listener (a terminal that is not read, {@code serve | less}) holds up
 * this thread, never a node.
 *
 * <p>The queue is bounded by {@link #CAPACITY} events and by {@link #TEXT_BUDGET} characters of the
 * transactions they carry. If a listener stays blocked that long, later events are dropped and counted, the
 * ledger still records every winner, and once the listener catches up one {@code problem} says how many were
 * dropped.
 */
public final class Announcer {
    static final int CAPACITY = 65_536;
    static final long TEXT_BUDGET = 64L << 20;

    private record Event(Consumer<RaceListener> action, int weight, CountDownLatch done) {}

    private final List<RaceListener> listeners;
    private final BlockingQueue<Event> queue;
    private final long textBudget;
    private final AtomicLong text = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean closing;

    public Announcer(List<RaceListener> listeners) {
        this(listeners, CAPACITY, TEXT_BUDGET);
    }

    Announcer(List<RaceListener> listeners, int capacity, long textBudget) {
        this.listeners = listeners;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.textBudget = textBudget;
        this.thread = new Thread(this::deliver, "powrace-events");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues an event for every listener; never blocks.
     *
     * @param weight the characters of transaction text the event keeps alive while it waits
     */
    public void publish(Consumer<RaceListener> action, int weight) {
        if (text.addAndGet(weight) > textBudget || !queue.offer(new Event(action, weight, null))) {
            text.addAndGet(-weight);
            dropped.incrementAndGet();
        }
    }

    /** Events published before this call that were dropped because the queue was full. */
    long dropped() {
        return dropped.get();
    }

    /**
     * Waits until every event published before this call has been told to every listener.
     *
     * @return false if that took longer than the timeout (a listener is blocked)
     */
    public boolean sync(long timeout, TimeUnit unit) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (!queue.offer(new Event(null, 0, done), 10, TimeUnit.MILLISECONDS)) {
            if (System.nanoTime() > deadline || !thread.isAlive()) {
                return false;
            }
        }
        return done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /**
     * Tells what is queued, waiting at most the timeout, then stops the thread. If a listener is still blocked
     * then (stdout not read at exit), says on stderr how many events were never told.
     */
    public void close(long timeout, TimeUnit unit) {
        boolean told = false;
        try {
            told = sync(timeout, unit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closing = true;
        thread.interrupt();
        if (!told) {
            long lost = queue.size();
            System.err.println("powrace: " + lost + " event" + (lost == 1 ? " was" : "s were")
                    + " not shown: a listener (stdout?) was still blocked when powrace stopped");
        }
    }

    private void deliver() {
        long reported = 0;
        while (!closing) {
            Event e;
            try {
                e = queue.take();
            } catch (InterruptedException stop) {
                return;
            }
            text.addAndGet(-e.weight());
            if (e.action() != null) {
                tell(e.action());
            }
            long lost = dropped.get();
            if (lost > reported && (queue.isEmpty() || e.done() != null)) { // caught up: say what was lost
                long n = lost - reported;
                reported = lost;
                tell(l -> l.problem(n + " event" + (n == 1 ? " was" : "s were")
                        + " not shown: a listener (stdout?) was blocked until its queue was full; "
                        + "the ledger has every winner"));
            }
            if (e.done() != null) {
                e.done().countDown();
            }
        }
    }

    private void tell(Consumer<RaceListener> action) {
        for (RaceListener l : listeners) {
            try {
                action.accept(l);
            } catch (RuntimeException ex) {
                System.err.println("powrace: a listener failed: " + ex);
            }
        }
    }
}
