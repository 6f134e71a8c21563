package org.nightwatch.workers.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    @TempDir
    Path dir;

    @Test
    void anInterruptedTrainingResumedFromItsCheckpointEndsWhereAnUninterruptedOneDoes() {
        int[] labels = new int[96];
        List<float[]> cut = RealBogusModelTest.toy(96, labels, 21);
        Trainer.Settings three = new Trainer.Settings(3, 32, 5);
        List<Integer> epochsSeen = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        RealBogusModel whole = Trainer.train(RealBogusModel.simpleCnn(InputSpec.threeChannel(), 5, 1e-3), cut, labels, three, p -> {
            epochsSeen.add(p.epoch());
            losses.add(p.loss());
        }, null);
        assertEquals(List.of(1, 2, 3), epochsSeen, "progress after every epoch");
        // the epoch's mean training loss: a cross-entropy, falling as the toy set is learnt
        assertTrue(losses.get(0) > 0 && losses.get(0) < 5 && losses.get(2) < losses.get(0), "losses by epoch " + losses);

        Path ckpt = dir.resolve("ckpt.nwmodel");
        // "interrupted" after one epoch: the checkpoint holds it
        Trainer.train(RealBogusModel.simpleCnn(InputSpec.threeChannel(), 5, 1e-3), cut, labels, new Trainer.Settings(1, 32, 5), null, ckpt);
        List<Integer> resumedEpochs = new ArrayList<>();
        RealBogusModel resumed = Trainer.train(RealBogusModel.simpleCnn(InputSpec.threeChannel(), 5, 1e-3), cut, labels, three,
            p -> resumedEpochs.add(p.epoch()), ckpt);
        assertEquals(List.of(2, 3), resumedEpochs, "the resumed run starts after the checkpoint's epoch");
        float[] a = whole.scoreCutouts(cut);
        float[] b = resumed.scoreCutouts(cut);
        assertArrayEquals(a, b, 1e-4f);
        assertTrue(Metrics.auc(a, labels) > 0.9);
    }

    @Test
    void theStepSizeFallsFromTheInitialRateToAFiftiethAndReachesTheUpdater() {
        int[] labels = new int[64];
        List<float[]> cut = RealBogusModelTest.toy(64, labels, 3);
        List<Double> rates = new ArrayList<>();
        RealBogusModel m = Trainer.train(RealBogusModel.simpleCnn(InputSpec.threeChannel(), 2, 1e-3), cut, labels,
            new Trainer.Settings(5, 32, 2), p -> rates.add(p.learningRate()), null);
        assertEquals(1e-3, rates.get(0), 1e-12);
        assertEquals(1e-3 * Trainer.FINAL_RATE_SHARE, rates.get(4), 1e-12);
        for (int i = 1; i < rates.size(); i++) {
            assertTrue(rates.get(i) < rates.get(i - 1), "step sizes " + rates);
        }
        // a zero step size leaves the network as it was, a large one moves it: the rate set is the one Adam uses
        float[] before = m.scoreCutouts(cut);
        m.setLearningRate(0);
        float[] y = new float[labels.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = 1 - labels[i];
        }
        assertArrayEquals(before, m.scoreCutouts(cut), 0f, "scoring twice");
        m.step(m.features(cut), y, 99);
        float[] z = m.scoreCutouts(cut);
        double mz = 0;
        for (int i = 0; i < z.length; i++) {
            mz += Math.abs(z[i] - before[i]);
        }
        before = z;
        m.setLearningRate(1e-2);
        m.step(m.features(cut), y, 99);
        float[] after = m.scoreCutouts(cut);
        double moved = 0;
        for (int i = 0; i < after.length; i++) {
            moved += Math.abs(after[i] - before[i]);
        }
        // the native Adam op leaves float rounding (~1e-6 a score) even at a zero rate
        assertTrue(mz < 1e-4 * moved, "a zero step moved the scores by " + mz + ", a 1e-2 step by " + moved);
    }
}
