package dev.powrace.ui;

import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Spinner;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/** One node: name and port, state, live hash-rate bar, progress bar (each captioned), start/end/elapsed, wins. */
final class NodeCard extends VBox {
    NodeCard(NodeModel m) {
        String n = m.name();
        setId("nodeCard-" + n);
        getStyleClass().add("node-card");

        Label name = new Label(n);
        name.getStyleClass().add("node-name");
        Label port = new Label(":" + m.port());
        port.getStyleClass().add("node-port");
        Label state = new Label();
        state.setId("state-" + n);
        state.getStyleClass().add("state-badge");
        state.textProperty().bind(Bindings.createStringBinding(() -> m.stateProperty().get().label(), m.stateProperty()));
        m.stateProperty().addListener((obs, old, s) -> {
            state.getStyleClass().remove(old.styleClass());
            state.getStyleClass().add(s.styleClass());
        });
        state.getStyleClass().add(m.stateProperty().get().styleClass());
        Label wins = new Label();
        wins.setId("wins-" + n);
        wins.getStyleClass().add("wins");
        wins.textProperty().bind(Bindings.createStringBinding(
                () -> m.winsProperty().get() + (m.winsProperty().get() == 1 ? " win" : " wins"), m.winsProperty()));
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox head = new HBox(8, name, port, spacer, wins, state);
        head.setAlignment(Pos.BASELINE_LEFT);

        ProgressBar rateBar = new ProgressBar(0);
        rateBar.setId("rateBar-" + n);
        rateBar.getStyleClass().add("rate-bar");
        rateBar.setMaxWidth(Double.MAX_VALUE);
        rateBar.progressProperty().bind(m.rateShareProperty());
        styleWhile(rateBar, m.settledProperty(), "settled");
        GridPane.setHgrow(rateBar, Priority.ALWAYS);
        Label rate = new Label();
        rate.setId("rate-" + n);
        rate.getStyleClass().add("rate");
        rate.textProperty().bind(m.rateTextProperty());
        Label rateCaption = barCaption("hash rate", rateBar, "rateCaption-" + n, "Hashes a second, over the last half "
                + "second; between races the last attempt's average (avg). A full bar is the fastest recent rate.");

        ProgressBar progress = new ProgressBar(0);
        progress.setId("progress-" + n);
        progress.getStyleClass().add("work-bar");
        progress.setMaxWidth(Double.MAX_VALUE);
        progress.progressProperty().bind(m.progressProperty());
        Label progressCaption = barCaption("progress", progress, "progressCaption-" + n, "Hashes tried in this "
                + "attempt, against the 256^difficulty a search needs on average: a full bar is one average search");

        // Each bar with its caption on its left, the captions in a column of their own.
        GridPane bars = new GridPane();
        bars.getStyleClass().add("card-bars");
        bars.setHgap(8);
        bars.setVgap(4);
        bars.addRow(0, rateCaption, rateBar, rate);
        bars.add(progressCaption, 0, 1);
        bars.add(progress, 1, 1, 2, 1);
        Label hashes = new Label();
        hashes.setId("hashes-" + n);
        hashes.getStyleClass().add("figure");
        hashes.textProperty().bind(m.progressTextProperty());
        Tips.set(hashes, "Hashes tried in this attempt, against the 256^difficulty a search needs on average");

        GridPane times = new GridPane();
        times.getStyleClass().add("times");
        times.setHgap(10);
        times.setVgap(2);
        times.addRow(0, caption("start"), value("start-" + n, m.startTextProperty()));
        times.addRow(1, caption("end"), value("end-" + n, m.endTextProperty()));
        times.addRow(2, caption("elapsed"), value("elapsed-" + n, m.elapsedTextProperty()));

        Spinner<Integer> power = powerSpinner(m);
        power.setId("power-" + n);
        Label powerCaption = caption("power %");
        powerCaption.setLabelFor(power);
        HBox powerBox = new HBox(6, powerCaption, power);
        powerBox.setAlignment(Pos.BOTTOM_RIGHT);
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox foot = new HBox(8, times, gap, powerBox);
        foot.setAlignment(Pos.BOTTOM_LEFT);

        getChildren().addAll(head, bars, hashes, foot);
        setSpacing(6);
        styleWhile(this, m.winnerProperty(), "winner");
    }

    /**
     * A node's hash power, 1 to 100 percent of its thread's time, applied from its next race: typed (committed on
     * Enter or when the field loses focus) or stepped with the arrows.
     */
    static Spinner<Integer> powerSpinner(NodeModel m) {
        return powerSpinner(m, tie -> {});
    }

    /**
     * As {@link #powerSpinner(NodeModel)}, for a spinner that may go while {@code m} stays: {@code ties} is given
     * what undoes the spinner's listener on {@code m}.
     */
    static Spinner<Integer> powerSpinner(NodeModel m, java.util.function.Consumer<javafx.util.Subscription> ties) {
        Spinner<Integer> s = new Spinner<>(1, 100, m.powerProperty().get(), 5);
        s.setEditable(true);
        s.getStyleClass().add("power-spinner");
        s.setPrefWidth(72);
        s.setMinWidth(72);
        Tips.set(s, m.name() + "'s hash power: the share of its thread's time it mines, 1 to 100%. "
                + "Applies from its next race.");
        s.valueProperty().addListener((obs, old, v) -> {
            if (v != null) {
                m.setPower(v);
            }
        });
        ties.accept(m.powerProperty().subscribe((old, v) -> s.getValueFactory().setValue(v.intValue())));
        s.getValueFactory().setConverter(lenient(s));
        return s;
    }

    /**
     * Reads "50" or "50 %"; anything else (nothing, "2x") leaves the spinner's value as it was, and its field shows
     * that value again (a spinner commits on Enter and on focus loss).
     */
    static javafx.util.StringConverter<Integer> lenient(Spinner<Integer> s) {
        return new javafx.util.StringConverter<>() {
            @Override
            public String toString(Integer v) {
                return v == null ? "" : v.toString();
            }

            @Override
            public Integer fromString(String text) {
                try {
                    return Integer.parseInt(text == null ? "" : text.trim().replace("%", "").trim());
                } catch (NumberFormatException e) {
                    Integer kept = s.getValue();
                    javafx.application.Platform.runLater(() -> s.getEditor().setText(toString(s.getValue())));
                    return kept;
                }
            }
        };
    }

    /** Gives {@code node} the style class while {@code on} is true. */
    private static void styleWhile(javafx.scene.Node node, javafx.beans.value.ObservableValue<Boolean> on,
            String styleClass) {
        on.addListener((obs, was, is) -> {
            if (is) {
                node.getStyleClass().add(styleClass);
            } else {
                node.getStyleClass().remove(styleClass);
            }
        });
    }

    /** A bar's name, on its left: what the bar measures (the tooltip says how). */
    private static Label barCaption(String text, javafx.scene.Node bar, String id, String tooltip) {
        Label l = caption(text);
        l.setId(id);
        l.setLabelFor(bar);
        l.setMinWidth(Region.USE_PREF_SIZE);
        Tips.set(l, tooltip);
        return l;
    }

    private static Label caption(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("caption");
        return l;
    }

    private static Label value(String id, javafx.beans.value.ObservableValue<String> text) {
        Label l = new Label();
        l.setId(id);
        l.getStyleClass().add("time");
        l.textProperty().bind(text);
        return l;
    }
}
