package dev.powrace.race;

import dev.powrace.pow.EngineFactory;
import dev.powrace.pow.HashMeter;
import dev.powrace.pow.Search;
import dev.powrace.pow.Solution;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** One node's search at a race, as every referee runs it, timed around the search alone. */
public final class Mining {
    private Mining() {}

    /**
     * Searches from a random 62-bit start nonce (so no two nodes hash the same input) until a nonce is found,
     * the race is decided, or {@code stop} says so.
     *
     * @param started told once, before the clock is read, with the start event to publish; the event learns its
     *     time when the clock is read, just after, so that nothing but the search lies between start and end
     * @return FOUND with the nonce (a candidate: the referee decides whether it won), or STOPPED
     */
    public static Attempt search(Race race, String node, EngineFactory engines, BooleanSupplier stop, HashMeter meter,
            java.util.function.Consumer<Supplier<Attempt>> started) {
        return search(race, node, engines, stop, meter, Search.MAX_POWER, started);
    }

    /**
     * As {@link #search(Race, String, EngineFactory, BooleanSupplier, HashMeter, java.util.function.Consumer)},
     * throttled to {@code power} percent of the thread's time (see {@link Search#run(BooleanSupplier,
     * java.util.function.LongConsumer, int)}); the attempt's time includes the sleeps.
     */
    public static Attempt search(Race race, String node, EngineFactory engines, BooleanSupplier stop, HashMeter meter,
            int power, java.util.function.Consumer<Supplier<Attempt>> started) {
        Search.checkPower(power);
        long startNonce = ThreadLocalRandom.current().nextLong(1L << 62);
        Search search = new Search(race.transaction(), race.difficulty(), startNonce,
                engines.create(race.transaction(), race.difficulty()));
        BooleanSupplier halt = () -> race.decided() || stop.getAsBoolean();
        CompletableFuture<Instant> startTime = new CompletableFuture<>();
        started.accept(() -> new Attempt(race, node, Outcome.MINING, startTime.join(), null, 0, 0, -1, null,
                power));
        Instant start = Instant.now();
        long t0 = System.nanoTime();
        startTime.complete(start);
        Optional<Solution> found = search.run(halt, meter, power);
        long elapsed = System.nanoTime() - t0;
        Instant end = start.plusNanos(elapsed);
        if (found.isEmpty()) {
            return new Attempt(race, node, Outcome.STOPPED, start, end, elapsed, search.hashes(), -1, null, power);
        }
        Solution s = found.get();
        return new Attempt(race, node, Outcome.FOUND, start, end, elapsed, s.hashes(), s.nonce(), s.hash(), power);
    }

    /** A found attempt that did not win (another came first): the same search, ended STOPPED. */
    public static Attempt stopped(Attempt found) {
        return new Attempt(found.race(), found.node(), Outcome.STOPPED, found.start(), found.end(), found.elapsedNanos(),
                found.hashes(), -1, null, found.power());
    }
}
