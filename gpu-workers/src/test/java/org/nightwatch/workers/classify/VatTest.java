package org.nightwatch.workers.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
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

    @ParameterizedTest
    @EnumSource(RealBogusModel.AucLoss.class)
    void theAucLossIsTheMeanOverLabelledRealBogusPairsOfItsFormula(RealBogusModel.AucLoss loss) {
        int[] labels = new int[16];
        List<float[]> cut = RealBogusModelTest.toy(16, labels, 5);
        RealBogusModel m = RealBogusModel.vatCnn(InputSpec.threeChannel(), 4, 1e-3, RealBogusModel.Objective.tomoe(loss));
        INDArray f = m.features(cut);
        float[] z = m.logits(f);
        float[] y = new float[16];
        float[] use = new float[16];
        for (int i = 0; i < 16; i++) {
            y[i] = labels[i];
            use[i] = i == 3 ? 0f : 1f; // sample 3 is unlabelled: none of its pairs count
        }
        // by hand, over labelled (real i, bogus j): exp(p_j - p_i), or exp(min(6, max(0, z_j - z_i + 0.25))) - 1
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < 16; i++) {
            for (int j = 0; j < 16; j++) {
                if (use[i] == 1 && use[j] == 1 && labels[i] == 1 && labels[j] == 0) {
                    sum += loss == RealBogusModel.AucLoss.HINGE ? Math.exp(Math.min(6, Math.max(0, z[j] - z[i] + 0.25))) - 1
                        : Math.exp(sigmoid(z[j]) - sigmoid(z[i]));
                    pairs++;
                }
            }
        }
        assertTrue(pairs > 10 && sum > 0, "the toy batch has real and bogus samples, not yet ordered");
        assertEquals(sum / pairs, m.aucLoss(f, y, use), 1e-4 * Math.max(1, sum / pairs));

        // trained until every labelled real out-ranks every labelled bogus: the hinge is then exactly zero,
        // the probability form close to its floor exp(-1)
        boolean hinge = loss == RealBogusModel.AucLoss.HINGE;
        double floor = hinge ? 0 : Math.exp(-1);
        double slack = hinge ? 0 : 0.05;
        for (int e = 0; e < 60 && m.aucLoss(f, y, use) > floor + slack; e++) {
            m.vatStep(f, y, use, e);
        }
        assertEquals(floor, m.aucLoss(f, y, use), slack, "ordered pairs");
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    @ParameterizedTest
    @EnumSource(RealBogusModel.AucLoss.class)
    void theAucLossIsRecordedInTheModelFile(RealBogusModel.AucLoss loss, @TempDir Path dir) {
        Path f = dir.resolve("vat.nwmodel");
        RealBogusModel.vatCnn(InputSpec.threeChannel(), 2, 1e-3, RealBogusModel.Objective.tomoe(loss)).save(f);
        assertEquals(loss, RealBogusModel.load(f, InputSpec.threeChannel()).objective().aucLoss());
    }
}
