package org.nightwatch.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.nightwatch.camera.fits.ImageFits;
import org.nightwatch.camera.sim.PairSimulator;
import org.nightwatch.workers.diff.Affine;
import org.nightwatch.workers.diff.Background;
import org.nightwatch.workers.diff.Calibration;
import org.nightwatch.workers.diff.DiffSettings;
import org.nightwatch.workers.diff.DifferenceImager;
import org.nightwatch.workers.diff.MaskedImage;
import org.nightwatch.workers.diff.Resampler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nightwatch bench subtract}: milliseconds per 2000 x 1128 sensor-visit for register + PSF-match +
 * subtract + detect, single-threaded and with two workers on two cores, side by side with fitsh's
 * {@code ficonv} on the same pairs, and the residual noise of both differences measured the same way
 * (robust sigma of difference / propagated noise over the same clean pixels).
 */
@Command(name = "subtract", mixinStandardHelpOptions = true,
    description = "Difference-imaging time per sensor-visit and residual noise, against fitsh ficonv on the same simulated pairs.")
public final class SubtractBench implements Callable<Integer> {
    @Option(names = "--pairs", defaultValue = "3", description = "simulated Tomo-e pairs, different seeds (default ${DEFAULT-VALUE})")
    int pairs;

    @Option(names = "--reps", defaultValue = "7", description = "timed runs of nightwatch per pair (default ${DEFAULT-VALUE})")
    int reps;

    @Option(names = "--ficonv", defaultValue = "ficonv", description = "the ficonv executable; 'none' to skip (default ${DEFAULT-VALUE})")
    String ficonv;

    @Option(names = "--ficonv-kernel", defaultValue = "i/1;b/1;d=3/1",
        description = "ficonv kernel set (default ${DEFAULT-VALUE}: flux and background terms and a 7x7 free-form kernel, all varying linearly)")
    String ficonvKernel;

    @Option(names = "--ficonv-iterations", defaultValue = "0",
        description = "ficonv's outlier-rejection iterations (-n; 0 leaves it out: ficonv's fastest; 3 costs it about 3x) (default ${DEFAULT-VALUE})")
    int ficonvIterations;

    @Option(names = "--work", paramLabel = "DIR", description = "where the pairs are written as FITS (default: a temporary directory)")
    Path work;

    @Option(names = "--report", paramLabel = "FILE", description = "write the results as JSON")
    Path report;

    @Override
    public Integer call() throws Exception {
        Path dir = work != null ? Files.createDirectories(work) : Files.createTempDirectory("nightwatch-bench-subtract");
        DiffSettings settings = DiffSettings.defaults();
        PairSimulator.Config c0 = PairSimulator.Config.tomoe(1000);
        DifferenceImager imager = new DifferenceImager(settings, c0.width(), c0.height());
        List<Prepared> rendered = new ArrayList<>();
        for (int p = 0; p < pairs; p++) {
            rendered.add(prepare(imager, PairSimulator.render(PairSimulator.Config.tomoe(1000 + p))));
        }
        for (int w = 0; w < 3; w++) {
            run(imager, rendered.get(w % pairs)); // warm-up: JIT
        }
        List<Double> single = new ArrayList<>();
        List<Double> ours = new ArrayList<>();
        List<Double> theirs = new ArrayList<>();
        List<Double> ficonvMs = new ArrayList<>();
        Map<String, List<Double>> stages = new LinkedHashMap<>();
        for (int p = 0; p < pairs; p++) {
            Prepared pair = rendered.get(p);
            DifferenceImager.Result res = null;
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                res = run(imager, pair);
                single.add((System.nanoTime() - t0) / 1e6);
                DifferenceImager.Timings t = res.timings();
                stage(stages, "calibrate", t.calibrate());
                stage(stages, "stars", t.stars());
                stage(stages, "register", t.register());
                stage(stages, "resample", t.resample());
                stage(stages, "kernel_fit", t.fit());
                stage(stages, "convolve", t.convolve());
                stage(stages, "subtract", t.subtract());
                stage(stages, "detect", t.detect());
            }
            ours.add(res.residualNoiseRatio());
            System.out.printf(Locale.ROOT, "pair %d (seed %d): nightwatch %.0f ms median single-threaded, residual noise %.3f x expected, "
                + "%d detections, %d stars matched%n", p + 1, 1000 + p, BenchCommand.Ingest.median(single.subList(p * reps, (p + 1) * reps)),
                res.residualNoiseRatio(), res.detections().size(), res.registration() == null ? 0 : res.registration().matched());
            if (!"none".equals(ficonv)) {
                double[] f = ficonv(dir, p, pair, res, imager);
                ficonvMs.add(f[0]);
                theirs.add(f[1]);
                System.out.printf(Locale.ROOT, "        ficonv (given nightwatch's registered reference) %.0f ms, residual noise %.3f x expected%n", f[0], f[1]);
            }
        }
        // reference preparation, timed after the visits as warm as they are: it shares calibration and star finding with
        // them (timed before them, three calls right after the JIT's warm-up read 82-89 ms; warm it takes about 12)
        List<Double> prepMs = new ArrayList<>();
        for (int w = 0; w < Math.max(5, pairs); w++) {
            long t0 = System.nanoTime();
            imager.prepare(rendered.get(w % pairs).reference());
            prepMs.add((System.nanoTime() - t0) / 1e6);
        }
        // two workers on two cores: throughput, over as many visits as the single-threaded runs (four jobs, two a worker,
        // were too few: one slow start or collection moved the figure by a fifth)
        int jobs = Math.max(8, 2 * ((pairs * reps + 1) / 2));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        DifferenceImager second = new DifferenceImager(settings, c0.width(), c0.height());
        run(second, rendered.get(0));
        long w0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int j = 0; j < jobs; j++) {
            DifferenceImager im = j % 2 == 0 ? imager : second;
            Prepared pair = rendered.get(j % pairs);
            fs.add(pool.submit(() -> {
                synchronized (im) {
                    run(im, pair);
                }
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        double twoCoreMs = (System.nanoTime() - w0) / 1e6 / jobs;
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.MINUTES);

        double med = BenchCommand.Ingest.median(single);
        double prep = BenchCommand.Ingest.median(prepMs);
        System.out.printf(Locale.ROOT, "nightwatch: %.0f ms per sensor-visit single-threaded (median of %d), %.0f ms per sensor-visit with 2 workers "
            + "on 2 cores (throughput); residual noise median %.3f x expected%n", med, single.size(), twoCoreMs, BenchCommand.Ingest.median(ours));
        System.out.printf(Locale.ROOT, "  reference preparation (calibrate + stars, once per field and sensor) %.0f ms: %.0f ms per visit when every visit "
            + "is a new field%n", prep, med + prep);
        StringBuilder sb = new StringBuilder("  stages (median ms):");
        stages.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.1f", k, BenchCommand.Ingest.median(v))));
        System.out.println(sb);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pairs", pairs);
        out.put("image", c0.width() + "x" + c0.height());
        out.put("seeing_ref_new_px", List.of(c0.refSeeing(), c0.newSeeing()));
        out.put("nightwatch_ms_single_thread_median", med);
        out.put("nightwatch_ms_per_visit_two_workers", twoCoreMs);
        out.put("reference_preparation_ms_median", prep);
        out.put("nightwatch_ms_single_thread_with_reference_preparation", med + prep);
        out.put("nightwatch_residual_noise_ratio_median", BenchCommand.Ingest.median(ours));
        Map<String, Double> st = new LinkedHashMap<>();
        stages.forEach((k, v) -> st.put(k, BenchCommand.Ingest.median(v)));
        out.put("nightwatch_stage_ms_median", st);
        if (!ficonvMs.isEmpty()) {
            double fm = BenchCommand.Ingest.median(ficonvMs);
            System.out.printf(Locale.ROOT, "ficonv: %.0f ms per pair (median of %d), residual noise median %.3f x expected; "
                    + "nightwatch is %.1fx faster single-threaded (%.1fx with reference preparation), %.1fx per visit on 2 cores%n",
                fm, ficonvMs.size(), BenchCommand.Ingest.median(theirs), fm / med, fm / (med + prep), fm / twoCoreMs);
            out.put("ficonv_kernel", ficonvKernel);
            out.put("ficonv_iterations", ficonvIterations);
            out.put("ficonv_ms_median", fm);
            out.put("ficonv_residual_noise_ratio_median", BenchCommand.Ingest.median(theirs));
            out.put("speedup_single_thread", fm / med);
            out.put("speedup_single_thread_with_reference_preparation", fm / (med + prep));
            out.put("speedup_two_workers", fm / twoCoreMs);
        }
        if (report != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(report.toFile(), out);
        }
        return 0;
    }

    private static void stage(Map<String, List<Double>> m, String k, long ns) {
        m.computeIfAbsent(k, x -> new ArrayList<>()).add(ns / 1e6);
    }

    /** One pair with the reference made ready beforehand (as the pipeline keeps it per field and sensor). */
    record Prepared(PairSimulator.Pair pair, DifferenceImager.Input newImage, DifferenceImager.Input reference,
                    DifferenceImager.PreparedReference prepared) {
    }

    static Prepared prepare(DifferenceImager imager, PairSimulator.Pair p) {
        PairSimulator.Config c = p.config();
        // the sensor's bad-pixel mask, from its dark frame, as the pipeline applies it
        Calibration.Frames frames = new Calibration.Frames(null, null, Calibration.badPixelsFromDark(p.dark(), c.width(), c.height(), 5));
        DifferenceImager.Input n = new DifferenceImager.Input(p.newImage(), c.width(), c.height(),
            new Calibration.Photometry(c.gain() * c.newFrames(), c.saturate()), frames);
        DifferenceImager.Input r = new DifferenceImager.Input(p.reference(), c.width(), c.height(),
            new Calibration.Photometry(c.gain() * c.refFrames(), c.saturate()), Calibration.Frames.NONE);
        return new Prepared(p, n, r, imager.prepare(r));
    }

    static DifferenceImager.Result run(DifferenceImager imager, Prepared p) {
        return imager.run(p.newImage(), p.prepared(), Affine.IDENTITY);
    }

    /**
     * Runs ficonv on the new image and nightwatch's registered (Lanczos-resampled) raw reference, so that
     * ficonv is timed on kernel fitting, convolution and subtraction only; returns {ms, residual noise ratio}
     * where the ratio uses the variance and mask of {@code res}, the imager's last run, on the same pair.
     */
    private double[] ficonv(Path dir, int index, Prepared prepared, DifferenceImager.Result res, DifferenceImager imager)
        throws IOException, InterruptedException {
        PairSimulator.Pair p = prepared.pair();
        PairSimulator.Config c = p.config();
        int w = c.width();
        int h = c.height();
        MaskedImage raw = new MaskedImage(w, h, p.reference().clone(), new float[w * h], new byte[w * h]);
        MaskedImage reg = new MaskedImage(w, h);
        new Resampler(true, 0.01).run(raw, res.newToRef(), reg);
        Path refFile = dir.resolve("pair-" + index + "-ref-registered.fits");
        Path newFile = dir.resolve("pair-" + index + "-new.fits");
        Path diffFile = dir.resolve("pair-" + index + "-ficonv-diff.fits");
        Path kernelFile = dir.resolve("pair-" + index + "-ficonv-kernel.txt");
        ImageFits.write(refFile, w, h, reg.image(), ImageFits.keywords("GAIN", c.gain() * c.refFrames(), "SATURATE", (double) c.saturate()), null);
        ImageFits.write(newFile, w, h, p.newImage(), ImageFits.keywords("GAIN", c.gain() * c.newFrames(), "SATURATE", (double) c.saturate()), null);
        Files.deleteIfExists(diffFile);
        List<String> cmd = new ArrayList<>(List.of(ficonv, "-r", refFile.toString(), "-i", newFile.toString(), "-k", ficonvKernel));
        if (ficonvIterations > 0) {
            cmd.addAll(List.of("-n", String.valueOf(ficonvIterations), "-s", "3"));
        }
        cmd.addAll(List.of("--output-kernel-list", kernelFile.toString(), "--output-subtracted", diffFile.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("ficonv.log").toFile());
        long t0 = System.nanoTime();
        int rc = pb.start().waitFor();
        double ms = (System.nanoTime() - t0) / 1e6;
        if (rc != 0 || !Files.exists(diffFile)) {
            throw new IllegalStateException("ficonv failed (exit " + rc + "), see " + dir.resolve("ficonv.log"));
        }
        float[] d = ImageFits.read(diffFile).pixels();
        MaskedImage ours = imager.difference();
        float[] v = ours.variance();
        byte[] m = ours.mask();
        float[] sample = new float[w * h / 9 + w + h];
        int n = 0;
        for (int y = 1; y < h; y += 3) {
            for (int x = 1; x < w; x += 3) {
                int i = y * w + x;
                if (m[i] == 0 && v[i] > 0 && Float.isFinite(d[i])) {
                    sample[n++] = d[i] / (float) Math.sqrt(v[i]);
                }
            }
        }
        java.util.Arrays.sort(sample, 0, n);
        return new double[] {ms, Background.clippedStats(sample, n)[1]};
    }
}
