package org.nightwatch.workers.diff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.nightwatch.camera.sim.PairSimulator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Every Vector API kernel of difference imaging against its scalar oracle, and against analytic results. */
class KernelOracleTest {
    private static MaskedImage noise(int w, int h, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        MaskedImage m = new MaskedImage(w, h);
        for (int i = 0; i < w * h; i++) {
            m.image()[i] = (float) (r.nextGaussian() * 10 + 3);
            m.variance()[i] = (float) (50 + r.nextDouble() * 100);
            m.mask()[i] = r.nextInt(500) == 0 ? Mask.BAD : 0;
        }
        return m;
    }

    /** The oracle's planes and the vector kernel's, to the bit. */
    private static void assertSamePlanes(MaskedImage oracle, MaskedImage vector) {
        assertArrayEquals(oracle.image(), vector.image(), "image");
        assertArrayEquals(oracle.variance(), vector.variance(), "variance");
        assertArrayEquals(oracle.mask(), vector.mask(), "mask");
    }

    // widths that leave vector tails, and a map with rotation and scale so that tiles split
    @ParameterizedTest
    @ValueSource(ints = {67, 203})
    void resamplerVectorMatchesScalar(int w) {
        int h = 91;
        MaskedImage src = noise(w, h, 1);
        // a small offset (no-data edges), and one of 70 px that leaves whole tiles outside the source
        for (Affine map : new Affine[] {new Affine(0.37, 1.0002, 0.0011, -1.61, -0.0009, 0.9997),
            new Affine(70.4, 1.0002, 0.0011, -20.7, -0.0009, 0.9997)}) {
            MaskedImage a = new MaskedImage(w, h);
            MaskedImage b = new MaskedImage(w, h);
            new Resampler(true, 0.01).run(src, map, a);
            new Resampler(false, 0.01).run(src, map, b);
            assertSamePlanes(b, a);
        }
    }

    @Test
    void resamplingAShiftedGaussianGivesTheAnalyticGaussian() {
        int w = 64;
        int h = 64;
        MaskedImage src = new MaskedImage(w, h);
        double sigma = 1.6;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                src.image()[y * w + x] = (float) Math.exp(-((x - 31.0) * (x - 31.0) + (y - 30.0) * (y - 30.0)) / (2 * sigma * sigma));
            }
        }
        MaskedImage out = new MaskedImage(w, h);
        // out(x, y) = src(x + 0.3, y - 0.45): the Gaussian moves to (30.7, 30.45)
        new Resampler(true, 0.01).run(src, Affine.translation(0.3, -0.45), out);
        double worst = 0;
        for (int y = 10; y < 54; y++) {
            for (int x = 10; x < 54; x++) {
                double want = Math.exp(-((x - 30.7) * (x - 30.7) + (y - 30.45) * (y - 30.45)) / (2 * sigma * sigma));
                worst = Math.max(worst, Math.abs(out.image()[y * w + x] - want));
            }
        }
        assertTrue(worst < 0.01, "Lanczos-3 reproduces a well-sampled Gaussian to 1% of its peak, worst " + worst);
        assertEquals(Mask.NO_DATA, out.mask()[0], "pixels whose kernel leaves the source have no data");
    }

    @Test
    void varianceIsResampledWithSquaredWeights() {
        int w = 40;
        int h = 40;
        MaskedImage src = new MaskedImage(w, h);
        java.util.Arrays.fill(src.variance(), 4f);
        MaskedImage out = new MaskedImage(w, h);
        new Resampler(false, 0.01).run(src, Affine.translation(0.5, 0.5), out);
        float[] wts = new float[6];
        Resampler.weights(0.5, wts);
        double s2 = 0;
        for (float x : wts) {
            s2 += x * x;
        }
        assertEquals(4 * s2 * s2, out.variance()[20 * w + 20], 1e-5, "variance of a weighted sum of independent pixels");
        assertTrue(s2 * s2 < 1, "resampling at half a pixel smooths the noise");
    }

    @ParameterizedTest
    @ValueSource(ints = {75, 130})
    void convolverVectorMatchesScalar(int w) {
        int h = 70;
        MaskedImage src = noise(w, h, 2);
        // no-data: a band down the left edge (a reference shifted off the image), a run, and single pixels
        for (int y = 0; y < h; y++) {
            src.mask()[y * w] |= Mask.NO_DATA;
            src.mask()[y * w + 1] |= Mask.NO_DATA;
        }
        for (int x = w / 3; x < w / 3 + 9; x++) {
            src.mask()[40 * w + x] |= Mask.NO_DATA;
        }
        src.mask()[20 * w + w - 1] |= Mask.NO_DATA;
        src.mask()[55 * w + w / 2] |= Mask.NO_DATA;
        KernelBasis basis = new KernelBasis(5, new double[] {0.5, 1.0, 2.0}, new int[] {4, 3, 2});
        double[] coef = new double[1 + (basis.count() - 1) * 3 + 3];
        SplittableRandom r = new SplittableRandom(3);
        coef[0] = 1.0;
        for (int i = 1; i < coef.length; i++) {
            coef[i] = r.nextGaussian() * 0.05;
        }
        KernelSolution k = new KernelSolution(basis, w, h, 1, 1, coef, 10, 10, 1, false);
        MaskedImage a = new MaskedImage(w, h);
        MaskedImage b = new MaskedImage(w, h);
        new Convolver(true, 32).run(src, k, a);
        new Convolver(false, 32).run(src, k, b);
        assertSamePlanes(b, a);
    }

    @Test
    void convolverAppliesTheKernelAsAPlainCorrelation() {
        int w = 40;
        int h = 30;
        MaskedImage src = noise(w, h, 4);
        KernelBasis basis = new KernelBasis(3, new double[] {0.8, 1.6}, new int[] {2, 1});
        double[] coef = new double[1 + (basis.count() - 1) + 1];
        coef[0] = 0.9;
        coef[2] = 0.3; // an odd term: the kernel is not symmetric
        KernelSolution k = new KernelSolution(basis, w, h, 0, 0, coef, 5, 5, 1, false);
        MaskedImage out = new MaskedImage(w, h);
        new Convolver(true, 64).run(src, k, out);
        float[] kern = new float[49];
        k.kernelAt(0, 0, kern);
        int x = 17;
        int y = 12;
        double want = 0;
        for (int v = -3; v <= 3; v++) {
            for (int u = -3; u <= 3; u++) {
                want += kern[(v + 3) * 7 + u + 3] * src.image()[(y + v) * w + x + u];
            }
        }
        assertEquals(want, out.image()[y * w + x], 1e-3);
        double sum = 0;
        for (float f : kern) {
            sum += f;
        }
        assertEquals(0.9, sum, 1e-5, "the kernel's sum is the coefficient of basis 0 alone");
    }

    // widths with and without a vector tail, the vector passes and the scalar ones
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"90, true", "90, false", "203, true", "203, false"})
    void noDataReachesEveryOutputWhoseKernelFootprintTouchesIt(int w, boolean vector) {
        int h = 60;
        MaskedImage src = noise(w, h, 6);
        java.util.Arrays.fill(src.mask(), (byte) 0);
        src.mask()[30 * w + 40] = Mask.NO_DATA; // one no-data pixel
        src.mask()[20 * w + w - 2] = Mask.NO_DATA; // one near the right edge, in a vector's tail
        for (int y = 0; y < 4; y++) { // and a band along the bottom, as a reference shifted off the new image
            for (int x = 0; x < w; x++) {
                src.mask()[y * w + x] = Mask.NO_DATA;
            }
        }
        src.mask()[45 * w + 70] = Mask.BAD; // a bad pixel keeps its 3 x 3 reach
        int hw = 4;
        KernelBasis basis = new KernelBasis(hw, new double[] {0.8, 1.6}, new int[] {2, 1});
        double[] coef = new double[1 + (basis.count() - 1) + 1];
        coef[0] = 1.0;
        KernelSolution k = new KernelSolution(basis, w, h, 0, 0, coef, 5, 5, 1, false);
        MaskedImage out = new MaskedImage(w, h);
        new Convolver(vector, 32).run(src, k, out);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean reachesNoData = x < hw || x >= w - hw || y < hw || y >= h - hw;
                for (int v = -hw; v <= hw && !reachesNoData; v++) {
                    for (int u = -hw; u <= hw && !reachesNoData; u++) {
                        reachesNoData = (src.mask()[(y + v) * w + x + u] & Mask.NO_DATA) != 0;
                    }
                }
                byte m = out.mask()[y * w + x];
                assertEquals(reachesNoData, (m & Mask.NO_DATA) != 0, "no-data at (" + x + ", " + y + ")");
                boolean nearBad = Math.abs(x - 70) <= 1 && Math.abs(y - 45) <= 1;
                assertEquals(nearBad, (m & Mask.BAD) != 0, "bad at (" + x + ", " + y + ")");
            }
        }
        assertTrue((out.mask()[(3 + hw) * w + 20] & Mask.NO_DATA) != 0, "a kernel half-width above the band");
        assertEquals(0, out.mask()[(4 + hw) * w + 20], "one row farther is clean");
    }

    // tiles of 64 px as the night uses them: four-vector blocks, single vectors and scalar pixels at the right edge and in
    // narrow tiles, each the same fma chain as the scalar oracle to the bit, and a direct 2-D correlation within rounding
    @ParameterizedTest
    @ValueSource(ints = {203, 150, 77})
    void tileRowsOfEveryWidthCorrelateAsTheOracleAndAsADirectSum(int w) {
        int h = 70;
        MaskedImage src = noise(w, h, w);
        int hw = 5;
        KernelBasis basis = new KernelBasis(hw, new double[] {0.7, 1.5}, new int[] {2, 1});
        double[] coef = new double[1 + (basis.count() - 1) * 3 + 3];
        coef[0] = 1.0;
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 1; i < coef.length; i++) {
            coef[i] = r.nextGaussian() * 0.05;
        }
        KernelSolution k = new KernelSolution(basis, w, h, 1, 1, coef, 5, 5, 1, false);
        MaskedImage fast = new MaskedImage(w, h);
        MaskedImage oracle = new MaskedImage(w, h);
        new Convolver(true, 64).run(src, k, fast);
        new Convolver(false, 64).run(src, k, oracle);
        assertSamePlanes(oracle, fast);
        int size = 2 * hw + 1;
        float[] kern = new float[size * size];
        for (int[] p : new int[][] {{hw, hw}, {63, 30}, {64, 31}, {w - hw - 1, h - hw - 1}, {w / 2, 40}}) {
            int x = p[0];
            int y = p[1];
            int tx = x / 64 * 64;
            int ty = y / 64 * 64;
            k.kernelAt((tx + Math.min(tx + 64, w) - 1) / 2.0, (ty + Math.min(ty + 64, h) - 1) / 2.0, kern);
            double want = 0;
            for (int v = -hw; v <= hw; v++) {
                for (int u = -hw; u <= hw; u++) {
                    want += kern[(v + hw) * size + u + hw] * src.image()[(y + v) * w + x + u];
                }
            }
            assertEquals(want, fast.image()[y * w + x], 1e-3, "(" + x + ", " + y + ")");
        }
    }

    // scattered no-data (rows of many spans, written out whole) beside rows of one or two spans and clean rows: the
    // vector passes mark exactly what the scalar oracle marks
    @ParameterizedTest
    @ValueSource(ints = {90, 203})
    void scatteredNoDataIsGrownAsTheScalarOracleGrowsIt(int w) {
        int h = 70;
        MaskedImage src = noise(w, h, 8);
        java.util.Arrays.fill(src.mask(), (byte) 0);
        SplittableRandom r = new SplittableRandom(w);
        for (int y = 10; y < 25; y++) { // a damaged band: a no-data pixel in about one of 12, many spans a row
            for (int x = 0; x < w; x++) {
                if (r.nextInt(12) == 0) {
                    src.mask()[y * w + x] = (byte) (Mask.NO_DATA | (r.nextBoolean() ? Mask.BAD : 0));
                }
            }
        }
        for (int y = 0; y < h; y++) { // a left edge of varying width, as a rotated pointing offset leaves it
            for (int x = 0; x < 2 + y / 20; x++) {
                src.mask()[y * w + x] = Mask.NO_DATA;
            }
        }
        src.mask()[50 * w + w / 2] = Mask.NO_DATA;
        src.mask()[50 * w + w / 2 + 3] = Mask.NO_DATA; // two whose reaches touch: one span
        src.mask()[60 * w + w - 1] = Mask.SATURATED;
        int hw = 5;
        KernelBasis basis = new KernelBasis(hw, new double[] {0.8, 1.6}, new int[] {2, 1});
        double[] coef = new double[1 + (basis.count() - 1) + 1];
        coef[0] = 1.0;
        KernelSolution k = new KernelSolution(basis, w, h, 0, 0, coef, 5, 5, 1, false);
        MaskedImage fast = new MaskedImage(w, h);
        MaskedImage oracle = new MaskedImage(w, h);
        Convolver vectorPasses = new Convolver(true, 32);
        vectorPasses.run(src, k, fast);
        new Convolver(false, 32).run(src, k, oracle);
        assertArrayEquals(oracle.mask(), fast.mask());
        // again on a clean image with the same convolver: nothing of the first image's spans is left over
        java.util.Arrays.fill(src.mask(), (byte) 0);
        vectorPasses.run(src, k, fast);
        new Convolver(false, 32).run(src, k, oracle);
        assertArrayEquals(oracle.mask(), fast.mask());
        assertEquals(0, fast.mask()[35 * w + w / 2], "a clean image's interior is clean");
    }

    @ParameterizedTest
    @ValueSource(ints = {50, 131})
    void matchedFilterVectorMatchesScalarAndSumsToOne(int w) {
        int h = 40;
        MaskedImage src = noise(w, h, 5);
        float[] k = GaussianFilter.gaussian(1.2);
        float[] a = new float[w * h];
        float[] b = new float[w * h];
        new GaussianFilter(true).run(src.image(), w, h, k, new float[w * h], a);
        new GaussianFilter(false).run(src.image(), w, h, k, new float[w * h], b);
        assertArrayEquals(b, a);
        float[] one = new float[w * h];
        java.util.Arrays.fill(one, 1f);
        new GaussianFilter(true).run(one, w, h, k, new float[w * h], a);
        assertEquals(1.0, a[20 * w + w / 2], 1e-5, "a normalised filter keeps a constant");
        assertTrue(a[0] < 0.5, "zero outside the image");
    }

    /**
     * The detector's matched filter, one sweep down the image through a ring of filtered rows, is the two separable
     * passes over whole planes, to the bit: S = (g (x) g (x) d/v) / sqrt(g^2 (x) g^2 (x) 1/v), zero weight where masked.
     */
    @ParameterizedTest
    @ValueSource(ints = {50, 131})
    void theDetectorsOneSweepMatchedFilterIsTheTwoPassesToTheBit(int w) {
        int h = 45;
        MaskedImage diff = noise(w, h, 11);
        double psfSigma = 1.3;
        for (boolean vector : new boolean[] {true, false}) {
            Detector det = new Detector(w, h, vector);
            det.run(diff, new float[w * h], new float[w * h], psfSigma, 1e9, new Detector.Config(5, 3, 100));
            float[] z = new float[w * h];
            float[] iv = new float[w * h];
            for (int i = 0; i < w * h; i++) {
                boolean usable = (diff.mask()[i] & Mask.UNUSABLE) == 0 && diff.variance()[i] > 0;
                iv[i] = usable ? 1f / diff.variance()[i] : 0f;
                z[i] = usable ? diff.image()[i] * iv[i] : 0f;
            }
            float[] g = GaussianFilter.gaussian(psfSigma);
            float[] g2 = new float[g.length];
            for (int i = 0; i < g.length; i++) {
                g2[i] = g[i] * g[i];
            }
            float[] num = new float[w * h];
            float[] den = new float[w * h];
            new GaussianFilter(vector).run(z, w, h, g, new float[w * h], num);
            new GaussianFilter(vector).run(iv, w, h, g2, new float[w * h], den);
            float[] expected = new float[w * h];
            for (int i = 0; i < w * h; i++) {
                expected[i] = den[i] > 0f ? num[i] / (float) Math.sqrt(den[i]) : 0f;
            }
            assertArrayEquals(expected, det.significance(), "vector " + vector);
        }
    }

    // two stamp sizes in turn: the basis's scratch planes are resized between them
    @ParameterizedTest
    @ValueSource(ints = {17, 13, 17})
    void eachStampCorrelationIsItsBasisFunctionCorrelatedDirectly(int n) {
        int w = 97;
        MaskedImage img = noise(w, 80, 11);
        KernelBasis basis = new KernelBasis(5, new double[] {0.6, 1.2, 2.4}, new int[] {4, 3, 2});
        int size = basis.size();
        int hw = basis.halfWidth();
        double[][] out = new double[basis.count()][n * n];
        int[][] centres = {{30, 25}, {60, 50}, {41, 33}};
        for (int[] c : centres) {
            basis.correlateStamp(img.image(), w, c[0], c[1], n, out);
            for (int b = 0; b < basis.count(); b++) {
                float[] k = basis.kernel(b);
                for (int y = 0; y < n; y++) {
                    for (int x = 0; x < n; x++) {
                        double s = 0;
                        double scale = 0;
                        for (int v = 0; v < size; v++) {
                            for (int u = 0; u < size; u++) {
                                double term = k[v * size + u] * (double) img.image()[(c[1] - n / 2 + y + v - hw) * w + c[0] - n / 2 + x + u - hw];
                                s += term;
                                scale += Math.abs(term);
                            }
                        }
                        assertEquals(s, out[b][y * n + x], 1e-6 * scale, "function " + b + " at " + x + "," + y + " of stamp " + c[0] + "," + c[1]);
                    }
                }
            }
        }
    }

    @Test
    void theKernelFitRecoversAKernelOfItsBasisExactly() {
        int w = 300;
        int h = 200;
        MaskedImage source = noise(w, h, 5);
        java.util.Arrays.fill(source.mask(), (byte) 0);
        KernelBasis basis = new KernelBasis(5, new double[] {0.6, 1.2, 2.4}, new int[] {4, 3, 2});
        int size = basis.size();
        int hw = basis.halfWidth();
        SplittableRandom r = new SplittableRandom(3);
        double[] truth = new double[basis.count() + 1];
        truth[0] = 1.3;
        for (int b = 1; b < basis.count(); b++) {
            truth[b] = r.nextGaussian() * 0.05;
        }
        truth[basis.count()] = 7.5;
        MaskedImage target = new MaskedImage(w, h);
        for (int y = hw; y < h - hw; y++) {
            for (int x = hw; x < w - hw; x++) {
                double s = truth[basis.count()];
                for (int b = 0; b < basis.count(); b++) {
                    float[] k = basis.kernel(b);
                    double c = 0;
                    for (int v = 0; v < size; v++) {
                        for (int u = 0; u < size; u++) {
                            c += k[v * size + u] * (double) source.image()[(y + v - hw) * w + x + u - hw];
                        }
                    }
                    s += truth[b] * c;
                }
                target.image()[y * w + x] = (float) s;
            }
        }
        java.util.Arrays.fill(target.variance(), 1f);
        java.util.Arrays.fill(source.variance(), 0f);
        java.util.List<double[]> centres = new java.util.ArrayList<>();
        for (int cy = 30; cy < h - 30; cy += 40) {
            for (int cx = 30; cx < w - 30; cx += 50) {
                centres.add(new double[] {cx, cy});
            }
        }
        KernelSolution k = PsfMatch.fit(source, target, centres, basis, new PsfMatch.Config(0, 0, 8, 3));
        for (int b = 0; b < truth.length; b++) {
            assertEquals(truth[b], k.coefficients()[b], 2e-5, "coefficient " + b);
        }
        // a variable star in two stamps of the target: clipped (its rounds take them out of the kept sums), the rest exact
        for (int s = 0; s < 2; s++) {
            double[] c = centres.get(3 + 4 * s);
            for (int dy = -4; dy <= 4; dy++) {
                for (int dx = -4; dx <= 4; dx++) {
                    target.image()[((int) c[1] + dy) * w + (int) c[0] + dx] += (float) (500 * Math.exp(-(dx * dx + dy * dy) / 4.0));
                }
            }
        }
        KernelSolution clipped = PsfMatch.fit(source, target, centres, basis, new PsfMatch.Config(0, 0, 8, 3));
        assertTrue(clipped.stampsUsed() <= centres.size() - 2, clipped.stampsUsed() + " of " + centres.size() + " stamps used");
        for (int b = 0; b < truth.length; b++) {
            assertEquals(truth[b], clipped.coefficients()[b], 2e-5, "coefficient " + b + " with two stamps clipped");
        }
    }

    // both directions of convolution; a pointing offset (no-data edges after resampling), NaN pixels and a dark's
    // bad pixels in the new image: every masked-pixel branch of calibration, convolution and subtraction is taken
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void theWholeDifferenceIsTheScalarOraclesToTheBit(boolean newSharper) {
        PairSimulator.Config c = PairSimulator.Config.tomoe(21).withSize(700, 420);
        if (newSharper) {
            c = new PairSimulator.Config(c.width(), c.height(), c.gain(), c.readNoise(), c.saturate(), c.newSeeing(), c.refSeeing(),
                c.refFrames(), c.newFrames(), c.stars(), c.galaxies(), c.transients(), c.snrMin(), c.snrMax(), c.variables(), c.moving(),
                c.trail(), c.hotPixels(), c.maxShiftPx(), c.seed());
        }
        PairSimulator.Pair p = PairSimulator.render(c);
        float[] newImage = p.newImage().clone();
        for (int k = 0; k < 40; k++) {
            newImage[(37 + 9 * k) * c.width() + 11 + 16 * k] = Float.NaN;
        }
        Calibration.Frames frames = new Calibration.Frames(null, null, Calibration.badPixelsFromDark(p.dark(), c.width(), c.height(), 5));
        DifferenceImager.Result[] results = new DifferenceImager.Result[2];
        DifferenceImager[] imagers = new DifferenceImager[2];
        for (int v = 0; v < 2; v++) {
            DiffSettings d = DiffSettings.defaults();
            DiffSettings s = new DiffSettings(d.backgroundMesh(), d.saturationFraction(), d.starThresholdSigma(), d.maxStars(), d.searchPx(),
                d.minMatches(), d.resampleTolerancePx(), d.sigmaFactors(), d.degrees(), d.halfWidth(), d.spatialOrder(), d.backgroundOrder(),
                d.stampHalf(), d.stampsPerCell(), d.minStamps(), d.thresholdSigma(), d.dipoleSigma(), d.brightStarSigma(), d.maxDetections(),
                v == 0);
            imagers[v] = new DifferenceImager(s, c.width(), c.height());
            results[v] = imagers[v].run(
                new DifferenceImager.Input(newImage, c.width(), c.height(), new Calibration.Photometry(c.gain() * c.newFrames(), c.saturate()),
                    frames),
                new DifferenceImager.Input(p.reference(), c.width(), c.height(), new Calibration.Photometry(c.gain() * c.refFrames(),
                    c.saturate()), Calibration.Frames.NONE),
                new Affine(1.6, 1, 0, -2.3, 0, 1));
        }
        assertEquals(newSharper, results[0].flags().contains(DiffFlag.CONVOLVED_NEW), String.valueOf(results[0].flags()));
        MaskedImage vd = imagers[0].difference();
        MaskedImage sd = imagers[1].difference();
        int noData = 0;
        for (byte m : vd.mask()) {
            noData += (m & Mask.NO_DATA) != 0 ? 1 : 0;
        }
        assertTrue(noData > 2 * c.height(), "the offset leaves no-data edges (" + noData + " pixels)");
        assertSamePlanes(sd, vd);
        assertEquals(results[1].detections().size(), results[0].detections().size(), "detections");
        for (int i = 0; i < results[0].detections().size(); i++) {
            Detection v = results[0].detections().get(i);
            Detection o = results[1].detections().get(i);
            assertEquals(o.x(), v.x(), "detection " + i + " x");
            assertEquals(o.y(), v.y(), "detection " + i + " y");
            assertEquals(o.flux(), v.flux(), "detection " + i + " flux");
            assertEquals(o.flags(), v.flags(), "detection " + i + " flags");
            assertArrayEquals(o.cutout(), v.cutout(), "detection " + i + " cutout");
        }
    }

    @Test
    void aReferencePreparedInPlaceIsTheOnePreparedFromACopy() {
        PairSimulator.Config c = PairSimulator.Config.tomoe(22).withSize(500, 300);
        PairSimulator.Pair p = PairSimulator.render(c);
        float[] pixels = p.reference().clone();
        pixels[1234] = Float.NaN;
        Calibration.Photometry phot = new Calibration.Photometry(c.gain() * c.refFrames(), c.saturate());
        DifferenceImager imager = new DifferenceImager(DiffSettings.defaults(), c.width(), c.height());
        DifferenceImager.PreparedReference copied = imager.prepare(new DifferenceImager.Input(pixels.clone(), c.width(), c.height(), phot,
            Calibration.Frames.NONE));
        DifferenceImager.PreparedReference inPlace = imager.prepareInPlace(new DifferenceImager.Input(pixels, c.width(), c.height(), phot,
            Calibration.Frames.NONE));
        assertTrue(inPlace.image().image() == pixels, "the pixels read are the prepared plane");
        assertArrayEquals(copied.image().image(), inPlace.image().image(), "image");
        assertArrayEquals(copied.image().variance(), inPlace.image().variance(), "variance");
        assertArrayEquals(copied.image().mask(), inPlace.image().mask(), "mask");
        assertEquals(Mask.NO_DATA, inPlace.image().mask()[1234], "the NaN pixel");
        assertEquals(copied.stars(), inPlace.stars(), "stars");
        assertEquals(copied.fwhm(), inPlace.fwhm());
    }

    @Test
    void affineFitInverseAndComposition() {
        Affine m = new Affine(3.2, 1.001, 0.002, -7.5, -0.0015, 0.999);
        double[] x = {0, 100, 0, 500, 1999};
        double[] y = {0, 0, 100, 700, 1127};
        double[] u = new double[5];
        double[] v = new double[5];
        boolean[] use = {true, true, true, true, true};
        for (int i = 0; i < 5; i++) {
            u[i] = m.x(x[i], y[i]);
            v[i] = m.y(x[i], y[i]);
        }
        Affine f = Affine.fit(x, y, u, v, use);
        assertEquals(m.a(), f.a(), 1e-9);
        assertEquals(m.f(), f.f(), 1e-9);
        Affine id = m.inverse().after(m);
        assertEquals(0, id.x(123, 456) - 123, 1e-9);
        assertEquals(0, id.y(123, 456) - 456, 1e-9);
    }
}
