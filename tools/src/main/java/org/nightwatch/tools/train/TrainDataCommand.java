package org.nightwatch.tools.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.nightwatch.tools.train.NightTrainingSet;
import org.nightwatch.tools.train.TrainingSetBuilder;
import org.nightwatch.tools.train.TrainingSetFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nightwatch train-data}: a labelled training set for the real/bogus classifier. */
@Command(name = "train-data", mixinStandardHelpOptions = true,
    description = "Make a real/bogus training set the Tomo-e way: point sources injected into simulated images (or, with "
        + "--from, into a recorded night's own visits, with each visit's measured PSF) and found by nightwatch's own difference "
        + "imaging are real; detections on injection-free differences are bogus, typed.")
public final class TrainDataCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "write cutouts.npy, labels.csv, manifest.json here")
    Path out;

    @Option(names = "--from", paramLabel = "NIGHT", description = "a recorded night (any tool's) to take the images from "
        + "instead of simulating pairs: every visit differenced as it is gives the bogus, the same with --injections point sources "
        + "of its own PSF gives the real; detections near a source of its truth.csv, when it has one, are kept apart")
    Path from;

    @Option(names = "--pairs", defaultValue = "60", description = "simulated 2000x1128 pairs (default ${DEFAULT-VALUE}); "
        + "about 100 real and 25 bogus cutouts each")
    int pairs;

    @Option(names = "--small", description = "a small set for tests: 500x400 pairs")
    boolean small;

    @Option(names = "--real-share", defaultValue = "0.25", description = "share of pairs with injections (default ${DEFAULT-VALUE})")
    double realShare;

    @Option(names = "--injections", defaultValue = "150", description = "point sources injected per full-size pair (default ${DEFAULT-VALUE})")
    int injections;

    @Option(names = "--label-noise", defaultValue = "0", description = "flip this share of real/bogus labels, recorded (e.g. 0.01)")
    double labelNoise;

    @Option(names = "--seed", defaultValue = "1", description = "seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", defaultValue = "2", description = "pairs differenced at once (default ${DEFAULT-VALUE})")
    int threads;

    @Override
    public Integer call() {
        if (from != null) {
            NightTrainingSet.Settings ns = new NightTrainingSet.Settings(injections, 3, 100, seed, 2.0);
            long t0 = System.nanoTime();
            List<TrainingSetBuilder.Sample> samples = NightTrainingSet.run(from, ns,
                msg -> System.err.printf(Locale.ROOT, "[%5.1f s] %s%n", (System.nanoTime() - t0) / 1e9, msg));
            java.util.Map<String, Object> prov = new java.util.LinkedHashMap<>();
            prov.put("night", from.toAbsolutePath().toString());
            prov.put("injections_per_visit", injections);
            prov.put("snr", List.of(ns.snrMin(), ns.snrMax()));
            prov.put("seed", seed);
            prov.put("truth_radius_arcsec", ns.truthRadiusArcsec());
            TrainingSetFiles.write(out, samples, "from_night", prov);
            System.out.println("training set from " + from + ": " + samples.size() + " cutouts " + TrainingSetBuilder.counts(samples));
            System.out.println("wrote " + out.resolve("cutouts.npy") + ", labels.csv, manifest.json");
            return 0;
        }
        int w = small ? 500 : 2000;
        int h = small ? 400 : 1128;
        int inj = small ? Math.max(1, injections * 500 * 400 / (2000 * 1128)) : injections;
        TrainingSetBuilder.Settings s = new TrainingSetBuilder.Settings(w, h, pairs, realShare, inj, 3, 100, labelNoise, seed, threads);
        AtomicInteger done = new AtomicInteger();
        long t0 = System.nanoTime();
        List<TrainingSetBuilder.Sample> samples = TrainingSetBuilder.run(s, p -> {
            int n = done.incrementAndGet();
            if (n % Math.max(1, pairs / 20) == 0 || n == pairs) {
                System.err.printf(Locale.ROOT, "[%5.1f s] %d of %d pairs%n", (System.nanoTime() - t0) / 1e9, n, pairs);
            }
        });
        TrainingSetFiles.write(out, samples, s);
        System.out.println("training set: " + samples.size() + " cutouts " + TrainingSetBuilder.counts(samples));
        System.out.println("wrote " + out.resolve("cutouts.npy") + ", labels.csv, manifest.json");
        return 0;
    }
}
