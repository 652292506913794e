package dev.powrace.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.cluster.ClusterReferee;
import dev.powrace.ledger.Ledger;
import dev.powrace.node.Network;
import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import dev.powrace.race.Attempt;
import dev.powrace.testing.Events;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `send --cluster`: through ZooKeeper to every live node of every process. */
class SendClusterTest {
    @TempDir
    Path dir;

    @Test
    void sendClusterReachesEveryNodeOfEveryProcess() throws Exception {
        List<AutoCloseable> open = new ArrayList<>();
        try (TestingServer server = new TestingServer(-1, dir.resolve("zk").toFile(), true)) {
            List<Ledger> ledgers = new ArrayList<>();
            List<Events> events = new ArrayList<>();
            for (String label : List.of("a", "b")) {
                Ledger ledger = Ledger.open(dir.resolve(label + ".json"));
                ClusterReferee referee = ClusterReferee.start(server.getConnectString(), label, ledger, 1,
                        Duration.ofSeconds(30), EngineFactory.auto(), Duration.ofSeconds(10));
                Events e = new Events();
                Network network = Network.start(Settings.defaults().withPorts(List.of(0, 0)).withDifficulty(1), referee,
                        EngineFactory.auto(), e);
                open.add(0, ledger);
                open.add(0, network);
                ledgers.add(ledger);
                events.add(e);
            }
            CliTest.Run r = CliTest.run("send", "--cluster", server.getConnectString(), "to", "the", "cluster");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().matches("submitted to the cluster at \\S+ as sub-\\d{10}; 4 live nodes\\R"), r.out());
            for (int i = 0; i < 2; i++) {
                Events e = events.get(i);
                Ledger l = ledgers.get(i);
                Events.await("both nodes' ends and the entry", () -> e.ended.size() == 2 && l.size() == 1);
                assertEquals(2, e.ended.stream().map(Attempt::node).distinct().count());
            }
            assertEquals("to the cluster", Events.entries(ledgers.get(0).path()).get(0).transaction());
            assertArrayEquals(Files.readAllBytes(ledgers.get(0).path()), Files.readAllBytes(ledgers.get(1).path()));
        } finally {
            for (AutoCloseable c : open) {
                c.close();
            }
        }
    }

    @Test
    void anUnreachableClusterIsOneLineAndExitTwo() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort(); // free once closed: nothing listens there
        }
        CliTest.Run r = CliTest.run("send", "--cluster", "127.0.0.1:" + port, "nobody");
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("powrace: cluster unavailable: can't reach ZooKeeper at 127.0.0.1:" + port), r.err());
    }
}
