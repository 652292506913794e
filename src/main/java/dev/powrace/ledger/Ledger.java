package dev.powrace.ledger;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ledger.json: a JSON array with one object per race, one object per line.
 *
 * <p>An append overwrites the closing bracket in place with {@code ",\n{entry}\n]\n"} in one write, then
 * fsyncs, and only then returns, so only then is the winner announced. It costs the same on a 10-entry file as
 * on a 100 000-entry one.
 *
 * <p>That write is not atomic. A power cut can tear it anywhere, and so can a SIGKILL: Linux may cut a write to
 * a regular file short when a fatal signal arrives, and an entry can be about 390 KB (64 KiB of text, escaped).
 * A crash can also leave the file extended with zero bytes. Such a torn end is repaired by structure, wherever
 * the cut falls: at the next open, or under the file lock at the next append of any process sharing the file.
 * The file is cut back to the end of its last complete entry and closed again, the bytes cut are kept in a
 * file beside it (if they can't be, on a full disk, nothing is changed and that is reported instead), and the
 * repair is reported. What is dropped is part of an append that never returned, so it
 * was never announced; no complete entry is dropped. Anything else that is not a JSON array of objects is
 * refused with one line naming the file and the problem, and the file is left untouched.
 *
 * <p>Appends hold an OS file lock, so several processes can share one ledger. Each append first takes in what
 * others appended since this object last looked, reading only those bytes.
 */
public final class Ledger implements Closeable {
    /**
     * The JSON settings for ledger files: compact, times in plain decimals, unknown fields tolerated. Made on first
     * use (the first entry written or read), not with this class.
     */
    public static ObjectMapper json() {
        return Json.MAPPER;
    }

    /**
     * The parsers of the ledger's own scans ({@link ObjectArray}: tokens only), without an {@link ObjectMapper}: making
     * one is tens of milliseconds of a cold JVM, which opening a ledger for the window need not wait for.
     */
    static final com.fasterxml.jackson.core.JsonFactory TOKENS = new com.fasterxml.jackson.core.JsonFactory();

    /** {@link #json()}'s holder. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN, true);
    }

    private static final byte[] EMPTY = "[]\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "\n]\n".getBytes(StandardCharsets.US_ASCII);
    /** FileLocks are per process; this keeps two Ledger objects on one file in one JVM from overlapping. */
    private static final ConcurrentHashMap<Path, Object> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path path;
    private final FileChannel channel;
    private final boolean writable;
    private final Object jvmLock;
    private final String openNote;
    private final FileOps ops;
    // What this object last saw of the file, under the lock: `entries` complete entries ending at byte `end`,
    // followed by the bytes `tail` (normally "\n]\n") and nothing else.
    private long entries;
    private long end;
    private byte[] tail;

    private Ledger(Path path, FileChannel channel, boolean writable, Object jvmLock, String openNote, FileOps ops) {
        this.ops = ops;
        this.path = path;
        this.channel = channel;
        this.writable = writable;
        this.jvmLock = jvmLock;
        this.openNote = openNote;
    }

    /**
     * Opens a ledger, creating it as {@code []} if it is missing, checking that it is a JSON array of objects
     * and repairing a torn end.
     *
     * @throws LedgerException with a one-line message naming the file and the problem
     */
    public static Ledger open(Path file) throws LedgerException {
        return open(file, Ledger::openChannel);
    }

    /** How a ledger opens its file; tests pass one that fails like a full or read-only disk. */
    @FunctionalInterface
    public interface ChannelOpener {
        /** Opens the file for reading, and for writing too if {@code write}. */
        FileChannel open(Path path, boolean write) throws IOException;
    }

    private static FileChannel openChannel(Path path, boolean write) throws IOException {
        return write ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(path, StandardOpenOption.READ);
    }

    /** Like {@link #open(Path)}, opening the file through {@code opener}. */
    public static Ledger open(Path file, ChannelOpener opener) throws LedgerException {
        return open(file, opener, FileOps.REAL);
    }

    /**
     * The file-system steps besides the ledger's own channel: creating a new ledger and keeping a torn tail.
     * Tests pass ones that fail like FAT or a full disk.
     */
    interface FileOps {
        /** Gives {@code existing} the new name {@code link}; fails if {@code link} exists. */
        void link(Path link, Path existing) throws IOException;

        /** Creates a file that must not exist yet, for writing. */
        FileChannel createNew(Path path) throws IOException;

        FileOps REAL = new FileOps() {
            @Override
            public void link(Path link, Path existing) throws IOException {
                Files.createLink(link, existing);
            }

            @Override
            public FileChannel createNew(Path path) throws IOException {
                return FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
        };
    }

    static Ledger open(Path file, ChannelOpener opener, FileOps ops) throws LedgerException {
        Path path = file.toAbsolutePath().normalize();
        Path dir = path.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new LedgerException(path, "its folder does not exist");
        }
        if (Files.isDirectory(path)) {
            throw new LedgerException(path, "is a folder, not a file");
        }
        Object jvmLock = JVM_LOCKS.computeIfAbsent(path, p -> new Object());
        synchronized (jvmLock) {
            createIfMissing(path, ops);
            FileChannel channel;
            boolean writable = true;
            try {
                channel = opener.open(path, true);
            } catch (java.nio.file.FileSystemException e) {
                if (!(e instanceof AccessDeniedException) && !String.valueOf(e.getReason()).contains("Read-only")) {
                    throw new LedgerException(path, "can't be opened: " + reason(e), e);
                }
                writable = false; // read-only: it can still be shown and checked, not appended to
                channel = openReadOnly(path, opener);
            } catch (IOException e) {
                throw new LedgerException(path, "can't be opened: " + reason(e), e);
            }
            try (FileLock lock = channel.lock(0, Long.MAX_VALUE, !writable)) {
                ObjectArray.Walk walk = walk(path, channel, 0, ObjectArray.From.START);
                String note = null;
                if (walk.torn()) {
                    note = writable ? repair(path, channel, walk, walk.objects(), ops)
                            : "ends with an unfinished entry left by an interrupted write (" + (walk.size() - walk.end())
                                    + " bytes after entry " + walk.objects() + "); it is read-only, so it is not repaired";
                }
                Ledger ledger = new Ledger(path, channel, writable, jvmLock, note, ops);
                ledger.saw(walk, walk.objects());
                return ledger;
            } catch (IOException e) {
                closeQuietly(channel);
                throw e instanceof LedgerException le ? le : new LedgerException(path, "can't be read: " + reason(e), e);
            } catch (RuntimeException e) {
                closeQuietly(channel);
                throw e;
            }
        }
    }

    public Path path() {
        return path;
    }

    public boolean writable() {
        return writable;
    }

    /** How many entries the file held when this object last looked: at the open, and at each of its appends. */
    public synchronized long size() {
        return entries;
    }

    /** What the open repaired (or, for a read-only file, found torn), in one line. */
    public Optional<String> repairNote() {
        return Optional.ofNullable(openNote);
    }

    /**
     * Appends an entry and fsyncs it. When this returns, the entry is on disk. If it throws, the file is as
     * it was.
     *
     * <p>If another process sharing the file left it torn (it was killed during an append), this repairs it
     * first, as an open would, and returns what it repaired in one line. The entry is appended all the same.
     *
     * @return a note on what was repaired before the entry could be appended, if anything
     * @throws LedgerException if the file can't be written, or is no longer a JSON array of objects (then it is
     *         not changed)
     */
    public synchronized Optional<String> append(Entry entry) throws LedgerException {
        if (!writable) {
            throw new LedgerException(path, "is read-only, so the entry can't be written");
        }
        byte[] json;
        try {
            json = json().writeValueAsBytes(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("can't serialize " + entry, e);
        }
        synchronized (jvmLock) {
            try (FileLock lock = channel.lock()) {
                String note = catchUp();
                write(json);
                return Optional.ofNullable(note);
            } catch (LedgerException e) {
                throw e;
            } catch (IOException e) {
                throw new LedgerException(path, "can't be written: " + reason(e), e);
            }
        }
    }

    /**
     * Brings {@link #entries}, {@link #end} and {@link #tail} up to date with the file, under the lock. Reads
     * only what changed since this object last looked: normally just the tail it left.
     *
     * @return what was repaired, or null
     */
    private String catchUp() throws IOException {
        long size = channel.size();
        byte[] seen = null;
        if (size >= end && end > 0) {
            seen = new byte[(int) Math.min(size - end + 1, tail.length + 1)];
            ObjectArray.readFully(ObjectArray.Source.of(channel), ByteBuffer.wrap(seen), end - 1);
            if (size == end + tail.length && Arrays.equals(seen, 1, seen.length, tail, 0, tail.length)
                    && (seen[0] == '}' || seen[0] == '[')) {
                return null; // as this object left it
            }
        }
        // Someone else wrote since: walk what they wrote, from the end of the last entry this object saw. If the
        // file no longer even reaches that entry, it was cut or replaced under us: check it whole, as an open does.
        boolean fromHere = seen != null && (seen[0] == '}' && entries > 0 || seen[0] == '[' && entries == 0);
        ObjectArray.Walk walk = fromHere
                ? walk(path, channel, end, entries > 0 ? ObjectArray.From.AFTER_ELEMENT : ObjectArray.From.AFTER_OPEN)
                : walk(path, channel, 0, ObjectArray.From.START);
        long total = (fromHere ? entries : 0) + walk.objects();
        String note = walk.torn() ? repair(path, channel, walk, total, ops) : null;
        saw(walk, total);
        return note;
    }

    /** Records what a walk (and any repair after it) left: {@code total} entries up to the walk's end. */
    private void saw(ObjectArray.Walk walk, long total) throws IOException {
        entries = total;
        end = walk.end();
        if (walk.torn()) {
            tail = CLOSE.clone(); // the repair closed it so
        } else {
            tail = new byte[(int) (walk.size() - walk.end())];
            ObjectArray.readFully(ObjectArray.Source.of(channel), ByteBuffer.wrap(tail), end);
        }
    }

    /** Writes {@code ",\n" + json + "\n]\n"} over the tail, in one write, and fsyncs. */
    private void write(byte[] json) throws IOException {
        byte[] sep = (entries == 0 ? "\n" : ",\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer record = ByteBuffer.allocate(sep.length + json.length + CLOSE.length);
        record.put(sep).put(json).put(CLOSE).flip();
        long at = end;
        try {
            while (record.hasRemaining()) {
                at += channel.write(record, at);
            }
            if (channel.size() > at) {
                channel.truncate(at);
            }
            channel.force(true);
        } catch (IOException e) {
            // Put the old tail back (it is no longer than what was there) so the file stays a valid array.
            try {
                ByteBuffer old = ByteBuffer.wrap(tail);
                long pos = end;
                while (old.hasRemaining()) {
                    pos += channel.write(old, pos);
                }
                channel.truncate(end + tail.length);
                channel.force(true);
            } catch (IOException restore) {
                e.addSuppressed(restore);
            }
            throw e;
        }
        end += sep.length + json.length;
        tail = CLOSE.clone();
        entries++;
    }

    /**
     * Reads every complete entry of a ledger file. An unfinished entry at the end (an append under way in
     * another process, or a torn end not yet repaired) is not one, and is left out.
     */
    public static List<Entry> readAll(Path path) throws LedgerException {
        List<Entry> entries = new ArrayList<>();
        ObjectReader reader = json().readerFor(Entry.class);
        try {
            walkShared(path, p -> entries.add(reader.readValue(p)));
        } catch (NoSuchFileException e) {
            throw new LedgerException(path, "does not exist");
        } catch (LedgerException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new LedgerException(path, "can't be read: " + reason(e), e);
        }
        return entries;
    }

    /**
     * Walks a whole file under a shared lock, so that no append or repair, in this process or another, is
     * halfway through it meanwhile. Appends wait for the walk: about 0.2 s for 100 000 entries.
     */
    static ObjectArray.Walk walkShared(Path path, ObjectArray.Visitor visitor) throws IOException {
        Object jvmLock = JVM_LOCKS.computeIfAbsent(path.toAbsolutePath().normalize(), p -> new Object());
        // The channel is opened and closed under the JVM lock too: on Linux a file's locks are the process's
        // (POSIX), and closing any channel on the file drops them all, an append's included.
        synchronized (jvmLock) {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
                    FileLock lock = channel.lock(0, Long.MAX_VALUE, true)) {
                return walk(path, channel, 0, ObjectArray.From.START, visitor);
            }
        }
    }

    static ObjectArray.Walk walk(Path path, FileChannel channel, long from, ObjectArray.From where)
            throws IOException {
        return walk(path, channel, from, where, ObjectArray.SKIP);
    }

    /** Walks the file; a malformed one becomes a LedgerException naming it. */
    static ObjectArray.Walk walk(Path path, FileChannel channel, long from, ObjectArray.From where,
            ObjectArray.Visitor visitor) throws IOException {
        try {
            return ObjectArray.walk(ObjectArray.Source.of(channel), from, where, visitor);
        } catch (ObjectArray.Malformed e) {
            throw new LedgerException(path, from == 0 ? e.getMessage()
                    : "was changed by something else: after byte " + from + " it " + e.getMessage() + "; not writing to it");
        }
    }

    /**
     * Keeps the torn tail (the bytes after the last complete entry) in a file beside the ledger, then cuts the
     * ledger back to the end of that entry and closes the array again. Returns what was done, in one line.
     *
     * @throws LedgerException if the tail can't be kept (a full disk): then the partial copy is removed, the
     *         ledger is left as it was, and the message says so
     */
    private static String repair(Path path, FileChannel channel, ObjectArray.Walk walk, long entries, FileOps ops)
            throws IOException {
        long dropped = walk.size() - walk.end();
        Path copy = null;
        if (dropped > 0) {
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
            copy = path.resolveSibling(path.getFileName() + ".damaged-" + stamp);
            for (int i = 2; Files.exists(copy); i++) {
                copy = path.resolveSibling(path.getFileName() + ".damaged-" + stamp + "-" + i);
            }
            try {
                keepTail(channel, walk, copy, ops);
            } catch (IOException e) {
                boolean removed = removeQuietly(copy);
                throw new LedgerException(path, "ends with an unfinished entry left by an interrupted write ("
                        + dropped + " bytes after entry " + entries + "), not repaired: those bytes could not be kept in "
                        + copy.getFileName() + " (" + reason(e) + ")"
                        + (removed ? "; the partial copy was removed" : "; remove the partial copy " + copy.getFileName())
                        + ", and the ledger was left as it was, nothing lost", e);
            }
            syncFolder(path.getParent());
        }
        // Cut first, so that a crash here leaves a file that the same repair handles again.
        channel.truncate(walk.end());
        ByteBuffer close = ByteBuffer.wrap(CLOSE);
        for (long at = walk.end(); close.hasRemaining(); ) {
            at += channel.write(close, at);
        }
        channel.force(true);
        return "repaired a torn end left by an interrupted write: kept the " + entries
                + (entries == 1 ? " complete entry" : " complete entries") + " and dropped the " + dropped
                + " bytes after them (an unfinished append, never announced)"
                + (copy == null ? "" : "; they were kept as " + copy.getFileName());
    }

    /** Copies the bytes after the walk's last complete entry to a new file {@code copy}, and syncs it. */
    private static void keepTail(FileChannel channel, ObjectArray.Walk walk, Path copy, FileOps ops)
            throws IOException {
        try (FileChannel out = ops.createNew(copy)) {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            long at = walk.end();
            long to = 0;
            while (at < walk.size()) {
                buf.clear().limit((int) Math.min(buf.capacity(), walk.size() - at));
                int n = channel.read(buf, at);
                if (n < 0) {
                    throw new IOException("the file shrank while its torn end was copied");
                }
                at += n;
                buf.flip();
                while (buf.hasRemaining()) {
                    to += out.write(buf, to);
                }
            }
            out.force(true);
        }
    }

    private static boolean removeQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Makes a new file's name durable, where the platform allows it. */
    private static void syncFolder(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every platform can sync a folder; the copy's data is synced all the same
        }
    }

    /**
     * Creates a missing ledger as {@code []}, never replacing one that another process made meanwhile: a synced
     * temporary file is hard-linked into place. Where links are not allowed (FAT, exFAT, some shared folders),
     * the file is created with CREATE_NEW instead, locked, written and synced before the lock is let go.
     */
    private static void createIfMissing(Path path, FileOps ops) throws LedgerException {
        if (Files.exists(path)) {
            return;
        }
        Path temp = null;
        try {
            temp = Files.createTempFile(path.getParent(), path.getFileName() + ".", ".new");
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                out.write(ByteBuffer.wrap(EMPTY));
                out.force(true);
            }
            try {
                ops.link(path, temp); // atomic, and never replaces a file another process just made
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (IOException | UnsupportedOperationException e) {
                createNew(path, ops); // no links here
            }
        } catch (FileAlreadyExistsException e) {
            // someone else created it first: use theirs
        } catch (IOException e) {
            throw new LedgerException(path, "can't be created: " + reason(e), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a stray temp file is harmless
                }
            }
        }
    }

    /**
     * Creates the ledger in place where it can't be linked: CREATE_NEW fails if it exists, so nothing is
     * replaced. It is locked at once, so another process's open waits for the write; if it is left empty (a
     * crash before the write), an open refuses it with one line.
     */
    private static void createNew(Path path, FileOps ops) throws IOException {
        try (FileChannel out = ops.createNew(path)) {
            try (FileLock lock = out.lock()) {
                ByteBuffer b = ByteBuffer.wrap(EMPTY);
                for (long at = 0; b.hasRemaining(); ) {
                    at += out.write(b, at);
                }
                out.force(true);
            } catch (IOException e) {
                removeQuietly(path); // empty or partly written: not a ledger yet, and nobody has used it
                throw e;
            }
        }
        syncFolder(path.getParent());
    }

    private static FileChannel openReadOnly(Path path, ChannelOpener opener) throws LedgerException {
        try {
            return opener.open(path, false);
        } catch (IOException e) {
            throw new LedgerException(path, "can't be opened: " + reason(e), e);
        }
    }

    static String reason(Throwable e) {
        String name = e.getClass().getSimpleName();
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        String message = e.getMessage();
        return message == null ? name : firstLine(message);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (jvmLock) { // closing drops this process's locks on the file: never during an append
            channel.close();
        }
    }
}
