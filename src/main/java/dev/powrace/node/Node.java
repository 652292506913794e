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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One node: a TCP listener whose own thread reads transactions (one per line) from any number of clients,
 * and a mining thread that works through them from a bounded queue.
 *
 * <p>For every transaction the node answers one line: {@code OK <node> <race id>} or {@code ERR <reason>}.
 *
 * <p>Flow control: while the queue is full, a connection whose next line can't be queued holds that line (it has
 * joined no race) and is answered once the line is taken. Waiting connections take free places in the order they
 * began to wait, one line each in turn, so a connection that sends one line is not kept behind one that sends a
 * thousand. A waiting connection is waiting on the node, not idle: no idle timeout or line deadline applies to it
 * for the time it waits, only the limit on replies it leaves untaken.
 *
 * <p>A waiting connection is still read, into a buffer of at most {@value Connection#MAX_INBOX_BYTES} bytes (and
 * {@value #MAX_INBOX_TOTAL_BYTES} for all connections together), so that the node sees its client close or reset.
 * Only once that buffer is full does the node stop reading it: the kernel's buffers fill and TCP slows the sender.
 * What happens to held lines when the client goes:
 * <ul>
 *   <li>a reset (seen as the connection is read): it is closed at once and its held lines, and the bytes after
 *       them, are dropped (none joins a race);
 *   <li>an end of input (FIN): the node can't tell a client that has closed for good from one that has closed
 *       only its sending side and still reads its answers ({@code nc -N}), so it keeps the held lines and
 *       answers each as it is taken. But such a connection gives up its place at the connection cap before a
 *       new client is refused: then it is closed, told so if it still reads, and its held lines are dropped.
 * </ul>
 * So a line is either answered {@code OK} and mined, or never joins a race: a client is never told that a line
 * failed that the node still mines. {@link Client#send} waits for its reply as long as the node holds the line.
 * {@code ERR busy} remains only where there is no connection to hold: {@link #submit}, and a new connection at the
 * cap when every connection holds lines and none has closed its side.
 */
public final class Node implements Closeable {
    private final String name;
    private final InetSocketAddress address;
    private final Referee referee;
    private final Settings settings;
    private final BlockingQueue<Race> queue;
    private final HashMeter meter = new HashMeter();
    private final List<Connection> connections = new ArrayList<>(); // listener thread only
    /** Connections holding a line until the queue has room, in the order they began to wait; listener thread only. */
    private final java.util.ArrayDeque<Connection> waiting = new java.util.ArrayDeque<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(16 * 1024);
    /** The most bytes all waiting connections may have read ahead of their held lines, together. */
    static final int MAX_INBOX_TOTAL_BYTES = 4 * 1024 * 1024;
    /** Bytes read ahead of held lines, over all connections; listener thread only. */
    private long inboxTotal;
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
    /** Lines that had to wait for room in the queue (flow control), counted for tests; written by the listener. */
    private volatile long linesHeld;

    public Node(String name, InetSocketAddress address, Referee referee, Settings settings) {
        this.name = name;
        this.address = address;
        this.referee = referee;
        this.settings = settings;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
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

    /** True if it is mining nothing and has nothing waiting. */
    public boolean idle() {
        return pending.get() == 0;
    }

    /** True if its queue has room for a transaction now. */
    boolean hasRoom() {
        return queue.remainingCapacity() > 0;
    }

    /** How many lines have waited for room in its queue, so far. */
    long linesHeld() {
        return linesHeld;
    }

    /** The race it is mining now, or null. */
    public Race current() {
        return current;
    }

    // ---- mining thread ----

    private void mine() {
        while (!stopping) {
            Race race;
            try {
                race = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (race == null) {
                continue;
            }
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

    /** Waits for the warm-up to end (and says so, if it must wait); false if the node is stopping meanwhile. */
    private boolean awaitWarmUp() {
        if (warmUp != null && !warmUp.pass(name, () -> stopping)) {
            return false;
        }
        warmUp = null;
        return !stopping;
    }

    // ---- listener thread ----

    /**
     * How often the listener looks for room in the queue while connections wait for it. The miner is not asked to
     * say when it takes a race (it does no I/O, not even a selector's wake-up); with a queue of hundreds of races,
     * a place found up to this late starves no miner.
     */
    private static final long ROOM_POLL_MILLIS = 5;

    private void listen() {
        while (!stopping) {
            try {
                selector.select(waiting.isEmpty() ? 100 : ROOM_POLL_MILLIS);
                long now = System.nanoTime();
                admitWaiting(now); // first: a free place goes to the connection that has waited longest
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    handle(key, now);
                }
                sweep(now);
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

    /** Gives the queue's free places to the waiting connections, one line each, in the order they began to wait. */
    private void admitWaiting(long now) {
        while (!waiting.isEmpty() && queue.remainingCapacity() > 0 && !stopping) {
            Connection c = waiting.pollFirst();
            if (c.closed) {
                continue;
            }
            try {
                if (!c.resume(now)) {
                    waiting.addFirst(c); // the place was taken meanwhile (a cluster's submission): it keeps its turn
                    return;
                }
            } catch (IOException | RuntimeException e) {
                c.close();
            }
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
                    if (!evictOne()) { // still at the cap: make room, so that a real client gets in
                        break;
                    }
                }
                if (connections.size() >= settings.maxConnections()) {
                    // Every connection waits for room in the queue: each holds lines already sent, none is idle
                    // and none has closed its side. Flow control can't hold a connection that has no place: this
                    // one is refused.
                    refuse(ch, "ERR busy: " + name + " has " + connections.size() + " connections, each waiting for"
                            + " room in its queue of " + settings.queueCapacity() + " transactions; try again later\n");
                    continue;
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
                c.read(now);
            } catch (IOException | RuntimeException e) {
                c.close();
            }
        }
    }

    /**
     * Closes the connection that is worth least: one already being closed (it has had its ERR), else the one
     * that has gone longest without progress (a line taken, or reply bytes taken by its client), the oldest
     * first on a tie. Tricklers, idle connections and clients that do not read their replies make none. A
     * connection that waits for room in the queue makes no progress because the queue is full, not by its own
     * doing: it is chosen only if every connection waits, and then only one whose client has closed its side
     * (the last of those to begin waiting; its held lines are dropped). Returns false if there is none.
     */
    private boolean evictOne() {
        Connection victim = null;
        for (Connection c : connections) {
            if (c.waiting()) {
                continue;
            }
            if (victim == null || c.closingSince >= 0 && victim.closingSince < 0
                    || (c.closingSince >= 0) == (victim.closingSince >= 0) && c.lastProgress < victim.lastProgress) {
                victim = c;
            }
        }
        if (victim == null) {
            for (Iterator<Connection> it = waiting.descendingIterator(); it.hasNext(); ) {
                Connection c = it.next();
                if (c.inputDone && !c.closed) {
                    c.evict("ERR too many connections to " + name + " (limit " + settings.maxConnections()
                            + "): this one, whose client has closed its side, is closed to make room; its lines"
                            + " not yet answered are not mined\n");
                    return true;
                }
            }
            return false;
        }
        victim.evict("ERR too many connections to " + name + " (limit " + settings.maxConnections()
                + "): this one, the longest without progress, is closed to make room\n");
        return true;
    }

    /** Tells a new connection why it can't stay, if that can go without waiting, and closes it. */
    private static void refuse(SocketChannel ch, String why) {
        try {
            ch.write(ascii(why));
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
        closeQuietly(ch);
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
     * Hands the node a transaction as if its line had arrived on the node's port (a cluster's submissions and the
     * app's Race ×N come this way); returns the node's reply line. There is no connection to stop reading here:
     * while the queue is full, the answer is {@code ERR busy}.
     */
    public String submit(String transaction) {
        String reply = offer(transaction);
        return reply != null ? reply : "ERR busy: " + name + " has " + settings.queueCapacity()
                + " transactions waiting; try again later";
    }

    /**
     * A transaction line arrived: join its race and queue it, and say how that went; null if the queue is full
     * (then it has joined no race, and the caller offers it again once there is room).
     */
    private String offer(String transaction) {
        if (stopping) {
            return "ERR " + name + " is shutting down";
        }
        if (queue.remainingCapacity() == 0) {
            return null;
        }
        Race race;
        pending.incrementAndGet(); // not idle from here on: an engine calibration must not start now
        try {
            race = referee.join(name, transaction);
        } catch (IllegalStateException unavailable) { // a cluster referee that can't reach its cluster
            pending.decrementAndGet();
            return "ERR " + unavailable.getMessage();
        }
        if (!queue.offer(race)) { // filled meanwhile by another thread (a cluster's submission)
            pending.decrementAndGet();
            referee.withdraw(race, name);
            return null;
        }
        return "OK " + name + " " + race.id();
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
    private final class Connection {
        private static final int MAX_PENDING_REPLY_BYTES = 64 * 1024;
        /** Room for the longest reply a transaction gets (an ERR busy line), so a taken line is always answered. */
        private static final int MAX_REPLY_BYTES = 256;
        private static final long CLOSE_GRACE_NANOS = 5_000_000_000L;
        /** The most bytes read ahead of a held line: then the node stops reading the connection until it is taken. */
        static final int MAX_INBOX_BYTES = 64 * 1024;

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
        /** A transaction line read but not yet taken: the queue was full. Not null while it waits for room. */
        private String held;
        /**
         * The bytes read after {@link #held}, not yet decoded (write mode); taken, in order, once it is. Not null
         * only while a line is held; counted in {@link #inboxTotal}.
         */
        private ByteBuffer inbox;

        Connection(SocketChannel channel, long now) {
            this.channel = channel;
            this.lastByte = now;
            this.lastProgress = now;
        }

        /** True while it holds a line that waits for room in the queue. */
        boolean waiting() {
            return held != null;
        }

        /**
         * Reads what the client sent: decodes it, or, while a line is held, keeps it in the inbox. Stops reading
         * the connection only when the inbox is full (per connection or in total): that is what slows the sender.
         */
        void read(long now) throws IOException {
            for (int round = 0; round < 16 && !closed; round++) { // then let others have a turn
                readBuffer.clear();
                if (held != null) {
                    int room = (int) Math.min(MAX_INBOX_BYTES - (inbox == null ? 0 : inbox.position()),
                            MAX_INBOX_TOTAL_BYTES - inboxTotal);
                    if (room <= 0) {
                        key.interestOps(key.interestOps() & ~SelectionKey.OP_READ); // until its line is taken
                        return;
                    }
                    readBuffer.limit(Math.min(room, readBuffer.capacity()));
                }
                int n = channel.read(readBuffer);
                if (n < 0) { // the client closed its side: its unterminated last line still counts
                    inputDone = true;
                    key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
                    if (held == null) {
                        endOfInput(now);
                    } // else once the held line and the inbox are taken (see resume)
                    flush(now);
                    return;
                }
                if (n == 0) {
                    return;
                }
                lastByte = now;
                if (closingSince >= 0) {
                    continue; // condemned: drain what the client still sends until it closes or time is up
                }
                readBuffer.flip();
                if (held == null) {
                    decode(readBuffer, now);
                }
                if (held != null && readBuffer.hasRemaining()) { // keep the rest for when the line is taken
                    stash(readBuffer);
                }
                flush(now);
            }
        }

        private void stash(ByteBuffer bytes) {
            if (inbox == null) {
                inbox = ByteBuffer.allocate(MAX_INBOX_BYTES);
            }
            inboxTotal += bytes.remaining();
            inbox.put(bytes);
        }

        /** Takes lines from {@code bytes} until they run out, the connection is condemned, or a line must wait. */
        private void decode(ByteBuffer bytes, long now) {
            while (bytes.hasRemaining() && closingSince < 0 && !closed && held == null) {
                if (lineStart < 0) {
                    lineStart = now;
                }
                lines.feed(bytes).ifPresent(line -> {
                    lineStart = -1;
                    answer(line);
                });
            }
        }

        /** The client has closed its side and every byte it sent has been taken: its last line, then goodbye. */
        private void endOfInput(long now) {
            if (closingSince < 0) {
                lines.finish().ifPresent(this::answer);
                if (held == null) {
                    closeWhenFlushed(now);
                } // else: once that line is taken (see resume)
            }
        }

        /**
         * Offers the held line again; if it is taken, answers it and goes on with the bytes after it, and reads
         * again. Returns false if the queue was full after all (it still waits, and has kept its turn).
         */
        boolean resume(long now) throws IOException {
            String reply = offer(held);
            if (reply == null) {
                return false;
            }
            held = null;
            lastProgress = now;
            // Its clocks stood still while it waited: the bytes it sent then count as arriving now, so neither the
            // quiet second of an unterminated line nor a line's deadline runs out for time its line waited.
            lastByte = now;
            reply(reply);
            ByteBuffer rest = inbox;
            if (rest != null && !closed) {
                inbox = null;
                inboxTotal -= rest.position();
                rest.flip();
                decode(rest, now);
                if (held != null && rest.hasRemaining() && !closed) {
                    inbox = rest.compact(); // waits again, behind those that waited before it
                    inboxTotal += inbox.position();
                }
            }
            if (closed) {
                return true;
            }
            if (held == null && closingSince < 0 && inputDone) {
                endOfInput(now);
            }
            if (!inputDone) {
                key.interestOps(key.interestOps() | SelectionKey.OP_READ); // off if its inbox was full
            }
            flush(now);
            return true;
        }

        /** Its next line can't be queued now: it waits for room behind those already waiting. */
        private void hold(String transaction) {
            held = transaction;
            linesHeld++;
            waiting.addLast(this);
        }

        /** Handles one decoded line: a transaction, a blank line, or a protocol error. */
        private void answer(LineDecoder.Line line) {
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
                    // Behind the connections already waiting for room, whatever room there is now: in turn.
                    String reply = waiting.isEmpty() ? offer(line.text()) : null;
                    if (reply == null) {
                        hold(line.text());
                        return;
                    }
                    lastProgress = System.nanoTime();
                    reply(reply);
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
            if (held != null) { // waiting on the node, not idle: only its replies left untaken count against it
                if (outSince >= 0 && now - outSince >= idle) {
                    close();
                }
                return;
            }
            if (lines.pending() && now - lastByte >= idle) { // an unterminated line, then quiet: it counts
                lineStart = -1;
                lines.finish().ifPresent(this::answer);
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
            held = null;
            if (inbox != null) {
                inboxTotal -= inbox.position();
                inbox = null;
            }
            waiting.remove(this);
            connections.remove(this);
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
