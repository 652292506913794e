package dev.powrace.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.powrace.ledger.Ledger;
import dev.powrace.pow.EngineFactory;
import dev.powrace.pow.HashMeter;
import dev.powrace.pow.Search;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures the hash rate of the nodes' own search loop (the same Search and engine a node "
                + "runs) on T threads for S seconds, at a difficulty no search reaches, after a warm-up of one "
                + "second that is not counted.",
                "With --engine all, every engine this JVM has, one after another, each for S seconds.",
                "Progress goes to stderr; the result to stdout. With --json the last line is one JSON object."})
final class BenchCommand implements Callable<Integer> {
    enum EngineChoice { auto, shani, simd, digest, all }

    @Spec
    CommandSpec spec;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "10", description = "How long to measure (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "1", description = "Searching threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "auto",
            description = "auto, shani, simd, digest or all (default: ${DEFAULT-VALUE}).")
    EngineChoice engine;

    @Option(names = "--json", description = {"End with one JSON line: engine, threads, seconds, hashes_per_second, per_thread.",
            "With --engine all: {\"engines\":[{\"engine\":..., \"hashes_per_second\":...}, ...], \"auto\":the fastest}."})
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        if (!(seconds > 0 && seconds <= 3600)) {
            throw new ParameterException(spec.commandLine(), "--seconds must be more than 0 and at most 3600");
        }
        if (threads < 1 || threads > 256) {
            throw new ParameterException(spec.commandLine(), "--threads must be 1 to 256");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (engine == EngineChoice.all) {
            return all(out, err);
        }
        EngineFactory factory = switch (engine) {
            case digest -> EngineFactory.digest();
            case auto -> {
                // what the nodes do after their warm-up: measure the engines here, then use the fastest
                dev.powrace.pow.AutoEngine auto = EngineFactory.auto();
                try {
                    err.println("bench: " + auto.calibrate(() -> false, java.time.Duration.ofMillis(100)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                yield auto;
            }
            case simd -> EngineFactory.simd().orElseGet(() -> {
                err.println("powrace: the SIMD engine is not available here ("
                        + EngineFactory.simdUnavailableReason().orElse("unknown") + "); measuring digest instead");
                return EngineFactory.digest();
            });
            case shani -> EngineFactory.shani().orElseGet(() -> {
                err.println("powrace: the shani engine is not available here ("
                        + EngineFactory.shaniUnavailableReason().orElse("unknown") + "); measuring digest instead");
                return EngineFactory.digest();
            });
            case all -> throw new AssertionError();
        };
        double[] perThread = measure(factory, out, err);
        double total = 0;
        for (double r : perThread) {
            total += r;
        }
        if (json) {
            ObjectNode o = Ledger.json().createObjectNode();
            o.put("engine", factory.name());
            o.put("threads", threads);
            o.put("seconds", seconds);
            o.put("hashes_per_second", Math.round(total));
            ArrayNode a = o.putArray("per_thread");
            for (double r : perThread) {
                a.add(Math.round(r));
            }
            out.println(o.toString());
        }
        return 0;
    }

    /** Every engine this JVM has, one after another; an engine that is missing is one line on stderr saying why. */
    private int all(PrintWriter out, PrintWriter err) throws InterruptedException {
        List<EngineFactory> engines = new ArrayList<>();
        EngineFactory.shani().ifPresentOrElse(engines::add, () -> err.println("bench: no shani engine here ("
                + EngineFactory.shaniUnavailableReason().orElse("unknown") + ")"));
        EngineFactory.simd().ifPresentOrElse(engines::add, () -> err.println("bench: no simd engine here ("
                + EngineFactory.simdUnavailableReason().orElse("unknown") + ")"));
        engines.add(EngineFactory.digest());
        ObjectNode o = Ledger.json().createObjectNode();
        ArrayNode list = o.putArray("engines");
        String fastest = null;
        double best = -1;
        for (EngineFactory factory : engines) {
            double total = 0;
            for (double r : measure(factory, out, err)) {
                total += r;
            }
            list.addObject().put("engine", factory.name()).put("hashes_per_second", Math.round(total));
            if (total > best) {
                best = total;
                fastest = factory.name();
            }
        }
        out.printf(Locale.ROOT, "fastest: %s%n", fastest);
        if (json) {
            o.put("auto", fastest);
            out.println(o.toString());
        }
        return 0;
    }

    /** Runs the search loop with {@code factory} on every thread; prints and returns each thread's rate. */
    private double[] measure(EngineFactory factory, PrintWriter out, PrintWriter err) throws InterruptedException {
        err.println("bench: engine " + factory.name() + ", " + threads + (threads == 1 ? " thread" : " threads")
                + ", 1 s warm-up, then " + seconds + " s");

        List<HashMeter> meters = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        // Atomic: with --engine all, one engine's threads must really stop before the next engine is measured.
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        for (int t = 0; t < threads; t++) {
            HashMeter meter = new HashMeter();
            meters.add(meter);
            long start = ThreadLocalRandom.current().nextLong(1L << 62);
            // Difficulty 8 needs 2^64 hashes on average: no search here ends by finding one.
            Search search = new Search("powrace bench transaction " + t, 8, start, factory.create("powrace bench transaction " + t, 8));
            Thread w = new Thread(() -> search.run(stop::get, meter), "bench-" + t);
            w.setDaemon(true);
            workers.add(w);
        }
        workers.forEach(Thread::start);
        Thread.sleep(1000);
        long[] base = meters.stream().mapToLong(HashMeter::get).toArray();
        long t0 = System.nanoTime();
        long end = t0 + (long) (seconds * 1e9);
        long previous = sum(meters);
        long previousAt = t0;
        while (System.nanoTime() < end) {
            Thread.sleep(Math.max(1, Math.min(1000, (end - System.nanoTime()) / 1_000_000)));
            long now = System.nanoTime();
            long total = sum(meters);
            err.printf(Locale.ROOT, "bench: %5.1f s  %8.2f MH/s%n", (now - t0) / 1e9, (total - previous) * 1e3 / (now - previousAt));
            previous = total;
            previousAt = now;
        }
        long elapsed = System.nanoTime() - t0;
        double[] perThread = new double[threads];
        for (int t = 0; t < threads; t++) {
            perThread[t] = (meters.get(t).get() - base[t]) * 1e9 / elapsed;
        }
        stop.set(true);
        for (Thread w : workers) {
            w.join(5000);
        }
        double total = 0;
        for (int t = 0; t < threads; t++) {
            total += perThread[t];
            out.printf(Locale.ROOT, "thread %d: %.2f MH/s%n", t, perThread[t] / 1e6);
        }
        out.printf(Locale.ROOT, "total: %.2f MH/s with %s on %d %s%n", total / 1e6, factory.name(), threads,
                threads == 1 ? "thread" : "threads");
        return perThread;
    }

    private static long sum(List<HashMeter> meters) {
        return meters.stream().mapToLong(HashMeter::get).sum();
    }
}
