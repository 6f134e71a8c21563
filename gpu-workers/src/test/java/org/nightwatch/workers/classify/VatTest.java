package org.nightwatch.workers.classify;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class VatTest {
    @Test
    void theAdversarialPerturbationRaisesTheDivergenceMoreThanARandomOneAndTrainingConverges() {
        int[] labels = new int[128];
        List<float[]> cut = RealBogusModelTest.toy(128, labels, 11);
        RealBogusModel m = RealBogusModel.vatCnn(InputSpec.threeChannel(), 3, 1e-3, RealBogusModel.Objective.tomoe());
        INDArray f = m.features(cut);
        float[] y = new float[labels.length];
        float[] use = new float[labels.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels[i];
            use[i] = i % 4 == 0 ? 0f : 1f; // a quarter unlabelled: they take part in VAT only
        }
        double before = m.crossEntropy(f, y);
        for (int e = 0; e < 12; e++) {
            m.vatStep(f, y, use, e);
        }
        double after = m.crossEntropy(f, y);
        assertTrue(after < 0.5 * before, "cross-entropy " + before + " -> " + after);

        INDArray target = Nd4j.create(m.score(f), new long[] {128, 1}, 'c');
        double eps = 1.0;
        INDArray adv = m.adversarialDirection(f, target, 99).muli(eps);
        Nd4j.getRandom().setSeed(7);
        INDArray rnd = Nd4j.randn(DataType.FLOAT, f.shape());
        INDArray flat = rnd.reshape(128, rnd.length() / 128);
        rnd = flat.diviColumnVector(flat.norm2(1).reshape(128, 1)).reshape(f.shape()).muli(eps);
        double kAdv = m.divergence(f, target, adv);
        double kRnd = m.divergence(f, target, rnd);
        assertTrue(kAdv > 2 * kRnd && kAdv > 0, "KL along the adversarial direction " + kAdv + ", along a random one " + kRnd);
    }
}
