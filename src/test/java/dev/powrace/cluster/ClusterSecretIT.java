package dev.powrace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.testing.Serve;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar with a cluster secret: a serve process given it in POWRACE_CLUSTER_SECRET, and processes without
 * it that get one line on the real stderr (no ZooKeeper log, no stack trace).
 */
@Timeout(180) // only to catch a hang
class ClusterSecretIT {
    static final String SECRET = "it's a secret";

    @TempDir
    Path dir;

    record Result(int code, List<String> stdout, List<String> stderr) {}

    Result powrace(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Serve.javaBin(), "-jar", Serve.jar().toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("POWRACE_CLUSTER_SECRET");
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("powrace " + String.join(" ", args) + " did not end");
        }
        return new Result(p.exitValue(), Files.readAllLines(out), Files.readAllLines(err).stream()
                .filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList());
    }

    @Test
    void aServeProcessWithTheSecretInItsEnvironmentIsClosedToProcessesWithoutIt() throws Exception {
        Path ledgerA = Files.createDirectories(dir.resolve("a")).resolve("ledger.json");
        try (ClusterServeIT.ServeProcess a = new ClusterServeIT.ServeProcess(dir.resolve("a.txt"),
                Map.of("POWRACE_CLUSTER_SECRET", SECRET), "--host-cluster", "0", "--label", "a", "--ports", "0",
                "--difficulty", "1", "--ledger", ledgerA.toString())) {
            String connect = "127.0.0.1:" + a.zookeeperPort;
            String refusal = "powrace: the cluster at " + connect + " refuses access: wrong or missing cluster secret "
                    + "(--cluster-secret-file, POWRACE_CLUSTER_SECRET or --cluster-secret)";

            Result joiner = powrace("serve", "--cluster", connect, "--label", "b", "--ports", "0", "--ledger",
                    dir.resolve("b.json").toString());
            assertEquals(2, joiner.code(), joiner.stderr().toString());
            assertEquals(List.of(refusal), joiner.stderr());

            Result stranger = powrace("nodes", "--cluster", connect);
            assertEquals(2, stranger.code(), stranger.stderr().toString());
            assertEquals(List.of(refusal), stranger.stderr());

            Path secret = dir.resolve("secret.txt");
            Files.writeString(secret, SECRET + "\n");
            Result friend = powrace("nodes", "--cluster", connect, "--cluster-secret-file", secret.toString());
            assertEquals(0, friend.code(), friend.stderr().toString());
            assertTrue(friend.stdout().stream().anyMatch(l -> l.startsWith("a/Node1 ")), friend.stdout().toString());
            assertEquals(List.of(), friend.stderr());
        }
    }
}
