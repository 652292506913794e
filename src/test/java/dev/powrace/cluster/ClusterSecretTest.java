package dev.powrace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.ledger.Ledger;
import dev.powrace.node.Client;
import dev.powrace.pow.EngineFactory;
import dev.powrace.testing.ClusterProcess;
import dev.powrace.testing.Events;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** --cluster-secret's digest ACLs, on an in-JVM ZooKeeper server, with "processes" as in ClusterRefereeTest. */
@Timeout(120) // only to catch a hang
class ClusterSecretTest {
    static final String SECRET = "correct horse battery staple";

    @TempDir
    Path dir;

    TestingServer server;
    final List<ClusterProcess> processes = new ArrayList<>();
    final List<CuratorFramework> clients = new ArrayList<>();

    @BeforeEach
    void zookeeper() throws Exception {
        server = new TestingServer(-1, dir.resolve("zk").toFile(), true);
    }

    @AfterEach
    void stop() throws Exception {
        for (CuratorFramework c : clients) {
            c.close();
        }
        for (ClusterProcess p : List.copyOf(processes)) {
            p.close();
        }
        server.close();
    }

    ClusterProcess process(String label, String secret) throws Exception {
        return new ClusterProcess(dir, server.getConnectString(), label, 1, 1, EngineFactory.auto(), processes, secret);
    }

    /** A plain client, authenticated as powrace:secret if a secret is given; it sets no ACL of its own. */
    CuratorFramework client(String secret) throws Exception {
        CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder().connectString(server.getConnectString())
                .retryPolicy(new RetryOneTime(100));
        if (secret != null) {
            b.authorization("digest", ("powrace:" + secret).getBytes(StandardCharsets.UTF_8));
        }
        CuratorFramework c = b.build();
        clients.add(c);
        c.start();
        assertTrue(c.blockUntilConnected(10, java.util.concurrent.TimeUnit.SECONDS));
        return c;
    }

    /** Every znode under (and with) path. */
    static List<String> tree(CuratorFramework zk, String path) throws Exception {
        List<String> all = new ArrayList<>(List.of(path));
        for (String child : zk.getChildren().forPath(path)) {
            all.addAll(tree(zk, path + "/" + child));
        }
        return all;
    }

    static void refused(Executable e) {
        assertThrows(KeeperException.NoAuthException.class, e);
    }

    @Test
    void everyZnodeOfASecretClusterIsClosedToClientsWithoutTheSecret() throws Exception {
        ClusterProcess a = process("a", SECRET);
        ClusterProcess b = process("b", SECRET);
        String reply = Client.send("127.0.0.1", a.ports().get(0), "one race, closed to strangers");
        assertTrue(reply.startsWith("OK "), reply);
        assertTrue(Client.send("127.0.0.1", b.ports().get(0), "one race, closed to strangers").startsWith("OK "));
        Events.await("the entry in both files", () -> a.ledger.size() == 1 && b.ledger.size() == 1);
        try (ClusterView view = ClusterView.connect(server.getConnectString(), SECRET, Duration.ofSeconds(10))) {
            view.submit("a submission, closed too");
        }
        Events.await("the submission's entry in both files", () -> a.ledger.size() == 2 && b.ledger.size() == 2);

        // Every znode powrace made, from /powrace down (the parents made by creatingParentsIfNeeded, the race, its
        // claims and the ledger entry written in a transaction included), is closed to all but the secret's holders:
        // the secret's ACL; or a process's own (all to its identity, READ to the secret); or, for the labels' folder,
        // READ and CREATE to the secret alone.
        CuratorFramework owner = client(SECRET);
        List<String> znodes = tree(owner, "/powrace");
        assertTrue(znodes.contains("/powrace/ledger") && znodes.size() > 10, znodes.toString());
        assertTrue(znodes.stream().anyMatch(z -> z.startsWith("/powrace/ledger/entry-")), znodes.toString());
        assertTrue(znodes.stream().anyMatch(z -> z.startsWith("/powrace/submissions/sub-")), znodes.toString());
        List<ACL> expected = Clients.acl(SECRET);
        int own = 0;
        for (String z : znodes) {
            List<ACL> acl = owner.getACL().forPath(z);
            if (z.equals("/powrace/labels")) { // (a digest's hash shows only to whoever may administer the znode)
                assertEquals(1, acl.size(), z + ": " + acl);
                assertEquals(org.apache.zookeeper.ZooDefs.Perms.READ | org.apache.zookeeper.ZooDefs.Perms.CREATE,
                        acl.get(0).getPerms(), z + ": " + acl);
                assertTrue(acl.get(0).getId().getId().startsWith(Clients.USER + ":"), z + ": " + acl);
            } else if (z.endsWith("/joined") || z.endsWith("/claims") || z.endsWith("/verdicts")) { // a race's folders: its opener's, and
                assertEquals(2, acl.size(), z + ": " + acl);             // READ and CREATE for the secret
                assertTrue(acl.stream().anyMatch(x -> x.getPerms() == (org.apache.zookeeper.ZooDefs.Perms.READ
                        | org.apache.zookeeper.ZooDefs.Perms.CREATE) && x.getId().getId().startsWith(Clients.USER + ":")),
                        z + ": " + acl);
                assertTrue(acl.stream().anyMatch(x -> x.getPerms() == org.apache.zookeeper.ZooDefs.Perms.ALL
                        && !x.getId().getId().startsWith(Clients.USER + ":")), z + ": " + acl);
            } else if (Identity.own(acl)) { // (a digest's hash shows only to whoever may administer the znode)
                own++;
                assertTrue(acl.stream().anyMatch(x -> x.getPerms() == org.apache.zookeeper.ZooDefs.Perms.READ
                        && x.getId().getScheme().equals("digest") && x.getId().getId().startsWith(Clients.USER + ":")),
                        z + ": " + acl);
            } else {
                assertEquals(expected, acl, z);
            }
        }
        // the labels, the members' folders and members, the join markers and the claims are the processes' own
        assertTrue(own >= 8, own + " own znodes in " + znodes);

        // Without the secret, or with another, nothing can be read or added.
        for (CuratorFramework stranger : List.of(client(null), client("wrong"))) {
            refused(() -> stranger.getData().forPath("/powrace/ledger"));
            refused(() -> stranger.getChildren().forPath("/powrace"));
            refused(() -> stranger.getData().forPath(znodes.stream()
                    .filter(z -> z.startsWith("/powrace/ledger/entry-")).findFirst().orElseThrow()));
            refused(() -> stranger.create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                    .forPath("/powrace/submissions/sub-", "{\"text\":\"forged\"}".getBytes(StandardCharsets.UTF_8)));
            refused(() -> stranger.setData().forPath("/powrace/ledger", new byte[0]));
            refused(() -> stranger.delete().forPath("/powrace/submissions"));
            refused(() -> stranger.getACL().forPath("/powrace/ledger")); // not even the secret's digest
            refused(() -> stranger.setACL().withACL(org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE)
                    .forPath("/powrace/ledger"));
        }
    }

    @Test
    void aProcessWithoutTheSecretOrWithAnotherIsRefusedInOneLine() throws Exception {
        process("a", SECRET);
        for (String secret : new String[] {null, "wrong"}) {
            ClusterException e = assertThrows(ClusterException.class, () -> process("b", secret));
            assertEquals("the cluster at " + server.getConnectString() + " refuses access: wrong or missing cluster "
                    + "secret (--cluster-secret-file, POWRACE_CLUSTER_SECRET or --cluster-secret)", e.getMessage());
            for (String method : new String[] {"nodes", "export", "submit"}) {
                try (ClusterView view = ClusterView.connect(server.getConnectString(), secret, Duration.ofSeconds(10))) {
                    ClusterException v = assertThrows(ClusterException.class, () -> {
                        switch (method) {
                            case "nodes" -> view.nodes();
                            case "export" -> view.export();
                            default -> view.submit("forged");
                        }
                    }, method);
                    assertEquals(e.getMessage(), v.getMessage(), method);
                } catch (ClusterException refusedAtConnect) {
                    // with a wrong secret the view is refused as it connects (it checks /powrace's ACL)
                    assertEquals(e.getMessage(), refusedAtConnect.getMessage(), method);
                }
            }
        }
    }

    @Test
    void theViewWithTheSecretReadsTheNodesAndTheLedger() throws Exception {
        ClusterProcess a = process("a", SECRET);
        assertTrue(Client.send("127.0.0.1", a.ports().get(0), "read with the secret").startsWith("OK "));
        Events.await("the entry", () -> a.ledger.size() == 1);
        try (ClusterView view = ClusterView.connect(server.getConnectString(), SECRET, Duration.ofSeconds(10))) {
            assertEquals(List.of("a/Node1"), view.nodes().stream().map(ClusterView.Node::name).toList());
            assertEquals(1, view.export().znodes().size());
            assertEquals(new String(java.nio.file.Files.readAllBytes(a.ledger.path()), StandardCharsets.UTF_8),
                    new String(view.export().bytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void afterASessionExpiryTheSecretStillOpensTheZnodes() throws Exception {
        ClusterProcess a = process("a", SECRET);
        ClusterProcess b = process("b", SECRET);
        CuratorFramework zk = a.referee.client();
        long before = zk.getZookeeperClient().getZooKeeper().getSessionId();
        zk.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
        Events.await("a connected again", () -> a.events.problems.stream()
                .anyMatch(m -> m.startsWith("cluster: connected to ZooKeeper at")));
        assertTrue(zk.getZookeeperClient().getZooKeeper().getSessionId() != before, "a new session");
        // the new session authenticated again: a takes its label back and races on with b
        for (ClusterProcess p : List.of(b, a)) {
            assertTrue(Client.send("127.0.0.1", p.ports().get(0), "after a new session").startsWith("OK "));
        }
        for (ClusterProcess p : List.of(a, b)) {
            Events.await(p.label + "'s entry", () -> p.ledger.size() == 1);
        }
        assertFalse(a.events.problems.stream().anyMatch(m -> m.contains("NoAuth") || m.contains("refuses")),
                a.events.problems.toString());
    }

    @Test
    void aSecretIsRefusedByAClusterMadeWithoutOne() throws Exception {
        process("open", null);
        ClusterException e = assertThrows(ClusterException.class, () -> process("closed", SECRET));
        assertTrue(e.getMessage().startsWith("the cluster at " + server.getConnectString() + " was made without a "
                + "cluster secret"), e.getMessage());
        ClusterException v = assertThrows(ClusterException.class,
                () -> ClusterView.connect(server.getConnectString(), SECRET, Duration.ofSeconds(10)).close());
        assertEquals(e.getMessage(), v.getMessage());
        // and it left nothing behind: the open process's cluster is as it was
        CuratorFramework open = client(null);
        assertEquals(List.of("open"), open.getChildren().forPath("/powrace/labels"));
        assertFalse(open.getChildren().forPath("/powrace/members").contains("closed"));
    }
}
