package dev.powrace.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.powrace.attack.Attack;
import dev.powrace.attack.Attacks;
import dev.powrace.attack.CatchUp;
import dev.powrace.attack.Control;
import dev.powrace.attack.Interval;
import dev.powrace.attack.Share;
import dev.powrace.attack.Tally;
import dev.powrace.ledger.Ledger;
import dev.powrace.pow.AutoEngine;
import dev.powrace.pow.EngineFactory;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "bench-attack", mixinStandardHelpOptions = true,
        description = {"The double-spend lesson (Bitcoin paper, section 11): for each share q of the hash power and "
                + "each number z of blocks a merchant waits for, mines N attacks for real and counts how often the "
                + "attacker's private chain catches up with the honest one. Both chains are SHA-256 blocks found by "
                + "the engine `auto` picks, at a low difficulty; of every slice of hashes exactly q go to the "
                + "attacker. An attack is given up once the attacker is so far behind that it would catch up less "
                + "than once in 10^9.",
                "Each row: the measured rate with its 99% (Clopper-Pearson) interval, Nakamoto's formula, "
                        + "Rosenfeld's exact one, and the hashes and time the attacks took. Progress goes to stderr; "
                        + "the table to stdout. With --json the last line is one JSON object."})
final class BenchAttackCommand implements Callable<Integer> {
    static final int MAX_Z = 60;
    static final int MAX_ATTACKS = 10_000_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--q", split = ",", paramLabel = "Q", defaultValue = "0.1,0.3",
            description = "The attacker's shares of the hash power, each more than 0 and less than 1, in "
                    + "thousandths (default: ${DEFAULT-VALUE}).")
    List<String> qs;

    @Option(names = "--z", paramLabel = "Z", defaultValue = "0-10",
            description = "Blocks the merchant waits for: a number, a range such as 0-10, or a list such as 1,2,6, "
                    + "0 to " + MAX_Z + " (default: ${DEFAULT-VALUE}).")
    String zs;

    @Option(names = "--attacks", paramLabel = "N", defaultValue = "10000",
            description = "Attacks per (q, z), 1 to " + MAX_ATTACKS + " (default: ${DEFAULT-VALUE}).")
    int attacks;

    @Option(names = "--difficulty", paramLabel = "D", defaultValue = "1",
            description = "Leading zero bytes of a block's hash, 1 to 8 (default: ${DEFAULT-VALUE}: one hash in 256 "
                    + "is a block, thousands of attacks a second). Each step costs 256 times the hashes.")
    int difficulty;

    @Option(names = "--threads", paramLabel = "T",
            description = "Mining threads, each mining whole attacks (default: as many as the machine has "
                    + "processors).")
    Integer threads;

    @Option(names = "--seed", paramLabel = "WORD",
            description = "Names the run in every block's header (default: random). The same seed mines the same "
                    + "blocks, hence the same table.")
    String seed;

    @Option(names = "--json", description = {"End with one JSON line: {\"rows\":[{\"q\":..,\"z\":..,\"attacks\":..,"
            + "\"successes\":..,\"p\":..,\"p_low\":..,\"p_high\":..,\"nakamoto\":..,\"rosenfeld\":..},...]}."})
    boolean json;

    /** One (q, z) to measure. */
    record Row(Share share, int z) {}

    @Override
    public Integer call() throws Exception {
        List<Row> rows;
        int t;
        try {
            rows = rows(shares(qs), zs(zs));
            if (attacks < 1 || attacks > MAX_ATTACKS) {
                throw new IllegalArgumentException("--attacks must be 1 to " + MAX_ATTACKS + ", not " + attacks);
            }
            if (difficulty < 1 || difficulty > 8) {
                throw new IllegalArgumentException("--difficulty must be 1 to 8, not " + difficulty);
            }
            t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
            if (t < 1 || t > 256) {
                throw new IllegalArgumentException("--threads must be 1 to 256, not " + t);
            }
            if (seed != null && (seed.isBlank() || seed.length() > 40 || !seed.matches("[\\p{Alnum}._-]+"))) {
                throw new IllegalArgumentException("--seed must be 1 to 40 letters, digits, '.', '_' or '-'");
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String run = seed != null ? seed : HexFormat.of().formatHex(new SecureRandom().generateSeed(4));

        AutoEngine engines = EngineFactory.auto(); // as bench does: measure the engines here, then use the fastest
        err.println("bench-attack: " + engines.calibrate(() -> false, Duration.ofMillis(100)));
        Attacks miner = new Attacks(engines, difficulty, t);
        err.println("bench-attack: " + describe(rows, t, engines.name(), run));
        err.flush();

        Control control = new Control();
        Thread hook = new Thread(control::stop, "powrace-bench-attack-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Progress progress = new Progress(err, (long) attacks * rows.size());
        List<Tally> tallies = new ArrayList<>();
        try {
            for (Row row : rows) {
                Attacks.Counters live = new Attacks.Counters();
                progress.follow(row, live);
                tallies.add(miner.run(run + " q" + row.share().q() + " z" + row.z(), row.share(), row.z(), attacks, live,
                        control, false, r -> {}));
                progress.rowDone(attacks);
                if (control.stopped()) {
                    break;
                }
            }
        } finally {
            progress.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the run is stopped
            }
        }
        print(tallies, out);
        if (json) {
            out.println(json(tallies));
        }
        out.flush();
        return tallies.size() == rows.size() && !control.stopped() ? 0 : 1;
    }

    /** The shares, in thousandths, each more than 0 and less than 1; a one-line IllegalArgumentException. */
    static List<Share> shares(List<String> qs) {
        List<Share> shares = new ArrayList<>();
        for (String q : qs) {
            double value;
            try {
                value = Double.parseDouble(q.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--q takes numbers such as 0.1,0.3, not '" + q + "'");
            }
            if (!(value > 0 && value < 1)) {
                throw new IllegalArgumentException("--q must be more than 0 and less than 1, not " + q.trim());
            }
            try {
                shares.add(Share.of(value));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--q must be a multiple of 0.001 (of every slice of hashes the "
                        + "attacker gets exactly q), not " + q.trim());
            }
        }
        return shares;
    }

    /** z from "5", "0-10" or "1,2,6", ascending and without repeats; a one-line IllegalArgumentException. */
    static List<Integer> zs(String text) {
        TreeSet<Integer> zs = new TreeSet<>();
        String bad = "--z takes a number, a range such as 0-10 or a list such as 1,2,6, each 0 to " + MAX_Z + ", not '"
                + text + "'";
        if (text.isBlank()) {
            throw new IllegalArgumentException(bad);
        }
        for (String part : text.split(",", -1)) {
            String[] ends = part.trim().split("-", -1);
            if (ends.length > 2) {
                throw new IllegalArgumentException(bad);
            }
            int from;
            int to;
            try {
                from = Integer.parseInt(ends[0].trim());
                to = ends.length == 2 ? Integer.parseInt(ends[1].trim()) : from;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(bad);
            }
            if (from < 0 || to > MAX_Z || from > to) {
                throw new IllegalArgumentException(bad);
            }
            for (int z = from; z <= to; z++) {
                zs.add(z);
            }
        }
        return List.copyOf(zs);
    }

    static List<Row> rows(List<Share> shares, List<Integer> zs) {
        List<Row> rows = new ArrayList<>();
        for (Share s : shares) {
            for (int z : zs) {
                rows.add(new Row(s, z));
            }
        }
        return rows;
    }

    private String describe(List<Row> rows, int t, String engine, String run) {
        List<Share> shares = rows.stream().map(Row::share).distinct().toList();
        String giveUp = shares.stream().map(s -> {
            int d = CatchUp.giveUpDeficit(s.q());
            return d == Integer.MAX_VALUE ? "never at q = " + number(s.q()) + " (stopped, undecided, at "
                    + new Attack(EngineFactory.digest(), 1, s, 0).maxBlocks() + " blocks)"
                    : d + " blocks behind at q = " + number(s.q());
        }).collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, "%d (q, z) of %d attacks each at difficulty %d (a block is one hash in %s), "
                + "%d %s, engine %s, seed %s; of every slice of hashes the attacker gets exactly q (%s); given up %s",
                rows.size(), attacks, difficulty, difficulty == 1 ? "256" : "256^" + difficulty, t,
                t == 1 ? "thread" : "threads", engine, run,
                shares.stream().map(s -> s.attacker() + " of " + s.slice()).collect(Collectors.joining(", ")), giveUp);
    }

    /** The table on stdout. */
    static void print(List<Tally> tallies, PrintWriter out) {
        out.printf(Locale.ROOT, "%5s %3s %8s %9s %10s  %-23s %10s %10s %6s %6s %14s %8s%n", "q", "z", "attacks",
                "caught up", "rate", "99% interval", "Nakamoto", "Rosenfeld", "exact", "paper", "hashes", "time");
        for (Tally t : tallies) {
            Interval i = t.interval();
            out.printf(Locale.ROOT, "%5s %3d %8d %9d %10.7f  %-23s %10.7f %10.7f %6s %6s %14d %7.1fs%s%n", number(t.q()),
                    t.z(), t.attacks(), t.successes(), t.rate(), String.format(Locale.ROOT, "%.7f-%.7f", i.low(), i.high()),
                    t.nakamoto(), t.rosenfeld(), i.contains(t.rosenfeld()) ? "in" : "OUT",
                    i.contains(t.nakamoto()) ? "in" : "out", t.hashes(), t.nanos() / 1e9,
                    t.undecided() > 0 ? "  (" + t.undecided() + " undecided)" : "");
        }
        long hashes = tallies.stream().mapToLong(Tally::hashes).sum();
        double seconds = tallies.stream().mapToLong(Tally::nanos).sum() / 1e9;
        out.printf(Locale.ROOT, "exact, paper: whether the 99%% interval holds Rosenfeld's and Nakamoto's value. %d "
                + "attacks, %.2f G hashes in %.1f s (%.1f MH/s)%n", tallies.stream().mapToLong(Tally::attacks).sum(),
                hashes / 1e9, seconds, seconds > 0 ? hashes / seconds / 1e6 : 0.0);
    }

    /** The last line with --json, exactly the fields issue 18 names. */
    static String json(List<Tally> tallies) {
        ObjectNode o = Ledger.json().createObjectNode();
        ArrayNode rows = o.putArray("rows");
        for (Tally t : tallies) {
            Interval i = t.interval();
            ObjectNode r = rows.addObject();
            r.put("q", t.q());
            r.put("z", t.z());
            r.put("attacks", t.attacks());
            r.put("successes", t.successes());
            if (t.attacks() == 0) {
                r.putNull("p");
            } else {
                r.put("p", t.rate());
            }
            r.put("p_low", i.low());
            r.put("p_high", i.high());
            r.put("nakamoto", t.nakamoto());
            r.put("rosenfeld", t.rosenfeld());
        }
        return o.toString();
    }

    private static String number(double q) {
        return new java.math.BigDecimal(Double.toString(q)).stripTrailingZeros().toPlainString();
    }

    /**
     * A progress bar on stderr, over all the rows' attacks: on a terminal one line rewritten in place 5 times a
     * second, else a line every tenth (so a log stays short). Sampled by a thread of its own.
     */
    static final class Progress implements AutoCloseable {
        private final PrintWriter err;
        private final long total;
        private final boolean terminal = System.console() != null;
        private final long t0 = System.nanoTime();
        private final Thread sampler;
        private volatile Row row;
        private volatile Attacks.Counters live;
        private volatile long before; // attacks of the rows done
        private long lastTenth;
        private boolean inPlace;
        private volatile boolean closed;

        Progress(PrintWriter err, long total) {
            this.err = err;
            this.total = total;
            sampler = new Thread(this::sample, "powrace-bench-attack-progress");
            sampler.setDaemon(true);
            sampler.start();
        }

        void follow(Row row, Attacks.Counters live) {
            this.live = live;
            this.row = row;
        }

        void rowDone(long attacks) {
            before += attacks;
            live = null;
        }

        private void sample() {
            while (!closed) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                show(false);
            }
        }

        private synchronized void show(boolean last) {
            Attacks.Counters c = live;
            Row r = row;
            long done = before + (c == null ? 0 : c.attacks());
            long tenth = done * 10 / Math.max(1, total);
            String line = String.format(Locale.ROOT, "bench-attack: [%-30s] %3d%% %,d/%,d attacks%s, %.1f s",
                    "#".repeat((int) (30 * done / Math.max(1, total))), 100 * done / Math.max(1, total), done, total,
                    r == null || last ? "" : ", q = " + number(r.share().q()) + " z = " + r.z(),
                    (System.nanoTime() - t0) / 1e9);
            if (terminal) {
                err.print("\r" + line);
                inPlace = true;
                err.flush();
            } else if (tenth > lastTenth || last && done > 0 && lastTenth < 10) {
                lastTenth = tenth;
                err.println(line);
                err.flush();
            }
        }

        @Override
        public void close() throws InterruptedException {
            closed = true;
            sampler.interrupt();
            sampler.join();
            show(true);
            if (inPlace) {
                err.println();
                err.flush();
            }
        }
    }
}
