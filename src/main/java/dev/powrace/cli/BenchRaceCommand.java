package dev.powrace.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.powrace.ledger.Ledger;
import dev.powrace.ledger.LedgerException;
import dev.powrace.node.Network;
import dev.powrace.node.RaceSeries;
import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import dev.powrace.race.RaceListener;
import dev.powrace.stats.NodeStats;
import dev.powrace.stats.RaceLog;
import dev.powrace.stats.Statistics;
import dev.powrace.stats.Summary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "bench-race", mixinStandardHelpOptions = true,
        description = {"Runs N races back to back with the real referee, nodes and engine (the one `auto` picks), "
                + "without a window, on free ports of 127.0.0.1, then shows what they measured: each node's wins "
                + "against its hash power, a chi-square test of \"win share equals hash share\", the races' luck, "
                + "and their durations against the exponential distribution the measured hash rates predict.",
                "The winners go to a temporary ledger, deleted at the end, unless --ledger is given. Progress goes "
                        + "to stderr; the result to stdout. With --json the last line is one JSON object."})
final class BenchRaceCommand implements Callable<Integer> {
    /** The most the first race waits for the warm-up and the engine's calibration. */
    static final Duration WARM_UP_WAIT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Option(names = "--races", paramLabel = "N", defaultValue = "100",
            description = "Races to run (default: ${DEFAULT-VALUE}).")
    int races;

    @Option(names = "--difficulty", paramLabel = "D", defaultValue = "2",
            description = "Leading zero bytes, 1 to 8 (default: ${DEFAULT-VALUE}: 65 536 hashes expected, a few "
                    + "milliseconds a race).")
    int difficulty;

    @Option(names = "--nodes", paramLabel = "K",
            description = "Nodes, 1 to " + Settings.MAX_NODES + " (default: as many as --power gives, else 3).")
    Integer nodes;

    @Option(names = "--power", split = ",", paramLabel = "PERCENT",
            description = "Each node's share of its thread's time, 1 to 100 percent, in node order (default: 100 "
                    + "each), e.g. 100,50,25.")
    List<Integer> power;

    @Option(names = "--ledger", paramLabel = "FILE",
            description = "Keep the winners in FILE (appended to; created as [] if missing). Default: a temporary "
                    + "ledger, deleted at the end; ./ledger.json is never touched.")
    Path ledgerFile;

    @Option(names = "--json", description = {"End with one JSON line: races, difficulty, nodes (node, power, joined, "
            + "wins, win_share, win_share_low, win_share_high, hash_share, hashes_per_second), chi_square_p, "
            + "mean_luck, then predicted_mean_seconds, mean_seconds, ks_distance, engine, seconds.",
            "A figure that can't be computed (too few races) is null."})
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Settings settings;
        try {
            settings = settings();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Path temp = null;
        Ledger ledger;
        try {
            if (ledgerFile == null) {
                temp = Files.createTempDirectory("powrace-bench-race");
                ledger = Ledger.open(temp.resolve("ledger.json"));
            } else {
                ledger = Ledger.open(ledgerFile);
            }
        } catch (LedgerException e) {
            err.println("powrace: " + e.getMessage() + " (the file was left as it is)");
            deleteQuietly(temp);
            return 2;
        } catch (IOException e) {
            err.println("powrace: can't make a temporary ledger: " + e.getMessage());
            return 2;
        }
        try {
            return run(settings, ledger, out, err);
        } finally {
            try {
                ledger.close();
            } catch (IOException ignored) {
                // the winners are written and fsynced already
            }
            deleteQuietly(temp);
        }
    }

    /** The settings the options give, or a one-line IllegalArgumentException. */
    Settings settings() {
        if (races < 1 || races > RaceSeries.MAX_RACES) {
            throw new IllegalArgumentException("--races must be 1 to " + RaceSeries.MAX_RACES + ", not " + races);
        }
        if (difficulty < 1 || difficulty > 8) {
            throw new IllegalArgumentException("--difficulty must be 1 to 8, not " + difficulty);
        }
        int k = nodes != null ? nodes : power != null ? power.size() : 3;
        if (k < 1 || k > Settings.MAX_NODES) {
            throw new IllegalArgumentException("--nodes must be 1 to " + Settings.MAX_NODES + ", not " + k);
        }
        List<Integer> powers = PowerOption.check(power, k);
        return Settings.defaults()
                .withPorts(Collections.nCopies(k, 0))
                .withBind(Settings.DEFAULT_BIND)
                .withDifficulty(difficulty)
                .withPower(powers);
    }

    private int run(Settings settings, Ledger ledger, PrintWriter out, PrintWriter err) throws Exception {
        RaceLog log = new RaceLog();
        CountDownLatch calibrated = new CountDownLatch(1);
        RaceListener messages = new RaceListener() {
            @Override
            public void problem(String message) {
                err.println("powrace: " + message);
                err.flush();
                calibrated.countDown(); // a failed calibration is told as a problem: go on with the engine as it is
            }

            @Override
            public void note(String message) {
                err.println("bench-race: " + message);
                err.flush();
                calibrated.countDown();
            }
        };
        EngineFactory engines = EngineFactory.auto();
        Network network;
        try {
            network = Network.start(settings, ledger, engines, log, messages);
        } catch (IOException e) {
            err.println("powrace: " + e.getMessage());
            return 2;
        }
        try {
            err.println("bench-race: " + settings.ports().size() + (settings.ports().size() == 1 ? " node at " : " nodes at ") + powers(network) + " power, "
                    + races + (races == 1 ? " race" : " races") + " at difficulty " + difficulty
                    + "; waiting for the warm-up and the engine's calibration");
            err.flush();
            // As the app's nodes: no race on cold code. The engine `auto` uses is chosen after the warm-up.
            if (!calibrated.await(WARM_UP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                err.println("bench-race: no word from the engine's calibration in " + WARM_UP_WAIT.toSeconds()
                        + " s; starting anyway");
            }
            Progress progress = new Progress(err, races);
            long t0 = System.nanoTime();
            RaceSeries series = RaceSeries.start(network, "bench-race", races, difficulty, progress);
            Thread hook = new Thread(series::stop, "powrace-bench-race-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            int done;
            try {
                done = series.done().get();
            } catch (ExecutionException e) {
                err.println("powrace: the races failed: " + e.getCause());
                return 1;
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // Ctrl-C: the series is stopped
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            network.referee().sync(Duration.ofSeconds(10));
            progress.end();
            Summary summary = Statistics.summarize(log.results());
            print(summary, seconds, network.referee().engineName(), out);
            if (json) {
                out.println(json(summary, seconds, network.referee().engineName()));
            }
            out.flush();
            return done == races ? 0 : 1;
        } finally {
            network.close();
        }
    }

    private static String powers(Network network) {
        return network.power().stream().map(p -> p + "%").collect(Collectors.joining(", "));
    }

    /** The table on stdout. */
    static void print(Summary s, double seconds, String engine, PrintWriter out) {
        out.printf(Locale.ROOT, "%d races at difficulty %d in %.1f s (engine %s)%n", s.races(), s.difficulty(),
                seconds, engine);
        out.printf(Locale.ROOT, "%-10s %6s %7s %6s  %-24s %10s %12s%n", "node", "power", "joined", "wins",
                "win share (95%)", "hash share", "hash rate");
        for (NodeStats n : s.nodes()) {
            out.printf(Locale.ROOT, "%-10s %5d%% %7d %6d  %-24s %10s %12s%n", n.node(), n.power(), n.joined(), n.wins(),
                    percent(n.winShare()) + " (" + percent(n.winShareLow()) + " to " + percent(n.winShareHigh()) + ")",
                    percent(n.hashShare()), rate(n.hashesPerSecond()));
        }
        out.println("chi-square: " + verdict(s.chiSquareP()));
        out.printf(Locale.ROOT, "luck: a race's hashes (all its nodes') over the 256^%d expected, mean %s (1 on "
                + "average; below 1 is lucky)%n", s.difficulty(), number(s.meanLuck()));
        double mean = s.durationsSeconds().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        out.printf(Locale.ROOT, "durations: mean %s, predicted %s by the measured hash rates; Kolmogorov-Smirnov "
                + "distance to that exponential %s%n", time(mean), time(s.predictedMeanSeconds()), number(s.ksDistance()));
    }

    /** The chi-square test in plain words. */
    static String verdict(double p) {
        if (Double.isNaN(p)) {
            return "too few races (or nodes) to test whether win shares match hash shares";
        }
        String figure = String.format(Locale.ROOT, "p = %.3g", p);
        return p >= 0.01 ? "win shares match hash shares (" + figure + ")"
                : "win shares differ from hash shares more than luck explains (" + figure + ")";
    }

    /** The last line with --json. */
    static String json(Summary s, double seconds, String engine) {
        ObjectNode o = Ledger.json().createObjectNode();
        o.put("races", s.races());
        o.put("difficulty", s.difficulty());
        ArrayNode list = o.putArray("nodes");
        for (NodeStats n : s.nodes()) {
            ObjectNode x = list.addObject();
            x.put("node", n.node());
            x.put("power", n.power());
            x.put("joined", n.joined());
            x.put("wins", n.wins());
            put(x, "win_share", n.winShare());
            put(x, "win_share_low", n.winShareLow());
            put(x, "win_share_high", n.winShareHigh());
            put(x, "hash_share", n.hashShare());
            if (Double.isNaN(n.hashesPerSecond())) {
                x.putNull("hashes_per_second");
            } else {
                x.put("hashes_per_second", Math.round(n.hashesPerSecond()));
            }
        }
        put(o, "chi_square_p", s.chiSquareP());
        put(o, "mean_luck", s.meanLuck());
        put(o, "predicted_mean_seconds", s.predictedMeanSeconds());
        put(o, "mean_seconds", s.durationsSeconds().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
        put(o, "ks_distance", s.ksDistance());
        o.put("engine", engine);
        put(o, "seconds", Math.round(seconds * 1000) / 1000.0);
        return o.toString();
    }

    private static void put(ObjectNode o, String field, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            o.putNull(field);
        } else {
            o.put(field, value);
        }
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    private static String number(double x) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.3f", x);
    }

    private static String rate(double perSecond) {
        return Double.isNaN(perSecond) ? "-" : String.format(Locale.ROOT, "%.2f MH/s", perSecond / 1e6);
    }

    private static String time(double seconds) {
        if (Double.isNaN(seconds)) {
            return "-";
        }
        return seconds < 1 ? String.format(Locale.ROOT, "%.2f ms", seconds * 1e3)
                : String.format(Locale.ROOT, "%.2f s", seconds);
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(files.toList());
            Collections.reverse(all);
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a temporary folder: the system cleans it in time
        }
    }

    /**
     * Progress on stderr: on a terminal one line rewritten in place, else a line every tenth of the races (so a
     * log stays short).
     */
    static final class Progress implements RaceSeries.Listener {
        private final PrintWriter err;
        private final int total;
        private final boolean terminal = System.console() != null;
        private final long t0 = System.nanoTime();
        private int lastTenth;
        private boolean inPlace; // a line rewritten in place is open

        Progress(PrintWriter err, int total) {
            this.err = err;
            this.total = total;
        }

        @Override
        public void raceDone(int done, int total) {
            int tenth = done * 10 / total;
            if (terminal) {
                err.printf(Locale.ROOT, "\rbench-race: %d/%d races, %.1f s", done, total, (System.nanoTime() - t0) / 1e9);
                err.flush();
                inPlace = true;
            } else if (tenth > lastTenth) {
                lastTenth = tenth;
                err.printf(Locale.ROOT, "bench-race: %d/%d races, %.1f s%n", done, total, (System.nanoTime() - t0) / 1e9);
                err.flush();
            }
        }

        @Override
        public void finished(int done, boolean stopped) {
            if (stopped) {
                end();
                err.println("bench-race: stopped after " + done + " of " + total + " races");
                err.flush();
            }
        }

        /** Ends the line rewritten in place, if any. */
        void end() {
            if (inPlace) {
                err.println();
                err.flush();
                inPlace = false;
            }
        }
    }
}
