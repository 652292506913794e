package dev.powrace.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static final String GOOD = "{\"node\":\"Node1\",\"transaction\":\"Your transaction data\",\"nonce\":154,"
            + "\"hash\":\"0083bc06dca739aa647a104f910cd307e210fe0c7559d1141be864d3e408d958\",\"difficulty\":1,"
            + "\"time_taken\":0.000123456,\"start_time\":\"2026-11-25T10:03:42.123456+00:00\","
            + "\"end_time\":\"2026-11-25T10:03:42.123579+00:00\"}";

    @Test
    void verifyExitsZeroWhenEveryEntryHoldsUp() throws Exception {
        Path ledger = dir.resolve("ledger.json");
        Files.writeString(ledger, "[\n" + GOOD + "\n]\n");
        Run r = run("verify", "--ledger", ledger.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("1 entry, all valid"), r.out());
    }

    @Test
    void verifyExitsOneAndNamesTheBadEntries() throws Exception {
        Path ledger = dir.resolve("ledger.json");
        String wrongNonce = GOOD.replace("\"nonce\":154", "\"nonce\":155");
        String backwards = GOOD.replace("42.123579", "41.000000");
        Files.writeString(ledger, "[" + GOOD + "," + wrongNonce + "," + backwards + "]");
        Run r = run("verify", "--ledger", ledger.toString());
        assertEquals(1, r.code());
        assertTrue(r.out().contains("entry 2 (Node1, \"Your transaction data\"): hash does not match"), r.out());
        assertTrue(r.out().contains("entry 3 (Node1, \"Your transaction data\"): end_time is before start_time"), r.out());
        assertTrue(r.out().contains("2 of 3 entries invalid"), r.out());
    }

    @Test
    void verifyRefusesANameNoNodeHasAndShowsItQuoted() throws Exception {
        Path ledger = dir.resolve("ledger.json");
        String forged = GOOD.replace("\"Node1\"", "\"mallory/Node1\\u001b[2J\"");
        Files.writeString(ledger, "[" + GOOD + "," + forged + "]");
        Run r = run("verify", "--ledger", ledger.toString());
        assertEquals(1, r.code());
        assertTrue(r.out().contains("entry 2 (\"mallory/Node1\\x1b[2J\", \"Your transaction data\"): node is not NodeN "
                + "or label/NodeN"), r.out());
        assertTrue(r.out().chars().noneMatch(c -> c == 0x1b), "no escape reaches the terminal: " + r.out());
    }

    @Test
    void verifyExitsTwoWhenTheFileCantBeRead() throws Exception {
        Run missing = run("verify", "--ledger", dir.resolve("nope.json").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("does not exist"), missing.err());
        Path corrupt = dir.resolve("corrupt.json");
        Files.writeString(corrupt, "[{\"node\": ]");
        Run r = run("verify", "--ledger", corrupt.toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("corrupt.json"), r.err());
    }

    @Test
    void serveNamesAPortInUseAndExitsTwo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Run r = run("serve", "--ports", "0," + port, "--ledger", dir.resolve("l.json").toString());
            assertEquals(2, r.code());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().contains("port " + port + " "), r.err());
            assertTrue(r.err().contains("--ports"), r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void serveSaysABindAddressIsNotThisMachines() {
        Run r = run("serve", "--bind", "203.0.113.7", "--ports", "0", "--ledger", dir.resolve("l.json").toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("203.0.113.7 is not an address of this machine"), r.err());
        assertFalse(r.err().contains("in use"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void serveRefusesACorruptLedgerAndLeavesItAlone() throws Exception {
        Path ledger = dir.resolve("ledger.json");
        Files.writeString(ledger, "[{\"node\":\"Node1\"}, oops]");
        byte[] before = Files.readAllBytes(ledger);
        Run r = run("serve", "--ports", "0", "--ledger", ledger.toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("ledger.json") && r.err().contains("line 1"), r.err());
        assertArrayEquals(before, Files.readAllBytes(ledger));
    }

    @Test
    void badOptionsGetOneLineAndExitTwo() {
        for (String[] args : new String[][] {
            {"serve", "--difficulty", "9"},
            {"serve", "--difficulty", "x"},
            {"serve", "--ports", "5000,5000"},
            {"serve", "--ports", "70000"},
            {"serve", "--nope"},
            {"send"},
        }) {
            Run r = run(args);
            assertEquals(2, r.code(), String.join(" ", args));
            assertEquals(1, r.err().lines().count(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("powrace: "), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
    }

    @Test
    void theAppRefusesBadClusterOptionsInOneLineAsServeDoesBeforeAnyWindow() {
        String ledger = dir.resolve("l.json").toString();
        for (String[] args : List.of(new String[] {"--label", "a"}, new String[] {"--cluster", "127.0.0.1:1",
                "--host-cluster", "0"}, new String[] {"--cluster", "127.0.0.1:1", "--label", "a/b"})) {
            List<String> all = new java.util.ArrayList<>(List.of("--ports", "0", "--ledger", ledger));
            all.addAll(List.of(args));
            Run app = run(all.toArray(String[]::new));
            all.add(0, "serve");
            Run serve = run(all.toArray(String[]::new));
            assertEquals(2, app.code(), app.err());
            assertEquals(1, app.err().lines().count(), app.err());
            assertEquals(serve.err(), app.err().replace("'powrace --help'", "'powrace serve --help'"));
        }
    }

    @Test
    void everyCommandHasHelp() {
        for (String cmd : new String[] {"serve", "send", "verify"}) {
            Run r = run(cmd, "--help");
            assertEquals(0, r.code());
            assertTrue(r.out().contains("Usage: powrace " + cmd), r.out());
        }
        assertTrue(run("serve", "--help").out().contains("--difficulty"));
    }

    @Test
    void sendSaysWhenNothingListens() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Run r = run("send", "--ports", String.valueOf(port), "hello");
        assertEquals(1, r.code());
        assertTrue(r.out().contains(port + ": ERR nothing listens"), r.out());
    }

    @Test
    void quotingDefusesTerminalEscapes() {
        assertEquals("\"plain ✓ 🙂\"", Quote.of("plain ✓ 🙂"));
        assertEquals("\"say \\\"hi\\\" \\\\ \\x1b[31mred\\n\"", Quote.of("say \"hi\" \\ \u001b[31mred\n"));
        assertEquals("\"\\u{202e}evil\\x9b\"", Quote.of("\u202eevil\u009b"));
    }

    /** The app's start builds the app's command alone; anything else, or a mistake, goes to the whole command line. */
    @Test
    void theAppAloneIsParsedWithoutTheSubcommandsAndMistakesAreReportedAsBefore() {
        assertTrue(Main.commandLineFor(new String[] {"--ports", "0,0", "--difficulty", "2"}, cl -> cl)
                .getSubcommands().isEmpty(), "the app's own command");
        for (String[] args : List.of(new String[] {"serve", "--ports", "0"}, new String[] {"--help"},
                new String[] {"help"}, new String[] {"--ports", "0", "bench"}, new String[] {"-V"})) {
            assertFalse(Main.commandLineFor(args, cl -> cl).getSubcommands().isEmpty(), String.join(" ", args));
        }
        assertEquals(Main.commandLine().getSubcommands().keySet(), Main.subcommandNames());
        for (String[] args : List.of(new String[] {"--difficulty", "99"}, new String[] {"serv"},
                new String[] {"--ports", "0,x"}, new String[] {"--no-such-option"})) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.commandLineFor(args, cl -> {
                cl.setOut(new PrintWriter(out, true));
                cl.setErr(new PrintWriter(err, true));
                return cl;
            }).execute(args);
            Run whole = run(args);
            assertEquals(2, code, err.toString());
            assertEquals(whole.err(), err.toString());
            assertTrue(err.toString().startsWith("powrace: "), err.toString());
        }
    }

    /** Arguments' lists are Main's subcommands and the options of Main that take a value, as picocli models them. */
    @Test
    void theArgumentsListsAreMainsCommandsAndOptions() {
        assertEquals(Main.subcommandNames(), Arguments.COMMANDS);
        java.util.Set<String> withValue = new java.util.HashSet<>();
        java.util.Set<String> flags = new java.util.HashSet<>();
        for (picocli.CommandLine.Model.OptionSpec o : Main.commandLine().getCommandSpec().options()) {
            if (o.arity().max() > 0) {
                assertEquals(1, o.arity().min(), o.longestName());
                assertEquals(1, o.arity().max(), o.longestName());
                withValue.addAll(List.of(o.names()));
            } else {
                flags.addAll(List.of(o.names()));
            }
        }
        assertEquals(withValue, Arguments.WITH_VALUE);
        assertEquals(flags, Arguments.HELP);
    }

    /** Arguments.command names the subcommand that picocli runs, and null where it runs the app. */
    @Test
    void theCommandIsTheOnePicocliRuns() {
        for (String[] args : List.of(new String[] {}, new String[] {"--ports", "0,0", "--difficulty", "2"},
                new String[] {"serve", "--cluster", "h:2181", "--label", "send"},
                new String[] {"--ledger", "verify.json", "--label", "x", "--cluster", "h:1", "serve", "--ledger", "nodes"},
                new String[] {"--ports", "0", "bench-race", "--ledger", "export"}, new String[] {"--power", "50", "bench"},
                new String[] {"--cluster-secret", "s", "--cluster-secret-file", "f", "--host-cluster", "0", "--bind",
                        "0.0.0.0", "--join-window", "1", "--ports=0", "bench-cluster"},
                new String[] {"send", "serve"}, new String[] {"help", "serve"},
                new String[] {"--cluster", "h:1", "--label", "x"})) {
            picocli.CommandLine.ParseResult parsed = Main.commandLine().parseArgs(args);
            String expected = parsed.subcommand() == null ? null : parsed.subcommand().commandSpec().name();
            assertEquals(expected, Arguments.command(args), String.join(" ", args));
        }
        // picocli never takes a command's name as a value of Main's options: not the app (a mistake)
        assertEquals("send", Arguments.command(new String[] {"--label", "send"}));
        assertEquals(2, run("--label", "send").code());
        assertEquals("serv", Arguments.command(new String[] {"--ports", "0", "serv"}));
        assertEquals(null, Arguments.command(new String[] {"--label"}));
    }
}
