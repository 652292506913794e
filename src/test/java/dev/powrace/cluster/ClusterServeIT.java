package dev.powrace.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.ledger.Entry;
import dev.powrace.node.Client;
import dev.powrace.testing.Events;
import dev.powrace.testing.Serve;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `java -jar target/powrace.jar serve` in cluster mode, as separate processes, and local mode's class list. */
class ClusterServeIT {
    @TempDir
    Path dir;

    /** A serve child process; stdout goes to a file, stderr is kept line by line. */
    static final class ServeProcess implements AutoCloseable {
        final Process process;
        final Path out;
        final List<String> errors = new CopyOnWriteArrayList<>();
        final List<Integer> ports = new ArrayList<>();
        int zookeeperPort = -1;

        ServeProcess(Path out, Map<String, String> env, String... args) throws IOException {
            this.out = out;
            List<String> command = new ArrayList<>(List.of(Serve.javaBin(), "-jar", Serve.jar().toString(), "serve"));
            command.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile());
            pb.environment().putAll(env);
            process = pb.start();
            BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = err.readLine()) != null) {
                errors.add(line);
                Matcher host = Pattern.compile("hosting the cluster on [^ ]+:(\\d+) ").matcher(line);
                if (host.find()) {
                    zookeeperPort = Integer.parseInt(host.group(1));
                }
                if (line.endsWith("Ctrl-C stops.")) {
                    Matcher m = Pattern.compile("Node\\d+ on [^:]+:(\\d+)").matcher(line);
                    while (m.find()) {
                        ports.add(Integer.parseInt(m.group(1)));
                    }
                    break;
                }
            }
            if (line == null) {
                throw new IOException("serve did not start: " + errors);
            }
            Thread drain = new Thread(() -> err.lines().forEach(errors::add), "serve-stderr");
            drain.setDaemon(true);
            drain.start();
        }

        List<String> lines() {
            try {
                return Files.readAllLines(out);
            } catch (IOException e) {
                return List.of();
            }
        }

        @Override
        public void close() throws InterruptedException {
            List<ProcessHandle> tree = process.toHandle().descendants().toList();
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            tree.forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void localModeLoadsNoZooKeeperClass() throws Exception {
        Path out = dir.resolve("out.txt");
        try (ServeProcess serve = new ServeProcess(out, Map.of("JAVA_TOOL_OPTIONS", "-verbose:class"), "--ports", "0",
                "--difficulty", "1", "--ledger", dir.resolve("ledger.json").toString())) {
            assertTrue(Client.send("127.0.0.1", serve.ports.get(0), "local").startsWith("OK Node1 "));
            Events.await("the winner", () -> serve.lines().stream().anyMatch(l -> l.startsWith("Node1 wins ")));
            List<String> loaded = serve.lines().stream().filter(l -> l.contains("class,load")).toList();
            assertTrue(loaded.size() > 1000, "-verbose:class lists the classes: " + loaded.size());
            assertTrue(loaded.stream().anyMatch(l -> l.contains("dev.powrace.race.LocalReferee")));
            List<String> cluster = loaded.stream().filter(l -> l.contains("org.apache.zookeeper")
                    || l.contains("org.apache.curator") || l.contains("dev.powrace.cluster")
                    || l.contains("dev.powrace.cli.ClusterMode")).toList();
            assertEquals(List.of(), cluster);
        }
    }

    @Test
    void twoServeProcessesRaceAsOneClusterAndKeepEqualLedgers() throws Exception {
        Path ledgerA = dir.resolve("a").resolve("ledger.json");
        Path ledgerB = dir.resolve("b").resolve("ledger.json");
        Files.createDirectories(ledgerA.getParent());
        Files.createDirectories(ledgerB.getParent());
        try (ServeProcess a = new ServeProcess(dir.resolve("a.txt"), Map.of(), "--host-cluster", "0", "--label", "a",
                "--ports", "0,0", "--difficulty", "2", "--ledger", ledgerA.toString())) {
            assertTrue(a.zookeeperPort > 0, a.errors.toString());
            assertTrue(Files.isDirectory(ledgerA.resolveSibling("powrace-zk-data")));
            try (ServeProcess b = new ServeProcess(dir.resolve("b.txt"), Map.of(), "--cluster",
                    "127.0.0.1:" + a.zookeeperPort, "--label", "b", "--ports", "0,0", "--difficulty", "2",
                    "--ledger", ledgerB.toString())) {
                String text = "one race, two processes";
                List<Integer> all = new ArrayList<>(a.ports);
                all.addAll(b.ports);
                List<String> replies = all.parallelStream().map(p -> Client.send("127.0.0.1", p, text)).toList();
                replies.forEach(r -> assertTrue(r.matches("OK [ab]/Node[12] \\d+"), r));
                assertEquals(1, replies.stream().map(r -> r.substring(r.lastIndexOf(' '))).distinct().count(),
                        "one race id: " + replies);
                for (ServeProcess p : List.of(a, b)) {
                    Events.await("two ends and the winner", () -> p.lines().stream().filter(l -> l.contains(" end ")).count() == 2
                            && p.lines().stream().anyMatch(l -> l.contains(" wins ")));
                }
                Events.await("both ledger files", () -> Events.entries(ledgerA).size() == 1
                        && Events.entries(ledgerB).size() == 1);
                assertArrayEquals(Files.readAllBytes(ledgerA), Files.readAllBytes(ledgerB));
                Entry entry = Events.entries(ledgerA).get(0);
                assertTrue(entry.node().matches("[ab]/Node[12]"), entry.node());
                long found = List.of(a, b).stream().flatMap(p -> p.lines().stream())
                        .filter(l -> l.contains(" found nonce=")).count();
                assertEquals(1, found, a.lines() + " " + b.lines());
                assertTrue(a.errors.stream().noneMatch(l -> l.contains("Exception")), a.errors.toString());
                assertTrue(b.errors.stream().noneMatch(l -> l.contains("Exception")), b.errors.toString());
            }
        }
    }

    @Test
    void aProcessKilledMidRaceLeavesItsRaceToTheOthersAndCatchesUpWhenItComesBack() throws Exception {
        Path ledgerA = Files.createDirectories(dir.resolve("a")).resolve("ledger.json");
        try (ServeProcess a = new ServeProcess(dir.resolve("a.txt"), Map.of(), "--host-cluster", "0", "--label", "a",
                "--ports", "0", "--difficulty", "3", "--ledger", ledgerA.toString());
                ClusterView view = ClusterView.connect("127.0.0.1:" + a.zookeeperPort, java.time.Duration.ofSeconds(10))) {
            String connect = "127.0.0.1:" + a.zookeeperPort;
            // Kill a process b while its nodes mine. A race can end before the kill lands: then try again with
            // another process and text.
            String killed = null;
            String label = null;
            List<String> tries = new ArrayList<>();
            for (int attempt = 1; attempt <= 5 && killed == null; attempt++) {
                String t = "killed mid-race #" + attempt;
                String l = "b" + attempt;
                Path ledger = Files.createDirectories(dir.resolve(l)).resolve("ledger.json");
                try (ServeProcess b = new ServeProcess(dir.resolve(l + ".txt"), Map.of(), "--cluster", connect,
                        "--label", l, "--ports", "0,0", "--difficulty", "3", "--ledger", ledger.toString())) {
                    // a new process's nodes hold races until its warm-up is over: let it pass first, on a race
                    // of its own
                    String warm = "warming " + l;
                    assertTrue(Client.send("127.0.0.1", b.ports.get(0), warm).startsWith("OK "));
                    Events.await(l + "'s warm-up race", () -> b.lines().stream()
                            .anyMatch(x -> x.contains(" wins ") && x.contains(warm)));
                    List<Integer> all = new ArrayList<>(b.ports);
                    all.addAll(a.ports);
                    all.parallelStream().map(p -> Client.send("127.0.0.1", p, t))
                            .forEach(r -> assertTrue(r.startsWith("OK "), r));
                    Events.await(l + "'s nodes mining", () -> b.lines().stream()
                            .filter(x -> x.contains(" start ") && x.contains(t)).count() == 2);
                    List<ProcessHandle> tree = b.process.toHandle().descendants().toList();
                    // SIGKILL to every JVM of it (the launcher and the worker it started): no shutdown hook runs
                    tree.forEach(ProcessHandle::destroyForcibly);
                    b.process.destroyForcibly();
                    b.process.waitFor();
                    Events.await(l + "'s JVMs gone", () -> tree.stream().noneMatch(ProcessHandle::isAlive));
                    tries.add(b.lines() + " " + a.lines());
                    if (b.lines().stream().noneMatch(x -> x.contains(" end ") && x.contains(t))) {
                        killed = t;
                        label = l;
                    }
                }
                String race = t;
                Events.await("a's win line for " + t, () -> a.lines().stream()
                        .anyMatch(x -> x.contains(" wins ") && x.contains(race)));
            }
            assertTrue(killed != null, "every race ended before its process could be killed in it: " + tries);
            String text = killed;
            Events.await("a's ledger entry", () -> Events.entries(ledgerA).stream()
                    .anyMatch(e -> e.transaction().equals(text)));
            // the killed processes' nodes leave the member list once their sessions time out (15 s)
            Events.await("the killed nodes gone from the member list", () -> {
                try {
                    return view.nodes().stream().map(ClusterView.Node::name).toList().equals(List.of("a/Node1"));
                } catch (ClusterException e) {
                    return false;
                }
            });
            Path ledgerB = dir.resolve(label).resolve("ledger.json");
            try (ServeProcess again = new ServeProcess(dir.resolve(label + "-again.txt"), Map.of(), "--cluster", connect,
                    "--label", label, "--ports", "0,0", "--difficulty", "3", "--ledger", ledgerB.toString())) {
                assertArrayEquals(Files.readAllBytes(ledgerA), Files.readAllBytes(ledgerB),
                        "the restarted process's ledger file caught up with the cluster's before it took anything");
                assertTrue(again.errors.stream().noneMatch(x -> x.contains("Exception")), again.errors.toString());
            }
        }
    }
}
