package dev.powrace.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.powrace.cluster.ClusterException;
import dev.powrace.cluster.ClusterView;
import dev.powrace.ledger.Audit;
import dev.powrace.ledger.Ledger;
import dev.powrace.ledger.LedgerException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;

/**
 * The commands' cluster side: {@code nodes}, {@code export}, and {@code send}/{@code verify} with
 * {@code --cluster}. Like ClusterMode, the only classes outside dev.powrace.cluster that name it, and loaded
 * only when a command is given --cluster, so local commands load no ZooKeeper class.
 */
final class ClusterCommands {
    /** How long a command waits for the cluster. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private ClusterCommands() {}

    static int nodes(String connect, String secret, boolean json, PrintWriter out, PrintWriter err) {
        List<ClusterView.Node> nodes;
        try (ClusterView view = ClusterView.connect(connect, secret, CONNECT_TIMEOUT)) {
            nodes = view.nodes();
        } catch (ClusterException e) {
            err.println("powrace: " + e.getMessage());
            return 2;
        }
        if (json) {
            ObjectNode root = Ledger.json().createObjectNode().put("cluster", connect);
            ArrayNode list = root.putArray("nodes");
            for (ClusterView.Node n : nodes) {
                ObjectNode o = list.addObject().put("name", n.name()).put("host", n.host()).put("port", n.port())
                        .put("engine", n.engine());
                if (n.hashRate() == null) {
                    o.putNull("hash_rate");
                } else {
                    o.put("hash_rate", n.hashRate());
                }
                o.put("wins", n.wins());
            }
            out.println(root.toString());
            return 0;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NODE", "HOST", "PORT", "ENGINE", "HASH RATE", "WON"});
        for (ClusterView.Node n : nodes) {
            rows.add(new String[] {n.name(), n.host(), n.port() < 0 ? "-" : Integer.toString(n.port()), n.engine(),
                    n.hashRate() == null ? "-" : rate(n.hashRate()), Long.toString(n.wins())});
        }
        int[] width = new int[6];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        if (!nodes.isEmpty()) {
            for (String[] r : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < r.length; i++) {
                    line.append(i == r.length - 1 ? r[i] : String.format("%-" + (width[i] + 2) + "s", r[i]));
                }
                out.println(line.toString().stripTrailing());
            }
        }
        long processes = nodes.stream().map(n -> n.name().substring(0, n.name().indexOf('/'))).distinct().count();
        out.println(nodes.size() + (nodes.size() == 1 ? " live node" : " live nodes") + " in " + processes
                + (processes == 1 ? " process" : " processes") + " at " + connect
                + (nodes.stream().anyMatch(n -> n.hashRate() == null) && !nodes.isEmpty()
                        ? " (HASH RATE: not published by the nodes yet)" : ""));
        return 0;
    }

    private static String rate(double hashesPerSecond) {
        String[] units = {"H/s", "kH/s", "MH/s", "GH/s"};
        double v = hashesPerSecond;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static int send(String connect, String secret, String text, PrintWriter out, PrintWriter err) {
        try (ClusterView view = ClusterView.connect(connect, secret, CONNECT_TIMEOUT)) {
            int live = view.liveNodes();
            if (live == 0) {
                err.println("powrace: no node is live in the cluster at " + connect + "; nothing was sent");
                return 1;
            }
            String submission = view.submit(text);
            // the line the cluster branch's own send --cluster prints (SendClusterTest), so either can stay
            out.println("submitted to the cluster at " + connect + " as " + submission + "; " + live
                    + (live == 1 ? " live node" : " live nodes"));
            return 0;
        } catch (ClusterException e) {
            err.println("powrace: " + e.getMessage());
            return 2;
        }
    }

    static int export(String connect, String secret, Path file, boolean force, CommandLine cl) {
        PrintWriter out = cl.getOut();
        PrintWriter err = cl.getErr();
        if (file != null && Files.exists(file) && !force) {
            err.println("powrace: " + file + " exists; give --force to replace it");
            return 2;
        }
        Path folder = file == null ? null : file.toAbsolutePath().normalize().getParent();
        if (file != null && (folder == null || !Files.isDirectory(folder))) {
            err.println("powrace: " + file + " can't be written: its folder does not exist");
            return 2;
        }
        ClusterView.Export export;
        try (ClusterView view = ClusterView.connect(connect, secret, CONNECT_TIMEOUT)) {
            export = view.export();
        } catch (ClusterException e) {
            err.println("powrace: " + e.getMessage());
            return 2;
        }
        for (String z : export.unreadable()) {
            err.println("powrace: the cluster ledger's " + z + " is not a JSON object; left out");
        }
        if (file == null) {
            out.print(new String(export.bytes(), StandardCharsets.UTF_8));
            out.flush();
        } else {
            try {
                write(file, export.bytes(), force);
            } catch (FileAlreadyExistsException e) {
                err.println("powrace: " + file + " exists; give --force to replace it");
                return 2;
            } catch (IOException e) {
                err.println("powrace: " + file + " can't be written: " + e.getMessage());
                return 2;
            }
            err.println("powrace: wrote " + VerifyCommand.entries(export.znodes().size()) + " of the cluster at "
                    + connect + " to " + file);
        }
        return export.unreadable().isEmpty() ? 0 : 1;
    }

    /**
     * Writes a file safely: a temporary file in the same folder, synced, then linked into place (which never
     * replaces a file) or, with {@code replace}, moved over it atomically; then the folder is synced. Where
     * hard links are not allowed, the file is written in place with CREATE_NEW, which never replaces one either.
     */
    static void write(Path file, byte[] bytes, boolean replace) throws IOException {
        write(file, bytes, replace, Linker.REAL);
    }

    /** Puts {@code existing} in place under the new name {@code link}; fails if {@code link} exists. */
    interface Linker {
        void link(Path link, Path existing) throws IOException;

        Linker REAL = Files::createLink;
    }

    /** {@link #write(Path, byte[], boolean)} with the link step given; tests pass one that fails like FAT. */
    static void write(Path file, byte[] bytes, boolean replace, Linker linker) throws IOException {
        Path target = file.toAbsolutePath().normalize();
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException("its folder does not exist");
        }
        if (Files.isDirectory(target)) {
            throw new IOException("it is a folder");
        }
        Path temp = Files.createTempFile(dir, target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            if (replace) {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                try {
                    linker.link(target, temp); // atomic; fails if the file appeared meanwhile
                } catch (FileAlreadyExistsException e) {
                    throw e;
                } catch (IOException | UnsupportedOperationException noLinks) {
                    writeNew(target, bytes); // no hard links here (FAT, exFAT, VM shared folders)
                }
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException | UnsupportedOperationException ignored) {
                // not every platform can sync a folder
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Writes the file in place where it can't be linked: CREATE_NEW fails if it exists, so nothing is ever
     * replaced. The bytes are synced; if the write fails, the partial file is removed.
     */
    private static void writeNew(Path target, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            try {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            } catch (IOException | RuntimeException e) {
                try {
                    Files.deleteIfExists(target); // ours, and partly written: not an export
                } catch (IOException removal) {
                    e.addSuppressed(removal);
                }
                throw e;
            }
        }
    }

    static int verify(String connect, String secret, PrintWriter out, PrintWriter err) {
        ClusterView.Export export;
        dev.powrace.cluster.Forgeries forgeries;
        try (ClusterView view = ClusterView.connect(connect, secret, CONNECT_TIMEOUT)) {
            export = view.export();
            forgeries = view.forgeries();
        } catch (ClusterException e) {
            err.println("powrace: " + e.getMessage());
            return 2;
        }
        String name = "the cluster ledger at " + connect;
        Audit.Report report;
        Path temp = null;
        try {
            temp = Files.createTempFile("powrace-cluster-ledger", ".json");
            Files.write(temp, export.bytes());
            report = Audit.check(temp);
        } catch (LedgerException e) {
            err.println("powrace: " + name + ": " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("powrace: can't check " + name + ": " + e.getMessage());
            return 2;
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a stray temp file is harmless
                }
            }
        }
        for (String z : export.unreadable()) {
            out.println(z + ": not a JSON object");
        }
        for (Audit.Problem p : report.problems()) {
            out.println(export.znodes().get((int) p.index() - 1) + " (entry " + p.index() + ", "
                    + VerifyCommand.node(p) + ", " + VerifyCommand.describe(p) + "): " + p.reason());
        }
        forgeries.entries().forEach(out::println);
        forgeries.decisions().forEach(out::println);
        long total = report.entries() + export.unreadable().size();
        int bad = report.problems().size() + export.unreadable().size() + forgeries.entries().size();
        String decisions = forgeries.decisions().isEmpty() ? "" : "; " + forgeries.decisions().size() + " forged "
                + (forgeries.decisions().size() == 1 ? "decision" : "decisions") + " set aside by the cluster";
        if (bad == 0) {
            out.println(name + ": " + VerifyCommand.entries(total) + ", all valid" + decisions);
            return decisions.isEmpty() ? 0 : 1;
        }
        out.println(name + ": " + bad + " of " + VerifyCommand.entries(total) + " invalid" + decisions);
        return 1;
    }
}
