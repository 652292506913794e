package dev.powrace.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.powrace.pow.Puzzle;
import dev.powrace.race.Race;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.zookeeper.data.Stat;

/** A race as this process knows it: read once from its znode, checked, and kept. */
final class ClusterRace {
    final String path;
    final Race race;
    /** When it was opened, by ZooKeeper's clock. */
    final long openedAtZkMillis;
    /** The winning claim's name, or {@link Schema#ABANDONED}, once decided. */
    final CompletableFuture<String> decision = new CompletableFuture<>();
    /** A node of this process joined it. */
    volatile boolean local;
    volatile boolean watched;
    /** This process opened it: it alone may remove the race's join markers and claims, so it removes the race. */
    volatile boolean opened;
    /** This process's nodes in it. */
    final java.util.Set<String> nodes = java.util.concurrent.ConcurrentHashMap.newKeySet();
    // On the cluster thread only:
    CuratorWatcher watcher;
    /** Looks again scheduled because the race changed under its judge (bounded: see Judge.settle). */
    int retries;
    /** Claims found not to hold up, by name: they never will (a claim and its marker are written once). */
    final java.util.Set<String> refused = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Claims read so far, by name: a claim is never changed (only its author could, and it does not). */
    final Map<String, Schema.Child> claims = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * The czxids of decisions (a "decided" or a verdict) this process found forged while it could check them claim by
     * claim: it never takes them later, when it no longer can.
     */
    final java.util.Set<Long> forged = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The czxid of a forged "decided" that could not be set aside: the race is decided by a verdict beside it. */
    volatile long pinned = -1;

    ClusterRace(String path, Race race, long openedAtZkMillis) {
        this.path = path;
        this.race = race;
        this.openedAtZkMillis = openedAtZkMillis;
    }

    String claims() {
        return path + "/claims";
    }

    String joined() {
        return path + "/joined";
    }

    /** Where verdicts go (see Judge#verdict): made with the race, so only its opener may remove one. */
    String verdicts() {
        return path + "/verdicts";
    }

    String decided() {
        return path + "/decided";
    }

    /**
     * A race znode's data as a race, or null with the reason in {@code why[0]}: a JSON object of bounded size whose
     * text hashes to its folder's name and whose difficulty is 1 to 8.
     */
    static ClusterRace parse(String path, byte[] data, Stat stat, String[] why) {
        String folder = path.substring(Schema.TEXTS.length() + 1, path.lastIndexOf('/'));
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (!Schema.RACE.matcher(name).matches() || !Schema.TEXT_HASH.matcher(folder).matches()) {
            why[0] = "is not a race's name";
            return null;
        }
        JsonNode json = Schema.object(data, Schema.MAX_RECORD_BYTES);
        if (json == null) {
            why[0] = Schema.notObject(Schema.MAX_RECORD_BYTES);
            return null;
        }
        JsonNode text = json.path("text");
        JsonNode difficulty = json.path("difficulty");
        if (!text.isTextual() || text.asText().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > Schema.MAX_TEXT_BYTES) {
            why[0] = "has no text of at most " + Schema.MAX_TEXT_BYTES + " bytes";
            return null;
        }
        if (!difficulty.isInt() || difficulty.asInt() < Puzzle.MIN_DIFFICULTY || difficulty.asInt() > Puzzle.MAX_DIFFICULTY) {
            why[0] = "has a difficulty that is not " + Puzzle.MIN_DIFFICULTY + " to " + Puzzle.MAX_DIFFICULTY;
            return null;
        }
        if (data.length > text.asText().getBytes(java.nio.charset.StandardCharsets.UTF_8).length * 6L + 1024) {
            why[0] = "is larger than its text needs (" + data.length + " bytes)";
            return null;
        }
        if (!Schema.textPath(text.asText()).equals(Schema.TEXTS + "/" + folder)) {
            why[0] = "has a text that does not hash to its folder";
            return null;
        }
        // The race's id is the zxid that created it: unique and increasing across the whole cluster.
        return new ClusterRace(path, Race.judgedElsewhere(stat.getCzxid(), text.asText(), difficulty.asInt()),
                stat.getCtime());
    }
}
