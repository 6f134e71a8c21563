package org.nightwatch.workers.bench;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nightwatch.workers.classify.InputSpec;
import org.nightwatch.workers.classify.RealBogusModel;

/** Resident memory over repeated VAT steps, to find where native memory goes (a main). */
public final class VatMemory {
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int[] labels = new int[128];
        List<float[]> cut = toy(128, labels);
        RealBogusModel m = RealBogusModel.vatCnn(InputSpec.threeChannel(), 3, 1e-3, RealBogusModel.Objective.tomoe());
        INDArray f = m.features(cut);
        float[] y = new float[128];
        float[] use = new float[128];
        for (int i = 0; i < 128; i++) {
            y[i] = labels[i];
            use[i] = 1;
        }
        INDArray target = Nd4j.create(m.score(f), new long[] {128, 1}, 'c');
        for (int i = 0; i < 400; i++) {
            switch (mode) {
                case "dir" -> m.adversarialDirection(f, target, i);
                case "step" -> m.vatStep(f, y, use, i);
                case "score" -> m.score(f);
                default -> throw new IllegalArgumentException(mode);
            }
            if (i % 50 == 0) {

                long rss = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("VmRSS")).map(l -> l.replaceAll("\\D", "")).mapToLong(Long::parseLong).findFirst().orElse(0);
                System.out.println(mode + " step " + i + ": RSS " + rss / 1024 + " MB");
            }
        }
    }

    private static List<float[]> toy(int n, int[] labels) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        List<float[]> out = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] c = new float[3 * 841];
            for (int k = 0; k < c.length; k++) {
                c[k] = (float) (r.nextGaussian() * 10);
            }
            labels[i] = i % 2;
            c[2 * 841 + 14 * 29 + 14] += labels[i] == 1 ? 100 : -100;
            out.add(c);
        }
        return out;
    }
}
