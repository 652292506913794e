package dev.powrace.cluster;

import dev.powrace.ledger.Ledger;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The lock that makes a ledger file one process's copy of the cluster's ledger. */
final class CopyLock {
    private CopyLock() {}

    /**
     * Takes the ledger file as this process's copy of the cluster's ledger: two processes copying into one file
     * would append every entry twice. The lock is on a file beside it, "&lt;ledger&gt;.lock", held until close.
     */
    static FileLock take(Ledger ledger) throws ClusterException {
        Path lock = ledger.path().resolveSibling(ledger.path().getFileName() + ".lock");
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock held = channel.tryLock();
            if (held != null) {
                return held;
            }
        } catch (OverlappingFileLockException inThisJvm) {
            // held by another referee of this JVM
        } catch (IOException e) {
            throw new ClusterException("can't lock " + lock + " to keep " + ledger.path() + " as this process's copy "
                    + "of the cluster's ledger: " + e.getMessage());
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // it was only opened
        }
        throw new ClusterException(ledger.path() + " is already the cluster ledger's copy of another powrace "
                + "process; give each process its own --ledger");
    }

}
