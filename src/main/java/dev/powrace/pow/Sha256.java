package dev.powrace.pow;

/** Plain SHA-256 pieces that MessageDigest does not expose: the compression function and its constants. */
final class Sha256 {
    static final int[] K = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    };

    static final int[] IV = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    };

    private Sha256() {}

    /** Reads 16 big-endian words of a block from {@code bytes} at {@code offset}. */
    /** The state after compressing every whole 64-byte block of {@code bytes} (the rest is the caller's tail). */
    static int[] midstate(byte[] bytes) {
        int[] state = IV.clone();
        int[] block = new int[16];
        for (int b = 0; b < bytes.length / 64; b++) {
            words(bytes, 64 * b, block);
            compress(state, block);
        }
        return state;
    }

    static void words(byte[] bytes, int offset, int[] w) {
        for (int i = 0; i < 16; i++) {
            int p = offset + 4 * i;
            w[i] = (bytes[p] & 0xff) << 24 | (bytes[p + 1] & 0xff) << 16 | (bytes[p + 2] & 0xff) << 8 | (bytes[p + 3] & 0xff);
        }
    }

    /** Compresses one block (16 words) into {@code state}, in place. */
    static void compress(int[] state, int[] block) {
        int[] w = new int[64];
        System.arraycopy(block, 0, w, 0, 16);
        for (int t = 16; t < 64; t++) {
            w[t] = sigma1(w[t - 2]) + w[t - 7] + sigma0(w[t - 15]) + w[t - 16];
        }
        int[] s = state.clone();
        rounds(s, w, 0, 64);
        for (int i = 0; i < 8; i++) {
            state[i] += s[i];
        }
    }

    /** Runs rounds {@code from} to {@code to - 1} on the working variables {@code s} (a to h), in place. */
    static void rounds(int[] s, int[] w, int from, int to) {
        int a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
        for (int t = from; t < to; t++) {
            int t1 = h + (Integer.rotateRight(e, 6) ^ Integer.rotateRight(e, 11) ^ Integer.rotateRight(e, 25))
                    + (g ^ (e & (f ^ g))) + K[t] + w[t];
            int t2 = (Integer.rotateRight(a, 2) ^ Integer.rotateRight(a, 13) ^ Integer.rotateRight(a, 22))
                    + ((a & b) | (c & (a | b)));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        s[0] = a; s[1] = b; s[2] = c; s[3] = d; s[4] = e; s[5] = f; s[6] = g; s[7] = h;
    }

    static int sigma0(int x) {
        return Integer.rotateRight(x, 7) ^ Integer.rotateRight(x, 18) ^ (x >>> 3);
    }

    static int sigma1(int x) {
        return Integer.rotateRight(x, 17) ^ Integer.rotateRight(x, 19) ^ (x >>> 10);
    }

    /**
     * Writes into {@code tail} (128 bytes) the padded last block or blocks of {@code prefix} followed by a nonce's
     * decimal {@code digits}: the prefix's bytes after its last whole block, the digits but their last three (left
     * zero: an engine writes those per nonce), 0x80, zeros, and the message's length in bits.
     *
     * @return how many blocks the tail takes, 1 or 2
     */
    static int paddedTail(byte[] tail, byte[] prefix, byte[] digits) {
        int rest = prefix.length % 64;
        int k = digits.length;
        java.util.Arrays.fill(tail, (byte) 0);
        System.arraycopy(prefix, prefix.length - rest, tail, 0, rest);
        System.arraycopy(digits, 0, tail, rest, k - 3);
        int end = rest + k;
        tail[end] = (byte) 0x80;
        int blocks = end + 9 <= 64 ? 1 : 2;
        long bits = 8L * (prefix.length + k);
        for (int b = 0; b < 8; b++) {
            tail[64 * blocks - 1 - b] = (byte) (bits >>> (8 * b));
        }
        return blocks;
    }

    /** The least number with one digit more than a {@code digits}-digit number, or Long.MAX_VALUE past 18 digits. */
    static long nextPowerOfTen(int digits) {
        if (digits >= 19) {
            return Long.MAX_VALUE;
        }
        long p = 1;
        for (int i = 0; i < digits; i++) {
            p *= 10;
        }
        return p;
    }
}
