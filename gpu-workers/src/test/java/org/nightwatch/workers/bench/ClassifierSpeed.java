package org.nightwatch.workers.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nightwatch.workers.classify.InputSpec;
import org.nightwatch.workers.classify.RealBogusModel;

/** Training steps/s and scoring cutouts/s of the simple CNN at several batch sizes (a main, run with scripts/jmh's classpath). */
public final class ClassifierSpeed {
    public static void main(String[] args) {
        RealBogusModel m = RealBogusModel.simpleCnn(InputSpec.threeChannel(), 1, 1e-3);
        SplittableRandom r = new SplittableRandom(1);
        List<float[]> cut = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            float[] c = new float[3 * 841];
            for (int k = 0; k < c.length; k++) {
                c[k] = (float) r.nextGaussian() * 10;
            }
            cut.add(c);
        }
        INDArray f = m.features(cut.subList(0, 128));
        float[] y = new float[128];
        for (int i = 0; i < 128; i += 2) {
            y[i] = 1;
        }
        for (int i = 0; i < 5; i++) {
            m.step(f, y, i);
        }
        long t0 = System.nanoTime();
        int n = 0;
        while (System.nanoTime() - t0 < 5e9) {
            m.step(f, y, n);
            n += 128;
        }
        System.out.printf(Locale.ROOT, "training: %.0f samples/s (batch 128)%n", n / ((System.nanoTime() - t0) / 1e9));
        for (int bs : new int[] {1, 64, 256}) {
            INDArray g = m.features(cut.subList(0, bs));
            for (int i = 0; i < 10; i++) {
                m.score(g);
            }
            t0 = System.nanoTime();
            n = 0;
            while (System.nanoTime() - t0 < 3e9) {
                m.score(g);
                n += bs;
            }
            System.out.printf(Locale.ROOT, "scoring: %.0f cutouts/s at batch %d%n", n / ((System.nanoTime() - t0) / 1e9), bs);
        }
    }
}
