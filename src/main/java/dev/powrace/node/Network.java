package dev.powrace.node;

import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.ledger.Timestamps;
import dev.powrace.pow.EngineFactory;
import dev.powrace.pow.AutoEngine;
import dev.powrace.pow.WarmUp;
import dev.powrace.race.RaceListener;
import dev.powrace.race.LocalReferee;
import dev.powrace.race.Referee;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The nodes of one process, their referee and their ledger, started and stopped together. */
public final class Network implements Closeable {
    private final Settings settings;
    private final Referee referee;
    private final List<Node> nodes;
    private final Calibration calibration;
    private final WarmUpGate gate;
    private volatile boolean closed;

    private Network(Settings settings, Referee referee, List<Node> nodes, Calibration calibration, WarmUpGate gate) {
        this.settings = settings;
        this.referee = referee;
        this.nodes = List.copyOf(nodes);
        this.calibration = calibration;
        this.gate = gate;
    }

    /**
     * The nodes that hold a race until the warm-up is over, in the order they began to wait (empty once it is): for
     * a listener added after they said so ({@link RaceListener#warmingUp}).
     */
    public List<String> warmingUp() {
        return gate.waiting();
    }

    /**
     * Binds every node's port, then starts them all. If any port is taken, none is kept.
     *
     * @throws PortInUseException naming the first port that is taken
     * @throws IOException in one line, if a port can't be taken for another reason ({@link BindFailure})
     */
    public static Network start(Settings settings, Ledger ledger, EngineFactory engines, RaceListener... listeners)
            throws IOException {
        return start(settings, new LocalReferee(ledger, settings.ports().size(), settings.difficulty(),
                settings.joinWindow(), engines), engines, listeners);
    }

    /**
     * Like {@link #start(Settings, Ledger, EngineFactory, RaceListener...)} with a referee of the caller's (a
     * cluster's). The network owns the referee from here on: it closes it, also when the start fails.
     */
    public static Network start(Settings settings, Referee referee, EngineFactory engines, RaceListener... listeners)
            throws IOException {
        return start(settings, referee, engines, null, listeners);
    }

    /**
     * The desktop app's start: as {@link #start(Settings, Ledger, EngineFactory, RaceListener...)}, with the
     * warm-up held until {@code warmUpAfter} completes (the window is shown), at most {@link #WARM_UP_HOLD_SECONDS}:
     * on two cores, a warm-up that runs while the window is built delays it. The first race waits for it all the same.
     */
    public static Network start(Settings settings, Ledger ledger, EngineFactory engines, CompletionStage<?> warmUpAfter)
            throws IOException {
        return start(settings, new LocalReferee(ledger, settings.ports().size(), settings.difficulty(),
                settings.joinWindow(), engines), engines, warmUpAfter);
    }

    /** As {@link #start(Settings, Ledger, EngineFactory, CompletionStage)} with a referee of the caller's. */
    public static Network start(Settings settings, Referee referee, EngineFactory engines, CompletionStage<?> warmUpAfter,
            RaceListener... listeners) throws IOException {
        InetAddress address;
        try {
            address = InetAddress.getByName(settings.bind());
        } catch (UnknownHostException e) {
            referee.close();
            throw new IOException("can't listen on '" + settings.bind() + "': unknown address");
        }
        for (RaceListener l : listeners) {
            referee.addListener(l);
        }
        List<Node> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < settings.ports().size(); i++) {
                Node node = new Node(referee.nodeName(i + 1), new InetSocketAddress(address, settings.ports().get(i)),
                        referee, settings);
                node.setPower(settings.powerOf(i));
                node.bind();
                nodes.add(node);
            }
        } catch (IOException | RuntimeException e) {
            nodes.forEach(Node::close);
            referee.close();
            throw e;
        }
        // The warm-up compiles the races' code path in the background; each node holds its first race until it
        // is done (a second or two), so that no race, and no time in the ledger, runs on cold code. A race that
        // waits for it says so, and so does the warm-up's end (see WarmUpGate).
        Calibration calibration = new Calibration();
        WarmUpGate gate = new WarmUpGate(referee);
        Runnable afterWarmUp = () -> {
            warmUpRecording();
            if (engines instanceof AutoEngine auto) {
                calibration.start(calibrate(auto, nodes, referee, calibration.miners));
            }
            gate.open();
        };
        Thread warmUp;
        if (warmUpAfter == null) {
            gate.began();
            warmUp = WarmUp.start(engines, afterWarmUp);
        } else {
            warmUp = warmUpAfter(warmUpAfter, engines, gate, afterWarmUp);
        }
        gate.runsOn(warmUp);
        nodes.forEach(n -> n.start(gate));
        referee.nodesStarted(nodes.stream().map(n -> new Referee.Member(n.name(), settings.bind(), n.port(), n::submit,
                n::hashes)).toList());
        return new Network(settings, referee, nodes, calibration, gate);
    }

    /** The most the warm-up is held for {@code warmUpAfter}. */
    static final int WARM_UP_HOLD_SECONDS = 5;

    /** A thread that starts the warm-up once {@code after} completes (or in 5 s), and lives until it has ended. */
    private static Thread warmUpAfter(CompletionStage<?> after, EngineFactory engines, WarmUpGate gate,
            Runnable andThen) {
        CountDownLatch go = new CountDownLatch(1);
        after.whenComplete((x, e) -> go.countDown());
        Thread t = new Thread(() -> {
            try {
                go.await(WARM_UP_HOLD_SECONDS, TimeUnit.SECONDS);
                gate.began();
                WarmUp.start(engines, andThen).join();
            } catch (InterruptedException e) {
                // closing
            }
        }, "powrace-warm-up-hold");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * After the warm-up, on a thread of its own (the nodes wait for the warm-up's thread, not for this): measures
     * the engines between races, and while no other mining of this process ({@code miners}) is on, and tells which
     * one `auto` uses from the next race on.
     */
    private static Thread calibrate(AutoEngine auto, List<Node> nodes, Referee referee, List<BooleanSupplier> miners) {
        Thread t = new Thread(() -> {
            try {
                String summary = auto.calibrate(() -> nodes.stream().anyMatch(n -> !n.idle())
                        || miners.stream().anyMatch(BooleanSupplier::getAsBoolean), CALIBRATION_SLICE);
                referee.note(summary);
            } catch (InterruptedException e) {
                // shutting down
            } catch (RuntimeException e) {
                referee.problem("engine calibration failed (auto stays on " + auto.name() + "): " + e);
            }
        }, "powrace-calibration");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    }

    /**
     * The calibration thread, started after the warm-up unless the network is closed by then; closing interrupts
     * it, which ends it within a slice (once the nodes have stopped they are idle, and it would measure on).
     */
    private static final class Calibration {
        /** Other mining of this process, such as the Attack tab's runs: calibration waits while one is on. */
        final List<BooleanSupplier> miners = new CopyOnWriteArrayList<>();
        private Thread thread;
        private boolean closed;

        synchronized void start(Thread t) {
            if (!closed) {
                thread = t;
                t.start();
            }
        }

        synchronized void close() {
            closed = true;
            if (thread != null) {
                thread.interrupt();
            }
        }
    }

    /** How long each measurement of an engine runs. */
    static final java.time.Duration CALIBRATION_SLICE = java.time.Duration.ofMillis(100);

    /**
     * The first entry a process writes costs Jackson's first-time setup (reflection, class loading: a tenth of a
     * second of CPU), which would compete with the first race's miners: do it before, on a throwaway entry.
     */
    private static void warmUpRecording() {
        try {
            String now = Timestamps.format(Instant.now());
            Entry entry = new Entry("Node1", "warm-up", 0, "00".repeat(32), 1, Entry.seconds(1), now, now, 1);
            Ledger.json().readValue(Ledger.json().writeValueAsBytes(entry), Entry.class);
        } catch (IOException | RuntimeException ignored) {
            // only a warm-up
        }
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Referee referee() {
        return referee;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Sets each node's power (see {@link Node#setPower}), in node order, from its next race on.
     *
     * @throws IllegalArgumentException unless there is one value per node, each 1 to 100 (then none is set)
     */
    public void setPower(List<Integer> percents) {
        if (percents.size() != nodes.size()) {
            throw new IllegalArgumentException("give one power per node: " + nodes.size() + " values, not "
                    + percents.size());
        }
        percents.forEach(dev.powrace.pow.Search::checkPower);
        for (int i = 0; i < nodes.size(); i++) {
            nodes.get(i).setPower(percents.get(i));
        }
    }

    /** Each node's power, in node order. */
    public List<Integer> power() {
        return nodes.stream().map(Node::power).toList();
    }

    /** True once {@link #close} has begun: its nodes mine no more. */
    public boolean closed() {
        return closed;
    }

    /** The ports the nodes really listen on, in node order. */
    public List<Integer> ports() {
        return nodes.stream().map(Node::port).toList();
    }

    /**
     * Tells the engine calibration about other mining in this process (the Attack tab's runs): it waits while
     * {@code mining} says it is on, as it does during a race, rather than take a core from it and from the window.
     */
    public void addMiner(BooleanSupplier mining) {
        calibration.miners.add(mining);
    }

    /**
     * Stops accepting, stops mining, waits for the node threads to end, then for the winners found to be
     * recorded and the events to be told. The ledger stays open.
     */
    @Override
    public void close() {
        closed = true;
        calibration.close();
        // Tell every node first, so that they all stop at once rather than one after another.
        nodes.forEach(Node::stop);
        nodes.forEach(Node::awaitStopped);
        referee.close();
    }
}
