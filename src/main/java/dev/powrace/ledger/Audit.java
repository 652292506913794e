package dev.powrace.ledger;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Re-checks every entry of a ledger without changing the file, each with {@link Verifier}: the node is a node's
 * name, the hash is sha256(transaction + nonce), it meets the difficulty, and the timestamps are well formed and
 * in order.
 */
public final class Audit {
    /** One entry that does not hold up. {@code index} counts from 1. */
    public record Problem(long index, String node, String transaction, String reason) {}

    /**
     * @param entries how many entries were checked
     * @param problems the entries that failed, in file order
     * @param tornTail set if the file ends with an unfinished entry that the next open or append repairs (it is not
     *        counted)
     */
    public record Report(long entries, List<Problem> problems, Optional<String> tornTail) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    private Audit() {}

    /** Reads and checks a ledger; throws if it can't be read or is not a JSON array of objects. */
    public static Report check(Path path) throws LedgerException {
        List<Raw> raws = new ArrayList<>();
        ObjectArray.Walk walk;
        try {
            walk = Ledger.walkShared(path, p -> raws.add(read(p)));
        } catch (NoSuchFileException e) {
            throw new LedgerException(path, "does not exist");
        } catch (LedgerException e) {
            throw e;
        } catch (IOException e) {
            throw new LedgerException(path, "can't be read: " + Ledger.reason(e), e);
        }
        Optional<String> torn = walk.torn()
                ? Optional.of("ends with an unfinished entry left by an interrupted write (" + (walk.size() - walk.end())
                        + " bytes, not counted); powrace repairs it the next time it opens the ledger or appends to it")
                : Optional.empty();
        // Parsing is sequential (and holds the lock); the hashing and the time checks use every core.
        List<Problem> problems = java.util.stream.IntStream.range(0, raws.size()).parallel()
                .mapToObj(i -> {
                    Raw r = raws.get(i);
                    String reason = problem(r);
                    return reason == null ? null : new Problem(i + 1, r.node(), r.transaction(), reason);
                })
                .filter(java.util.Objects::nonNull)
                .toList();
        return new Report(raws.size(), problems, torn);
    }

    /** One entry's fields as read; a field of the wrong JSON type reads as null. */
    private record Raw(String node, String transaction, Long nonce, String hash, Integer difficulty,
            java.math.BigDecimal timeTaken, String startTime, String endTime) {}

    /** Reads one object's fields, the parser standing on its START_OBJECT. */
    private static Raw read(JsonParser p) throws IOException {
        String node = null;
        String tx = null;
        Long nonce = null;
        String hash = null;
        Integer difficulty = null;
        java.math.BigDecimal taken = null;
        String start = null;
        String end = null;
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "node" -> node = v == JsonToken.VALUE_STRING ? p.getText() : null;
                case "transaction" -> tx = v == JsonToken.VALUE_STRING ? p.getText() : null;
                case "nonce" -> nonce = v == JsonToken.VALUE_NUMBER_INT
                        && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER ? p.getLongValue() : null;
                case "hash" -> hash = v == JsonToken.VALUE_STRING ? p.getText() : null;
                case "difficulty" -> difficulty = v == JsonToken.VALUE_NUMBER_INT
                        && p.getNumberType() == JsonParser.NumberType.INT ? p.getIntValue() : null;
                case "time_taken" -> taken = v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT
                        ? seconds(p.getDoubleValue()) : null;
                case "start_time" -> start = v == JsonToken.VALUE_STRING ? p.getText() : null;
                case "end_time" -> end = v == JsonToken.VALUE_STRING ? p.getText() : null;
                default -> p.skipChildren();
            }
            if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                p.skipChildren(); // a known field with a structured value: wrong type, skip it
            }
        }
        return new Raw(node, tx, nonce, hash, difficulty, taken, start, end);
    }

    /**
     * time_taken read as a double, as audits always have (so -1e-400 is 0 and 1e400 holds up), for the
     * verifier, which looks at its sign alone: past a double's range it keeps only that sign.
     */
    private static java.math.BigDecimal seconds(double d) {
        return Double.isFinite(d) ? java.math.BigDecimal.valueOf(d) : d < 0 ? java.math.BigDecimal.ONE.negate()
                : java.math.BigDecimal.ONE;
    }

    /** What is wrong with one entry, or null if nothing: {@link Verifier}'s check. */
    private static String problem(Raw e) {
        return Verifier.problem(e.node(), e.transaction(), e.nonce(), e.hash(), e.difficulty(), e.timeTaken(),
                e.startTime(), e.endTime());
    }
}
