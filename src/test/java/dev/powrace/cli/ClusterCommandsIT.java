package dev.powrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.testing.Serve;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar: send and verify without --cluster load no ZooKeeper class; with it, a real stderr of one line. */
@Timeout(120) // only to catch a hang
class ClusterCommandsIT {
    @TempDir
    Path dir;

    record Result(int code, List<String> stdout, List<String> stderr) {}

    Result powrace(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Serve.javaBin(), "-verbose:class", "-jar", Serve.jar().toString()));
        command.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "powrace " + String.join(" ", args) + " did not end");
        return new Result(p.exitValue(), Files.readAllLines(out), Files.readAllLines(err));
    }

    static List<String> clusterClasses(Result r) {
        return r.stdout().stream().filter(l -> l.contains("class,load")).filter(l -> l.contains("org.apache.zookeeper")
                || l.contains("org.apache.curator") || l.contains("dev.powrace.cluster")
                || l.contains("dev.powrace.cli.ClusterCommands")).toList();
    }

    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void sendAndVerifyWithoutClusterLoadNoZooKeeperClass() throws Exception {
        Path ledger = dir.resolve("ledger.json");
        Files.writeString(ledger, "[]\n");
        Result verify = powrace("verify", "--ledger", ledger.toString());
        assertEquals(0, verify.code(), verify.stderr().toString());
        assertTrue(verify.stdout().stream().filter(l -> l.contains("class,load")).count() > 500, "-verbose:class lists them");
        assertEquals(List.of(), clusterClasses(verify));

        Result send = powrace("send", "--ports", Integer.toString(closedPort()), "hello");
        assertEquals(1, send.code(), send.stderr().toString());
        assertEquals(List.of(), clusterClasses(send));
    }

    @Test
    void withClusterAnUnreachableOneIsOneLineOnTheRealStderr() throws Exception {
        String connect = "127.0.0.1:" + closedPort();
        Result r = powrace("verify", "--cluster", connect);
        assertEquals(2, r.code());
        assertTrue(clusterClasses(r).size() > 0, "--cluster loads the cluster side");
        List<String> err = r.stderr().stream().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        assertEquals(List.of("powrace: cluster unavailable: can't reach ZooKeeper at " + connect + " within 5 s"), err);
    }
}
