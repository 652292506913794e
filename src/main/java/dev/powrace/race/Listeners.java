package dev.powrace.race;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A referee's listeners and the {@link Announcer} that tells them, written once for every referee: events are
 * queued and told in order on the announcer's thread, and adding or removing a listener is safe at any time.
 */
public final class Listeners {
    private final List<RaceListener> listeners = new CopyOnWriteArrayList<>();
    private final Announcer announcer = new Announcer(listeners);

    public Listeners() {}

    public void add(RaceListener l) {
        listeners.add(l);
    }

    /** Stops telling {@code l}; events already queued for it may still reach it. */
    public void remove(RaceListener l) {
        listeners.remove(l);
    }

    /** Queues an event about {@code race}, weighed by the transaction text it keeps alive; never blocks. */
    public void publish(Consumer<RaceListener> event, Race race) {
        announcer.publish(event, race.transaction().length());
    }

    /** Tells every listener of a problem, on the event thread. */
    public void problem(String message) {
        announcer.publish(l -> l.problem(message), message.length());
    }

    public void note(String message) {
        announcer.publish(l -> l.note(message), message.length());
    }

    /** See {@link RaceListener#warmingUp}; never blocks. */
    public void warmingUp(String node) {
        announcer.publish(l -> l.warmingUp(node), node.length());
    }

    /** See {@link RaceListener#warmedUp}; never blocks. */
    public void warmedUp(java.time.Duration took, java.time.Duration sinceStart) {
        announcer.publish(l -> l.warmedUp(took, sinceStart), 16);
    }

    /** Tells the race the attempt ended, then every listener; returns the attempt. */
    public Attempt end(Attempt attempt) {
        attempt.race().attemptEnded(attempt);
        publish(l -> l.ended(attempt), attempt.race());
        return attempt;
    }

    /**
     * Waits until every event published before this call has been told to every listener.
     *
     * @return false if that took longer than the timeout (a listener is blocked)
     */
    public boolean sync(long timeout, TimeUnit unit) throws InterruptedException {
        return announcer.sync(timeout, unit);
    }

    /** Tells what is queued, waiting at most the timeout, then stops the event thread. */
    public void close(long timeout, TimeUnit unit) {
        announcer.close(timeout, unit);
    }
}
