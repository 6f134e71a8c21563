package org.nightwatch.tools.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/**
 * The ratio of two models' false-positive rates, as the classifier comparison reports it: with a handful of
 * false positives the point estimate alone misleads, so its interval must be right.
 */
class EvaluationTest {
    @Test
    void rateRatioMatchesTheClopperPearsonIntervalComputedIndependently() {
        // scipy.stats.beta.ppf(0.025, 10, 3) = 0.515862, beta.ppf(0.975, 11, 2) = 0.979137; ratio = p / (1 - p)
        Evaluation.RateRatio r = Evaluation.rateRatio(10, 1000, 2, 1000);
        assertEquals(5.0, r.ratio(), 1e-12);
        assertEquals(1.065528, r.ci95Low(), 1e-5);
        assertEquals(46.93284, r.ci95High(), 1e-4);
        assertEquals(List.of(10L, 2L), r.falsePositives());
    }

    @Test
    void unequalNumbersOfBogusScaleTheRatio() {
        // twice the bogus behind the second count: the same counts mean half its rate, twice the ratio
        Evaluation.RateRatio same = Evaluation.rateRatio(10, 1000, 2, 1000);
        Evaluation.RateRatio more = Evaluation.rateRatio(10, 1000, 2, 2000);
        assertEquals(2 * same.ratio(), more.ratio(), 1e-9, "ratio");
        assertEquals(2 * same.ci95Low(), more.ci95Low(), 1e-9, "ci95_low");
        assertEquals(2 * same.ci95High(), more.ci95High(), 1e-9, "ci95_high");
    }

    @Test
    void noFalsePositivesOnOneSideLeaveTheBoundItCannotSetOpen() {
        Evaluation.RateRatio noneInSecond = Evaluation.rateRatio(3, 500, 0, 1000);
        assertNull(noneInSecond.ratio(), "no finite ratio over zero false positives");
        assertNull(noneInSecond.ci95High());
        // scipy.stats.beta.ppf(0.025, 3, 1) = 0.292402; ratio bound = p / (1 - p) * 1000 / 500
        assertEquals(0.292402 / (1 - 0.292402) * 2, noneInSecond.ci95Low(), 1e-5);

        Evaluation.RateRatio noneInFirst = Evaluation.rateRatio(0, 1000, 3, 500);
        assertEquals(0.0, noneInFirst.ratio());
        assertEquals(0.0, noneInFirst.ci95Low());
        // scipy.stats.beta.ppf(0.975, 1, 3) = 0.707598
        assertEquals(0.707598 / (1 - 0.707598) * 0.5, noneInFirst.ci95High(), 1e-5);

        Evaluation.RateRatio none = Evaluation.rateRatio(0, 1000, 0, 1000);
        assertNull(none.ratio());
        assertNull(none.ci95Low());
        assertNull(none.ci95High());
    }

    @Test
    void theIntervalCoversTheTrueRatioAtLeastNineteenTimesInTwenty() {
        // false positives are rare events: Poisson counts with a true ratio of 5, a few per side as on held-out sets
        Well19937c rng = new Well19937c(7);
        double n1 = 200_000;
        double n2 = 400_000;
        double r1 = 2.5e-5;
        double r2 = r1 / 5;
        PoissonDistribution p1 = new PoissonDistribution(rng, r1 * n1, PoissonDistribution.DEFAULT_EPSILON,
            PoissonDistribution.DEFAULT_MAX_ITERATIONS);
        PoissonDistribution p2 = new PoissonDistribution(rng, r2 * n2, PoissonDistribution.DEFAULT_EPSILON,
            PoissonDistribution.DEFAULT_MAX_ITERATIONS);
        int trials = 4000;
        int covered = 0;
        for (int t = 0; t < trials; t++) {
            Evaluation.RateRatio r = Evaluation.rateRatio(p1.sample(), (long) n1, p2.sample(), (long) n2);
            Double lo = r.ci95Low();
            Double hi = r.ci95High();
            boolean aboveLow = lo == null || lo <= 5;
            boolean belowHigh = hi == null || hi >= 5;
            covered += aboveLow && belowHigh ? 1 : 0;
        }
        double coverage = covered / (double) trials;
        assertTrue(coverage >= 0.94, "an exact interval covers at least its level (allowing for 4000 trials): " + coverage);
        assertTrue(coverage < 0.999, "and is not vacuous: " + coverage);
    }

    @Test
    void summaryPoolsFalsePositivesOverSeedsAndComparisonsUseThem() throws Exception {
        Evaluation.KindSummary simple = Evaluation.summary(List.of(seed(0.99, 4, 1000), seed(0.98, 6, 1000)), List.of());
        Evaluation.KindSummary vat = Evaluation.summary(List.of(seed(0.995, 1, 1000), seed(0.996, 1, 1000)), List.of());
        assertEquals(10L, simple.fpAtTpr90Pooled());
        assertEquals(2000L, simple.bogusPooled());
        assertEquals(0.985, simple.auc().mean(), 1e-12);
        assertEquals(Math.sqrt(0.00005), simple.auc().std(), 1e-12);
        Evaluation.Comparisons c = Evaluation.comparisons(Map.of("simple", simple, "vat", vat));
        assertEquals(5.0, c.simpleOverVat().ratio(), 1e-12);
        assertNull(c.threeVsTwoAccuracy(), "no two-channel model: no such comparison");
        // the report's field names, as the report readers and earlier reports have them
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertEquals(10L, json.valueToTree(simple).get("fp_at_tpr90_pooled").asLong());
        assertEquals(List.of("fpr_at_tpr90_simple_over_vat"), List.copyOf(c.fields().keySet()));
    }

    private static Evaluation.Scores seed(double auc, long fp, long bogus) {
        Evaluation.AtThreshold at = new Evaluation.AtThreshold(0.9, 0.9, 0.9, new Evaluation.Confusion(90, 10, 890, 10));
        return new Evaluation.Scores(auc, fp / (double) bogus, fp, bogus, 0.9, 0.95, at, at);
    }
}
