package dev.powrace.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code export --cluster --out FILE} where hard links are not allowed (FAT, exFAT, VM shared folders): issue 19. */
class ClusterExportWriteTest {
    private static final byte[] BYTES = "[{\"n\":1}]\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    /** The ways a file system without hard links refuses one. */
    private static final List<ClusterCommands.Linker> NO_LINKS = List.of(
            (link, existing) -> {
                throw new UnsupportedOperationException("links not supported");
            },
            (link, existing) -> {
                throw new FileSystemException(link.toString(), existing.toString(), "Operation not permitted");
            },
            (link, existing) -> {
                throw new IOException("Function not implemented");
            });

    @Test
    void writesTheFileWhereLinksAreNotAllowed() throws IOException {
        for (int i = 0; i < NO_LINKS.size(); i++) {
            Path file = dir.resolve("export-" + i + ".json");
            ClusterCommands.write(file, BYTES, false, NO_LINKS.get(i));
            assertArrayEquals(BYTES, Files.readAllBytes(file), "linker " + i);
        }
        assertEquals(List.of(), leftovers(), "no temporary file is left");
    }

    @Test
    void stillRefusesAnExistingFileWithoutForce() throws IOException {
        for (int i = 0; i < NO_LINKS.size(); i++) {
            Path file = dir.resolve("mine-" + i + ".json");
            Files.writeString(file, "mine");
            ClusterCommands.Linker linker = NO_LINKS.get(i);
            assertThrows(FileAlreadyExistsException.class, () -> ClusterCommands.write(file, BYTES, false, linker),
                    "linker " + i);
            assertEquals("mine", Files.readString(file), "linker " + i);
        }
        assertEquals(List.of(), leftovers(), "no temporary file is left");
    }

    @Test
    void refusesAFileThatAppearsWhileLinking() throws IOException {
        Path file = dir.resolve("raced.json");
        // another process creates FILE just as the link is refused
        ClusterCommands.Linker raced = (link, existing) -> {
            Files.writeString(link, "theirs");
            throw new IOException("Function not implemented");
        };
        assertThrows(FileAlreadyExistsException.class, () -> ClusterCommands.write(file, BYTES, false, raced));
        assertEquals("theirs", Files.readString(file));
    }

    @Test
    void forceStillReplaces() throws IOException {
        Path file = dir.resolve("mine.json");
        Files.writeString(file, "mine");
        ClusterCommands.write(file, BYTES, true, NO_LINKS.get(2));
        assertArrayEquals(BYTES, Files.readAllBytes(file));
    }

    private List<String> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
        }
    }
}
