package dev.powrace.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * What the processes of a cluster found forged and will not copy, for {@code verify --cluster}.
 *
 * @param decisions lines naming each forged decision set aside
 * @param entries lines naming each young ledger entry that is no race's decision
 */
public record Forgeries(List<String> decisions, List<String> entries) {
    /**
     * What the processes of the cluster found forged and what they will not copy, as lines for {@code verify --cluster}:
     * decisions set aside as forged ({@code forged-<zxid>} beside a race's decision), and ledger entries that are
     * no race's decision while their race is still in ZooKeeper (a live process removes those; this names them when
     * none is running). Names and text are escaped.
     */
    static Forgeries find(CuratorFramework zk, long now) throws Exception {
        {
            List<String> lines = new ArrayList<>();
            List<String> entries = new ArrayList<>();
            java.util.Set<Long> decisions = new java.util.HashSet<>();
            java.util.Set<String> textsWithRaces = new java.util.HashSet<>();
            for (String text : children(zk, Schema.TEXTS)) {
                for (String race : children(zk, Schema.TEXTS + "/" + text)) {
                    String path = Schema.TEXTS + "/" + text + "/" + race;
                    textsWithRaces.add(text);
                    List<String> raceChildren = children(zk, path);
                    List<String> verdictNames = children(zk, path + "/verdicts");
                    boolean verdicts = verdictNames.stream().anyMatch(c -> Schema.VERDICT.matcher(c).matches());
                    for (String v : verdictNames) {
                        Stat stat = Schema.VERDICT.matcher(v).matches() ? Schema.statOf(zk, path + "/verdicts/" + v)
                                : null;
                        if (stat != null) {
                            decisions.add(stat.getCzxid());
                        }
                    }
                    for (String child : raceChildren) {
                        if (child.equals("decided")) {
                            Stat stat = Schema.statOf(zk, path + "/decided");
                            if (stat != null) {
                                decisions.add(stat.getCzxid());
                            }
                            if (verdicts) { // the judges found it forged, and could not set it aside (or read it)
                                lines.add(race(text + "/" + race) + "/decided: a forged decision (" + shown(zk, path
                                        + "/decided") + "), pinned where it is; a verdict beside it decides the race");
                            }

                        } else if (child.startsWith("forged-")) {
                            lines.add(race(text + "/" + race) + "/" + Schema.name(child) + ": a forged decision ("
                                    + shown(zk, path + "/" + child) + "), set aside by the cluster");
                        }
                    }
                }
            }
            for (String forged : children(zk, Schema.FORGED)) { // set aside, of races that are history now
                JsonNode record = readObject(zk.getData().forPath(Schema.FORGED + "/" + forged));
                String race = record == null ? "?" : record.path("race").asText("?");
                lines.add(race(race) + "/" + Schema.name(forged) + ": a forged decision ("
                        + Schema.shown(record == null ? "?" : record.path("decision").asText("?"))
                        + "), set aside by the cluster");
            }
            for (String name : children(zk, Schema.LEDGER)) {
                Stat stat = new Stat();
                byte[] data;
                try {
                    data = zk.getData().storingStatIn(stat).forPath(Schema.LEDGER + "/" + name);
                } catch (KeeperException.NoNodeException gone) {
                    continue;
                }
                JsonNode json = readObject(data);
                dev.powrace.ledger.Entry e = Schema.entry(json);
                if (e == null || dev.powrace.ledger.Verifier.problem(e) != null || decisions.contains(stat.getCzxid())
                        || now - stat.getCtime() >= Mirror.YOUNG_MILLIS) {
                    continue; // malformed (named by the audit), a race's decision, or history
                }
                String text = Schema.textPath(json.path("transaction").asText()).substring(Schema.TEXTS.length() + 1);
                entries.add(Schema.name(name) + " (" + Schema.node(json.path("node").asText("?")) + ", "
                        + Schema.shown(json.path("transaction").asText()) + "): is no race's decision"
                        + (textsWithRaces.contains(text) ? "" : " (no race of its text is in the cluster)"));
            }
            return new Forgeries(lines, entries);
        }
    }

    /** A race's path under /powrace/texts as a report shows it: its text's hash cut to 12 digits, then its name. */
    private static String race(String path) {
        int slash = path.indexOf('/');
        String text = slash < 0 ? path : path.substring(0, slash);
        return Schema.name(text.substring(0, Math.min(12, text.length()))) + "…/"
                + (slash < 0 ? "?" : Schema.name(path.substring(slash + 1)));
    }

    /** A znode's data as a report shows it, or "unreadable". */
    private static String shown(CuratorFramework zk, String path) throws Exception {
        try {
            return Schema.shown(new String(zk.getData().forPath(path), StandardCharsets.UTF_8));
        } catch (KeeperException.NoAuthException | KeeperException.NoNodeException closedOrGone) {
            return "unreadable";
        }
    }

    private static List<String> children(CuratorFramework zk, String path) throws Exception {
        try {
            return zk.getChildren().forPath(path);
        } catch (KeeperException.NoNodeException | KeeperException.NoAuthException noneOrClosed) {
            return List.of();
        }
    }

    private static JsonNode readObject(byte[] data) {
        return Schema.object(data, Schema.MAX_RECORD_BYTES);
    }
}
