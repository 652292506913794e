package dev.powrace.ledger;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * The one reader of "a JSON array of objects", the shape of ledger.json. Opening, reading, verifying, repairing
 * and the catch-up before an append all walk the file through here.
 *
 * <p>A walk visits each complete top-level object in order and reports the byte offset just after the last one
 * (or just after the opening bracket if there is none), so a caller can cut a file back to it. It tells apart:
 * <ul>
 * <li>a closed array followed by nothing but white space: whole;
 * <li>input that ends early, that is, bytes after the last complete object that are the start of some valid
 * continuation, possibly followed by zero bytes (a crash can extend a file with zeros): torn;
 * <li>anything else, for example a syntax error, a value that is not an object, or data after the closing
 * bracket: malformed, thrown as {@link Malformed} with a one-line description.
 * </ul>
 *
 * <p>Both checks use Jackson. Whole files take one pass of the blocking parser. Only when that pass fails is the
 * rest of the input, from the end of the last complete object, run through Jackson's non-blocking parser, which
 * accepts any prefix of valid JSON and reports that it needs more input. That decides torn or malformed. The
 * blocking parser alone can't: it reports some cut-off values, such as {@code 0.} or a partial {@code true}, as
 * syntax errors rather than as an early end.
 *
 * <p>One shape that is not a prefix also counts as torn: a comma, then the old closing bracket, after the last
 * complete object. An append that wrote only its first byte, the comma, over the old {@code \n]\n} leaves it.
 */
final class ObjectArray {
    /** Where a walk starts. */
    enum From {
        /** At the start of the file, before the opening bracket. */
        START(""),
        /** Inside the array, right after its opening bracket. */
        AFTER_OPEN("["),
        /** Inside the array, right after an element. */
        AFTER_ELEMENT("[{}");

        /** What is parsed before the bytes, so that they parse in the right context. */
        final byte[] context;

        From(String context) {
            this.context = context.getBytes(StandardCharsets.US_ASCII);
        }
    }

    /**
     * Reads one top-level object, the parser standing on its START_OBJECT; leaves it on the END_OBJECT. The object
     * may turn out to be cut short: then reading it throws, and the walk decides what that means.
     */
    @FunctionalInterface
    interface Visitor {
        void object(JsonParser parser) throws IOException;
    }

    /** Skips each object: for walks that only count and locate them. */
    static final Visitor SKIP = JsonParser::skipChildren;

    /** The bytes to walk: a file, or an array in tests. */
    interface Source {
        long size() throws IOException;

        /** Reads into {@code dst} from {@code position}; returns -1 at the end. */
        int read(ByteBuffer dst, long position) throws IOException;

        static Source of(FileChannel channel) {
            return new Source() {
                @Override
                public long size() throws IOException {
                    return channel.size();
                }

                @Override
                public int read(ByteBuffer dst, long position) throws IOException {
                    return channel.read(dst, position);
                }
            };
        }

        static Source of(byte[] bytes) {
            return new Source() {
                @Override
                public long size() {
                    return bytes.length;
                }

                @Override
                public int read(ByteBuffer dst, long position) {
                    if (position >= bytes.length) {
                        return -1;
                    }
                    int n = (int) Math.min(dst.remaining(), bytes.length - position);
                    dst.put(bytes, (int) position, n);
                    return n;
                }
            };
        }
    }

    /**
     * What a walk found.
     *
     * @param objects complete objects visited
     * @param end the byte offset just after the last complete object, or just after the opening bracket
     * @param size the input's size in bytes
     * @param torn whether the input ends early; then the {@code size - end} bytes after {@code end} are the tear
     */
    record Walk(long objects, long end, long size, boolean torn) {}

    /** The input is not a JSON array of objects, and not one cut short either. The message is one line. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    private static final int CHUNK = 1 << 16;
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private ObjectArray() {}

    /**
     * Walks {@code source} from byte {@code from}, which is at the position {@code where} says.
     *
     * @throws Malformed if the input is neither whole nor torn
     * @throws IOException if it can't be read, or the visitor fails
     */
    static Walk walk(Source source, long from, From where, Visitor visitor) throws IOException, Malformed {
        long size = source.size();
        if (from > size) {
            throw new IllegalArgumentException("from " + from + " is past the end " + size);
        }
        // The parser reads a UTF-8 byte order mark, then the context, then the bytes. The mark keeps Jackson from
        // taking the input for UTF-16 or UTF-32 when zero bytes come early; a file that has its own mark needs none.
        byte[] prefix = from == 0 && where == From.START && startsWithBom(source) ? new byte[0] : concat(BOM, where.context);
        // Parser offsets count the prefix too; file offset = parser offset + shift.
        long shift = from - prefix.length;
        long objects = 0;
        long end = where == From.START ? -1 : from;
        try (JsonParser p = Ledger.TOKENS.createParser(new SourceStream(source, from, prefix))) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new Malformed("is empty; a ledger is a JSON array such as []");
            }
            if (t != JsonToken.START_ARRAY) {
                throw new Malformed("is not a JSON array (it starts with " + t.asString() + ")");
            }
            if (where == From.START) {
                end = offset(p) + shift + 1;
            } else if (where == From.AFTER_ELEMENT) {
                p.nextToken(); // the context's {}
                p.skipChildren();
            }
            for (t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t != JsonToken.START_OBJECT) {
                    throw new Malformed(from == 0 ? "entry " + (objects + 1) + " is not a JSON object (" + where(p, from, shift) + ")"
                            : "has an element that is not a JSON object (" + where(p, from, shift) + ")");
                }
                visitor.object(p);
                // Databind clears the END_OBJECT it stops on; the token's location stays.
                if ((p.hasCurrentToken() ? p.currentToken() : p.getLastClearedToken()) != JsonToken.END_OBJECT) {
                    throw new IllegalStateException("the visitor did not read the whole object");
                }
                end = offset(p) + shift + 1;
                objects++;
            }
            if (p.nextToken() != null) {
                throw new Malformed("has data after the closing ] (" + where(p, from, shift) + ")");
            }
            return new Walk(objects, end, size, false);
        } catch (JsonProcessingException e) {
            // A syntax error, input that ends early, or a value a visitor could not use (databind may wrap an early
            // end in a mapping error): which one is decided by what follows the last complete object.
            if (end < 0) {
                end = from; // not even the opening bracket was read
            }
            boolean afterElement = objects > 0 || where == From.AFTER_ELEMENT;
            From rest = end == from ? where : afterElement ? From.AFTER_ELEMENT : From.AFTER_OPEN;
            if (endsEarly(source, end, rest, size)) {
                return new Walk(objects, end, size, true);
            }
            throw new Malformed(describe(e, from, shift));
        }
    }

    /** Whether the bytes from {@code from}, at {@code where}, are a tear: see the class comment. */
    private static boolean endsEarly(Source source, long from, From where, long size) throws IOException {
        if (where == From.START) {
            return false; // not even the opening bracket: nothing to keep
        }
        long contentEnd = size - trailingZeros(source, from, size);
        if (contentEnd == from) {
            return true; // nothing, or only zeros, after the last object
        }
        if (where == From.AFTER_ELEMENT && isCommaThenClose(source, from, contentEnd)) {
            return true;
        }
        try (JsonParser p = Ledger.TOKENS.createNonBlockingByteArrayParser()) {
            ByteArrayFeeder feeder = (ByteArrayFeeder) p.getNonBlockingInputFeeder();
            feeder.feedInput(where.context, 0, where.context.length);
            byte[] buf = new byte[CHUNK];
            long at = from;
            int depth = 0; // 1 inside the array
            int objects = where == From.AFTER_ELEMENT ? -1 : 0; // the context's {} does not count
            boolean closed = false;
            while (true) {
                JsonToken t = p.nextToken();
                if (t == JsonToken.NOT_AVAILABLE) {
                    if (at >= contentEnd) {
                        break;
                    }
                    int n = source.read(ByteBuffer.wrap(buf, 0, (int) Math.min(buf.length, contentEnd - at)), at);
                    if (n <= 0) {
                        break;
                    }
                    at += n;
                    feeder.feedInput(buf, 0, n);
                    continue;
                }
                if (closed) {
                    return false; // data after the closing bracket
                }
                if (depth == 1 && t != JsonToken.START_OBJECT && t != JsonToken.END_ARRAY) {
                    return false; // an element that is not an object
                }
                if (t.isStructStart()) {
                    depth++;
                } else if (t.isStructEnd()) {
                    depth--;
                    if (depth == 1 && ++objects > 0) {
                        return false; // a whole object that the first pass did not accept: not a tear
                    }
                    closed = depth == 0;
                }
            }
            if (!closed) {
                return true; // valid so far, and cut short
            }
            feeder.endOfInput();
            return p.nextToken() == null && contentEnd < size; // a whole array, then zeros
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    private static boolean startsWithBom(Source source) throws IOException {
        if (source.size() < BOM.length) {
            return false;
        }
        ByteBuffer b = ByteBuffer.allocate(BOM.length);
        readFully(source, b, 0);
        return java.util.Arrays.equals(b.array(), BOM);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Whether {@code [from, to)} is white space, a comma, white space, a closing bracket and white space. */
    private static boolean isCommaThenClose(Source source, long from, long to) throws IOException {
        if (to - from > 64) {
            return false;
        }
        ByteBuffer b = ByteBuffer.allocate((int) (to - from));
        readFully(source, b, from);
        String s = new String(b.array(), StandardCharsets.ISO_8859_1).replaceAll("[ \t\r\n]", "");
        return s.equals(",]");
    }

    /** How many zero bytes end the input, not counting any before {@code from}. */
    private static long trailingZeros(Source source, long from, long size) throws IOException {
        long zeros = 0;
        byte[] buf = new byte[8192];
        for (long to = size; to > from; ) {
            int n = (int) Math.min(buf.length, to - from);
            ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
            readFully(source, b, to - n);
            for (int i = n - 1; i >= 0; i--) {
                if (buf[i] != 0) {
                    return zeros;
                }
                zeros++;
            }
            to -= n;
        }
        return zeros;
    }

    static void readFully(Source source, ByteBuffer b, long position) throws IOException {
        long at = position;
        while (b.hasRemaining()) {
            int n = source.read(b, at);
            if (n < 0) {
                throw new IOException("the file shrank while it was read");
            }
            at += n;
        }
    }

    private static long offset(JsonParser p) {
        return p.currentTokenLocation().getByteOffset();
    }

    /** Where the parser is, as a person can find it: a line in a whole file, a byte offset otherwise. */
    private static String where(JsonParser p, long from, long shift) {
        var loc = p.currentTokenLocation();
        return from == 0 ? "line " + loc.getLineNr() : "byte " + (loc.getByteOffset() + shift);
    }

    /** A one-line description of a JSON error. */
    private static String describe(JsonProcessingException e, long from, long shift) {
        var loc = e.getLocation();
        String where = loc == null ? ""
                : from == 0 ? " at line " + loc.getLineNr() + ", column "
                        + (loc.getLineNr() == 1 ? loc.getColumnNr() + shift : loc.getColumnNr()) // less the prefix's bytes
                : loc.getByteOffset() >= 0 ? " at byte " + (loc.getByteOffset() + shift) : "";
        String message = e.getOriginalMessage();
        int nl = message == null ? -1 : message.indexOf('\n');
        String what = e instanceof StreamReadException ? "is not valid JSON" : "has an entry that can't be read";
        return what + where + ": " + (nl < 0 ? message : message.substring(0, nl));
    }

    /** The source from a position, after a prefix. */
    private static final class SourceStream extends InputStream {
        private final Source source;
        private final byte[] prefix;
        private int inPrefix;
        private long at;

        SourceStream(Source source, long from, byte[] prefix) {
            this.source = source;
            this.prefix = prefix;
            this.at = from;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (inPrefix < prefix.length) {
                int n = Math.min(len, prefix.length - inPrefix);
                System.arraycopy(prefix, inPrefix, b, off, n);
                inPrefix += n;
                return n;
            }
            int n = source.read(ByteBuffer.wrap(b, off, len), at);
            if (n > 0) {
                at += n;
            }
            return n;
        }
    }
}
