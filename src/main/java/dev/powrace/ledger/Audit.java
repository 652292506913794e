package dev.powrace.ledger;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.powrace.pow.Puzzle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Re-checks every entry of a ledger without changing the file: the hash is sha256(transaction + nonce), it
 * meets the difficulty, and the timestamps are well formed and in order.
 */
public final class Audit {
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    /** One entry that does not hold up. {@code index} counts from 1. */
    public record Problem(long index, String node, String transaction, String reason) {}

    /**
     * @param entries how many entries were checked
     * @param problems the entries that failed, in file order
     * @param tornTail set if the file ends with a torn line that the next open will repair (it is not counted)
     */
    public record Report(long entries, List<Problem> problems, Optional<String> tornTail) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    private Audit() {}

    /** Reads and checks a ledger; throws if it can't be read or is not a JSON array of objects. */
    public static Report check(Path path) throws LedgerException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new LedgerException(path, "does not exist");
        } catch (IOException e) {
            throw new LedgerException(path, "can't be read: " + Ledger.reason(e), e);
        }
        try {
            return check(bytes, Optional.empty());
        } catch (JsonProcessingException | LedgerShapeException e) {
            Optional<byte[]> repaired = Ledger.repairTornTail(bytes);
            if (repaired.isPresent()) {
                try {
                    return check(repaired.get(), Optional.of("the last line is torn by an interrupted write; "
                            + "powrace repairs it the next time it opens the ledger"));
                } catch (IOException | LedgerShapeException ignored) {
                    // fall through to the original error
                }
            }
            String why = e instanceof JsonProcessingException j ? Ledger.describe(j) : e.getMessage();
            throw new LedgerException(path, why);
        } catch (IOException e) {
            throw new LedgerException(path, "can't be read: " + Ledger.reason(e), e);
        }
    }

    private static final class LedgerShapeException extends Exception {
        LedgerShapeException(String message) {
            super(message);
        }
    }

    private static Report check(byte[] bytes, Optional<String> torn) throws IOException, LedgerShapeException {
        List<Problem> problems = new ArrayList<>();
        long index = 0;
        try (JsonParser parser = Ledger.JSON.createParser(bytes)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_ARRAY) {
                throw new LedgerShapeException(first == null ? "is empty" : "is not a JSON array");
            }
            for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                index++;
                if (t != JsonToken.START_OBJECT) {
                    throw new LedgerShapeException("entry " + index + " is not a JSON object");
                }
                JsonNode entry = parser.readValueAsTree();
                String reason = problem(entry);
                if (reason != null) {
                    problems.add(new Problem(index, text(entry, "node"), text(entry, "transaction"), reason));
                }
            }
            if (parser.nextToken() != null) {
                throw new LedgerShapeException("has data after the closing ]");
            }
        }
        return new Report(index, problems, torn);
    }

    /** What is wrong with one entry, or null if nothing. */
    static String problem(JsonNode e) {
        JsonNode node = e.get("node");
        JsonNode tx = e.get("transaction");
        JsonNode nonce = e.get("nonce");
        JsonNode hash = e.get("hash");
        JsonNode difficulty = e.get("difficulty");
        JsonNode taken = e.get("time_taken");
        if (node == null || !node.isTextual() || node.asText().isEmpty()) {
            return "node is missing";
        }
        if (tx == null || !tx.isTextual()) {
            return "transaction is missing";
        }
        if (nonce == null || !nonce.canConvertToLong() || !nonce.isIntegralNumber() || nonce.asLong() < 0) {
            return "nonce is missing or not a whole number >= 0";
        }
        if (hash == null || !hash.isTextual() || !HASH.matcher(hash.asText()).matches()) {
            return "hash is not 64 lowercase hex digits";
        }
        if (difficulty == null || !difficulty.isInt() || difficulty.asInt() < Puzzle.MIN_DIFFICULTY
                || difficulty.asInt() > Puzzle.MAX_DIFFICULTY) {
            return "difficulty is not 1 to 8";
        }
        if (!hash.asText().equals(Puzzle.hash(tx.asText(), nonce.asLong()))) {
            return "hash does not match sha256(transaction + nonce)";
        }
        if (!hash.asText().startsWith("00".repeat(difficulty.asInt()))) {
            return "hash does not start with " + difficulty.asInt() + " zero bytes";
        }
        if (taken == null || !taken.isNumber() || taken.asDouble() < 0) {
            return "time_taken is missing or negative";
        }
        Optional<Instant> start = Timestamps.parse(text(e, "start_time"));
        Optional<Instant> end = Timestamps.parse(text(e, "end_time"));
        if (start.isEmpty()) {
            return "start_time is not an ISO-8601 time with 6 fractional digits and an offset";
        }
        if (end.isEmpty()) {
            return "end_time is not an ISO-8601 time with 6 fractional digits and an offset";
        }
        if (end.get().isBefore(start.get())) {
            return "end_time is before start_time";
        }
        return null;
    }

    private static String text(JsonNode e, String field) {
        JsonNode v = e.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
