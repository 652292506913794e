package dev.powrace.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.DialogPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

@Tag("GUITest")
@ExtendWith(ApplicationExtension.class)
class CorruptLedgerTest {
    static final String CORRUPT = "[\n{\"node\":\"Node1\",\"transaction\":\"ok\"},\n{\"node\": oops\n]\n";

    @TempDir
    Path dir;

    Path ledger;
    Window window;

    @Start
    void start(Stage stage) {
        ledger = dir.resolve("ledger.json");
        try {
            Files.writeString(ledger, CORRUPT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        window = Window.open(stage, Settings.defaults().withPorts(List.of(0, 0, 0)), ledger, EngineFactory.digest(),
                () -> {});
    }

    @Test
    void aCorruptLedgerShowsADialogAndIsLeftByteForByte(FxRobot robot) throws Exception {
        assertNull(window, "no window, no nodes");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#errorDialog").tryQuery().isPresent());
        DialogPane dialog = robot.lookup("#errorDialog").queryAs(DialogPane.class);
        String text = WaitForAsyncUtils.asyncFx(() -> dialog.getHeaderText() + "\n" + dialog.getContentText())
                .get(10, TimeUnit.SECONDS);
        assertTrue(text.contains("ledger can't be used"), text);
        assertTrue(text.contains(ledger.toString()), text);
        assertTrue(text.contains("line 3"), text);
        assertTrue(!text.contains("Exception") && !text.contains("\tat "), "no stack trace: " + text);
        assertArrayEquals(CORRUPT.getBytes(java.nio.charset.StandardCharsets.UTF_8), Files.readAllBytes(ledger));
        robot.clickOn("Close");
        assertArrayEquals(CORRUPT.getBytes(java.nio.charset.StandardCharsets.UTF_8), Files.readAllBytes(ledger));
    }
}
