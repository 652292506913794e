package dev.powrace.ledger;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ledger.json: a JSON array with one object per race, one object per line.
 *
 * <p>An append overwrites the closing bracket in place with {@code ",\n{entry}\n]\n"} in a single write, then
 * fsyncs, so it costs the same on a 10-entry file as on a 100 000-entry one. A process kill can't tear a
 * single write; a power cut can. Such a torn last line is repaired when the ledger is next opened: the
 * damaged file is copied aside, the unfinished line is dropped (it was never fsynced, so never announced),
 * and the repair is reported. Anything else that is not a JSON array of objects is refused, and the file is
 * left untouched.
 *
 * <p>Appends hold an OS file lock, so several processes can share one ledger.
 */
public final class Ledger implements Closeable {
    /** The JSON settings for ledger files: compact, times in plain decimals, unknown fields tolerated. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN, true);

    private static final byte[] EMPTY = "[]\n".getBytes(StandardCharsets.US_ASCII);
    private static final int TAIL_WINDOW = 4096;
    /** FileLocks are per process; this keeps two Ledger objects on one file in one JVM from overlapping. */
    private static final ConcurrentHashMap<Path, Object> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path path;
    private final FileChannel channel;
    private final boolean writable;
    private final Object jvmLock;
    private final String repairNote;
    private long appended;
    private final long entriesAtOpen;

    private Ledger(Path path, FileChannel channel, boolean writable, Object jvmLock, long entries, String note) {
        this.path = path;
        this.channel = channel;
        this.writable = writable;
        this.jvmLock = jvmLock;
        this.entriesAtOpen = entries;
        this.repairNote = note;
    }

    /**
     * Opens a ledger, creating it as {@code []} if it is missing, checking that it is a JSON array of objects
     * and repairing a torn last line.
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
            createIfMissing(path);
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
                String note = null;
                long entries;
                try {
                    entries = countEntries(path);
                } catch (LedgerException corrupt) {
                    Optional<byte[]> repaired = writable ? repairTornTail(Files.readAllBytes(path)) : Optional.empty();
                    if (repaired.isEmpty()) {
                        throw corrupt;
                    }
                    note = repair(path, channel, repaired.get());
                    entries = countEntries(path);
                }
                return new Ledger(path, channel, writable, jvmLock, entries, note);
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

    /** How many entries the file held when it was opened plus those this object appended. */
    public synchronized long size() {
        return entriesAtOpen + appended;
    }

    /** What the open repaired, in one line, if it repaired anything. */
    public Optional<String> repairNote() {
        return Optional.ofNullable(repairNote);
    }

    /**
     * Appends an entry and fsyncs it. When this returns, the entry is on disk. If it throws, the file is as
     * it was.
     */
    public synchronized void append(Entry entry) throws LedgerException {
        if (!writable) {
            throw new LedgerException(path, "is read-only, so the entry can't be written");
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("can't serialize " + entry, e);
        }
        synchronized (jvmLock) {
            try (FileLock lock = channel.lock()) {
                appendLocked(json);
            } catch (LedgerException e) {
                throw e;
            } catch (IOException e) {
                throw new LedgerException(path, "can't be written: " + reason(e), e);
            }
        }
        appended++;
    }

    private void appendLocked(byte[] json) throws IOException {
        long size = channel.size();
        long from = Math.max(0, size - TAIL_WINDOW);
        ByteBuffer tail = ByteBuffer.allocate((int) (size - from));
        readFully(tail, from);
        byte[] t = tail.array();
        int close = lastNonSpace(t, t.length - 1);
        int before = close < 0 ? -1 : lastNonSpace(t, close - 1);
        if (close < 0 || t[close] != ']' || before < 0 || (t[before] != '[' && t[before] != '}')) {
            throw new LedgerException(path, "no longer ends like a JSON array of objects; not writing to it");
        }
        boolean first = t[before] == '[';
        byte[] sep = (first ? "\n" : ",\n").getBytes(StandardCharsets.US_ASCII);
        byte[] end = "\n]\n".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer record = ByteBuffer.allocate(sep.length + json.length + end.length);
        record.put(sep).put(json).put(end).flip();
        // Write right after the last entry (or the opening bracket), over the old "\n]\n".
        long at = from + before + 1;
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
                ByteBuffer old = ByteBuffer.wrap(t, before + 1, t.length - before - 1);
                long pos = from + before + 1;
                while (old.hasRemaining()) {
                    pos += channel.write(old, pos);
                }
                channel.truncate(size);
                channel.force(true);
            } catch (IOException restore) {
                e.addSuppressed(restore);
            }
            throw e;
        }
    }

    /** Reads every entry of a ledger file (which should have been opened, and so checked, first). */
    public static List<Entry> readAll(Path path) throws LedgerException {
        List<Entry> entries = new ArrayList<>();
        try (InputStream in = Files.newInputStream(path);
                JsonParser parser = JSON.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new LedgerException(path, "is not a JSON array");
            }
            ObjectReader reader = JSON.readerFor(Entry.class);
            for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                if (t != JsonToken.START_OBJECT) {
                    throw new LedgerException(path, "entry " + (entries.size() + 1) + " is not a JSON object");
                }
                entries.add(reader.readValue(parser));
            }
        } catch (NoSuchFileException e) {
            throw new LedgerException(path, "does not exist");
        } catch (JsonProcessingException e) {
            throw new LedgerException(path, describe(e));
        } catch (LedgerException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new LedgerException(path, "can't be read: " + reason(e), e);
        }
        return entries;
    }

    /** Checks that the file is one JSON array of objects and nothing else; returns how many objects. */
    static long countEntries(Path path) throws LedgerException {
        try (InputStream in = Files.newInputStream(path);
                JsonParser parser = JSON.createParser(in)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new LedgerException(path, "is empty; a ledger is a JSON array such as []");
            }
            if (first != JsonToken.START_ARRAY) {
                throw new LedgerException(path, "is not a JSON array (it starts with " + first.asString() + ")");
            }
            long count = 0;
            for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                if (t != JsonToken.START_OBJECT) {
                    throw new LedgerException(path, "entry " + (count + 1) + " is not a JSON object (line "
                            + parser.currentLocation().getLineNr() + ")");
                }
                parser.skipChildren();
                count++;
            }
            if (parser.nextToken() != null) {
                throw new LedgerException(path, "has data after the closing ] (line "
                        + parser.currentLocation().getLineNr() + ")");
            }
            return count;
        } catch (JsonProcessingException e) {
            throw new LedgerException(path, describe(e));
        } catch (LedgerException e) {
            throw e;
        } catch (IOException e) {
            throw new LedgerException(path, "can't be read: " + reason(e), e);
        }
    }

    /**
     * If {@code bytes} is a ledger whose last line was torn by a crash during an append, returns the file as
     * it should be; otherwise empty. Only the last line may be dropped, and only if the rest is then a valid
     * JSON array.
     */
    static Optional<byte[]> repairTornTail(byte[] bytes) {
        int end = lastNonSpace(bytes, bytes.length - 1);
        if (end < 0 || bytes[end] == ']') {
            return Optional.empty(); // empty, or closed: not a torn append
        }
        // Either the last entry is whole and only (part of) what follows it is missing, or the last line is
        // unfinished.
        int last = bytes[end] == ',' ? lastNonSpace(bytes, end - 1) : end;
        if (last >= 0 && (bytes[last] == '}' || bytes[last] == '[')) {
            byte[] candidate = close(bytes, last + 1);
            if (isArray(candidate)) {
                return Optional.of(candidate);
            }
        }
        int lastNewline = -1;
        for (int i = end; i >= 0; i--) {
            if (bytes[i] == '\n') {
                lastNewline = i;
                break;
            }
        }
        if (lastNewline < 0) {
            return Optional.empty();
        }
        int cut = lastNonSpace(bytes, lastNewline);
        if (cut >= 0 && bytes[cut] == ',') {
            cut = lastNonSpace(bytes, cut - 1);
        }
        if (cut < 0 || (bytes[cut] != '}' && bytes[cut] != '[')) {
            return Optional.empty();
        }
        byte[] candidate = close(bytes, cut + 1);
        return isArray(candidate) ? Optional.of(candidate) : Optional.empty();
    }

    private static byte[] close(byte[] bytes, int length) {
        byte[] out = new byte[length + 3];
        System.arraycopy(bytes, 0, out, 0, length);
        out[length] = '\n';
        out[length + 1] = ']';
        out[length + 2] = '\n';
        return out;
    }

    private static boolean isArray(byte[] candidate) {
        try (JsonParser parser = JSON.createParser(candidate)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                return false;
            }
            for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                if (t != JsonToken.START_OBJECT) {
                    return false;
                }
                parser.skipChildren();
            }
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /** Keeps a copy of the damaged file, then rewrites its tail in place. Returns what was done. */
    private static String repair(Path path, FileChannel channel, byte[] repaired) throws IOException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
        Path copy = path.resolveSibling(path.getFileName() + ".damaged-" + stamp);
        for (int i = 2; Files.exists(copy); i++) {
            copy = path.resolveSibling(path.getFileName() + ".damaged-" + stamp + "-" + i);
        }
        byte[] original = Files.readAllBytes(path);
        try (FileChannel out = FileChannel.open(copy, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(original);
            while (buf.hasRemaining()) {
                out.write(buf);
            }
            out.force(true);
        }
        // The repaired file is the original cut at a line end plus "\n]\n". Cut first, so that a crash
        // here leaves a file that the same repair handles again.
        int keep = repaired.length - 3;
        channel.truncate(keep);
        ByteBuffer close = ByteBuffer.wrap(repaired, keep, 3);
        long at = keep;
        while (close.hasRemaining()) {
            at += channel.write(close, at);
        }
        channel.force(true);
        return "repaired a torn last line left by an interrupted write (" + (original.length - keep)
                + " bytes dropped); the damaged file was kept as " + copy.getFileName();
    }

    private static void createIfMissing(Path path) throws LedgerException {
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
            Files.createLink(path, temp); // atomic, and never replaces a file another process just made
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

    private static FileChannel openReadOnly(Path path, ChannelOpener opener) throws LedgerException {
        try {
            return opener.open(path, false);
        } catch (IOException e) {
            throw new LedgerException(path, "can't be opened: " + reason(e), e);
        }
    }

    private void readFully(ByteBuffer buf, long position) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, at);
            if (n < 0) {
                throw new IOException("file shrank while reading");
            }
            at += n;
        }
    }

    private static int lastNonSpace(byte[] b, int from) {
        int i = from;
        while (i >= 0 && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t' || b[i] == 0)) {
            i--;
        }
        return i;
    }

    /** A one-line description of a JSON syntax error. */
    static String describe(JsonProcessingException e) {
        var loc = e.getLocation();
        String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        return "is not valid JSON" + where + ": " + firstLine(e.getOriginalMessage());
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
        synchronized (this) {
            channel.close();
        }
    }
}
