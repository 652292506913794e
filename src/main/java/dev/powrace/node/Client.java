package dev.powrace.node;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Sends a transaction to nodes the way nc does: one line per node, over TCP, and reads the reply. */
public final class Client {
    private Client() {}

    /** Sends one line to one node and returns its reply line, or an {@code ERR} line saying what went wrong. */
    public static String send(String host, int port, String text) {
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
            return "ERR nothing listens on " + Address.of(host, port);
        } catch (SocketTimeoutException e) {
            return "ERR no reply within 10 s";
        } catch (IOException e) {
            return "ERR " + e.getMessage();
        }
    }

    /** Sends one line to every port at once and returns the replies in port order. */
    public static List<String> sendToAll(String host, List<Integer> ports, String text) {
        List<CompletableFuture<String>> replies = ports.stream()
                .map(p -> CompletableFuture.supplyAsync(() -> send(host, p, text))).toList();
        return replies.stream().map(CompletableFuture::join).toList();
    }

    /** Where a client reaches nodes bound to {@code bind}: the wildcard address means this machine. */
    public static String hostFor(String bind) {
        return bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]") ? "127.0.0.1" : bind;
    }
}
