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
        Map<String, Object> r = Evaluation.rateRatio(10, 1000, 2, 1000);
        assertEquals(5.0, (Double) r.get("ratio"), 1e-12);
        assertEquals(1.065528, (Double) r.get("ci95_low"), 1e-5);
        assertEquals(46.93284, (Double) r.get("ci95_high"), 1e-4);
        assertEquals(List.of(10L, 2L), r.get("false_positives"));
    }

    @Test
    void unequalNumbersOfBogusScaleTheRatio() {
        // twice the bogus behind the second count: the same counts mean half its rate, twice the ratio
        Map<String, Object> same = Evaluation.rateRatio(10, 1000, 2, 1000);
        Map<String, Object> more = Evaluation.rateRatio(10, 1000, 2, 2000);
        for (String key : new String[] {"ratio", "ci95_low", "ci95_high"}) {
            assertEquals(2 * (Double) same.get(key), (Double) more.get(key), 1e-9, key);
        }
    }

    @Test
    void noFalsePositivesOnOneSideLeaveTheBoundItCannotSetOpen() {
        Map<String, Object> noneInSecond = Evaluation.rateRatio(3, 500, 0, 1000);
        assertNull(noneInSecond.get("ratio"), "no finite ratio over zero false positives");
        assertNull(noneInSecond.get("ci95_high"));
        // scipy.stats.beta.ppf(0.025, 3, 1) = 0.292402; ratio bound = p / (1 - p) * 1000 / 500
        assertEquals(0.292402 / (1 - 0.292402) * 2, (Double) noneInSecond.get("ci95_low"), 1e-5);

        Map<String, Object> noneInFirst = Evaluation.rateRatio(0, 1000, 3, 500);
        assertEquals(0.0, (Double) noneInFirst.get("ratio"));
        assertEquals(0.0, (Double) noneInFirst.get("ci95_low"));
        // scipy.stats.beta.ppf(0.975, 1, 3) = 0.707598
        assertEquals(0.707598 / (1 - 0.707598) * 0.5, (Double) noneInFirst.get("ci95_high"), 1e-5);

        Map<String, Object> none = Evaluation.rateRatio(0, 1000, 0, 1000);
        assertNull(none.get("ratio"));
        assertNull(none.get("ci95_low"));
        assertNull(none.get("ci95_high"));
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
            Map<String, Object> r = Evaluation.rateRatio(p1.sample(), (long) n1, p2.sample(), (long) n2);
            Double lo = (Double) r.get("ci95_low");
            Double hi = (Double) r.get("ci95_high");
            boolean aboveLow = lo == null || lo <= 5;
            boolean belowHigh = hi == null || hi >= 5;
            covered += aboveLow && belowHigh ? 1 : 0;
        }
        double coverage = covered / (double) trials;
        assertTrue(coverage >= 0.94, "an exact interval covers at least its level (allowing for 4000 trials): " + coverage);
        assertTrue(coverage < 0.999, "and is not vacuous: " + coverage);
    }

    @Test
    void summaryPoolsFalsePositivesOverSeedsAndComparisonsUseThem() {
        Map<String, Object> simple = Evaluation.summary(List.of(seed(0.99, 4, 1000), seed(0.98, 6, 1000)));
        Map<String, Object> vat = Evaluation.summary(List.of(seed(0.995, 1, 1000), seed(0.996, 1, 1000)));
        assertEquals(10L, simple.get("fp_at_tpr90_pooled"));
        assertEquals(2000L, simple.get("bogus_pooled"));
        @SuppressWarnings("unchecked")
        Map<String, Double> auc = (Map<String, Double>) simple.get("auc");
        assertEquals(0.985, auc.get("mean"), 1e-12);
        assertEquals(Math.sqrt(0.00005), auc.get("std"), 1e-12);
        @SuppressWarnings("unchecked")
        Map<String, Object> ratio = (Map<String, Object>) Evaluation.comparisons(Map.of("simple", simple, "vat", vat))
            .get("fpr_at_tpr90_simple_over_vat");
        assertEquals(5.0, (Double) ratio.get("ratio"), 1e-12);
    }

    private static Map<String, Object> seed(double auc, long fp, long bogus) {
        return Map.of("auc", auc, "fpr_at_tpr90", fp / (double) bogus, "tss", 0.9, "accuracy", 0.95, "fp_at_tpr90", fp, "bogus", bogus);
    }
}
