package dev.powrace.cli;

import dev.powrace.ledger.Audit;
import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.ledger.LedgerException;
import dev.powrace.ledger.Timestamps;
import dev.powrace.pow.DigestEngine;
import dev.powrace.pow.Puzzle;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench-ledger", mixinStandardHelpOptions = true,
        description = {"Measures the ledger: the cost of one durable append (write and fsync) to a small ledger "
                + "and to a large one, turn about; then how long the large one takes to open (the check every start "
                + "does), to read whole (what the app loads) and to verify.",
                "Works in a temporary folder, which it removes; --keep writes the large ledger to FILE instead."})
final class BenchLedgerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--entries", paramLabel = "N", defaultValue = "100000", description = "Entries in the large ledger (default: ${DEFAULT-VALUE}).")
    int entries;

    @Option(names = "--appends", paramLabel = "K", defaultValue = "200", description = "Appends to each ledger (default: ${DEFAULT-VALUE}).")
    int appends;

    @Option(names = "--keep", paramLabel = "FILE", description = "Also write the large ledger here, for trying the app or verify on it.")
    Path keep;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path dir = Files.createTempDirectory("powrace-bench-ledger");
        try {
            Path small = dir.resolve("small.json");
            Path large = keep != null ? keep.toAbsolutePath() : dir.resolve("large.json");
            err.println("bench-ledger: writing " + entries + " valid entries to " + large);
            write(small, 10);
            write(large, entries);
            out.printf(Locale.ROOT, "large ledger: %d entries, %.1f MB%n", entries, Files.size(large) / 1e6);

            long[] smallTimes = new long[appends];
            long[] largeTimes = new long[appends];
            try (Ledger s = Ledger.open(small); Ledger l = Ledger.open(large)) {
                for (int i = 0; i < appends; i++) {
                    smallTimes[i] = timeAppend(s, i);
                    largeTimes[i] = timeAppend(l, i);
                }
            }
            double ms = median(smallTimes) / 1e6;
            double ml = median(largeTimes) / 1e6;
            out.printf(Locale.ROOT, "append (write + fsync), median of %d: 10 entries %.3f ms, %d entries %.3f ms, ratio %.2f%n",
                    appends, ms, entries, ml, ml / ms);

            long t0 = System.nanoTime();
            try (Ledger l = Ledger.open(large)) {
                out.printf(Locale.ROOT, "open and check %d entries: %.0f ms%n", l.size(), (System.nanoTime() - t0) / 1e6);
            }
            t0 = System.nanoTime();
            int read = Ledger.readAll(large).size();
            out.printf(Locale.ROOT, "read all %d entries: %.0f ms%n", read, (System.nanoTime() - t0) / 1e6);
            t0 = System.nanoTime();
            Audit.Report report = Audit.check(large);
            out.printf(Locale.ROOT, "verify %d entries: %.0f ms (%s)%n", report.entries(), (System.nanoTime() - t0) / 1e6,
                    report.valid() ? "all valid" : report.problems().size() + " invalid");
            return 0;
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long timeAppend(Ledger ledger, int i) throws LedgerException {
        Entry e = entry("appended " + i);
        long t = System.nanoTime();
        ledger.append(e);
        return System.nanoTime() - t;
    }

    /** Writes a ledger of n valid difficulty-1 entries in the format appends produce. */
    private static void write(Path path, int n) throws IOException {
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16)) {
            o.write('[');
            for (int i = 0; i < n; i++) {
                o.write((i == 0 ? "\n" : ",\n").getBytes(StandardCharsets.US_ASCII));
                o.write(Ledger.json().writeValueAsBytes(entry("transaction number " + i + " for the large ledger")));
            }
            o.write("\n]\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static Entry entry(String tx) {
        DigestEngine engine = new DigestEngine(tx, 1);
        int hit;
        long nonce = 0;
        while ((hit = engine.scan(nonce, 4096)) < 0) {
            nonce += 4096;
        }
        nonce += hit;
        Instant start = Instant.now();
        String t = Timestamps.format(start);
        return new Entry("Node" + (1 + (int) (nonce % 3)), tx, nonce, Puzzle.hash(tx, nonce), 1, Entry.seconds(12_345),
                t, Timestamps.format(start.plusNanos(12_345)), nonce + 1);
    }

    private static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
