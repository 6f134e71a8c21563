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
        RealBogusModel whole = Trainer.train(RealBogusModel.simpleCnn(InputSpec.threeChannel(), 5, 1e-3), cut, labels, three,
            p -> epochsSeen.add(p.epoch()), null);
        assertEquals(List.of(1, 2, 3), epochsSeen, "progress after every epoch");

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
}
