package dev.powrace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.powrace.node.Client;
import dev.powrace.pow.EngineFactory;
import dev.powrace.race.Peers;
import dev.powrace.testing.ClusterProcess;
import dev.powrace.testing.Events;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a cluster process publishes of its nodes (hash rate and wins in each member znode, about twice a second)
 * and what it sees of the others' (its {@link Peers} view, which the app shows).
 */
class ClusterPeersTest {
    @TempDir
    Path dir;

    TestingServer server;
    final List<ClusterProcess> processes = new ArrayList<>();

    @BeforeEach
    void zookeeper() throws Exception {
        server = new TestingServer(-1, dir.resolve("zk").toFile(), true);
    }

    @AfterEach
    void stop() throws Exception {
        for (ClusterProcess p : List.copyOf(processes)) {
            p.close();
        }
        server.close();
    }

    ClusterProcess process(String label, int nodes, int difficulty) throws Exception {
        return new ClusterProcess(dir, server.getConnectString(), label, nodes, difficulty, EngineFactory.auto(),
                processes);
    }

    static JsonNode member(ClusterReferee r, String node) {
        try {
            return Schema.JSON.readTree(r.client().getData()
                    .forPath(ClusterReferee.MEMBERS + "/" + node.substring(0, node.indexOf('/')) + "/"
                            + node.replace('/', ':')));
        } catch (Exception e) {
            throw new AssertionError(node + "'s member znode: " + e, e);
        }
    }

    static Map<String, Peers.Peer> peers(ClusterReferee r) {
        return r.view().peers().stream().collect(Collectors.toMap(Peers.Peer::name, p -> p));
    }

    @Test
    void memberZnodesCarryHashRateAndWinsAndEveryProcessSeesEveryNodeComeAndGo() throws Exception {
        ClusterProcess a = process("a", 2, 1);
        ClusterProcess b = process("b", 1, 1);
        Events.await("each process to see all three nodes",
                () -> peers(a.referee).size() == 3 && peers(b.referee).size() == 3);
        assertTrue(peers(a.referee).get("a/Node1").local());
        assertFalse(peers(a.referee).get("b/Node1").local());
        assertTrue(peers(b.referee).get("b/Node1").local());
        assertEquals(2, a.referee.view().members());
        assertTrue(a.referee.view().connected());
        assertEquals(server.getConnectString(), a.referee.view().connectString());

        // A race at difficulty 1 on every node: its winner's znode counts the win, the others' do not.
        for (ClusterProcess p : List.of(a, b)) {
            for (int port : p.ports()) {
                assertTrue(Client.send("127.0.0.1", port, "who wins").startsWith("OK "));
            }
        }
        Events.await("the entry", () -> a.ledger.size() == 1 && b.ledger.size() == 1);
        String winner = Events.entries(a.ledger.path()).get(0).node();
        for (String node : List.of("a/Node1", "a/Node2", "b/Node1")) {
            ClusterReferee home = node.startsWith("a/") ? a.referee : b.referee;
            long expected = node.equals(winner) ? 1 : 0;
            Events.await(node + "'s wins " + expected, () -> member(home, node).path("wins").asLong(-1) == expected);
            Events.await("b's view of " + node + "'s wins", () -> peers(b.referee).get(node).wins() == expected);
        }

        // A race too hard to end: a/Node1 hashes on, and its znode, `nodes` and b's view all show its rate.
        a.referee.setDifficulty(4);
        assertTrue(Client.send("127.0.0.1", a.ports().get(0), "a long one").startsWith("OK "));
        Events.await("a/Node1's hash_rate", () -> member(a.referee, "a/Node1").path("hash_rate").asDouble(0) > 0);
        assertTrue(member(a.referee, "a/Node1").path("hash_rate").isNumber());
        Events.await("b's view of a/Node1's rate", () -> peers(b.referee).get("a/Node1").hashRate() > 0);
        try (ClusterView view = ClusterView.connect(server.getConnectString(), Duration.ofSeconds(10))) {
            Events.await("`nodes` showing the rate", () -> {
                try {
                    return view.nodes().stream().anyMatch(n -> n.name().equals("a/Node1") && n.hashRate() != null
                            && n.hashRate() > 0);
                } catch (ClusterException e) {
                    throw new AssertionError(e);
                }
            });
        }
        // (its rate over the half second that held the end of "who wins" may still be up: the next refresh is 0)
        Events.await("a/Node2 idle", () -> member(a.referee, "a/Node2").path("hash_rate").asDouble(-1) == 0);

        // b leaves: a's view drops its node.
        b.close();
        Events.await("a's view without b", () -> peers(a.referee).size() == 2 && a.referee.view().members() == 1);
        assertEquals(List.of("a/Node1", "a/Node2"), a.referee.view().peers().stream().map(Peers.Peer::name).toList());
    }
}
