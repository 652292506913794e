package dev.powrace.ui;

import javafx.event.EventHandler;
import javafx.scene.control.Control;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseEvent;

/**
 * Tooltips made when the pointer first comes over their control. A {@link Tooltip} is a popup window of its own
 * (a scene and a styling bridge): the window's first scene had some twenty, a fifth of the time its view took to
 * build at the start (docs/performance.md, Start-up). The text is the control's accessible help at once, as the
 * tooltip's would be.
 */
final class Tips {
    private Tips() {}

    /** Gives {@code c} the tooltip {@code text}, made when the pointer first enters it. */
    static void set(Control c, String text) {
        c.setAccessibleHelp(text);
        c.addEventHandler(MouseEvent.MOUSE_ENTERED, new EventHandler<MouseEvent>() {
            @Override
            public void handle(MouseEvent e) {
                c.removeEventHandler(MouseEvent.MOUSE_ENTERED, this);
                if (c.getTooltip() == null) {
                    c.setTooltip(new Tooltip(text)); // it shows as the pointer moves on, as any tooltip does
                }
            }
        });
    }
}
