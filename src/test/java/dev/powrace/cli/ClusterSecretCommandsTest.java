package dev.powrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.ledger.Ledger;
import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import dev.powrace.race.Referee;
import dev.powrace.testing.ClusterProcess;
import dev.powrace.testing.Events;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The cluster secret on the command line: where it is read from, and what the commands say without it. */
@Timeout(120) // only to catch a hang
class ClusterSecretCommandsTest {
    static final String SECRET = "s3cret with spaces";

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

    String zk() {
        return server.getConnectString();
    }

    ClusterProcess process(String label) throws Exception {
        return new ClusterProcess(dir, zk(), label, 1, 1, EngineFactory.auto(), processes, SECRET);
    }

    /** Runs the command line with {@code env} as its whole environment. */
    static CliTest.Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(env::get);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliTest.Run(code, out.toString(), err.toString());
    }

    Path file(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    static Map<String, String> env(String secret) {
        Map<String, String> env = new HashMap<>();
        if (secret != null) {
            env.put(SecretOptions.ENV, secret);
        }
        return env;
    }

    static void oneLine(CliTest.Run r, String line) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals(List.of(line), r.err().lines().toList());
        assertFalse(r.out().contains("Exception"), r.out());
    }

    String refusal() {
        return "powrace: the cluster at " + zk() + " refuses access: wrong or missing cluster secret "
                + "(--cluster-secret-file, POWRACE_CLUSTER_SECRET or --cluster-secret)";
    }

    @Test
    void theCommandsWorkWithTheSecretFromItsFile() throws Exception {
        ClusterProcess a = process("a");
        // the first line, trimmed; the rest of the file is not the secret
        String f = file("secret.txt", "  " + SECRET + " \nnot part of it\n").toString();
        CliTest.Run nodes = run(env(null), "nodes", "--cluster", zk(), "--cluster-secret-file", f);
        assertEquals(0, nodes.code(), nodes.err());
        assertTrue(nodes.out().contains("1 live node in 1 process"), nodes.out());

        CliTest.Run send = run(env(null), "send", "--cluster", zk(), "--cluster-secret-file", f, "closed", "race");
        assertEquals(0, send.code(), send.err());
        Events.await("the entry", () -> a.ledger.size() == 1);

        Path copy = dir.resolve("copy.json");
        CliTest.Run export = run(env(null), "export", "--cluster", zk(), "--cluster-secret-file", f, "--out",
                copy.toString());
        assertEquals(0, export.code(), export.err());
        assertEquals(Files.readString(a.ledger.path()), Files.readString(copy));

        CliTest.Run verify = run(env(null), "verify", "--cluster", zk(), "--cluster-secret-file", f);
        assertEquals(0, verify.code(), verify.err());
        assertTrue(verify.out().endsWith("1 entry, all valid" + System.lineSeparator())
                || verify.out().endsWith("1 entry, all valid\n"), verify.out());
    }

    @Test
    void withoutTheSecretOrWithAnotherEachCommandSaysSoInOneLine() throws Exception {
        ClusterProcess a = process("a");
        Path out = dir.resolve("never.json");
        for (Map<String, String> env : List.of(env(null), env("wrong"))) {
            oneLine(run(env, "nodes", "--cluster", zk()), refusal());
            oneLine(run(env, "send", "--cluster", zk(), "forged"), refusal());
            oneLine(run(env, "export", "--cluster", zk(), "--out", out.toString()), refusal());
            oneLine(run(env, "verify", "--cluster", zk()), refusal());
        }
        assertFalse(Files.exists(out));
        assertEquals(0, a.ledger.size());
    }

    @Test
    void anOptionBeatsTheFileAndTheFileBeatsTheEnvironment() throws Exception {
        process("a");
        String right = file("right.txt", SECRET + "\n").toString();
        String wrong = file("wrong.txt", "wrong\n").toString();
        // the environment alone
        assertEquals(0, run(env(SECRET), "nodes", "--cluster", zk()).code());
        // the file over the environment
        assertEquals(0, run(env("wrong"), "nodes", "--cluster", zk(), "--cluster-secret-file", right).code());
        oneLine(run(env(SECRET), "nodes", "--cluster", zk(), "--cluster-secret-file", wrong), refusal());
        // the option over the environment
        assertEquals(0, run(env("wrong"), "nodes", "--cluster", zk(), "--cluster-secret", SECRET).code());
        oneLine(run(env(SECRET), "nodes", "--cluster", zk(), "--cluster-secret", "wrong"), refusal());
        // the option and the file together: which one was meant is not guessed
        oneLine(run(env(null), "nodes", "--cluster", zk(), "--cluster-secret", SECRET, "--cluster-secret-file", right),
                "powrace: give --cluster-secret or --cluster-secret-file, not both (see 'powrace nodes --help')");
    }

    @Test
    void aSecretFileThatCannotGiveOneIsAUsageErrorInOneLine() throws Exception {
        Path missing = dir.resolve("missing.txt");
        Path empty = file("empty.txt", "");
        Path blank = file("blank.txt", "   \nsecond line\n");
        for (String command : new String[] {"nodes", "export", "send", "verify"}) {
            List<String> args = new ArrayList<>(List.of(command, "--cluster", zk(), "--cluster-secret-file"));
            String[] tail = command.equals("send") ? new String[] {"text"} : new String[0];
            String help = " (see 'powrace " + command + " --help')";
            oneLine(run(env(SECRET), concat(args, missing.toString(), tail)),
                    "powrace: can't read --cluster-secret-file " + missing + ": no such file" + help);
            oneLine(run(env(SECRET), concat(args, empty.toString(), tail)),
                    "powrace: --cluster-secret-file " + empty + " is empty: the secret is its first line" + help);
            oneLine(run(env(SECRET), concat(args, blank.toString(), tail)),
                    "powrace: --cluster-secret-file " + blank + " is empty: the secret is its first line" + help);
        }
        oneLine(run(env("  "), "nodes", "--cluster", zk()),
                "powrace: POWRACE_CLUSTER_SECRET is set but blank (see 'powrace nodes --help')");
    }

    static String[] concat(List<String> head, String file, String[] tail) {
        List<String> all = new ArrayList<>(head);
        all.add(file);
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }

    @Test
    void aSecretWithoutAClusterIsRefusedAndTheEnvironmentAloneIsIgnored() throws Exception {
        String f = file("secret.txt", SECRET).toString();
        Path ledger = dir.resolve("l.json");
        oneLine(run(env(null), "verify", "--ledger", ledger.toString(), "--cluster-secret-file", f),
                "powrace: a cluster secret goes with --cluster (see 'powrace verify --help')");
        oneLine(run(env(null), "send", "--ports", "1", "--cluster-secret", SECRET, "x"),
                "powrace: a cluster secret goes with --cluster (see 'powrace send --help')");
        oneLine(run(env(null), "serve", "--ports", "0", "--ledger", ledger.toString(), "--cluster-secret-file", f),
                "powrace: a cluster secret protects a cluster: give --cluster or --host-cluster too (see 'powrace serve "
                        + "--help')");
        // the app's options are serve's
        oneLine(run(env(null), "--cluster-secret-file", f, "--ledger", ledger.toString()),
                "powrace: a cluster secret protects a cluster: give --cluster or --host-cluster too (see 'powrace "
                        + "--help')");
        // a blank variable is only read by a command that goes to a cluster
        Files.writeString(ledger, "[]\n");
        CliTest.Run local = run(env(" "), "verify", "--ledger", ledger.toString());
        assertEquals(0, local.code(), local.err());
    }

    /** Hosts a cluster on 0.0.0.0 through ClusterMode, as serve does; returns what it printed on stderr. */
    String host(String secret) throws Exception {
        NodeOptions options = new NodeOptions();
        options.hostCluster = 0;
        options.label = secret == null ? "open" : "closed";
        options.secret = secret;
        Path folder = Files.createDirectories(dir.resolve(options.label));
        List<AutoCloseable> toClose = new ArrayList<>();
        StringWriter err = new StringWriter();
        try (Ledger ledger = Ledger.open(folder.resolve("ledger.json"))) {
            Referee referee = ClusterMode.start(options, Settings.defaults().withBind("0.0.0.0").withDifficulty(1),
                    ledger, EngineFactory.auto(), toClose, new PrintWriter(err, true));
            referee.close();
        } finally {
            for (AutoCloseable c : toClose) {
                c.close();
            }
        }
        return err.toString();
    }

    @Test
    void hostingBeyondThisMachineWarnsOnlyWithoutASecret() throws Exception {
        List<String> open = host(null).lines().toList();
        assertTrue(open.get(0).startsWith("powrace: hosting the cluster on 0.0.0.0:"), open.toString());
        String port = open.get(0).replaceAll("^powrace: hosting the cluster on 0\\.0\\.0\\.0:(\\d+) .*$", "$1");
        assertEquals("powrace: warning: hosting a cluster on 0.0.0.0 without --cluster-secret: anyone who can reach port "
                + port + " can read and forge races and the cluster ledger", open.get(1));

        String closed = host(SECRET);
        assertTrue(closed.startsWith("powrace: hosting the cluster on 0.0.0.0:"), closed);
        assertFalse(closed.contains("warning"), closed);
        assertTrue(closed.contains("powrace: in the cluster at 127.0.0.1:"), closed);
    }
}
