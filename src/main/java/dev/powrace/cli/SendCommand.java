package dev.powrace.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "send", mixinStandardHelpOptions = true,
        description = "Sends one transaction to every node at once, as the nc line does, and prints each "
                + "node's reply. Exit code 0 if every node took it, 1 otherwise.")
final class SendCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--ports", split = ",", paramLabel = "PORT", defaultValue = "5000,5001,5002",
            description = "The nodes' ports (default: ${DEFAULT-VALUE}).")
    List<Integer> ports;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Where the nodes listen (default: ${DEFAULT-VALUE}).")
    String host;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "The transaction; several words are joined "
            + "with spaces.")
    List<String> words;

    @Override
    public Integer call() {
        String text = String.join(" ", words);
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw new ParameterException(spec.commandLine(), "a transaction is one line: TEXT has a line break");
        }
        if (text.isBlank()) {
            throw new ParameterException(spec.commandLine(), "TEXT is blank");
        }
        PrintWriter out = spec.commandLine().getOut();
        List<CompletableFuture<String>> replies = ports.stream()
                .map(p -> CompletableFuture.supplyAsync(() -> send(host, p, text))).toList();
        boolean allOk = true;
        for (int i = 0; i < ports.size(); i++) {
            String reply = replies.get(i).join();
            allOk &= reply.startsWith("OK ");
            out.println(ports.get(i) + ": " + reply);
        }
        return allOk ? 0 : 1;
    }

    /** Sends one line to one node and returns its reply line (or what went wrong). */
    static String send(String host, int port, String text) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 3000);
            socket.setSoTimeout(10_000);
            OutputStream o = socket.getOutputStream();
            o.write((text + "\n").getBytes(StandardCharsets.UTF_8));
            o.flush();
            socket.shutdownOutput();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line = in.readLine();
            return line == null ? "ERR no reply (the node closed the connection)" : line;
        } catch (ConnectException e) {
            return "ERR nothing listens on " + host + ":" + port;
        } catch (SocketTimeoutException e) {
            return "ERR no reply within 10 s";
        } catch (IOException e) {
            return "ERR " + e.getMessage();
        }
    }
}
