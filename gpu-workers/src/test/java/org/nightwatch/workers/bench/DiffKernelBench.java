package org.nightwatch.workers.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.nightwatch.workers.diff.Affine;
import org.nightwatch.workers.diff.Background;
import org.nightwatch.workers.diff.Convolver;
import org.nightwatch.workers.diff.Detector;
import org.nightwatch.workers.diff.KernelBasis;
import org.nightwatch.workers.diff.KernelSolution;
import org.nightwatch.workers.diff.MaskedImage;
import org.nightwatch.workers.diff.PsfMatch;
import org.nightwatch.workers.diff.Resampler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The two heaviest difference-imaging kernels on a full 2000 x 1128 image (image, variance and mask
 * planes), ms per image, Vector API against the scalar oracle:
 * <ul>
 *   <li>{@code resample}: Lanczos-3 through a map with a small rotation (tiles of constant shift);</li>
 *   <li>{@code convolve}: a spatially varying 11 x 11 Alard-Lupton kernel (first order), variance with K^2;</li>
 *   <li>{@code detect}: the matched filter, thresholding and measurement of 60 sources on a difference of pure noise
 *   (what a visit's close waits for);</li>
 *   <li>{@code fit}: the PSF-matching kernel's least squares on 96 star stamps;</li>
 *   <li>{@code background}: the sky's level and noise on the 128 px mesh of the default settings (no vector path: both rows are the same code).</li>
 * </ul>
 * Run with {@code scripts/jmh DiffKernelBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class DiffKernelBench {
    static final int W = 2000;
    static final int H = 1128;

    @Param({"true", "false"})
    boolean vector;

    MaskedImage src;
    MaskedImage out;
    Resampler resampler;
    Convolver convolver;
    KernelSolution kernel;
    Detector detector;
    MaskedImage diff;
    Affine map = new Affine(0.37, 1.00001, 0.00002, -0.61, -0.00002, 1.00001);
    MaskedImage sharp;
    MaskedImage broad;
    KernelBasis fitBasis;
    java.util.List<double[]> stamps;

    @Setup
    public void setUp() {
        SplittableRandom r = new SplittableRandom(1);
        src = new MaskedImage(W, H);
        out = new MaskedImage(W, H);
        for (int i = 0; i < W * H; i++) {
            src.image()[i] = (float) r.nextGaussian();
            src.variance()[i] = 1f;
        }
        resampler = new Resampler(vector, 0.01);
        convolver = new Convolver(vector, 64);
        KernelBasis basis = new KernelBasis(5, new double[] {0.42, 0.83, 1.66}, new int[] {4, 3, 2});
        double[] coef = new double[1 + (basis.count() - 1) * 3 + 3];
        coef[0] = 1;
        for (int i = 1; i < coef.length; i++) {
            coef[i] = r.nextGaussian() * 0.02;
        }
        kernel = new KernelSolution(basis, W, H, 1, 1, coef, 50, 50, 1, false);
        detector = new Detector(W, H, vector);
        diff = new MaskedImage(W, H);
        for (int i = 0; i < W * H; i++) {
            diff.image()[i] = (float) (r.nextGaussian() * 10);
            diff.variance()[i] = 100f;
        }
        for (int k = 0; k < 60; k++) {
            int cx = 30 + r.nextInt(W - 60);
            int cy = 30 + r.nextInt(H - 60);
            for (int dy = -5; dy <= 5; dy++) {
                for (int dx = -5; dx <= 5; dx++) {
                    diff.image()[(cy + dy) * W + cx + dx] += (float) (400 * Math.exp(-(dx * dx + dy * dy) / (2 * 1.3 * 1.3)));
                }
            }
        }
        for (int i = 0; i < W * H; i++) {
            src.image()[i] += 1000f;
        }
        // a starry pair for the kernel fit: 96 stars (4 per cell of the 6 x 4 grid), sigma 1.0 px against 1.5 px
        sharp = new MaskedImage(W, H);
        broad = new MaskedImage(W, H);
        stamps = new java.util.ArrayList<>();
        for (int i = 0; i < W * H; i++) {
            sharp.image()[i] = (float) (r.nextGaussian() * 5);
            broad.image()[i] = (float) (r.nextGaussian() * 5);
            sharp.variance()[i] = 25f;
            broad.variance()[i] = 25f;
        }
        for (int cell = 0; cell < 24; cell++) {
            for (int k = 0; k < 4; k++) {
                int cx = (cell % 6) * W / 6 + 40 + r.nextInt(W / 6 - 80);
                int cy = (cell / 6) * H / 4 + 40 + r.nextInt(H / 4 - 80);
                double flux = 2e4 + r.nextDouble() * 2e5;
                stamps.add(new double[] {cx, cy});
                for (int dy = -15; dy <= 15; dy++) {
                    for (int dx = -15; dx <= 15; dx++) {
                        double d2 = dx * dx + dy * dy;
                        int i = (cy + dy) * W + cx + dx;
                        sharp.image()[i] += (float) (flux / (2 * Math.PI) * Math.exp(-d2 / 2));
                        broad.image()[i] += (float) (flux / (2 * Math.PI * 2.25) * Math.exp(-d2 / (2 * 2.25)));
                    }
                }
            }
        }
        double sMatch = Math.sqrt(1.5 * 1.5 - 1.0);
        fitBasis = new KernelBasis(6, new double[] {0.5 * sMatch, sMatch, 2 * sMatch}, new int[] {4, 3, 2});
    }

    /** The PSF-matching kernel's fit (31 basis functions, first order in space and background) on 96 star stamps of 17 x 17 px. */
    @Benchmark
    public KernelSolution fit() {
        return PsfMatch.fit(sharp, broad, stamps, fitBasis, new PsfMatch.Config(1, 1, 8, 12));
    }

    @Benchmark
    public Object detect() {
        return detector.run(diff, src.image(), src.image(), 1.3, 1e9, new Detector.Config(5, 3, 5000));
    }

    @Benchmark
    public Object background() {
        return Background.estimate(src.image(), src.mask(), W, H, 128);
    }

    @Benchmark
    public MaskedImage resample() {
        resampler.run(src, map, out);
        return out;
    }

    @Benchmark
    public MaskedImage convolve() {
        convolver.run(src, kernel, out);
        return out;
    }
}
