package dev.powrace.attack;

/**
 * Stops or pauses a run of attacks from another thread. The miners look at it once per slice of hashes (a few
 * microseconds at difficulty 1), so a stop takes effect at once; while paused they wait, hashing nothing.
 */
public final class Control {
    private final Object lock = new Object();
    private volatile boolean stopped;
    private volatile boolean paused;

    /** Ends the run: every attack under way ends as stopped, and no other begins. Cannot be undone. */
    public void stop() {
        synchronized (lock) {
            stopped = true;
            lock.notifyAll();
        }
    }

    public boolean stopped() {
        return stopped;
    }

    /** Holds the miners at their next slice until {@link #resume}. */
    public void pause() {
        paused = true;
    }

    public void resume() {
        synchronized (lock) {
            paused = false;
            lock.notifyAll();
        }
    }

    public boolean paused() {
        return paused;
    }

    /**
     * What a miner asks before each slice: waits while paused, then says whether to stop. An interrupt stops too.
     */
    public boolean stopNow() {
        if (paused && !stopped) {
            synchronized (lock) {
                while (paused && !stopped) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return true;
                    }
                }
            }
        }
        return stopped;
    }
}
