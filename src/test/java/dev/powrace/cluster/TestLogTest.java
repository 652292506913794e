package dev.powrace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * In the tests ZooKeeper's and Curator's log goes to target/zookeeper-tests.log (pom.xml, surefire's
 * org.slf4j.simpleLogger.logFile), not to stderr and so not into Maven's output: the cluster tests start, kill and
 * expire servers and sessions on purpose, and every time ZooKeeper warns. serve keeps its stderr (ClusterSecretIT).
 */
class TestLogTest {
    @Test
    void zooKeeperWarningsGoToTheTestLogNotToStderr() throws Exception {
        String file = System.getProperty("org.slf4j.simpleLogger.logFile");
        assertNotNull(file, "surefire sets org.slf4j.simpleLogger.logFile");
        String marker = "TestLogTest " + UUID.randomUUID();
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            LoggerFactory.getLogger("org.apache.zookeeper.server.ServerCnxnFactory").warn(marker);
            LoggerFactory.getLogger("org.apache.curator.ConnectionState").warn(marker);
        } finally {
            System.setErr(stderr);
        }
        assertEquals("", captured.toString(StandardCharsets.UTF_8));
        String log = Files.readString(Path.of(file));
        assertTrue(log.contains("WARN org.apache.zookeeper.server.ServerCnxnFactory - " + marker), log);
        assertTrue(log.contains("WARN org.apache.curator.ConnectionState - " + marker), log);
    }
}
