package dev.powrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The cluster options of serve: what is refused, in one line, before anything starts. */
@Timeout(60) // a refusal that does not happen starts serve, which runs until stopped
class ClusterOptionsTest {
    @TempDir
    Path dir;

    CliTest.Run serve(String... args) {
        String[] all = new String[args.length + 5];
        System.arraycopy(new String[] {"serve", "--ports", "0", "--ledger", dir.resolve("l.json").toString()}, 0, all, 0, 5);
        System.arraycopy(args, 0, all, 5, args.length);
        return CliTest.run(all);
    }

    static void refusedInOneLine(CliTest.Run r, String message) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().lines().findFirst().orElse("").contains(message), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void aLabelWithoutAClusterIsRefused() {
        refusedInOneLine(serve("--label", "a"), "--label names this process in a cluster");
    }

    @Test
    void bothClusterOptionsAreRefused() {
        refusedInOneLine(serve("--cluster", "127.0.0.1:1", "--host-cluster", "0"), "give --cluster or --host-cluster, not both");
    }

    @Test
    void aHostClusterPortOutOfRangeIsRefused() {
        refusedInOneLine(serve("--host-cluster", "70000"), "--host-cluster must be a port, 0 to 65535, not 70000");
    }

    @Test
    void aBadLabelIsRefused() {
        // nothing listens on port 1: the label is checked before any connection is tried
        refusedInOneLine(serve("--cluster", "127.0.0.1:1", "--label", "a/b"), "--label must be 1 to 63 letters");
    }
}
