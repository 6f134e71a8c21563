package org.nightwatch.workers.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MetricsTest {
    // scores and labels worked by hand: reals at 0.9, 0.8, 0.4, 0.35; bogus at 0.7, 0.3, 0.2, 0.1, 0.05, 0.01
    private static final float[] S = {0.9f, 0.8f, 0.7f, 0.4f, 0.35f, 0.3f, 0.2f, 0.1f, 0.05f, 0.01f};
    private static final int[] L = {1, 1, 0, 1, 1, 0, 0, 0, 0, 0};

    @Test
    void aucCountsOrderedPairs() {
        // pairs (real, bogus) = 4 x 6 = 24; misordered: 0.4 < 0.7 and 0.35 < 0.7 -> 22 / 24
        assertEquals(22.0 / 24, Metrics.auc(S, L), 1e-12);
        assertEquals(0.5, Metrics.auc(new float[] {0.5f, 0.5f}, new int[] {1, 0}), 1e-12, "a tie counts half");
        assertEquals(1.0, Metrics.auc(new float[] {0.2f, 0.1f}, new int[] {1, 0}), 1e-12);
    }

    @Test
    void confusionPrecisionRecallF1AndTss() {
        Metrics.Confusion c = Metrics.confusion(S, L, 0.5);
        assertEquals(new Metrics.Confusion(2, 1, 5, 2), c);
        assertEquals(2.0 / 3, c.precision(), 1e-12);
        assertEquals(0.5, c.recall(), 1e-12);
        assertEquals(1.0 / 6, c.fpr(), 1e-12);
        assertEquals(2 * (2.0 / 3) * 0.5 / (2.0 / 3 + 0.5), c.f1(), 1e-12);
        assertEquals(0.7, c.accuracy(), 1e-12);
        assertEquals(0.5 - 1.0 / 6, c.tss(), 1e-12);
    }

    @Test
    void fprAtTprKeepsEnoughReals() {
        // TPR 0.9 of 4 reals needs all 4: threshold 0.35, which lets one bogus (0.7) through: FPR 1/6
        assertEquals(0.35f, Metrics.thresholdAtTpr(S, L, 0.9), 1e-7);
        assertEquals(1.0 / 6, Metrics.fprAtTpr(S, L, 0.9), 1e-12);
        // TPR 0.5 needs 2 reals: threshold 0.8, no bogus above it
        assertEquals(0.0, Metrics.fprAtTpr(S, L, 0.5), 1e-12);
    }

    @Test
    void rocRunsFromTheOriginToTheCorner() {
        double[][] r = Metrics.roc(new float[] {0.9f, 0.6f, 0.6f, 0.1f}, new int[] {1, 1, 0, 0});
        assertArrayEquals(new double[] {0, 0, 0.5, 1}, r[0], 1e-12);
        assertArrayEquals(new double[] {0, 0.5, 1, 1}, r[1], 1e-12);
    }
}
