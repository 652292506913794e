package dev.powrace.ui;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.pow.EngineFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Attack tab's model with no toolkit: what it tells the engine calibration ({@code Network.addMiner}). */
class AttackModelTest {
    final AttackModel model = new AttackModel(EngineFactory.auto(), 1, Runnable::run);

    @AfterEach
    void stop() {
        model.close();
    }

    @Test
    void itIsMiningOnlyWhileARunIsUnderWayAndNotPaused() throws Exception {
        assertFalse(model.mining(), "no run yet");
        model.setShown(false); // the tab hidden: a run starts paused
        assertTrue(model.start(30, 6, 1_000_000, false));
        assertFalse(model.mining(), "paused while the tab is hidden");
        model.setShown(true);
        assertTrue(model.mining(), "under way");
        model.stop();
        for (int i = 0; i < 3000 && model.mining(); i++) { // the run ends within a slice; the bound only catches a hang
            Thread.sleep(10);
        }
        assertFalse(model.mining(), "stopped");
    }
}
