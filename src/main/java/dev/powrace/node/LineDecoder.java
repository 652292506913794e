package dev.powrace.node;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Splits a byte stream into lines: each '\n' ends one, a trailing '\r' is dropped, and a line is checked to
 * be UTF-8 and at most {@code maxBytes} long. A line that grows too long is reported as soon as it passes
 * the limit, without waiting for its end.
 */
final class LineDecoder {
    enum Kind { TRANSACTION, BLANK, TOO_LONG, INVALID_UTF8 }

    record Line(Kind kind, String text) {}

    private final int maxBytes;
    private byte[] buf = new byte[256];
    private int len;

    LineDecoder(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Consumes bytes up to and including the next '\n', and returns the line if one ended. */
    Optional<Line> feed(ByteBuffer in) {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (b == '\n') {
                return Optional.of(take());
            }
            if (len > maxBytes) { // room for the limit plus a trailing '\r'
                len = 0;
                return Optional.of(new Line(Kind.TOO_LONG, null));
            }
            if (len == buf.length) {
                buf = Arrays.copyOf(buf, Math.min(buf.length * 2, maxBytes + 1));
            }
            buf[len++] = b;
        }
        return Optional.empty();
    }

    /** True if an unterminated line is waiting. */
    boolean pending() {
        return len > 0;
    }

    /** The unterminated line, which counts when the stream ends or goes quiet. */
    Optional<Line> finish() {
        return len > 0 ? Optional.of(take()) : Optional.empty();
    }

    private Line take() {
        int n = len;
        len = 0;
        if (n > 0 && buf[n - 1] == '\r') {
            n--;
        }
        if (n > maxBytes) {
            return new Line(Kind.TOO_LONG, null);
        }
        try {
            CharBuffer text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, 0, n));
            String s = text.toString();
            if (buf.length > 4096) {
                buf = new byte[256]; // don't keep a big buffer for an idle connection
            }
            return s.isBlank() ? new Line(Kind.BLANK, s) : new Line(Kind.TRANSACTION, s);
        } catch (CharacterCodingException e) {
            return new Line(Kind.INVALID_UTF8, null);
        }
    }
}
