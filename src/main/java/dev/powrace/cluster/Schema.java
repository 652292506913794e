package dev.powrace.cluster;

import dev.powrace.ledger.Entry;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.powrace.ledger.Ledger;
import dev.powrace.ledger.Quote;
import dev.powrace.pow.Puzzle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * The cluster's znodes: their paths, the names the schema allows, and how their data is read. Nothing read from
 * ZooKeeper is trusted for being there: a name outside these patterns is a stray, and data is parsed with bounds on
 * its size and depth. See docs/cluster.md for the schema.
 */
final class Schema {
    static final String ROOT = "/powrace";
    static final String LABELS = ROOT + "/labels";
    static final String MEMBERS = ROOT + "/members";
    static final String TEXTS = ROOT + "/texts";
    static final String LEDGER = ROOT + "/ledger";
    static final String SUBMISSIONS = ROOT + "/submissions";
    /** The forged decisions the judges set aside, kept when their races become history (for verify --cluster). */
    static final String FORGED = ROOT + "/forged";
    /** The content of a race's "decided" znode when every node that joined it left before anyone won. */
    static final String ABANDONED = "abandoned";

    static final Pattern TEXT_HASH = Pattern.compile("[0-9a-f]{64}");
    static final Pattern RACE = Pattern.compile("race-[0-9]{10}");
    static final Pattern CLAIM = Pattern.compile("claim-[0-9]{10}");
    static final Pattern ENTRY = Pattern.compile("entry-[0-9]{10}");
    static final Pattern SUBMISSION = Pattern.compile("sub-[0-9]{10}");
    /**
     * A race's decision written beside a forged "decided" that can't be set aside (pinned by a child of its own, or
     * closed to the processes): its name is random, so nobody can take it first.
     */
    static final Pattern VERDICT = Pattern.compile("verdict-[0-9a-f]{8}");
    /** A node's name as one znode name: "a/Node1" is "a:Node1". */
    static final Pattern MARKER = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]{0,62}):(Node[1-9][0-9]{0,3})");

    /** A transaction's bound, as a node's line (64 KiB), and room for the rest of a race, entry or submission. */
    static final int MAX_TEXT_BYTES = 65_536;
    static final int MAX_RECORD_BYTES = MAX_TEXT_BYTES * 6 + 1024; // a text escaped as JSON can grow sixfold
    static final int MAX_CLAIM_BYTES = 4096;
    static final int MAX_MEMBER_BYTES = 4096;

    /** Numbers with fractions as BigDecimal (a claim's time_taken keeps its nine decimals); JSON nested 8 deep at most. */
    static final ObjectMapper JSON = Ledger.json().copy().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build());
    }

    private Schema() {}

    /** The folder of a text's races: its SHA-256 in hex. */
    static String textPath(String text) {
        return TEXTS + "/" + Puzzle.hex(Puzzle.sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** "a/Node1" as a znode name, "a:Node1". */
    static String marker(String node) {
        return node.replace('/', ':');
    }

    /** A JSON object of at most {@code max} bytes, or null if the data is anything else. */
    static JsonNode object(byte[] data, int max) {
        if (data == null || data.length == 0 || data.length > max) {
            return null;
        }
        try {
            JsonNode json = JSON.readTree(data);
            return json != null && json.isObject() ? json : null;
        } catch (Exception malformed) { // not JSON, nested too deep, a number out of range
            return null;
        }
    }

    /** What a JSON object or a reason is, for a report: "not a JSON object of at most N bytes". */
    static String notObject(int max) {
        return "is not a JSON object of at most " + max + " bytes";
    }

    /** Text from the cluster as a report may show it: quoted and escaped, and cut at 80 characters. */
    static String shown(String s) {
        if (s == null) {
            return "(none)";
        }
        return Quote.of(s.length() > 80 ? s.substring(0, 80) + "…" : s);
    }

    /** A node's name as a report shows it: as it is if it is a node's name, else quoted. */
    static String node(String node) {
        return dev.powrace.ledger.Verifier.isNodeName(node) ? node : shown(node);
    }

    /** A znode's name as a report shows it: as it is if it is plain, else quoted. */
    static String name(String znode) {
        return znode.matches("[A-Za-z0-9._:-]{1,80}") ? znode : shown(znode);
    }

    /** Sequential children by the 10-digit sequence number at the end of their names (for tests; the code orders by zxid). */
    static List<String> sorted(List<String> children) {
        List<String> list = new ArrayList<>(children);
        list.sort(Comparator.comparingLong(Schema::sequence));
        return list;
    }

    static long sequence(String name) {
        if (name.length() < 10) {
            return Long.MAX_VALUE;
        }
        try {
            return Long.parseLong(name.substring(name.length() - 10));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** A child read with its stat. */
    record Child(String name, byte[] data, Stat stat) {}

    /**
     * A znode's Stat, or null if it is gone or closed to this process: ZooKeeper answers "exists" only to those who may
     * read the znode, and a forger can close one it made (a pinned "decided", say).
     */
    static Stat statOf(org.apache.curator.framework.CuratorFramework zk, String path) throws Exception {
        try {
            return zk.checkExists().forPath(path);
        } catch (org.apache.zookeeper.KeeperException.NoAuthException closed) {
            return null;
        }
    }

    /** Children in ZooKeeper's order: by the zxid that created them, never by their names. */
    static List<Child> byCreation(List<Child> children) {
        List<Child> list = new ArrayList<>(children);
        list.sort(Comparator.comparingLong(c -> c.stat().getCzxid()));
        return list;
    }

    /** The folders every process needs; the labels' folder lets anyone add a label and nobody remove one. */
    static void folders(CuratorFramework zk, Identity self) throws Exception {
        for (String path : List.of(ROOT, LABELS, MEMBERS, TEXTS, LEDGER, SUBMISSIONS, FORGED)) {
            try {
                if (path.equals(LABELS)) {
                    zk.create().withACL(self.labelsFolder()).forPath(path, new byte[0]);
                } else {
                    zk.create().forPath(path, new byte[0]);
                }
            } catch (KeeperException.NodeExistsException fine) {
                // another process made it
            }
        }
    }

    /**
     * This process's folder of member znodes, which only it may write in. One left by an earlier process of the
     * same label (empty, since that process is gone: its label was free) is made again for this one.
     */
    static void membersFolder(CuratorFramework zk, String label, Identity self) throws Exception {
        String folder = MEMBERS + "/" + label;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                zk.create().withACL(self.own()).forPath(folder, new byte[0]);
                return;
            } catch (KeeperException.NodeExistsException exists) {
                Stat stat = new Stat();
                List<ACL> acl = zk.getACL().storingStatIn(stat).forPath(folder);
                if (acl.stream().anyMatch(a -> a.getId().getId().equals(self.id))) {
                    return; // (ZooKeeper shows a digest's hash only to whoever may administer the znode: us)
                }
                try {
                    zk.delete().forPath(folder);
                } catch (KeeperException.NoNodeException gone) {
                    // look again
                } catch (KeeperException.NotEmptyException stillThere) {
                    Thread.sleep(500); // the old session's members: the server drops them with its label
                }
            }
        }
        throw new ClusterException("the members of label '" + label + "' are still listed by a process that left; "
                + "try again in a few seconds");
    }

    /** An entry's fields, each of its JSON type, or null. */
    static Entry entry(JsonNode j) {
        if (j == null || !j.path("node").isTextual() || !j.path("transaction").isTextual()
                || !j.path("nonce").isIntegralNumber() || !j.path("nonce").canConvertToLong()
                || !j.path("hash").isTextual() || !j.path("difficulty").isInt() || !j.path("time_taken").isNumber()
                || !j.path("start_time").isTextual() || !j.path("end_time").isTextual()
                || !j.path("hashes").isIntegralNumber() || !j.path("hashes").canConvertToLong()) {
            return null;
        }
        return new Entry(j.path("node").asText(), j.path("transaction").asText(), j.path("nonce").asLong(),
                j.path("hash").asText(), j.path("difficulty").asInt(), j.path("time_taken").decimalValue(),
                j.path("start_time").asText(), j.path("end_time").asText(), j.path("hashes").asLong());
    }
}
