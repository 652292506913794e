package dev.powrace.ui;

import dev.powrace.attack.Attack;
import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableBooleanValue;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Circle;
import javafx.scene.shape.Line;

/**
 * The Attack tab: the double-spend lesson of the Bitcoin paper's section 11, measured. Controls for the attacker's
 * share q, the confirmations z and the number of attacks; the session's measured rates with their 99% intervals
 * over the paper's and the exact formula on a log scale; the lesson in words; and one attack played slowly. Every
 * figure comes from the {@link AttackModel}, which mines and sums off the FX thread.
 */
final class AttackView extends BorderPane {
    static final int DEFAULT_PERCENT = 30;
    static final int DEFAULT_Z = 6;
    static final int DEFAULT_ATTACKS = 1_000;

    private final AttackModel model;
    private final AttackChart chart = new AttackChart();
    private final Label sentence = new Label();
    private final Label verdict = new Label();
    private final ReplayPane replay;
    private final Spinner<Integer> share = new Spinner<>(5, 50, DEFAULT_PERCENT, 5);
    private final Spinner<Integer> z = new Spinner<>(0, AttackFigures.MAX_Z, DEFAULT_Z);
    private final Spinner<Integer> attacks = new Spinner<>(AttackModel.MIN_ATTACKS, AttackModel.MAX_ATTACKS,
            DEFAULT_ATTACKS, 1_000);
    private final CheckBox sweep = new CheckBox("every z from 1 to z");
    private final Label problem = new Label();
    private boolean showing;
    private boolean stale;
    private int played;

    AttackView(AttackModel model) {
        this.model = model;
        setId("attackView");
        getStyleClass().add("attack-view");

        share.setId("attackShare");
        z.setId("attackZ");
        attacks.setId("attackCount");
        sweep.setId("attackSweep");
        sweep.setSelected(true);
        for (Spinner<Integer> s : java.util.List.of(share, z, attacks)) {
            s.setEditable(true);
            s.getValueFactory().setConverter(NodeCard.lenient(s)); // typed junk keeps the value
            s.disableProperty().bind(model.runningProperty());
        }
        share.setPrefWidth(76);
        z.setPrefWidth(70);
        attacks.setPrefWidth(104);
        sweep.disableProperty().bind(model.runningProperty());
        share.setTooltip(new Tooltip("The attacker's share of the hash power, 5% to 50%: of every slice of hashes "
                + "exactly this share goes to its private chain"));
        z.setTooltip(new Tooltip("Confirmations: the blocks the merchant waits for on top of the payment before "
                + "shipping, 0 to " + AttackFigures.MAX_Z));
        attacks.setTooltip(new Tooltip("Attacks to mine at each z, " + AttackModel.MIN_ATTACKS + " to "
                + String.format(Locale.ROOT, "%,d", AttackModel.MAX_ATTACKS)));
        sweep.setTooltip(new Tooltip("Measure every z from 1 to the chosen one, one after another, "
                + "rather than the chosen z alone"));

        Button run = new Button();
        run.setId("attackRun");
        run.getStyleClass().add("series-button");
        run.textProperty().bind(Bindings.when(model.runningProperty()).then("Stop").otherwise("Run the attacks"));
        run.setOnAction(e -> runOrStop());
        Button clear = new Button("Start over");
        clear.setId("attackClear");
        clear.setTooltip(new Tooltip("Forget the attacks measured so far"));
        clear.setOnAction(e -> model.clear());
        Label progress = new Label();
        progress.setId("attackProgress");
        progress.getStyleClass().add("series-progress");
        progress.textProperty().bind(model.progressProperty());
        progress.setMinWidth(Region.USE_PREF_SIZE);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox controls = new HBox(8, caption("attacker's share %", share), share, caption("z", z), z,
                caption("attacks", attacks), attacks, sweep, run, progress, spacer, clear);
        controls.setAlignment(Pos.CENTER_LEFT);

        problem.setId("attackProblem");
        problem.getStyleClass().add("input-error");
        problem.setManaged(false);
        problem.setVisible(false);

        sentence.setId("attackSentence");
        sentence.getStyleClass().add("attack-sentence");
        sentence.setWrapText(true);
        sentence.setMinHeight(Region.USE_PREF_SIZE);
        verdict.setId("attackVerdict");
        verdict.getStyleClass().add("caption");
        VBox top = new VBox(8, controls, problem, sentence, verdict);
        top.setPadding(new Insets(0, 0, 10, 0));
        setTop(top);

        Label chartTitle = new Label("How often the attacker catches up, by the blocks the merchant waits for");
        chartTitle.getStyleClass().add("section-title");
        Label chartNote = new Label("A payment with z confirmations can be undone if the attacker's private chain "
                + "ever catches up with the honest one. Log scale: each line down is ten times less likely.");
        chartNote.getStyleClass().add("caption");
        chartNote.setWrapText(true);
        chartNote.setMinHeight(Region.USE_PREF_SIZE);
        chart.setPrefSize(600, 260);
        VBox.setVgrow(chart, Priority.ALWAYS);
        VBox chartCard = new VBox(4, chartTitle, chartNote, legend(), chart);
        chartCard.getStyleClass().add("stats-card");
        chartCard.setMinHeight(0);

        replay = new ReplayPane(this::nextToPlay);
        Label replayTitle = new Label("One attack, block by block");
        replayTitle.getStyleClass().add("section-title");
        Label replayNote = new Label("A real attack of this session, replayed slowly: every block is a SHA-256 hash "
                + "that met the difficulty; whose it is, the hashes decided. Hover a block for its nonce and hash.");
        replayNote.getStyleClass().add("caption");
        replayNote.setWrapText(true);
        replayNote.setMinHeight(Region.USE_PREF_SIZE);
        VBox replayCard = new VBox(4, replayTitle, replayNote, replay);
        replayCard.getStyleClass().add("stats-card");

        VBox center = new VBox(12, chartCard, replayCard);
        VBox.setVgrow(chartCard, Priority.ALWAYS);
        setCenter(center);
        setPadding(new Insets(12, 16, 12, 16));

        share.valueProperty().addListener((obs, old, v) -> choose());
        z.valueProperty().addListener((obs, old, v) -> choose());
        model.figuresProperty().addListener((obs, old, f) -> {
            if (showing) {
                show(f);
            } else {
                stale = true;
            }
        });
        choose();
        show(model.figuresProperty().get());
    }

    /**
     * Runs while {@code on} is true (the tab is selected): the attacks under way are paused while it is not, the
     * replay holds still and nothing is redrawn.
     */
    void showWhile(ObservableBooleanValue on) {
        on.addListener((obs, was, is) -> setShowing(is));
        setShowing(on.get());
    }

    private void setShowing(boolean on) {
        showing = on;
        model.setShown(on);
        replay.play(on);
        if (on && stale) {
            stale = false;
            show(model.figuresProperty().get());
        }
    }

    /** Stops the replay for good: the window is closing. */
    void stop() {
        replay.play(false);
    }

    private void runOrStop() {
        if (model.runningProperty().get()) {
            model.stop();
            return;
        }
        share.commitValue();
        z.commitValue();
        attacks.commitValue();
        var why = AttackModel.problem(share.getValue(), z.getValue(), attacks.getValue());
        if (why.isPresent()) {
            problem.setText(why.get());
            problem.setManaged(true);
            problem.setVisible(true);
            return;
        }
        problem.setManaged(false);
        problem.setVisible(false);
        model.start(share.getValue(), z.getValue(), attacks.getValue(), sweep.isSelected());
    }

    private void choose() {
        model.choose(share.getValue(), z.getValue());
    }

    /** Every other attack played is the latest that caught up (when there is one), the others the latest decided. */
    private Attack.Result nextToPlay() {
        played++;
        Attack.Result caught = model.latestAttack(true);
        return played % 2 == 0 && caught != null ? caught : model.latestAttack(false);
    }

    private void show(AttackFigures f) {
        chart.show(f);
        sentence.setText(f.sentence());
        verdict.setText(f.verdict());
    }

    private static Label caption(String text, Node labelFor) {
        Label l = new Label(text);
        l.setLabelFor(labelFor);
        l.getStyleClass().add("caption");
        return l;
    }

    private static Node legend() {
        Line paper = new Line(0, 0, 26, 0);
        paper.getStyleClass().add("paper-curve");
        Line exact = new Line(0, 0, 26, 0);
        exact.getStyleClass().add("exact-curve");
        Line bar = new Line(0, 0, 0, 14);
        bar.getStyleClass().add("measured-interval");
        Circle dot = new Circle(0, 7, 4.5);
        dot.getStyleClass().add("measured-point");
        HBox box = new HBox(14, item(paper, "the paper's formula (Nakamoto 2008, §11)"), item(exact,
                "the exact one (Rosenfeld 2014)"), item(new javafx.scene.Group(bar, dot),
                        "measured here, with its 99% interval"));
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }

    private static Node item(Node mark, String text) {
        Label l = new Label(text);
        l.getStyleClass().add("caption");
        HBox h = new HBox(5, mark, l);
        h.setAlignment(Pos.CENTER_LEFT);
        return h;
    }
}
