package dev.powrace.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.powrace.ledger.Entry;
import dev.powrace.ledger.Ledger;
import dev.powrace.ledger.Timestamps;
import dev.powrace.node.Client;
import dev.powrace.pow.Engine;
import dev.powrace.pow.EngineFactory;
import dev.powrace.pow.Puzzle;
import dev.powrace.race.Attempt;
import dev.powrace.race.Outcome;
import dev.powrace.testing.ClusterProcess;
import dev.powrace.testing.Events;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.api.transaction.OperationType;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, "a cluster nobody can cheat or stall": an outsider with a plain ZooKeeper client (its own session, its
 * own digest identity, no powrace code) writes forged and malformed znodes straight into an open cluster while
 * genuine processes race. Whatever it writes, a genuine claim wins, every ledger file stays the same copy, each
 * forgery is reported (a problem naming its znode), nothing stalls, and no report carries a raw control character.
 *
 * <p>The genuine processes mine with a {@link ClusterRefereeTest.Gated}: nothing is found until the test opens it, so a race stays live
 * while the forger writes. The forger's own valid nonces come from {@link #FORGER_NONCES} on, far from the random
 * 62-bit starts of the genuine miners, so a forged nonce is never a genuine one.
 *
 * <p>The assertions on report wording are loose on purpose: "some problem names the znode".
 */
class ClusterForgeryTest {
    @TempDir
    Path dir;

    TestingServer server;
    final List<ClusterProcess> processes = new ArrayList<>();
    /** The outsider: a separate ZooKeeper session, never a powrace process. */
    CuratorFramework forger;

    static final int DIFFICULTY = 2;
    static final long FORGER_NONCES = 7_000_000_000L;
    static final String MALLORY = "mallory:not-a-powrace-process";

    @BeforeEach
    void zookeeper() throws Exception {
        server = new TestingServer(-1, dir.resolve("zk").toFile(), true);
        forger = CuratorFrameworkFactory.builder().connectString(server.getConnectString())
                .retryPolicy(new RetryOneTime(100))
                .authorization("digest", MALLORY.getBytes(StandardCharsets.UTF_8))
                .build();
        forger.start();
        assertTrue(forger.blockUntilConnected(30, TimeUnit.SECONDS), "the forger's client connects");
    }

    @AfterEach
    void stop() throws Exception {
        for (ClusterProcess p : List.copyOf(processes)) {
            p.close();
        }
        forger.close();
        server.close();
    }

    ClusterProcess process(String label, int nodes, int difficulty, EngineFactory engines) throws Exception {
        return new ClusterProcess(dir, server.getConnectString(), label, nodes, difficulty, engines, processes);
    }

    // ---- the tests ----

    @Test
    void forgedClaimsOfEveryKindNeverWinAndAreEachReported() throws Exception {
        ClusterRefereeTest.Gated gate = new ClusterRefereeTest.Gated();
        ClusterProcess a = process("a", 1, DIFFICULTY, gate);
        ClusterProcess b = process("b", 1, DIFFICULTY, gate);
        String text = "a live race under attack";
        Nonces valid = new Nonces(text, DIFFICULTY);
        send(text, a, 0);
        send(text, b, 0);
        String race = awaitRace(text, "a:Node1", "b:Node1");
        String claims = race + "/claims";
        Map<String, String> forged = new LinkedHashMap<>(); // znode name -> what it is
        Set<Long> forgedNonces = new HashSet<>();

        // named to sort first, before anyone claims: a valid nonce by a node that never joined
        long n = valid.next();
        forgedNonces.add(n);
        put(forged, create(claims + "/claim-0000000000", claim("mallory/Node1", text, n)), "first by name, never joined");
        // a stray name: a valid nonce under a node that is in the race
        n = valid.next();
        forgedNonces.add(n);
        put(forged, create(claims + "/aaa", claim("a/Node1", text, n)), "stray name");
        put(forged, sequential(claims + "/claim-", "{\"node\": not json".getBytes(StandardCharsets.UTF_8)),
                "not JSON");
        n = valid.next();
        forgedNonces.add(n);
        ObjectNode big = claimJson("b/Node1", n, Puzzle.hash(text, n)).put("pad", "x".repeat(100 * 1024));
        put(forged, sequential(claims + "/claim-", bytes(big)), "100 KB");
        n = valid.next();
        forgedNonces.add(n);
        put(forged, sequential(claims + "/claim-", bytes(claimJson("a/Node1", n, "0000" + "f".repeat(60)))),
                "wrong hash");
        long shortOfOne = nearMiss(text, DIFFICULTY);
        forgedNonces.add(shortOfOne);
        put(forged, sequential(claims + "/claim-", claim("b/Node1", text, shortOfOne)), "one zero pair short");
        String other = "another text altogether";
        long theirs = new Nonces(other, DIFFICULTY).next();
        forgedNonces.add(theirs);
        put(forged, sequential(claims + "/claim-", claim("a/Node1", other, theirs)), "another text's solution");
        n = valid.next();
        forgedNonces.add(n);
        put(forged, sequential(claims + "/claim-", claim("mallory/Node1", text, n)), "never joined");
        n = valid.next();
        forgedNonces.add(n);
        put(forged, sequential(claims + "/claim-", claim("mallory\u001b[2J\r\n/Node1\u0007", text, n)),
                "control characters in its node");
        n = valid.next();
        forgedNonces.add(n);
        put(forged, sequential(claims + "/claim-", claim("b/Node1", text, n)), "another process's node");
        // b's own join marker, set to the forged claim's bytes in the same transaction as the claim
        n = valid.next();
        forgedNonces.add(n);
        byte[] asB = claim("b/Node1", text, n);
        put(forged, multi(forger.transactionOp().setData().withVersion(0).forPath(race + "/joined/b:Node1", asB),
                forger.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                        .forPath(claims + "/claim-", asB)), "in b's join marker");
        n = valid.next();
        forgedNonces.add(n);
        byte[] asB2 = claim("b/Node1", text, n);
        tryTo("set b's join marker alone", () -> forger.setData().forPath(race + "/joined/b:Node1", asB2));
        put(forged, sequential(claims + "/claim-", asB2), "after setting b's join marker alone");
        // a join marker of its own, with its own ACL, and the claim in the same transaction
        n = valid.next();
        forgedNonces.add(n);
        byte[] asMallory = claim("mallory/Node1", text, n);
        put(forged, multi(forger.transactionOp().create().withACL(ownAcl())
                        .forPath(race + "/joined/mallory:Node1", asMallory),
                forger.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                        .forPath(claims + "/claim-", asMallory)), "with its own join marker");
        assertTrue(forged.size() >= 8, "the open cluster took the forger's claims: " + forged);

        Runnable honest = () -> {
            noForgedEntry(forgedNonces, a, b);
        };
        // no forgery decides the race: every node still mines
        quietWindow(a, b);
        honest.run();
        for (ClusterProcess p : List.of(a, b)) {
            assertEquals(List.of(), p.events.ended, p.label + ": a forgery ended the race");
        }
        gate.open = true;
        for (ClusterProcess p : List.of(a, b)) {
            awaitHonestly(p.label + "'s entry", () -> p.ledger.size() >= 1, honest);
        }
        settle(a, b);
        assertEquals(1, a.ledger.size());
        assertEquals(1, b.ledger.size());
        assertArrayEquals(a.file(), b.file());
        assertGenuine(Events.entries(a.ledger.path()).get(0), text, a, b);
        for (ClusterProcess p : List.of(a, b)) { // every process judges, so every process reports each one
            for (Map.Entry<String, String> f : forged.entrySet()) {
                Events.await(p.label + " reporting the forged claim " + f.getKey() + " (" + f.getValue() + ")",
                        () -> reported(p, f.getKey()));
            }
        }
        // and the next race runs as ever
        String next = "the race after the attack";
        send(next, a, 0);
        send(next, b, 0);
        for (ClusterProcess p : List.of(a, b)) {
            awaitHonestly(p.label + "'s second entry", () -> p.ledger.size() >= 2, honest);
        }
        settle(a, b);
        assertEquals(2, a.ledger.size());
        assertArrayEquals(a.file(), b.file());
        assertGenuine(Events.entries(a.ledger.path()).get(1), next, a, b);
        noRawControlCharacters(a, b);
    }

    @Test
    void forgedDecisionsChangeNothingInAnyCopy() throws Exception {
        ClusterRefereeTest.Gated gate = new ClusterRefereeTest.Gated();
        ClusterProcess a = process("a", 1, DIFFICULTY, gate);
        ClusterProcess b = process("b", 2, DIFFICULTY, gate);
        Set<Long> forgedNonces = new HashSet<>();
        Runnable honest = () -> noForgedEntry(forgedNonces, a, b);

        // 1. decided names a forged claim, with its "twin" ledger entry in the same transaction
        String first = "decided by a forger";
        send(first, a, 0);
        send(first, b, 0);
        send(first, b, 1);
        String race = awaitRace(first, "a:Node1", "b:Node1", "b:Node2");
        long n = new Nonces(first, DIFFICULTY).next();
        forgedNonces.add(n);
        String claimName = sequential(race + "/claims/claim-", claim("mallory/Node1", first, n));
        assertTrue(claimName != null, "the forged claim is written");
        String now = Timestamps.format(Instant.now());
        ObjectNode twin = Ledger.json().createObjectNode().put("node", "mallory/Node1").put("transaction", first)
                .put("nonce", n).put("hash", Puzzle.hash(first, n)).put("difficulty", DIFFICULTY)
                .put("time_taken", new BigDecimal("0.001")).put("start_time", now).put("end_time", now)
                .put("hashes", 1000);
        boolean written = multi(forger.transactionOp().create().forPath(race + "/decided",
                        String.valueOf(claimName).getBytes(StandardCharsets.UTF_8)),
                forger.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                        .forPath(ClusterReferee.LEDGER + "/entry-", bytes(twin))) != null;
        quietWindow(a, b);
        honest.run();
        for (ClusterProcess p : List.of(a, b)) {
            assertEquals(List.of(), p.events.ended, p.label + ": the forged decision ended the race");
        }
        if (written) {
            for (ClusterProcess p : List.of(a, b)) {
                Events.await(p.label + " reporting the forged claim " + claimName + " the forged decision names",
                        () -> reported(p, claimName));
            }
        }
        gate.open = true;
        for (ClusterProcess p : List.of(a, b)) {
            awaitHonestly(p.label + "'s entry", () -> p.ledger.size() >= 1, honest);
        }
        settle(a, b);
        assertEquals(1, a.ledger.size());
        assertArrayEquals(a.file(), b.file());
        assertGenuine(Events.entries(a.ledger.path()).get(0), first, a, b);
        Events.await("every node's end", () -> a.events.ended.size() == 1 && b.events.ended.size() == 2);
        gate.open = false;

        // 2. "abandoned" while every node that joined still mines
        String second = "abandoned by a forger";
        send(second, a, 0);
        send(second, b, 0);
        send(second, b, 1);
        race = awaitRace(second, "a:Node1", "b:Node1", "b:Node2");
        create(race + "/decided", ClusterReferee.ABANDONED.getBytes(StandardCharsets.UTF_8));
        quietWindow(a, b);
        honest.run();
        assertEquals(1, a.events.ended.size(), "a: the forged abandonment stopped its node: " + a.events.ended);
        assertEquals(2, b.events.ended.size(), "b: the forged abandonment stopped its nodes: " + b.events.ended);
        gate.open = true;
        for (ClusterProcess p : List.of(a, b)) {
            awaitHonestly(p.label + "'s second entry", () -> p.ledger.size() >= 2, honest);
        }
        settle(a, b);
        assertEquals(2, a.ledger.size());
        assertArrayEquals(a.file(), b.file());
        assertGenuine(Events.entries(a.ledger.path()).get(1), second, a, b);
        Events.await("every node's end", () -> a.events.ended.size() == 2 && b.events.ended.size() == 4);
        gate.open = false;

        // 3. decided names a claim that is not the first valid one. An outsider can't write a valid claim, nor hold
        // the genuine decision back, so it names in advance the name the second genuine claim will get: the
        // claims' folder is empty, so the first claim is claim-0000000000 and the second claim-0000000001.
        String third = "a loser named the winner";
        send(third, a, 0);
        send(third, b, 0);
        send(third, b, 1);
        race = awaitRace(third, "a:Node1", "b:Node1", "b:Node2");
        assertEquals(List.of(), forger.getChildren().forPath(race + "/claims"));
        create(race + "/decided", "claim-0000000001".getBytes(StandardCharsets.UTF_8));
        quietWindow(a, b);
        assertEquals(2, a.events.ended.size(), "a: the forged decision stopped its node: " + a.events.ended);
        assertEquals(4, b.events.ended.size(), "b: the forged decision stopped its nodes: " + b.events.ended);
        gate.open = true;
        for (ClusterProcess p : List.of(a, b)) {
            awaitHonestly(p.label + "'s third entry", () -> p.ledger.size() >= 3, honest);
        }
        settle(a, b);
        assertEquals(3, a.ledger.size());
        assertArrayEquals(a.file(), b.file());
        Entry won = Events.entries(a.ledger.path()).get(2);
        assertGenuine(won, third, a, b);
        // the winner is the first genuine claim in ZooKeeper's order, whatever the forged decision said
        String claimsPath = race + "/claims";
        List<String> claimNames = forger.getChildren().forPath(claimsPath);
        long firstCzxid = Long.MAX_VALUE;
        String firstNode = null;
        long firstNonce = -1;
        for (String c : claimNames) {
            Stat stat = new Stat();
            byte[] data;
            try {
                data = forger.getData().storingStatIn(stat).forPath(claimsPath + "/" + c);
            } catch (KeeperException.NoNodeException gone) {
                continue;
            }
            if (stat.getCzxid() < firstCzxid) {
                firstCzxid = stat.getCzxid();
                var json = Ledger.json().readTree(data);
                firstNode = json.path("node").asText();
                firstNonce = json.path("nonce").asLong();
            }
        }
        if (firstNode != null) { // (unless the race was removed as history already)
            assertEquals(firstNode + " " + firstNonce, won.node() + " " + won.nonce(),
                    "the first claim by czxid wins; claims " + claimNames);
        }

        ClusterProcess c = process("c", 1, DIFFICULTY, gate);
        assertArrayEquals(a.file(), c.file(), "a process started afterwards copies the same");
        noRawControlCharacters(a, b, c);
    }

    /**
     * A forged decision that can't be set aside (closed to everyone but its writer, with a child of its own) neither
     * wins nor holds the race up, even once it is old enough that nobody can check who wrote its claim: the forger
     * mines a nonce of its own, names it b's, and decides in advance for the claim it writes second, with a twin
     * ledger entry. Before the fix the race waited, and after 5 s every process took the forged decision.
     */
    @Test
    void aPinnedForgedDecisionNeitherWinsNorHoldsTheRaceUp() throws Exception {
        ClusterRefereeTest.Gated gateA = new ClusterRefereeTest.Gated();
        ClusterRefereeTest.Gated neverB = new ClusterRefereeTest.Gated(); // b's node never finds: a's claim is first
        ClusterProcess a = process("a", 1, DIFFICULTY, gateA);
        ClusterProcess b = process("b", 1, DIFFICULTY, neverB);
        String text = "pinned by a forger";
        send(text, a, 0);
        send(text, b, 0);
        String race = awaitRace(text, "a:Node1", "b:Node1");
        long n = new Nonces(text, DIFFICULTY).next();
        Set<Long> forgedNonces = Set.of(n);
        Runnable honest = () -> noForgedEntry(forgedNonces, a, b);
        ObjectNode asB = claimJson("b/Node1", n, Puzzle.hash(text, n));
        ObjectNode twin = asB.deepCopy().put("transaction", text).put("difficulty", DIFFICULTY);
        // closed even to reads: ZooKeeper then answers not even "exists" to the processes
        assertTrue(multi(forger.transactionOp().create().withACL(List.of(new ACL(ZooDefs.Perms.ALL,
                        new Id("digest", DigestAuthenticationProvider.generateDigest(MALLORY))))).forPath(race + "/decided",
                        "claim-0000000001".getBytes(StandardCharsets.UTF_8)),
                forger.transactionOp().create().forPath(race + "/decided/pin", new byte[0]),
                forger.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                        .forPath(ClusterReferee.LEDGER + "/entry-", bytes(twin))) != null, "the pinned decision is written");
        quietWindow(a, b);
        assertEquals(List.of(), a.events.ended, "a: the forged decision ended the race");
        gateA.open = true;
        Events.await("a's claim", () -> {
            try {
                return !forger.getChildren().forPath(race + "/claims").isEmpty();
            } catch (Exception notYet) {
                return false;
            }
        });
        assertEquals("claim-0000000001", sequential(race + "/claims/claim-", bytes(asB)), "the forger's claim is second");
        for (ClusterProcess p : List.of(a, b)) {
            awaitHonestly(p.label + "'s entry", () -> p.ledger.size() >= 1, honest);
        }
        // the window in which a wrong referee shows it: the forged decision grows old, and who wrote its claim can no
        // longer be checked; a process that starts now never saw it new
        Thread.sleep(Judge.STRICT_MILLIS + 1_000);
        ClusterProcess c = process("c", 1, DIFFICULTY, neverB);
        settle(a, b, c);
        honest.run();
        noForgedEntry(forgedNonces, c);
        assertEquals(1, a.ledger.size());
        assertArrayEquals(a.file(), b.file());
        assertArrayEquals(a.file(), c.file(), "a process started afterwards copies the same");
        assertGenuine(Events.entries(a.ledger.path()).get(0), text, a, b);
        assertEquals("a/Node1", Events.entries(a.ledger.path()).get(0).node());
        for (ClusterProcess p : List.of(a, b)) {
            Events.await(p.label + " reporting the pinned decision", () -> reported(p, race + "/decided"));
        }
        Forgeries found = Forgeries.find(forger, System.currentTimeMillis());
        assertTrue(found.decisions().stream().anyMatch(l -> l.contains("/decided") && l.contains("pinned")),
                "verify --cluster names the pinned decision: " + found);

        // Again, pinned and readable this time, naming in advance the claim that will be right, with no entry: the
        // judges write a verdict and its entry; c, not in the race, must take that entry and not delete it (before,
        // it took the pinned decision, the first of two naming the same claim, and removed the verdict's entry).
        gateA.open = false;
        String next = "pinned, naming the right claim";
        send(next, a, 0);
        send(next, b, 0);
        String second = awaitRace(next, "a:Node1", "b:Node1");
        assertTrue(multi(forger.transactionOp().create().withACL(List.of(new ACL(ZooDefs.Perms.ALL,
                        new Id("digest", DigestAuthenticationProvider.generateDigest(MALLORY))),
                        new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE))).forPath(second + "/decided",
                        "claim-0000000000".getBytes(StandardCharsets.UTF_8)),
                forger.transactionOp().create().forPath(second + "/decided/pin", new byte[0])) != null);
        quietWindow(a, b, c);
        gateA.open = true;
        for (ClusterProcess p : List.of(a, b, c)) {
            awaitHonestly(p.label + "'s second entry", () -> p.ledger.size() >= 2, honest);
        }
        settle(a, b, c);
        Thread.sleep(Judge.STRICT_MILLIS); // c looks at it again once it is old, if it ever would
        settle(a, b, c);
        assertEquals(2, a.ledger.size());
        assertArrayEquals(a.file(), b.file());
        assertArrayEquals(a.file(), c.file());
        assertEquals(1, entriesInZooKeeper(next), "the second race's entries in ZooKeeper");
        noRawControlCharacters(a, b, c);
    }

    /**
     * Once every process of a race has left, who wrote a claim can no longer be checked, so an old decision is taken
     * if its claim verifies on its own; but never one whose claim copies an earlier claim's nonce. The forger waits
     * until nobody watches (two races of a text have run), copies the first race's winning nonce under the other
     * process's name, replaces that race's decision with one for the copy and writes its twin entry. Before the fix a
     * process that started next copied the twin too (seen red without the copy check).
     */
    @Test
    void aDecisionForACopiedNonceNeverStands() throws Exception {
        ClusterProcess a = process("a", 1, DIFFICULTY, EngineFactory.auto());
        ClusterProcess b = process("b", 1, DIFFICULTY, EngineFactory.auto());
        String text = "copied when nobody watched";
        for (int round = 1; round <= 2; round++) {
            send(text, a, 0);
            send(text, b, 0);
            int entries = round;
            for (ClusterProcess p : List.of(a, b)) {
                Events.await(p.label + "'s entry " + round, () -> p.ledger.size() >= entries);
            }
            settle(a, b);
            Events.await("every node's end", () -> a.events.ended.size() == entries && b.events.ended.size() == entries);
        }
        List<Entry> genuine = Events.entries(a.ledger.path());
        List<String> races = forger.getChildren().forPath(textFolder(text)).stream()
                .filter(r -> r.startsWith("race-")).sorted().toList();
        assertEquals(2, races.size(), races.toString());
        a.close();
        b.close();
        Entry first = genuine.get(0);
        String other = first.node().startsWith("a/") ? "b/Node1" : "a/Node1";
        forgeDecision(textFolder(text) + "/" + races.get(0), text, claimJson(other, first.nonce(), first.hash()));
        // the genuine entry's decision is gone now, so they are copied only once they are old: let them grow old
        Thread.sleep(Mirror.YOUNG_MILLIS);
        ClusterProcess c = process("c", 1, DIFFICULTY, EngineFactory.auto());
        settle(c);
        assertEquals(genuine, Events.entries(c.ledger.path()), "c's copy");
    }

    /** How many ledger znodes hold an entry for the text. */
    long entriesInZooKeeper(String text) throws Exception {
        long n = 0;
        for (String e : forger.getChildren().forPath(ClusterReferee.LEDGER)) {
            try {
                if (Ledger.json().readTree(forger.getData().forPath(ClusterReferee.LEDGER + "/" + e)).path("transaction")
                        .asText().equals(text)) {
                    n++;
                }
            } catch (Exception goneOrNotJson) {
                // not an entry of it
            }
        }
        return n;
    }

    /** Writes the claim into the race, and replaces its decision with one for it, with its twin entry. */
    private void forgeDecision(String race, String text, ObjectNode claim) throws Exception {
        assertTrue(sequential(race + "/claims/claim-", bytes(claim)) != null, "the claim is written");
        String name = forger.getChildren().forPath(race + "/claims").stream().sorted().reduce((x, y) -> y).orElseThrow();
        forger.delete().forPath(race + "/decided");
        assertTrue(multi(forger.transactionOp().create().forPath(race + "/decided", name.getBytes(StandardCharsets.UTF_8)),
                forger.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL).forPath(
                        ClusterReferee.LEDGER + "/entry-", bytes(claim.deepCopy().put("transaction", text)
                                .put("difficulty", DIFFICULTY)))) != null, "the decision for the claim is written");
    }

    /**
     * A decision that names the right claim but was written without its ledger entry, by a forger quicker than the
     * judges (it polls the claims and writes "decided" as soon as the first claim is there), is set aside and made
     * again with its entry: the race keeps its one entry. If the forger is never quicker here, nothing is shown.
     */
    @Test
    void aRightDecisionWithoutItsEntryIsMadeAgainWithIt() throws Exception {
        ClusterRefereeTest.Gated gate = new ClusterRefereeTest.Gated();
        ClusterProcess a = process("a", 1, DIFFICULTY, gate);
        ClusterProcess b = process("b", 1, DIFFICULTY, gate);
        int quicker = 0;
        for (int round = 1; round <= 5 && quicker == 0; round++) {
            String text = "decided without an entry, " + round;
            send(text, a, 0);
            send(text, b, 0);
            String race = awaitRace(text, "a:Node1", "b:Node1");
            gate.open = true;
            List<String> claims = List.of();
            while (claims.isEmpty()) {
                Thread.sleep(1);
                claims = forger.getChildren().forPath(race + "/claims");
            }
            String firstClaim = null; // the first by czxid (a second may be there already)
            long firstCzxid = Long.MAX_VALUE;
            for (String c : claims) {
                Stat stat = forger.checkExists().forPath(race + "/claims/" + c);
                if (stat != null && stat.getCzxid() < firstCzxid) {
                    firstCzxid = stat.getCzxid();
                    firstClaim = c;
                }
            }
            if (create(race + "/decided", firstClaim.getBytes(StandardCharsets.UTF_8)) != null) {
                quicker++;
            }
            int entries = round;
            for (ClusterProcess p : List.of(a, b)) {
                Events.await(p.label + "'s entry for '" + text + "'", () -> p.ledger.size() >= entries);
            }
            settle(a, b);
            gate.open = false;
            Events.await("every node's end", () -> a.events.ended.size() == entries && b.events.ended.size() == entries);
            assertEquals(round, a.ledger.size());
            assertArrayEquals(a.file(), b.file());
            assertGenuine(Events.entries(a.ledger.path()).get(round - 1), text, a, b);
            // Both judges may have set the forgery aside at once, each with a verdict and its entry: the second entry
            // is removed by the ledger copies as they come to it, not before the events are told (CI saw 2 here).
            Events.await("one entry in ZooKeeper for '" + text + "'", () -> {
                try {
                    return entriesInZooKeeper(text) == 1;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(quicker > 0, "the forger was never quicker than the judges");
    }

    /**
     * A race made by hand whose verdicts folder nobody else may read, and an entry for its text (difficulty 1: next to
     * no work), stop neither the copy of the entries after it nor a start: before, every process's copy stopped at
     * that entry for good, and a process that started next could not join.
     */
    @Test
    void aRaceClosedToReadsStopsNoCopyAndNoStart() throws Exception {
        ClusterProcess a = process("a", 1, 1, EngineFactory.auto());
        String text = "planted, closed";
        String race = textFolder(text) + "/race-0000000099";
        forger.create().creatingParentsIfNeeded().forPath(race, bytes(raceJson(text, 1, now())));
        forger.create().withACL(List.of(new ACL(ZooDefs.Perms.ALL,
                new Id("digest", DigestAuthenticationProvider.generateDigest(MALLORY))))).forPath(race + "/verdicts");
        long n = new Nonces(text, 1).next();
        assertTrue(sequential(ClusterReferee.LEDGER + "/entry-", entry("mallory/Node1", text, n, 1)) != null);
        send("after the plant", a, 0);
        Events.await("a's entry", () -> a.ledger.size() >= 1);
        ClusterProcess b = process("b", 1, 1, EngineFactory.auto()); // its start copies the ledger first
        settle(a, b);
        assertEquals(List.of("after the plant"), Events.entries(b.ledger.path()).stream().map(Entry::transaction).toList());
        assertArrayEquals(a.file(), b.file());
    }

    /**
     * A label made by a forger and closed to reads, with a join marker and a valid claim under it written in one
     * transaction before any genuine claim: ZooKeeper 3.9 answers not even "exists" on the label, and judging the
     * claim threw for every look, so the race was never decided (seen red). It is refused, and a genuine claim wins.
     */
    @Test
    void aClaimUnderALabelClosedToReadsHoldsNoRaceUp() throws Exception {
        ClusterRefereeTest.Gated gate = new ClusterRefereeTest.Gated();
        ClusterProcess a = process("a", 1, DIFFICULTY, gate);
        ClusterProcess b = process("b", 1, DIFFICULTY, gate);
        String text = "a closed label";
        send(text, a, 0);
        send(text, b, 0);
        String race = awaitRace(text, "a:Node1", "b:Node1");
        forger.create().withACL(List.of(new ACL(ZooDefs.Perms.ALL,
                new Id("digest", DigestAuthenticationProvider.generateDigest(MALLORY))))).forPath(
                ClusterReferee.LABELS + "/shut");
        long n = new Nonces(text, DIFFICULTY).next();
        byte[] asShut = claim("shut/Node1", text, n);
        assertTrue(multi(forger.transactionOp().create().forPath(race + "/joined/shut:Node1", asShut),
                forger.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                        .forPath(race + "/claims/claim-", asShut)) != null, "the forged claim is written");
        quietWindow(a, b);
        gate.open = true;
        Set<Long> forgedNonces = Set.of(n);
        for (ClusterProcess p : List.of(a, b)) {
            awaitHonestly(p.label + "'s entry", () -> p.ledger.size() >= 1, () -> noForgedEntry(forgedNonces, a, b));
        }
        settle(a, b);
        assertArrayEquals(a.file(), b.file());
        assertGenuine(Events.entries(a.ledger.path()).get(0), text, a, b);
    }

    @Test
    void forgedAndMalformedLedgerEntriesAreNeverCopied() throws Exception {
        ClusterProcess a = process("a", 1, 1, EngineFactory.auto());
        ClusterProcess b = process("b", 1, 1, EngineFactory.auto());
        Map<String, String> forged = new LinkedHashMap<>();
        // before any real entry: one named as the first entry, a valid nonce for a race that never happened
        long n = new Nonces("never raced", 1).next();
        put(forged, create(ClusterReferee.LEDGER + "/entry-0000000000",
                entry("mallory\u001b]0;owned\u0007/Node1", "never raced", n, 1)), "named entry-0000000000");
        long zero = FORGER_NONCES;
        put(forged, sequential(ClusterReferee.LEDGER + "/entry-", entry("mallory/Node1", "no work at all", zero, 0)),
                "difficulty 0");
        long m = new Nonces("this never happened", 1).next();
        put(forged, sequential(ClusterReferee.LEDGER + "/entry-", entry("b/Node1", "this never happened", m, 1)),
                "a valid nonce for a race that never happened");
        put(forged, create(ClusterReferee.LEDGER + "/stray-ledger-child",
                entry("a/Node1", "never raced", n, 1)), "a stray name");
        put(forged, sequential(ClusterReferee.LEDGER + "/entry-", "not json".getBytes(StandardCharsets.UTF_8)),
                "not JSON");
        put(forged, sequential(ClusterReferee.LEDGER + "/entry-", "[[[[[[[[[[".repeat(1000)
                .getBytes(StandardCharsets.UTF_8)), "too deep");
        Runnable honest = () -> noForgedText(Set.of("never raced", "no work at all", "this never happened"), a, b);
        String text = "the only real entry";
        send(text, a, 0);
        send(text, b, 0);
        for (ClusterProcess p : List.of(a, b)) {
            awaitHonestly(p.label + "'s entry", () -> p.ledger.size() >= 1, honest);
        }
        settle(a, b);
        honest.run();
        assertEquals(1, a.ledger.size());
        assertArrayEquals(a.file(), b.file());
        assertGenuine(Events.entries(a.ledger.path()).get(0), text, a, b);
        for (Map.Entry<String, String> f : forged.entrySet()) { // (a young forged entry may be deleted by the first)
            Events.await("a report of the ledger's " + f.getKey() + " (" + f.getValue() + ")",
                    () -> reported(a, f.getKey()) || reported(b, f.getKey()));
        }
        ClusterProcess c = process("c", 1, 1, EngineFactory.auto());
        assertArrayEquals(a.file(), c.file(), "a process started afterwards copies the same");
        send("after the start", a, 0);
        for (ClusterProcess p : List.of(a, b, c)) {
            awaitHonestly(p.label + "'s second entry", () -> p.ledger.size() >= 2, honest);
        }
        settle(a, b, c);
        assertArrayEquals(a.file(), b.file());
        assertArrayEquals(a.file(), c.file());
        noRawControlCharacters(a, b, c);
    }

    @Test
    void malformedSubmissionsAreReportedAndHoldUpNoLaterSubmission() throws Exception {
        ClusterProcess a = process("a", 2, 1, EngineFactory.auto());
        ClusterProcess b = process("b", 1, 1, EngineFactory.auto());
        Map<String, String> forged = new LinkedHashMap<>();
        put(forged, sequential(ClusterReferee.SUBMISSIONS + "/sub-", "not json".getBytes(StandardCharsets.UTF_8)),
                "not JSON");
        put(forged, create(ClusterReferee.SUBMISSIONS + "/sub-9999999999", "{}".getBytes(StandardCharsets.UTF_8)),
                "named sub-9999999999, no text");
        put(forged, sequential(ClusterReferee.SUBMISSIONS + "/sub-",
                "{\"text\":{\"nested\":[1,2,3]}}".getBytes(StandardCharsets.UTF_8)), "a text that is not a string");
        // every later real submission still reaches every node, through either way of submitting
        a.referee.submitToAll("submitted after the junk");
        Events.await("a's two nodes' ends in the race for the first text",
                () -> ends(a, "submitted after the junk") == 2);
        Events.await("b's end in it", () -> ends(b, "submitted after the junk") == 1);
        try (ClusterView view = ClusterView.connect(server.getConnectString(), Duration.ofSeconds(10))) {
            view.submit("submitted through the view");
        }
        Events.await("a's two nodes' ends in the race for the second text",
                () -> ends(a, "submitted through the view") == 2);
        Events.await("b's end in it", () -> ends(b, "submitted through the view") == 1);
        for (ClusterProcess p : List.of(a, b)) {
            Events.await(p.label + "'s two entries", () -> p.ledger.size() >= 2);
        }
        settle(a, b);
        assertEquals(2, a.ledger.size());
        assertArrayEquals(a.file(), b.file());
        assertEquals(List.of("submitted after the junk", "submitted through the view"),
                Events.entries(a.ledger.path()).stream().map(Entry::transaction).toList());
        for (ClusterProcess p : List.of(a, b)) {
            for (Map.Entry<String, String> f : forged.entrySet()) {
                Events.await(p.label + " reporting the submission " + f.getKey() + " (" + f.getValue() + ")",
                        () -> reported(p, f.getKey()));
            }
        }
        ClusterProcess c = process("c", 1, 1, EngineFactory.auto());
        assertArrayEquals(a.file(), c.file(), "a process started afterwards copies the same");
        noRawControlCharacters(a, b, c);
    }

    @Test
    void malformedRacesAndStrayChildrenOfATextStallNoRace() throws Exception {
        ClusterProcess a = process("a", 1, 1, EngineFactory.auto());
        ClusterProcess b = process("b", 1, 1, EngineFactory.auto());
        String text = "raced beside junk";
        String folder = textFolder(text);
        String now = Timestamps.format(Instant.now());
        Map<String, String> forged = new LinkedHashMap<>();
        create(folder, "3".getBytes(StandardCharsets.US_ASCII));
        put(forged, create(folder + "/stray-text-child", "{}".getBytes(StandardCharsets.UTF_8)), "a stray child");
        put(forged, create(folder + "/race-0000000001", "not json".getBytes(StandardCharsets.UTF_8)), "not JSON");
        // difficulty 0: any nonce "solves" it, and a claim is ready
        String zero = folder + "/race-0000000002";
        put(forged, create(zero, bytes(raceJson(text, 0, now))), "difficulty 0");
        create(zero + "/joined", new byte[0]);
        create(zero + "/claims", new byte[0]);
        create(zero + "/claims/claim-0000000000", claim("mallory/Node1", text, 5));
        // a text that does not hash to its folder, with control characters, solved in advance
        String evil = "not this text\u001b[2J\r\n\u009b31m";
        String wrong = folder + "/race-0000000003";
        put(forged, create(wrong, bytes(raceJson(evil, 1, now))), "text not hashing to its folder");
        create(wrong + "/joined", new byte[0]);
        create(wrong + "/claims", new byte[0]);
        create(wrong + "/claims/claim-0000000000", claim("mallory/Node1", evil, new Nonces(evil, 1).next()));
        // and a race that is not a JSON object, and one too big
        put(forged, create(folder + "/race-0000000004", "[1,2,3]".getBytes(StandardCharsets.UTF_8)), "a JSON array");
        put(forged, create(folder + "/race-0000000005", bytes(raceJson(text, 1, now)
                .put("pad", "y".repeat(100 * 1024)))), "100 KB");
        Runnable honest = () -> noForgedText(Set.of(evil), a, b);
        send(text, a, 0);
        send(text, b, 0);
        for (ClusterProcess p : List.of(a, b)) {
            awaitHonestly(p.label + "'s entry", () -> p.ledger.size() >= 1, honest);
        }
        settle(a, b);
        assertEquals(1, a.ledger.size());
        assertArrayEquals(a.file(), b.file());
        Entry entry = Events.entries(a.ledger.path()).get(0);
        assertGenuine(entry, text, a, b);
        assertEquals(1, entry.difficulty());
        assertEquals(1, Events.entries(b.ledger.path()).size());
        for (ClusterProcess p : List.of(a, b)) {
            Events.await(p.label + "'s node's end", () -> p.events.ended.size() == 1);
            assertEquals(1, p.events.ended.stream().map(x -> x.race().id()).distinct().count());
        }
        assertEquals(a.events.ended.get(0).race().id(), b.events.ended.get(0).race().id(), "one race");
        for (Map.Entry<String, String> f : forged.entrySet()) { // whoever read it first
            Events.await("a report of " + f.getKey() + " (" + f.getValue() + ")",
                    () -> reported(a, f.getKey()) || reported(b, f.getKey()));
        }
        // the text races again normally, and a process started now starts and copies the same
        send(text, a, 0);
        send(text, b, 0);
        for (ClusterProcess p : List.of(a, b)) {
            awaitHonestly(p.label + "'s second entry", () -> p.ledger.size() >= 2, honest);
        }
        ClusterProcess c = process("c", 1, 1, EngineFactory.auto());
        settle(a, b, c);
        assertArrayEquals(a.file(), b.file());
        assertArrayEquals(a.file(), c.file(), "a process started afterwards copies the same");
        noRawControlCharacters(a, b, c);
    }

    @Test
    void strayLabelsAndMembersStallNothing() throws Exception {
        ClusterProcess a = process("a", 1, 1, EngineFactory.auto());
        ClusterProcess b = process("b", 1, 1, EngineFactory.auto());
        create(ClusterReferee.LABELS + "/!stray label", "\u001b[31m".getBytes(StandardCharsets.UTF_8));
        create(ClusterReferee.MEMBERS + "/!stray member", "{}".getBytes(StandardCharsets.UTF_8));
        create(ClusterReferee.MEMBERS + "/!stray member/x", "not json".getBytes(StandardCharsets.UTF_8));
        tryTo("put a stray child in a's member folder", () -> forger.create()
                .forPath(ClusterReferee.MEMBERS + "/a/stray", "not json".getBytes(StandardCharsets.UTF_8)));
        create(ClusterReferee.MEMBERS + "/ghost", new byte[0]);
        create(ClusterReferee.MEMBERS + "/ghost/ghost:Node1", "not json".getBytes(StandardCharsets.UTF_8));
        create(ClusterReferee.MEMBERS + "/ghost2", new byte[0]);
        create(ClusterReferee.MEMBERS + "/ghost2/ghost2:Node1", ("{\"host\":\"\\u001b[2J\\r\\nevil\",\"port\":-5,"
                + "\"engine\":\"\\u001b]0;x\\u0007\",\"hash_rate\":\"fast\",\"wins\":[],\"clock_offset_ms\":1e308}")
                .getBytes(StandardCharsets.UTF_8));
        create(ClusterReferee.MEMBERS + "/ghost2/not-a-node", new byte[0]);
        String text = "beside stray labels and members";
        send(text, a, 0);
        send(text, b, 0);
        for (ClusterProcess p : List.of(a, b)) {
            Events.await(p.label + "'s entry", () -> p.ledger.size() >= 1);
        }
        b.referee.submitToAll("submitted beside stray members");
        for (ClusterProcess p : List.of(a, b)) {
            Events.await(p.label + "'s second entry", () -> p.ledger.size() >= 2);
        }
        ClusterProcess c = process("c", 1, 1, EngineFactory.auto());
        settle(a, b, c);
        assertEquals(2, a.ledger.size());
        assertArrayEquals(a.file(), b.file());
        assertArrayEquals(a.file(), c.file(), "a process started afterwards copies the same");
        send("after c started", c, 0);
        for (ClusterProcess p : List.of(a, b, c)) {
            Events.await(p.label + "'s third entry", () -> p.ledger.size() >= 3);
        }
        settle(a, b, c);
        assertArrayEquals(a.file(), c.file());
        noRawControlCharacters(a, b, c);
    }

    // ---- the genuine side ----

    static void send(String text, ClusterProcess p, int node) {
        String reply = Client.send("127.0.0.1", p.ports().get(node), text);
        assertTrue(reply.startsWith("OK " + p.label + "/Node" + (node + 1) + " "), p.label + ": " + reply);
    }

    /** Waits until every process has handled what ZooKeeper told it so far and told its listeners. */
    static void settle(ClusterProcess... ps) throws Exception {
        for (int round = 0; round < 2; round++) {
            for (ClusterProcess p : ps) {
                assertTrue(p.referee.sync(Duration.ofSeconds(30)), p.label + " did not settle");
            }
        }
    }

    /**
     * After a forgery: lets every process hear of it and act on it. The pause is not a timeout a right referee
     * needs: it is the window in which a wrong one shows it (stops its nodes, copies an entry).
     */
    static void quietWindow(ClusterProcess... ps) throws Exception {
        settle(ps);
        Thread.sleep(500);
        settle(ps);
    }

    /** Waits for the condition, failing at once if the check fails meanwhile. */
    static void awaitHonestly(String what, java.util.function.BooleanSupplier condition, Runnable check) {
        Events.await(what, () -> {
            check.run();
            return condition.getAsBoolean();
        });
    }

    static List<Entry> entriesNow(ClusterProcess p) {
        if (p.ledger.size() == 0) {
            return List.of();
        }
        try {
            return Events.entries(p.ledger.path());
        } catch (RuntimeException beingWritten) {
            return List.of();
        }
    }

    static void noForgedEntry(Set<Long> forgedNonces, ClusterProcess... ps) {
        for (ClusterProcess p : ps) {
            for (Entry e : entriesNow(p)) {
                if (forgedNonces.contains(e.nonce())) {
                    fail(p.label + "'s ledger file holds a forged entry: " + e);
                }
            }
        }
    }

    static void noForgedText(Set<String> texts, ClusterProcess... ps) {
        for (ClusterProcess p : ps) {
            for (Entry e : entriesNow(p)) {
                if (texts.contains(e.transaction()) || e.difficulty() < 1) {
                    fail(p.label + "'s ledger file holds a forged entry: " + e);
                }
            }
        }
    }

    /** The entry is a genuine node's: a FOUND attempt of that node, with that nonce, for that text. */
    static void assertGenuine(Entry entry, String text, ClusterProcess... ps) {
        assertEquals(text, entry.transaction());
        assertTrue(Puzzle.isSolution(text, entry.nonce(), entry.difficulty()), entry.toString());
        Events.await("the winner's own end (" + entry.node() + ")", () -> Set.of(ps).stream()
                .flatMap(p -> p.events.ended.stream())
                .anyMatch(x -> x.outcome() == Outcome.FOUND && x.node().equals(entry.node())
                        && x.nonce() == entry.nonce()));
        List<String> genuine = new ArrayList<>();
        for (ClusterProcess p : ps) {
            for (Attempt x : p.events.ended) {
                genuine.add(x.node());
            }
        }
        assertTrue(genuine.contains(entry.node()), entry.node() + " is not one of " + genuine);
    }

    /** How many of the process's nodes ended an attempt at the text. */
    static long ends(ClusterProcess p, String text) {
        return p.events.ended.stream().filter(x -> x.race().transaction().equals(text)).count();
    }

    static boolean reported(ClusterProcess p, String znode) {
        return p.events.problems.stream().anyMatch(m -> m.contains(znode));
    }

    /** Names and text from the cluster reach no terminal or window raw. */
    static void noRawControlCharacters(ClusterProcess... ps) throws Exception {
        settle(ps);
        for (ClusterProcess p : ps) {
            for (String m : p.events.problems) {
                assertTrue(m.chars().noneMatch(Character::isISOControl),
                        p.label + " reported a raw control character: " + m.replace("\u001b", "<ESC>")
                                .replace("\r", "<CR>").replace("\n", "<LF>").replace("\u0007", "<BEL>")
                                .replace("\u009b", "<CSI>"));
            }
        }
    }

    // ---- the forger ----


    /** The forger's valid nonces for a text, from {@link #FORGER_NONCES} up. */
    static final class Nonces {
        final String text;
        final int difficulty;
        long last = FORGER_NONCES;

        Nonces(String text, int difficulty) {
            this.text = text;
            this.difficulty = difficulty;
        }

        long next() {
            long n = last + 1;
            while (!Puzzle.isSolution(text, n, difficulty)) {
                n++;
            }
            last = n;
            return n;
        }
    }

    /** A nonce whose hash has one leading zero byte fewer than the difficulty asks. */
    static long nearMiss(String text, int difficulty) {
        long n = FORGER_NONCES;
        while (!(Puzzle.isSolution(text, n, difficulty - 1) && !Puzzle.isSolution(text, n, difficulty))) {
            n++;
        }
        return n;
    }

    static String textFolder(String text) {
        return ClusterReferee.TEXTS + "/" + Puzzle.hex(Puzzle.sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The live race for the text that every named node (znode names, "a:Node1") has joined, as the forger sees it. */
    String awaitRace(String text, String... joined) {
        String folder = textFolder(text);
        String[] found = new String[1];
        Events.await("the race for '" + text + "' joined by " + List.of(joined), () -> {
            try {
                for (String race : forger.getChildren().forPath(folder)) {
                    String path = folder + "/" + race;
                    if (!race.startsWith("race-") || forger.checkExists().forPath(path + "/decided") != null) {
                        continue;
                    }
                    if (new HashSet<>(forger.getChildren().forPath(path + "/joined")).containsAll(List.of(joined))) {
                        found[0] = path;
                        return true;
                    }
                }
            } catch (Exception notYet) {
                // not there yet
            }
            return false;
        });
        return found[0];
    }

    static String now() {
        return Timestamps.format(Instant.now());
    }

    static ObjectNode claimJson(String node, long nonce, String hash) {
        String now = now();
        return Ledger.json().createObjectNode().put("node", node).put("nonce", nonce).put("hash", hash)
                .put("start_time", now).put("end_time", now).put("time_taken", new BigDecimal("0.001"))
                .put("hashes", 1000);
    }

    static byte[] claim(String node, String text, long nonce) {
        return bytes(claimJson(node, nonce, Puzzle.hash(text, nonce)));
    }

    static byte[] entry(String node, String text, long nonce, int difficulty) {
        String now = now();
        return bytes(Ledger.json().createObjectNode().put("node", node).put("transaction", text).put("nonce", nonce)
                .put("hash", Puzzle.hash(text, nonce)).put("difficulty", difficulty)
                .put("time_taken", new BigDecimal("0.001")).put("start_time", now).put("end_time", now)
                .put("hashes", 1000));
    }

    static ObjectNode raceJson(String text, int difficulty, String now) {
        return Ledger.json().createObjectNode().put("text", text).put("difficulty", difficulty)
                .put("opened_by", "mallory/Node1\u001b[5m").put("opened_at", now).put("members", 1);
    }

    static byte[] bytes(ObjectNode json) {
        try {
            return Ledger.json().writeValueAsBytes(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The forger's own ACL, as the schema's "own ACL": everything for its identity, read for anyone. */
    static List<ACL> ownAcl() throws Exception {
        return List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", DigestAuthenticationProvider.generateDigest(MALLORY))),
                new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
    }

    /** Creates a znode as the forger; its name, or null if ZooKeeper refused (then there is nothing to report). */
    String create(String path, byte[] data) {
        try {
            String made = forger.create().forPath(path, data);
            return made.substring(made.lastIndexOf('/') + 1);
        } catch (Exception refused) {
            System.out.println("forger: could not create " + path + ": " + refused);
            return null;
        }
    }

    String sequential(String prefix, byte[] data) {
        try {
            String made = forger.create().withMode(CreateMode.PERSISTENT_SEQUENTIAL).forPath(prefix, data);
            return made.substring(made.lastIndexOf('/') + 1);
        } catch (Exception refused) {
            System.out.println("forger: could not create " + prefix + ": " + refused);
            return null;
        }
    }

    /** Runs the operations as one transaction; the name of the znode it created, or null if ZooKeeper refused. */
    String multi(CuratorOp... ops) {
        try {
            for (CuratorTransactionResult r : forger.transaction().forOperations(ops)) {
                if (r.getType() == OperationType.CREATE && r.getResultPath() != null
                        && r.getResultPath().contains("/claims/")) {
                    return r.getResultPath().substring(r.getResultPath().lastIndexOf('/') + 1);
                }
            }
            return "(written)";
        } catch (Exception refused) {
            System.out.println("forger: transaction refused: " + refused);
            return null;
        }
    }

    interface Write {
        void run() throws Exception;
    }

    static void tryTo(String what, Write write) {
        try {
            write.run();
        } catch (Exception refused) {
            System.out.println("forger: could not " + what + ": " + refused);
        }
    }

    static void put(Map<String, String> forged, String name, String what) {
        if (name != null) {
            forged.put(name, what);
        }
    }
}
