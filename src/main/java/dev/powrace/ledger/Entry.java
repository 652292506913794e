package dev.powrace.ledger;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.math.BigDecimal;

/**
 * One race's winner, as recorded in ledger.json.
 *
 * @param timeTaken seconds, exact to the nanosecond (from a monotonic clock)
 * @param startTime ISO-8601 wall-clock time with microseconds and offset
 * @param hashes how many hashes the winner tried
 */
@JsonPropertyOrder({"node", "transaction", "nonce", "hash", "difficulty", "time_taken", "start_time", "end_time",
        "hashes"})
public record Entry(
        @JsonProperty("node") String node,
        @JsonProperty("transaction") String transaction,
        @JsonProperty("nonce") long nonce,
        @JsonProperty("hash") String hash,
        @JsonProperty("difficulty") int difficulty,
        @JsonProperty("time_taken") BigDecimal timeTaken,
        @JsonProperty("start_time") String startTime,
        @JsonProperty("end_time") String endTime,
        @JsonProperty("hashes") long hashes) {

    /** Seconds from nanoseconds, exactly, with nine decimals. */
    public static BigDecimal seconds(long nanos) {
        return BigDecimal.valueOf(nanos, 9);
    }
}
