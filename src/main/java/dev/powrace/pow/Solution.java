package dev.powrace.pow;

/**
 * A solved puzzle.
 *
 * @param nonce the winning nonce
 * @param hash the 64-character lowercase hex SHA-256 of transaction + nonce
 * @param hashes how many hashes the search tried, the winning one included
 */
public record Solution(long nonce, String hash, long hashes) {}
