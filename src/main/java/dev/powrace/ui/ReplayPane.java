package dev.powrace.ui;

import dev.powrace.attack.Attack;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

/**
 * One attack, played slowly: the honest chain and the attacker's private chain growing block by block, in the order
 * their blocks were mined, with the merchant's z-th block marked and a line saying where the race stands. Each
 * attack played is one the run really mined (the latest decided, or the latest that caught up); when it ends, the
 * pane holds it a moment and takes the next.
 */
final class ReplayPane extends VBox {
    static final double ROW = 26;
    static final double LABEL = 118;
    /** An attack plays in about this long, a block at a time, 80 to 400 ms a block. */
    static final double PLAY_MILLIS = 9_000;
    static final double HOLD_MILLIS = 2_500;

    private final Supplier<Attack.Result> next;
    private final Pane chains = new Pane();
    private final Label narration = new Label();
    private final Label honestLabel = new Label("honest chain");
    private final Label attackerLabel = new Label("attacker's chain");
    private final Region zMark = new Region();
    private final Label zText = new Label();
    private final List<Region> blocks = new ArrayList<>();
    private Timeline timeline;
    private Attack.Result playing;
    private int shownBlocks;
    private int z;

    /** @param next the attack to play next, or null while there is none */
    ReplayPane(Supplier<Attack.Result> next) {
        this.next = next;
        setId("attackReplay");
        getStyleClass().add("replay");
        honestLabel.getStyleClass().addAll("replay-label", "honest");
        attackerLabel.getStyleClass().addAll("replay-label", "attacker");
        zMark.getStyleClass().add("replay-z");
        zText.getStyleClass().add("replay-z-text");
        for (javafx.scene.Node n : List.of(honestLabel, attackerLabel, zMark, zText)) {
            n.setManaged(false);
        }
        chains.getChildren().addAll(zMark, zText, honestLabel, attackerLabel);
        chains.setMinHeight(2 * ROW + 26);
        chains.setPrefHeight(2 * ROW + 26);
        narration.setId("replayNarration");
        narration.getStyleClass().add("replay-narration");
        narration.setWrapText(true);
        narration.setMinHeight(Region.USE_PREF_SIZE);
        narration.setText("Run the attacks to watch one of them here, block by block.");
        getChildren().addAll(chains, narration);
        setSpacing(6);
        setPadding(new Insets(4, 0, 0, 0));
        chains.widthProperty().addListener(o -> place());
    }

    /** Plays attacks one after another while {@code on} (the tab is shown), else holds still. */
    void play(boolean on) {
        if (!on) {
            if (timeline != null) {
                timeline.stop();
                timeline = null;
            }
            return;
        }
        if (timeline == null) {
            timeline = new Timeline(new KeyFrame(Duration.millis(100), e -> step()));
            timeline.setCycleCount(Animation.INDEFINITE);
            timeline.play();
        }
    }

    private long holdUntil;
    private long nextStepAt;

    private void step() {
        long now = System.nanoTime();
        if (playing == null || shownBlocks >= playing.blocks().size() && now >= holdUntil) {
            Attack.Result r = next.get();
            if (r == null || r == playing) {
                return;
            }
            start(r);
            nextStepAt = now;
        }
        if (shownBlocks < playing.blocks().size() && now >= nextStepAt) {
            shownBlocks++;
            nextStepAt = now + (long) (stepMillis() * 1e6);
            place();
            narrate();
            if (shownBlocks == playing.blocks().size()) {
                holdUntil = now + (long) (HOLD_MILLIS * 1e6);
            }
        }
    }

    private double stepMillis() {
        return Math.max(80, Math.min(400, PLAY_MILLIS / Math.max(1, playing.blocks().size())));
    }

    private void start(Attack.Result r) {
        playing = r;
        z = r.z();
        shownBlocks = 0;
        chains.getChildren().removeAll(blocks);
        blocks.clear();
        for (Attack.Block b : r.blocks()) {
            Region block = new Region();
            block.getStyleClass().addAll("replay-block", b.attacker() ? "attacker" : "honest");
            block.setManaged(false);
            block.setVisible(false);
            Tooltip.install(block, new Tooltip((b.attacker() ? "attacker's block " : "honest block ") + b.height()
                    + "\nnonce " + b.nonce() + "\n" + b.hash()));
            blocks.add(block);
        }
        chains.getChildren().addAll(blocks);
        place();
        narrate();
    }

    /** Lays the blocks out: each chain's blocks from the left, as wide as the longer chain lets them be. */
    private void place() {
        double width = chains.getWidth();
        honestLabel.resizeRelocate(0, 4, LABEL - 6, ROW - 4);
        attackerLabel.resizeRelocate(0, ROW + 8, LABEL - 6, ROW - 4);
        Attack.Result r = playing;
        int longest = r == null ? 1 : Math.max(1, Math.max(r.honestBlocks(), r.attackerBlocks()));
        longest = Math.max(longest, z);
        double cell = Math.max(3, Math.min(24, (width - LABEL - 4) / Math.max(1, longest)));
        double gap = cell >= 10 ? 3 : 1;
        for (int i = 0; i < blocks.size(); i++) {
            Attack.Block b = r.blocks().get(i);
            double x = LABEL + (b.height() - 1) * cell;
            double y = b.attacker() ? ROW + 8 : 4;
            blocks.get(i).resizeRelocate(x, y, cell - gap, ROW - 6);
            blocks.get(i).setVisible(i < shownBlocks);
        }
        boolean marked = r != null && z > 0;
        zMark.setVisible(marked);
        zText.setVisible(marked);
        if (marked) {
            double x = LABEL + z * cell - gap / 2;
            zMark.resizeRelocate(x, 0, 2, 2 * ROW + 12);
            zText.setText("z = " + z + ": the merchant ships");
            zText.resizeRelocate(Math.min(x - 2, Math.max(LABEL, width - 180)), 2 * ROW + 10, 180, 16);
        }
    }

    private void narrate() {
        Attack.Result r = playing;
        int honest = 0;
        int attacker = 0;
        for (int i = 0; i < shownBlocks; i++) {
            if (r.blocks().get(i).attacker()) {
                attacker++;
            } else {
                honest++;
            }
        }
        String where = String.format(Locale.ROOT, "honest %d, attacker %d", honest, attacker);
        if (shownBlocks < r.blocks().size() || r.blocks().isEmpty() && shownBlocks == 0 && r.hashes() > 0) {
            int behind = honest - attacker;
            narration.setText(where + (behind > 0 ? ": " + behind + " behind" : behind == 0 ? ": level"
                    : ": " + -behind + " ahead") + (honest < z ? ", the merchant waits for " + z : ""));
            return;
        }
        narration.setText(switch (r.outcome()) {
            case CAUGHT_UP -> where + ": the attacker caught up. It publishes its chain, the network takes it, and "
                    + "the payment never happened.";
            case GAVE_UP -> where + ": " + (honest - attacker) + " blocks behind, the attacker gives up (it would "
                    + "catch up less than once in a billion). The payment stands.";
            case UNDECIDED -> where + ": still going after the block cap; at 50% it catches up in the end.";
            case STOPPED -> where + ": stopped.";
        } + String.format(Locale.ROOT, " %,d hashes.", r.hashes()));
    }
}
