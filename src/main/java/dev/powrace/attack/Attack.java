package dev.powrace.attack;

import dev.powrace.pow.Engine;
import dev.powrace.pow.EngineFactory;
import dev.powrace.pow.Puzzle;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * One double-spend attack, mined for real: a merchant waits for {@code z} blocks on top of a payment, while an
 * attacker with an exact share of the hash power mines a private chain in which the payment never happened.
 *
 * <p>Both chains are real chains of SHA-256 blocks found by the engine (powrace's puzzle: a block's header, which
 * names its chain, its height and its parent's hash, followed by a decimal nonce, hashed until the digest starts
 * with {@code difficulty} zero bytes; every hit is checked again with MessageDigest). Both fork from one parent,
 * the block before the payment. Nothing is drawn from a random number generator: which side finds the next block
 * is decided by the hashes.
 *
 * <p>The work is done on the calling thread in slices of {@link Share#slice} hashes: {@link Share#attacker} of them
 * for the attacker's chain, the rest for the honest chain. Within a slice each side's hashes are spread evenly in
 * time (the attacker's i-th of a at (i + ½)/a of the slice, the honest side's j-th of h at (j + ½)/h), and blocks
 * count in that order, a tie going to the honest side. Every slice is hashed whole, the one in which the attack is
 * decided too, so an attack's hashes are whole slices and the attacker's share of them is exactly a/K.
 *
 * <p>The attack is decided after a block when: the honest chain has z blocks or more and the attacker's chain is
 * as long ({@link Outcome#CAUGHT_UP}: the paper's count, see {@link CatchUp}); or the attacker is
 * {@link CatchUp#giveUpDeficit} blocks behind ({@link Outcome#GAVE_UP}); or the two chains hold {@link #maxBlocks}
 * blocks between them ({@link Outcome#UNDECIDED}: only ever at q ≥ 0.5, where no deficit is hopeless). At z = 0 it
 * is decided before any hash: the merchant did not wait.
 */
public final class Attack {
    /** How an attack ended. */
    public enum Outcome {
        /** The attacker's chain drew level once the merchant had z blocks: the payment can be undone. */
        CAUGHT_UP,
        /** So far behind that catching up is less likely than {@link CatchUp#GIVE_UP_BELOW}. */
        GAVE_UP,
        /** Still going after {@link #maxBlocks} blocks (only at q ≥ 0.5). */
        UNDECIDED,
        /** Stopped from outside before it was decided. */
        STOPPED
    }

    /** A block as it was found: whose, its height on its chain, its nonce and its hash. */
    public record Block(boolean attacker, int height, long nonce, String hash) {}

    /**
     * What one attack came to: its outcome, the blocks the merchant waited for, the chains' lengths, the hashes each
     * side did, and, if recorded, every block in the order found.
     */
    public record Result(Outcome outcome, int z, int honestBlocks, int attackerBlocks, long honestHashes, long attackerHashes,
            List<Block> blocks) {
        public long hashes() {
            return honestHashes + attackerHashes;
        }
    }

    /** The nonce each block's search starts from: 4 digits, past the engines' short-nonce path. */
    static final long FIRST_NONCE = 1000;
    /** The least cap on the blocks of an attack; more below 50% when the give-up deficit is far (see maxBlocks). */
    public static final int MIN_MAX_BLOCKS = 10_000;

    private final EngineFactory engines;
    private final int difficulty;
    private final Share share;
    private final int z;
    private final int giveUp;
    private final int maxBlocks;

    /**
     * @param engines makes the engine for each block's search
     * @param difficulty zero bytes a block's hash starts with, 1 to 8 (1: one hash in 256 is a block)
     * @param share the attacker's exact share of every slice of hashes
     * @param z the blocks the merchant waits for, 0 or more
     */
    public Attack(EngineFactory engines, int difficulty, Share share, int z) {
        Puzzle.checkDifficulty(difficulty);
        if (z < 0) {
            throw new IllegalArgumentException("z must be 0 or more, not " + z);
        }
        this.engines = Objects.requireNonNull(engines);
        this.difficulty = difficulty;
        this.share = Objects.requireNonNull(share);
        this.z = z;
        this.giveUp = CatchUp.giveUpDeficit(share.q());
        this.maxBlocks = maxBlocks(share.q());
    }

    /**
     * The cap on an attack's blocks (both chains): {@link #MIN_MAX_BLOCKS}, plus below 50% ten times the blocks a
     * walk to the give-up deficit takes on average (D / (p − q)), so that no attack below 50% ever reaches it.
     */
    static int maxBlocks(double q) {
        double p = 1 - q;
        if (q >= p) {
            return MIN_MAX_BLOCKS;
        }
        return (int) Math.min(100_000_000, MIN_MAX_BLOCKS + 10.0 * CatchUp.giveUpDeficit(q) / (p - q));
    }

    public int giveUpDeficit() {
        return giveUp;
    }

    public int maxBlocks() {
        return maxBlocks;
    }

    public Share share() {
        return share;
    }

    public int z() {
        return z;
    }

    /**
     * Mines one attack on the calling thread.
     *
     * @param name names this attack in every header, so that no two attacks hash the same input (e.g. "r7f3a/123")
     * @param stop looked at before every slice; true ends the attack as {@link Outcome#STOPPED}
     * @param meter told of each slice's hashes as they are done
     * @param record whether to keep every block in the result (for showing one attack); else its list is empty
     */
    public Result mine(String name, BooleanSupplier stop, LongConsumer meter, boolean record) {
        MessageDigest md = Puzzle.sha256(); // checks every hit; one per attack
        // the block before the payment, which both chains build on
        String parent = forkOf(name, md);
        Chain honest = new Chain(name, 'H', parent, md);
        Chain attacker = new Chain(name, 'A', parent, md);
        List<Block> blocks = record ? new ArrayList<>() : List.of();
        int a = share.attacker();
        int h = share.honest();
        Outcome outcome = decide(honest, attacker);
        while (outcome == null) {
            if (stop.getAsBoolean()) {
                outcome = Outcome.STOPPED;
                break;
            }
            // one slice: each side's next hit in its part of the slice, taken in time order
            int hitA = attacker.scan(0, a);
            int hitH = honest.scan(0, h);
            while (hitA >= 0 || hitH >= 0) {
                // the attacker's hash i is at (2i + 1) / 2a of the slice, the honest side's j at (2j + 1) / 2h
                boolean attackerFirst = hitH < 0 || hitA >= 0 && (2L * hitA + 1) * h < (2L * hitH + 1) * a;
                Chain side = attackerFirst ? attacker : honest;
                long nonce = side.nonce - 1;
                String hash = side.found();
                if (outcome == null) { // blocks found after the decision, in the rest of its slice, don't count
                    if (record) {
                        blocks.add(new Block(attackerFirst, side.height, nonce, hash));
                    }
                    outcome = decide(honest, attacker);
                }
                if (attackerFirst) {
                    hitA = attacker.scan(hitA + 1, a);
                } else {
                    hitH = honest.scan(hitH + 1, h);
                }
            }
            meter.accept(share.slice());
        }
        return new Result(outcome, z, honest.counted, attacker.counted, honest.hashes, attacker.hashes,
                record ? List.copyOf(blocks) : List.of());
    }

    /**
     * A block's header, to which its decimal nonce is appended and hashed: the attack's name, the chain (H honest, A
     * the attacker's), the block's height on it and its parent's hash, e.g.
     * {@code "r5c1e/17 A3 00f1...9c "}.
     */
    static String header(String name, boolean attacker, int height, String parent) {
        return name + " " + (attacker ? 'A' : 'H') + height + " " + parent + " ";
    }

    /** The hash both chains of attack {@code name} build on: the block before the payment. */
    static String forkOf(String name, MessageDigest md) {
        return Puzzle.hex(md.digest((name + " fork").getBytes(StandardCharsets.UTF_8)));
    }

    /** The outcome once decided, or null. Counts the blocks as they were when decided. */
    private Outcome decide(Chain honest, Chain attacker) {
        int hb = honest.height;
        int ab = attacker.height;
        honest.counted = hb;
        attacker.counted = ab;
        if (hb >= z && ab >= hb) {
            return Outcome.CAUGHT_UP;
        }
        if (hb - ab >= giveUp) {
            return Outcome.GAVE_UP;
        }
        if (hb + ab >= maxBlocks) {
            return Outcome.UNDECIDED;
        }
        return null;
    }

    /** One side's chain in one attack: its tip, and the search for its next block. */
    private final class Chain {
        private final String name;
        private final char side;
        int height;
        int counted; // its height when the attack was decided
        long hashes;
        private String tip;
        private String header;
        private Engine engine;
        long nonce; // the nonce the next scan starts at
        private byte[] digest; // the last hit's, checked
        private final MessageDigest md;

        Chain(String name, char side, String parent, MessageDigest md) {
            this.name = name;
            this.md = md;
            this.side = side;
            this.tip = parent;
            next();
        }

        private void next() {
            header = header(name, side == 'A', height + 1, tip);
            engine = engines.create(header, difficulty);
            nonce = FIRST_NONCE;
        }

        /**
         * Hashes this side's part of the slice from {@code from} (inclusive) to {@code to} (exclusive), or up to its
         * next block: returns that block's place in the part, or -1 if the part is done without one. A hit is
         * checked with MessageDigest at once; one that does not verify (an engine bug) is reported and passed over,
         * as the nodes' search does.
         */
        int scan(int from, int to) {
            while (from < to) {
                int hit = engine.scan(nonce, to - from);
                int tried = hit < 0 ? to - from : hit + 1;
                hashes += tried;
                nonce += tried;
                if (hit < 0) {
                    return -1;
                }
                digest = md.digest((header + (nonce - 1)).getBytes(StandardCharsets.UTF_8));
                if (Puzzle.meets(digest, difficulty)) {
                    return from + hit;
                }
                System.err.println("powrace: " + engine.name() + " engine reported a wrong nonce " + (nonce - 1)
                        + "; ignoring it");
                from += tried;
            }
            return -1;
        }

        /** The block the last scan found: appended, and the next one begun; returns its hash. */
        String found() {
            String hash = Puzzle.hex(digest);
            height++;
            tip = hash;
            next();
            return hash;
        }
    }
}
