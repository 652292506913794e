package dev.powrace.node;

import dev.powrace.pow.HashMeter;
import dev.powrace.race.Race;
import dev.powrace.race.Referee;
import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One node: a TCP listener whose own thread reads transactions (one per line) from any number of clients,
 * and a mining thread that works through them in the order they came.
 *
 * <p>For every transaction the node answers one line: {@code OK <node> <race id>} or {@code ERR <reason>}.
 *
 * <p>Flow control, not refusal: while {@link Settings#queueCapacity()} lines wait to be mined, the node stops
 * reading from a connection that has a line waiting already, so TCP slows its client down; it reads on as the
 * miner takes lines. A connection with no line waiting always has its next line taken at once, so one client's
 * flood never keeps another's line out. A transaction handed over without a connection ({@link #submit}) can't be
 * slowed: it is answered "ERR busy" then.
 */
public final class Node implements Closeable {
    private final String name;
    private final InetSocketAddress address;
    private final Referee referee;
    private final Settings settings;
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    /** Lines queued and not yet taken by the miner. */
    private final AtomicInteger waiting = new AtomicInteger();
    /** Where {@link #submit}'s lines come from. */
    private final Source submitted = new Source();
    /** Connections that have a line the node can't take yet, the first to wait first; listener thread only. */
    private final List<Connection> paused = new ArrayList<>();
    private volatile int pausedCount;
    /** Lines that had to wait for room, since the node started (a test's way to see flow control at work). */
    private final AtomicLong linesHeld = new AtomicLong();
    private final HashMeter meter = new HashMeter();
    private final List<Connection> connections = new ArrayList<>(); // listener thread only
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(16 * 1024);
    private ServerSocketChannel server;
    private Selector selector;
    private Thread listener;
    private Thread miner;
    private volatile boolean stopping;
    private volatile long attemptBase;
    private volatile Race current;
    /** Races taken and not yet mined to their end: counted from before the join, so idle() has no gap. */
    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
    private volatile int power = dev.powrace.pow.Search.MAX_POWER;
    private WarmUpGate warmUp;

    public Node(String name, InetSocketAddress address, Referee referee, Settings settings) {
        this.name = name;
        this.address = address;
        this.referee = referee;
        this.settings = settings;
    }

    /**
     * Takes the port; throws {@link PortInUseException} if it is taken, else an IOException saying in one line why
     * it can't ({@link BindFailure}: an address not of this machine, a port below 1024 without privileges).
     */
    public void bind() throws IOException {
        selector = Selector.open();
        server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(address, 512);
        } catch (BindException e) {
            close();
            throw BindFailure.explain(e, address.getHostString(), address.getPort());
        } catch (IOException e) {
            close();
            throw e;
        }
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
    }

    /**
     * Starts the listener and mining threads.
     *
     * @param warmUp the engine's warm-up; the miner starts its first race once it is over (null: no wait)
     */
    void start(WarmUpGate warmUp) {
        this.warmUp = warmUp;
        listener = new Thread(this::listen, name + "-listener");
        miner = new Thread(this::mine, name + "-miner");
        listener.setDaemon(true);
        miner.setDaemon(true);
        listener.start();
        miner.start();
    }

    public String name() {
        return name;
    }

    /** The port it listens on (the real one, when 0 was asked for). */
    public int port() {
        return server.socket().getLocalPort();
    }

    /** All hashes this node has tried; readable from any thread at any rate. */
    public long hashes() {
        return meter.get();
    }

    /** Hashes tried in the current (or last) attempt. */
    public long attemptHashes() {
        return meter.get() - attemptBase;
    }

    /** Its share of its mining thread's time, in percent (1 to 100; 100 unless set). */
    public int power() {
        return power;
    }

    /**
     * Sets its share of its mining thread's time, in percent, from its next race on (the race it is mining, if
     * any, goes on at the power it started with). From any thread.
     *
     * @throws IllegalArgumentException unless {@code percent} is 1 to 100
     */
    public void setPower(int percent) {
        this.power = dev.powrace.pow.Search.checkPower(percent);
    }

    /** Its mining thread, for tests that measure its CPU time. */
    Thread minerThread() {
        return miner;
    }

    /** Lines that have had to wait for room in the queue since the node started: flow control at work. */
    public long linesHeld() {
        return linesHeld.get();
    }

    /** True if it is mining nothing and has nothing waiting. */
    public boolean idle() {
        return pending.get() == 0;
    }

    /** The race it is mining now, or null. */
    public Race current() {
        return current;
    }

    // ---- mining thread ----

    private void mine() {
        while (!stopping) {
            Job job;
            try {
                job = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (job == null) {
                continue;
            }
            job.from().queued.decrementAndGet();
            waiting.decrementAndGet();
            if (pausedCount > 0) {
                selector.wakeup(); // a connection waits for this room
            }
            Race race = job.race();
            if (!awaitWarmUp()) {
                break;
            }
            try {
                attemptBase = meter.get();
                current = race;
                referee.run(race, name, () -> stopping, meter, power);
            } catch (RuntimeException e) {
                referee.problem(name + ": mining failed: " + e);
            } finally {
                current = null;
                pending.decrementAndGet();
            }
        }
    }

    /** Waits for the warm-up to end, saying so if it has not; false if the node is stopping meanwhile. */
    private boolean awaitWarmUp() {
        if (warmUp != null && !warmUp.pass(name, () -> stopping)) {
            return false;
        }
        warmUp = null;
        return !stopping;
    }

    // ---- listener thread ----

    private void listen() {
        while (!stopping) {
            try {
                selector.select(100);
                long now = System.nanoTime();
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    handle(key, now);
                }
                sweep(now);
                if (!paused.isEmpty()) { // after the sweep, which may have held a line of its own
                    resumePaused(now);
                }
            } catch (IOException | RuntimeException e) {
                if (!stopping) {
                    referee.problem(name + ": " + e);
                }
            }
        }
        for (Connection c : List.copyOf(connections)) {
            c.close();
        }
    }

    private void handle(SelectionKey key, long now) {
        if (!key.isValid()) {
            return;
        }
        if (key.isAcceptable()) {
            acceptAll(now);
            return;
        }
        Connection c = (Connection) key.attachment();
        try {
            if (key.isReadable()) {
                c.read(now);
            }
            if (key.isValid() && key.isWritable()) {
                c.flush(now);
            }
        } catch (IOException | RuntimeException e) {
            c.close(); // a reset or a broken client: drop it, keep serving
        }
    }

    private void acceptAll(long now) {
        boolean reclaimed = false;
        while (true) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                referee.problem(name + ": accept failed: " + e.getMessage());
                return;
            }
            if (ch == null) {
                return;
            }
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (connections.size() >= settings.maxConnections() && !reclaimed) {
                    reclaim(now); // at the cap: first drop the connections whose clients have already gone
                    reclaimed = true;
                }
                while (connections.size() >= settings.maxConnections() && !connections.isEmpty()) {
                    evictOne(); // still at the cap: make room, so that a real client always gets in
                }
                Connection c = new Connection(ch, now);
                c.key = ch.register(selector, SelectionKey.OP_READ, c);
                connections.add(c);
            } catch (IOException e) {
                closeQuietly(ch);
            }
        }
    }

    /**
     * Reads every connection once, so that those whose clients have closed (a port scan leaves hundreds) are
     * closed now rather than when the selector gets to them, and do not keep a real client out.
     */
    private void reclaim(long now) {
        for (Connection c : List.copyOf(connections)) {
            try {
                if (c.held != null) {
                    c.probe(now);
                } else {
                    c.read(now);
                }
            } catch (IOException | RuntimeException e) {
                c.close();
            }
        }
    }

    /**
     * Closes the connection that is worth least: one already being closed (it has had its ERR), else the one that
     * has gone longest without progress (a line taken, or reply bytes taken by its client), the oldest first on a
     * tie, a connection that waits for room in the queue last (it waits for the node, not the node for it).
     * Tricklers, idle connections and clients that do not read their replies make none.
     */
    private void evictOne() {
        Connection victim = null;
        for (Connection c : connections) {
            if (victim == null || c.rank() < victim.rank()
                    || c.rank() == victim.rank() && c.lastProgress < victim.lastProgress) {
                victim = c;
            }
        }
        victim.evict("ERR too many connections to " + name + " (limit " + settings.maxConnections()
                + "): this one, the longest without progress, is closed to make room\n");
    }

    /** Lets the connections that wait for room go on while there is room, the first to wait first. */
    private void resumePaused(long now) {
        for (Connection c : List.copyOf(paused)) {
            if (!canTake(c)) {
                continue;
            }
            try {
                c.resume(now);
            } catch (IOException | RuntimeException e) {
                c.close();
            }
        }
    }

    /**
     * True if a line from {@code from} can be queued now: the queue is not full, or {@code from} has none waiting
     * and the queue is not over full by as many lines as there may be connections (a hard bound).
     */
    private boolean canTake(Source from) {
        int w = waiting.get();
        return w < settings.queueCapacity() || from.queued.get() == 0 && w < settings.queueCapacity() + settings.maxConnections();
    }

    private String busy() {
        return "ERR busy: " + name + " has " + waiting.get() + " transactions waiting; try again later";
    }

    private void sweep(long now) {
        long idle = settings.idleTimeout().toNanos();
        for (int i = connections.size() - 1; i >= 0; i--) {
            Connection c = connections.get(i);
            try {
                c.tick(now, idle);
            } catch (IOException | RuntimeException e) {
                c.close();
            }
        }
    }

    /**
     * Hands the node a transaction exactly as if its line had arrived on the node's port (a cluster's
     * submissions come this way); returns the node's reply line.
     */
    public String submit(String transaction) {
        synchronized (submitted) { // from any thread: the app's, a series', a cluster's
            if (!canTake(submitted)) { // nothing to slow down here: say so
                return busy();
            }
            return accept(transaction, submitted, 0);
        }
    }

    /**
     * A transaction line arrived: join its race and queue it, and say how that went.
     *
     * @param waitedNanos how long it may have waited unread for room in the queue (0: it has just come)
     */
    private String accept(String transaction, Source from, long waitedNanos) {
        if (stopping) {
            return "ERR " + name + " is shutting down";
        }
        Race race;
        pending.incrementAndGet(); // not idle from here on: an engine calibration must not start now
        try {
            race = referee.join(name, transaction, waitedNanos);
        } catch (IllegalStateException unavailable) { // a cluster referee that can't reach its cluster
            pending.decrementAndGet();
            return "ERR " + unavailable.getMessage();
        }
        from.queued.incrementAndGet();
        waiting.incrementAndGet();
        queue.add(new Job(race, from));
        return "OK " + name + " " + race.id();
    }

    /** A race to mine, and where its line came from. */
    private record Job(Race race, Source from) {}

    /** Where lines come from: a connection, or {@link #submit}. */
    private static class Source {
        /** Its lines queued and not yet taken by the miner. */
        final AtomicInteger queued = new AtomicInteger();
    }

    private static String seconds(long nanos) {
        return java.math.BigDecimal.valueOf(nanos / 1_000_000, 3).stripTrailingZeros().toPlainString();
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void closeQuietly(java.nio.channels.Channel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** One client connection; touched only by the listener thread. */
    private final class Connection extends Source {
        private static final int MAX_PENDING_REPLY_BYTES = 64 * 1024;
        /** Room for the longest reply a transaction gets (an ERR line), so a taken line is always answered. */
        private static final int MAX_REPLY_BYTES = 256;
        private static final long CLOSE_GRACE_NANOS = 5_000_000_000L;

        private final SocketChannel channel;
        private SelectionKey key;
        private final LineDecoder lines = new LineDecoder(Settings.MAX_LINE_BYTES);
        private ByteBuffer out = ByteBuffer.allocate(0);
        private long lastByte;
        /** When it last made progress: accepted, a transaction line taken, or reply bytes taken by the client. */
        private long lastProgress;
        /** When the first byte of the unterminated line came, or -1 if there is none. */
        private long lineStart = -1;
        /** Since when replies have been waiting that the client does not take, or -1 if none wait. */
        private long outSince = -1;
        private long closingSince = -1;
        private boolean inputDone;
        private boolean outputShut;
        private boolean closed; // once closed, none of its remaining lines is taken
        /** The line it waits to hand over until there is room, or null; it is not read meanwhile. */
        private LineDecoder.Line held;
        /** What came after that line in the same read, not decoded yet, or null. */
        private ByteBuffer stash;
        /** Since when its lines may have waited unread for room (-1: its input has been read to the end since). */
        private long heldSince = -1;

        Connection(SocketChannel channel, long now) {
            this.channel = channel;
            this.lastByte = now;
            this.lastProgress = now;
        }

        void read(long now) throws IOException {
            for (int round = 0; round < 16 && !closed && held == null; round++) { // then let others have a turn
                readBuffer.clear();
                int n = channel.read(readBuffer);
                if (n < 0) { // the client closed: its unterminated last line still counts
                    inputDone = true;
                    key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
                    if (closingSince < 0) {
                        lines.finish().ifPresent(line -> answer(line, now));
                        if (held == null) {
                            closeWhenFlushed(now);
                        }
                    }
                    flush(now);
                    return;
                }
                if (n == 0) {
                    heldSince = -1; // all it sent has been read
                    return;
                }
                lastByte = now;
                if (closingSince >= 0) {
                    continue; // condemned: drain what the client still sends until it closes or time is up
                }
                readBuffer.flip();
                decode(readBuffer, now);
                if (held != null) { // no room: keep the rest of this read, and read no more for now
                    if (readBuffer.hasRemaining()) {
                        stash = ByteBuffer.allocate(readBuffer.remaining()).put(readBuffer).flip();
                    }
                    key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
                }
                flush(now);
            }
        }

        /** Which goes first when one must make room: 0 one being closed, 1 any other, 2 one waiting for room. */
        int rank() {
            return closingSince >= 0 ? 0 : held == null ? 1 : 2;
        }

        /**
         * A connection that waits for room is not read; at the cap, this sees whether its client is still there: a
         * reset closes it (the caller does, on the exception), and what it sent meanwhile joins the stash, up to one
         * read's worth.
         */
        void probe(long now) throws IOException {
            int kept = stash == null ? 0 : stash.remaining();
            if (inputDone || kept >= readBuffer.capacity()) {
                return;
            }
            readBuffer.clear().limit(readBuffer.capacity() - kept);
            int n = channel.read(readBuffer);
            if (n < 0) {
                inputDone = true; // it may still want its replies (nc -N): it keeps its lines
            } else if (n > 0) {
                readBuffer.flip();
                ByteBuffer grown = ByteBuffer.allocate(kept + n);
                if (stash != null) {
                    grown.put(stash);
                }
                stash = grown.put(readBuffer).flip();
                lastByte = now;
            }
        }

        /** Decodes and answers lines from {@code in} until it is empty or a line has to wait for room. */
        private void decode(ByteBuffer in, long now) {
            while (in.hasRemaining() && closingSince < 0 && !closed && held == null) {
                if (lineStart < 0) {
                    lineStart = now;
                }
                lines.feed(in).ifPresent(line -> {
                    lineStart = -1;
                    answer(line, now);
                });
            }
        }

        /** There is room again: hands over the line it held, then what it had read after it, then reads on. */
        void resume(long now) throws IOException {
            probe(now); // a client that reset meanwhile is closed (the caller does, on the exception): its line is not taken
            paused.remove(this);
            pausedCount = paused.size();
            LineDecoder.Line line = held;
            held = null;
            answer(line, now);
            if (stash != null) {
                decode(stash, now);
                if (!stash.hasRemaining()) {
                    stash = null;
                }
            }
            if (held == null && !closed) {
                lastByte = now; // it was not read meanwhile: its clocks start again
                lineStart = lines.pending() ? now : -1;
                if (inputDone) { // its client closed while it waited: its unterminated last line still counts
                    lines.finish().ifPresent(last -> answer(last, now));
                    if (held == null) {
                        closeWhenFlushed(now);
                    }
                } else {
                    key.interestOps(key.interestOps() | SelectionKey.OP_READ);
                }
            }
            flush(now);
        }

        /** Handles one decoded line: a transaction, a blank line, or a protocol error. */
        private void answer(LineDecoder.Line line, long now) {
            if (closed) {
                return;
            }
            switch (line.kind()) {
                case BLANK -> { }
                case TRANSACTION -> {
                    if (out.remaining() + MAX_REPLY_BYTES > MAX_PENDING_REPLY_BYTES) {
                        close(); // it does not read its replies: this line is not taken, nor any after it
                        return;
                    }
                    if (!canTake(this)) {
                        if (queued.get() == 0) {
                            // Over full, with none of its own waiting: new connections, one line each, come faster
                            // than the node mines. TCP can't slow that down; say so.
                            lastProgress = now;
                            reply(busy());
                            return;
                        }
                        // the queue is full and one of its lines waits: it waits too
                        held = line;
                        if (heldSince < 0) {
                            heldSince = now;
                        }
                        paused.add(this);
                        pausedCount = paused.size();
                        linesHeld.incrementAndGet();
                        return;
                    }
                    lastProgress = now;
                    reply(accept(line.text(), this, heldSince < 0 ? 0 : now - heldSince));
                }
                case TOO_LONG -> {
                    reply("ERR line too long: a transaction is at most " + Settings.MAX_LINE_BYTES + " bytes");
                    closeWhenFlushed(System.nanoTime());
                }
                case INVALID_UTF8 -> {
                    reply("ERR invalid UTF-8: a transaction is a line of UTF-8 text");
                    closeWhenFlushed(System.nanoTime());
                }
            }
        }

        private void reply(String line) {
            byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
            if (out.remaining() + bytes.length > MAX_PENDING_REPLY_BYTES) {
                close(); // it does not read its replies
                return;
            }
            ByteBuffer grown = ByteBuffer.allocate(out.remaining() + bytes.length);
            grown.put(out).put(bytes).flip();
            out = grown;
        }

        void flush(long now) throws IOException {
            if (!channel.isOpen()) {
                return;
            }
            if (out.hasRemaining() && channel.write(out) > 0) {
                lastProgress = now;
            }
            if (out.hasRemaining()) {
                if (outSince < 0) {
                    outSince = now;
                }
                key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
            } else {
                outSince = -1;
                if (key.isValid()) {
                    key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
                }
                if (closingSince >= 0) {
                    if (inputDone) {
                        close();
                    } else if (!outputShut) {
                        // Say goodbye with FIN, not RST, so the client still reads the ERR line; the rest
                        // of its input is drained until it closes.
                        channel.shutdownOutput();
                        outputShut = true;
                    }
                }
            }
        }

        void tick(long now, long idle) throws IOException {
            if (!channel.isOpen()) {
                connections.remove(this);
                return;
            }
            if (closingSince >= 0) {
                if (now - closingSince > CLOSE_GRACE_NANOS) {
                    close();
                }
                return;
            }
            if (held != null) { // it waits for the node, not the node for it
                if (outSince >= 0 && now - outSince >= idle) {
                    close();
                }
                return;
            }
            if (lines.pending() && now - lastByte >= idle) { // an unterminated line, then quiet: it counts
                lineStart = -1;
                lines.finish().ifPresent(line -> answer(line, now));
                flush(now);
            } else if (lines.pending() && lineStart >= 0 && now - lineStart >= 2 * idle) {
                // Still coming in, a byte now and then: a trickle that would hold the connection for ever.
                lineStart = -1;
                reply("ERR too slow: a line must come in within " + seconds(2 * idle)
                        + " s of its first byte");
                closeWhenFlushed(now);
                flush(now);
            } else if (outSince >= 0 && now - outSince >= idle) {
                close(); // it does not take its replies: nothing more can reach it
            } else if (!lines.pending() && !out.hasRemaining() && now - lastProgress >= idle) {
                close(); // idle, or only blank lines
            }
        }

        /** Closes it to make room for a new connection, with a last line if that can go without waiting. */
        void evict(String why) {
            if (closingSince < 0 && !out.hasRemaining() && channel.isOpen()) {
                try {
                    channel.write(ascii(why));
                } catch (IOException | RuntimeException ignored) {
                    // closing anyway
                }
            }
            close();
        }

        private void closeWhenFlushed(long now) {
            if (closingSince < 0) {
                closingSince = now;
            }
        }

        void close() {
            closed = true;
            connections.remove(this);
            if (held != null) {
                held = null;
                stash = null;
                paused.remove(this);
                pausedCount = paused.size();
            }
            if (key != null) {
                key.cancel();
            }
            closeQuietly(channel);
        }
    }

    @Override
    public void close() {
        stop();
        awaitStopped();
    }

    /** Tells the node to stop, without waiting: no new connection, no new line, and the search ends. */
    void stop() {
        stopping = true;
        if (selector != null) {
            selector.wakeup();
        }
        if (miner != null) {
            miner.interrupt(); // if it waits for work; a search sees `stopping` within a batch
        }
    }

    /** Waits for the node's threads to end, then frees its port. */
    void awaitStopped() {
        join(listener);
        join(miner);
        if (server != null) {
            closeQuietly(server);
        }
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static void join(Thread t) {
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
