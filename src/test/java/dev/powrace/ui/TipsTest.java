package dev.powrace.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** A tooltip made when the pointer first comes over its control ({@link Tips}), its text the control's help at once. */
@Tag("GUITest")
@ExtendWith(ApplicationExtension.class)
class TipsTest {
    Label label;

    @Start
    void start(Stage stage) {
        label = new Label("hash rate");
        label.setId("tipped");
        Tips.set(label, "Hashes a second");
        stage.setScene(new Scene(new StackPane(label), 300, 200));
        stage.show();
        stage.requestFocus(); // TestFX issue 749 on JavaFX 20+
    }

    @Test
    void theTooltipIsMadeWhenThePointerFirstComesOver(FxRobot robot) throws Exception {
        assertNull(WaitForAsyncUtils.asyncFx(label::getTooltip).get(10, TimeUnit.SECONDS), "none before");
        assertEquals("Hashes a second", WaitForAsyncUtils.asyncFx(label::getAccessibleHelp).get(10, TimeUnit.SECONDS));
        robot.moveTo("#tipped");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> label.getTooltip() != null);
        assertEquals("Hashes a second", WaitForAsyncUtils.asyncFx(() -> label.getTooltip().getText()).get(10, TimeUnit.SECONDS));
    }
}
