package org.nightwatch.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nightwatch.workers.classify.InputSpec;
import org.nightwatch.workers.classify.RealBogusModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nightwatch bench classify}: real/bogus scoring throughput at several batch sizes and training
 * throughput (cross-entropy and the Tomo-e objective), medians of repeated timed runs.
 */
@Command(name = "classify", mixinStandardHelpOptions = true,
    description = "Real/bogus classifier throughput: cutouts/s scored at batch 1, 64 and 256, training samples/s (simple and VAT).")
public final class ClassifyBench implements Callable<Integer> {
    @Option(names = "--runs", defaultValue = "5", description = "timed runs of each measurement; medians reported (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--seconds", defaultValue = "2", description = "length of one timed run (default ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--report", paramLabel = "FILE", description = "write the numbers as JSON")
    Path report;

    @Override
    public Integer call() throws Exception {
        SplittableRandom r = new SplittableRandom(1);
        List<float[]> cut = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            float[] c = new float[3 * 841];
            for (int k = 0; k < c.length; k++) {
                c[k] = (float) r.nextGaussian() * 10;
            }
            cut.add(c);
        }
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("backend", Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend"));
        rep.put("cores", Runtime.getRuntime().availableProcessors());
        RealBogusModel m = RealBogusModel.simpleCnn(InputSpec.threeChannel(), 1, 1e-3);
        Map<String, Double> scoring = new LinkedHashMap<>();
        for (int bs : new int[] {1, 64, 256}) {
            INDArray f = m.features(cut.subList(0, bs));
            double rate = medianRate(bs, () -> m.score(f));
            scoring.put("batch_" + bs, rate);
            System.out.printf(Locale.ROOT, "scoring: %.0f cutouts/s at batch %d%n", rate, bs);
        }
        rep.put("score_cutouts_per_s", scoring);
        INDArray f = m.features(cut.subList(0, 128));
        float[] y = new float[128];
        float[] use = new float[128];
        for (int i = 0; i < 128; i += 2) {
            y[i] = 1;
        }
        Arrays.fill(use, 1f);
        long[] step = {0};
        double simple = medianRate(128, () -> m.step(f, y, step[0]++));
        System.out.printf(Locale.ROOT, "training, cross-entropy: %.0f samples/s (batch 128)%n", simple);
        RealBogusModel v = RealBogusModel.vatCnn(InputSpec.threeChannel(), 1, 1e-3, RealBogusModel.Objective.tomoe());
        double vat = medianRate(128, () -> v.vatStep(f, y, use, step[0]++));
        System.out.printf(Locale.ROOT, "training, Tomo-e objective (CE + AUC + VAT): %.0f samples/s (batch 128)%n", vat);
        rep.put("train_samples_per_s", Map.of("simple", simple, "vat", vat));
        if (report != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(report.toFile(), rep);
            System.out.println("wrote " + report);
        }
        return 0;
    }

    /** Samples per second of {@code op} (each call handles {@code batch}), the median of {@code runs} timed runs after a warm-up. */
    private double medianRate(int batch, Runnable op) {
        double[] v = new double[runs + 1];
        for (int i = 0; i <= runs; i++) {
            int n = 0;
            long t0 = System.nanoTime();
            while (System.nanoTime() - t0 < seconds * 1e9) {
                op.run();
                n += batch;
            }
            v[i] = n / ((System.nanoTime() - t0) / 1e9);
        }
        double[] timed = Arrays.copyOfRange(v, 1, v.length); // the first run warms up
        Arrays.sort(timed);
        return timed[runs / 2];
    }
}
