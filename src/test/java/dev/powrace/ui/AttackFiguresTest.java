package dev.powrace.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.attack.Tally;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The numbers and words the Attack tab shows, worked out from given tallies, with no toolkit: {@link AttackFigures}
 * has no JavaFX in it. The intervals' expected bounds come from SciPy 1.17 ({@code beta.ppf(0.005, x, n - x + 1)}
 * and {@code beta.ppf(0.995, x + 1, n - x)}), not from the code under test.
 */
class AttackFiguresTest {
    private static Tally tally(double q, int z, long attacks, long successes, long undecided) {
        return new Tally(q, z, attacks, successes, undecided, 0, 0, 0);
    }

    private static AttackFigures.Point only(AttackFigures f) {
        assertEquals(1, f.points().size());
        return f.points().get(0);
    }

    @Test
    void theSentenceSaysTheCountsAndWhatEachFormulaExpectsOfThem() {
        AttackFigures f = AttackFigures.of(10, 5, List.of(tally(0.1, 5, 10_000, 30, 0)), 5);
        // 10,000 × 0.0009137 = 9.1 by the paper's formula, 10,000 × 0.0017818 = 17.8 by the exact one
        assertEquals("With 10% of the hash power, the attacker caught up in 30 of 10,000 attacks at z = 5: the "
                + "paper's formula says 9, the exact one 18.", f.sentence());
    }

    @Test
    void oneAttackIsOneAttack() {
        AttackFigures f = AttackFigures.of(30, 2, List.of(tally(0.3, 2, 1, 1, 0)), 2);
        assertEquals("With 30% of the hash power, the attacker caught up in 1 of 1 attack at z = 2: the paper's "
                + "formula says 0.45, the exact one 0.43.", f.sentence());
    }

    @Test
    void atHalfTheHashPowerTheAttacksStoppedAtTheCapAreSaid() {
        AttackFigures f = AttackFigures.of(50, 3, List.of(tally(0.5, 3, 100, 97, 3)), 3);
        assertEquals("With 50% of the hash power, the attacker caught up in 97 of 100 attacks at z = 3: the paper's "
                + "formula says 100, the exact one 100. 3 were still behind after the block cap, stopped: given "
                + "time, every one catches up.", f.sentence());
        assertEquals(1.0, only(f).nakamoto());
        assertEquals(1.0, only(f).rosenfeld());
        // 97 of 100 puts 1 above the interval: the three stopped count as not caught up
        assertTrue(f.verdict().endsWith(": both formulas say 100%, outside it."), f.verdict());
    }

    @Test
    void beforeAnyAttackTheSentenceGivesBothFormulas() {
        AttackFigures f = AttackFigures.of(10, 6, List.of(), -1);
        assertEquals("With 10% of the hash power, the paper's formula says the attacker catches up 0.0243% of the "
                + "time at z = 6, the exact one 0.0591%. Run the attacks to measure it.", f.sentence());
        assertEquals("", f.verdict());
        assertTrue(f.points().isEmpty());
    }

    @Test
    void withNoAttacksAtTheChosenZTheLatestMeasuredIsTold() {
        AttackFigures f = AttackFigures.of(10, 6, List.of(tally(0.1, 5, 10_000, 30, 0), tally(0.1, 3, 0, 0, 0)), 5);
        assertTrue(f.sentence().contains("30 of 10,000 attacks at z = 5"), f.sentence());
        assertEquals(1, f.points().size(), "a tally with no attacks is no point");
    }

    @Test
    void thePointsAreInTheOrderOfZAndTheCurvesRunFromZeroToTen() {
        AttackFigures f = AttackFigures.of(10, 5, List.of(tally(0.1, 7, 100, 0, 0), tally(0.1, 2, 100, 5, 0),
                tally(0.1, 5, 100, 1, 0)), 7);
        assertEquals(List.of(2, 5, 7), f.points().stream().map(AttackFigures.Point::z).toList());
        assertEquals(AttackFigures.MAX_Z + 1, f.nakamoto().length);
        assertEquals(AttackFigures.MAX_Z + 1, f.rosenfeld().length);
        assertEquals(1.0, f.rosenfeld()[0]);
        assertEquals(0.0009137, f.nakamoto()[5], 5e-8); // the table
        assertEquals(0.0017818, f.rosenfeld()[5], 5e-8);
        assertEquals(0.0000012, f.nakamoto()[10], 5e-8);
        assertEquals(0.0000079, f.rosenfeld()[10], 5e-8);
    }

    @Test
    void theIntervalIsClopperPearsonAtNinetyNinePercent() {
        AttackFigures.Point p = only(AttackFigures.of(10, 5, List.of(tally(0.1, 5, 10_000, 18, 0)), 5));
        assertEquals(0.0018, p.rate());
        assertEquals(0.0008946968550979641, p.low(), 1e-12);
        assertEquals(0.003206809806606009, p.high(), 1e-12);

        AttackFigures.Point none = only(AttackFigures.of(10, 8, List.of(tally(0.1, 8, 20_000, 0, 0)), 8));
        assertEquals(0.0, none.low());
        assertEquals(0.00026488078121720177, none.high(), 1e-12); // 1 − 0.005^(1/20000)

        AttackFigures.Point all = only(AttackFigures.of(30, 0, List.of(tally(0.3, 0, 20_000, 20_000, 0)), 0));
        assertEquals(0.9997351192187828, all.low(), 1e-12); // 0.005^(1/20000)
        assertEquals(1.0, all.high());
    }

    @Test
    void theVerdictSaysWhichFormulaTheIntervalHolds() {
        // 18 of 10,000: 0.0895% to 0.321% holds 0.178% and, just, 0.0914%
        AttackFigures.Point both = only(AttackFigures.of(10, 5, List.of(tally(0.1, 5, 10_000, 18, 0)), 5));
        assertTrue(both.holdsExact());
        assertTrue(both.holdsPaper());
        assertEquals("99% interval 0.0895% to 0.321%: holds the exact value and holds the paper's.",
                AttackFigures.verdict(both));
        // 30 of 10,000: 0.178% to 0.472% holds 0.17818% (its low end is 0.17777%), not 0.0914%
        AttackFigures f = AttackFigures.of(10, 5, List.of(tally(0.1, 5, 10_000, 30, 0)), 5);
        assertEquals("99% interval 0.178% to 0.472%: holds the exact value, not the paper's.", f.verdict());
        // 60 of 10,000: above both
        AttackFigures.Point neither = only(AttackFigures.of(10, 5, List.of(tally(0.1, 5, 10_000, 60, 0)), 5));
        assertFalse(neither.holdsExact());
        assertFalse(neither.holdsPaper());
        assertTrue(AttackFigures.verdict(neither).endsWith(": misses the exact value and the paper's."));
    }

    @Test
    void percentagesHaveThreeSignificantDigits() {
        assertEquals("0.00079%", AttackFigures.percent(0.0000079));
        assertEquals("0.178%", AttackFigures.percent(0.0017818));
        assertEquals("19.8%", AttackFigures.percent(0.1976173));
        assertEquals("20%", AttackFigures.percent(0.2));
        assertEquals("0%", AttackFigures.percent(0));
        assertEquals("100%", AttackFigures.percent(1));
        assertEquals("—", AttackFigures.percent(Double.NaN));
    }

    @Test
    void expectedCountsAreWholeFromOneOnAndTwoDigitsBelow() {
        assertEquals("1,235", AttackFigures.expected(1234.6));
        assertEquals("1", AttackFigures.expected(1));
        assertEquals("0.45", AttackFigures.expected(0.4457));
        assertEquals("0.012", AttackFigures.expected(0.01234));
        assertEquals("0", AttackFigures.expected(0));
    }

    @Test
    void aRunIsRefusedOutsideItsLimits() {
        assertTrue(AttackModel.problem(30, 6, 1000).isEmpty());
        assertTrue(AttackModel.problem(5, 0, 1).isEmpty());
        assertTrue(AttackModel.problem(50, 10, 1_000_000).isEmpty());
        assertEquals("The attacker's share must be 5% to 50%, not 4%", AttackModel.problem(4, 6, 1000).get());
        assertEquals("The attacker's share must be 5% to 50%, not 51%", AttackModel.problem(51, 6, 1000).get());
        assertEquals("z must be 0 to 10, not 11", AttackModel.problem(30, 11, 1000).get());
        assertEquals("Attacks must be 1 to 1,000,000, not 0", AttackModel.problem(30, 6, 0).get());
    }
}
