package org.nightwatch.workers.diff;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sky background and its noise on a mesh of square cells: in each cell a sample of the unmasked pixels
 * is sigma-clipped (3 sigma, three passes) about its median, with sigma from the 15.9th and 84.1st
 * percentiles, robust to stars. Between cell centres both maps are interpolated bilinearly.
 */
public final class Background {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int SAMPLES_PER_SIDE = 32;
    private static final int MIN_SAMPLES = 30;

    private Background() {
    }

    /** Background level and noise at the cell centres. */
    public record Model(int width, int height, int mesh, int nx, int ny, float[] level, float[] sigma) {
        public double levelAt(double x, double y) {
            return interpolate(level, x, y);
        }

        public double sigmaAt(double x, double y) {
            return interpolate(sigma, x, y);
        }

        /**
         * This model with each cell's noise at most {@code margin} times the photon and read noise of its
         * level: {@code sqrt(max(level, 0) / gainEff + readNoiseVar)}. A level that holds a bias the model
         * does not know makes the bound larger, never smaller, than the truth.
         */
        public Model withNoiseAtMost(double gainEff, double readNoiseVar, double margin) {
            float[] s = sigma.clone();
            for (int c = 0; c < s.length; c++) {
                double model = margin * Math.sqrt(Math.max(level[c], 0) / gainEff + readNoiseVar);
                if (model > 0 && s[c] > model) {
                    s[c] = (float) model;
                }
            }
            return new Model(width, height, mesh, nx, ny, level, s);
        }

        /** Median over the cells of the noise, the image's typical background sigma. */
        public double medianSigma() {
            float[] s = sigma.clone();
            Arrays.sort(s);
            return s[s.length / 2];
        }

        private double interpolate(float[] grid, double x, double y) {
            double gx = Math.max(0, Math.min(nx - 1, (x + 0.5) / mesh - 0.5));
            double gy = Math.max(0, Math.min(ny - 1, (y + 0.5) / mesh - 0.5));
            int ix = Math.min((int) gx, nx - 2 < 0 ? 0 : nx - 2);
            int iy = Math.min((int) gy, ny - 2 < 0 ? 0 : ny - 2);
            double fx = nx == 1 ? 0 : gx - ix;
            double fy = ny == 1 ? 0 : gy - iy;
            int ix1 = Math.min(ix + 1, nx - 1);
            int iy1 = Math.min(iy + 1, ny - 1);
            return (1 - fy) * ((1 - fx) * grid[iy * nx + ix] + fx * grid[iy * nx + ix1])
                + fy * ((1 - fx) * grid[iy1 * nx + ix] + fx * grid[iy1 * nx + ix1]);
        }

        /**
         * In one pass: subtracts the interpolated level from {@code img}, zeroes pixels with a BAD or
         * NO_DATA bit (a background value, harmless to resampling and convolution), and writes the
         * variance {@code sigma^2 + max(img, 0) * invGain} (sky noise plus the sources' Poisson noise).
         * Both grids are interpolated in x once per band of rows between two rows of cell centres, and each row of
         * the band is then a vector fma of the band's two rows.
         */
        void subtractWithVariance(float[] img, byte[] mask, float[] var, float invGain) {
            int[] ix0 = new int[width];
            int[] ix1 = new int[width];
            float[] fx = new float[width];
            for (int x = 0; x < width; x++) {
                double gx = Math.max(0, Math.min(nx - 1, (x + 0.5) / mesh - 0.5));
                int i = Math.min((int) gx, Math.max(0, nx - 2));
                ix0[x] = i;
                ix1[x] = Math.min(i + 1, nx - 1);
                fx[x] = nx == 1 ? 0f : (float) (gx - i);
            }
            // along x once per band of rows between two rows of cell centres: the level and the noise at the band's
            // upper row (lev0, sig0) and their change to its lower row (dLev, dSig), so that a row is lev0 + fy dLev,
            // vector by vector; interpolating each row's own values in x cost a third of this pass
            float[] lev0 = new float[width];
            float[] dLev = new float[width];
            float[] sig0 = new float[width];
            float[] dSig = new float[width];
            int band = -1;
            for (int y = 0; y < height; y++) {
                double gy = Math.max(0, Math.min(ny - 1, (y + 0.5) / mesh - 0.5));
                int iy = Math.min((int) gy, Math.max(0, ny - 2));
                float fy = ny == 1 ? 0f : (float) (gy - iy);
                if (iy != band) {
                    band = iy;
                    int iy1 = Math.min(iy + 1, ny - 1);
                    alongX(level, iy * nx, ix0, ix1, fx, lev0);
                    alongX(level, iy1 * nx, ix0, ix1, fx, dLev);
                    alongX(sigma, iy * nx, ix0, ix1, fx, sig0);
                    alongX(sigma, iy1 * nx, ix0, ix1, fx, dSig);
                    for (int x = 0; x < width; x++) {
                        dLev[x] -= lev0[x];
                        dSig[x] -= sig0[x];
                    }
                }
                // a vector at a time, then the rare masked pixels set to zero signal
                int base = y * width;
                FloatVector gain = FloatVector.broadcast(F, invGain);
                FloatVector fyv = FloatVector.broadcast(F, fy);
                int x = 0;
                for (int bound = F.loopBound(width); x < bound; x += F.length()) {
                    FloatVector lev = FloatVector.fromArray(F, dLev, x).fma(fyv, FloatVector.fromArray(F, lev0, x));
                    FloatVector sg = FloatVector.fromArray(F, dSig, x).fma(fyv, FloatVector.fromArray(F, sig0, x));
                    FloatVector v = FloatVector.fromArray(F, img, base + x).sub(lev);
                    v.intoArray(img, base + x);
                    v.max(0f).fma(gain, sg.mul(sg)).intoArray(var, base + x);
                }
                for (; x < width; x++) {
                    float sg = Math.fma(dSig[x], fy, sig0[x]);
                    float v = img[base + x] - Math.fma(dLev[x], fy, lev0[x]);
                    img[base + x] = v;
                    var[base + x] = Math.fma(Math.max(v, 0f), invGain, sg * sg);
                }
                int end = base + width;
                byte unset = Mask.BAD | Mask.NO_DATA;
                for (int i = Mask.nextWith(mask, base, end, unset, true); i < end; i = Mask.nextWith(mask, i + 1, end, unset, true)) {
                    if ((mask[i] & unset) != 0) {
                        float sg = Math.fma(dSig[i - base], fy, sig0[i - base]);
                        img[i] = 0f;
                        var[i] = sg * sg;
                    }
                }
            }
        }

        /** One row of cell centres ({@code grid} from {@code row}) interpolated along x: {@code out[x]}. */
        private static void alongX(float[] grid, int row, int[] ix0, int[] ix1, float[] fx, float[] out) {
            for (int x = 0; x < out.length; x++) {
                float a = grid[row + ix0[x]];
                out[x] = a + fx[x] * (grid[row + ix1[x]] - a);
            }
        }
    }

    /** Estimates the background of {@code image}, ignoring pixels with any {@link Mask#UNUSABLE} bit. */
    public static Model estimate(float[] image, byte[] mask, int width, int height, int mesh) {
        int nx = Math.max(1, (width + mesh / 2) / mesh);
        int ny = Math.max(1, (height + mesh / 2) / mesh);
        float[] level = new float[nx * ny];
        float[] sigma = new float[nx * ny];
        boolean[] valid = new boolean[nx * ny];
        float[] sample = new float[SAMPLES_PER_SIDE * SAMPLES_PER_SIDE];
        FloatSort sorter = new FloatSort();
        for (int cy = 0; cy < ny; cy++) {
            int y0 = cy * height / ny;
            int y1 = (cy + 1) * height / ny;
            // a grid of at most SAMPLES_PER_SIDE x SAMPLES_PER_SIDE pixels a cell (the step rounded up: rounded down, a
            // 125 px cell gave 42 x 42 samples, and their sort was a tenth of a visit's difference imaging)
            int sy = Math.max(1, ceilDiv(y1 - y0, SAMPLES_PER_SIDE));
            for (int cx = 0; cx < nx; cx++) {
                int x0 = cx * width / nx;
                int x1 = (cx + 1) * width / nx;
                int sx = Math.max(1, ceilDiv(x1 - x0, SAMPLES_PER_SIDE));
                int n = 0;
                for (int y = y0; y < y1 && n < sample.length; y += sy) {
                    int row = y * width;
                    for (int x = x0; x < x1 && n < sample.length; x += sx) {
                        float v = image[row + x];
                        if ((mask[row + x] & Mask.UNUSABLE) == 0 && Float.isFinite(v)) {
                            sample[n++] = v;
                        }
                    }
                }
                int c = cy * nx + cx;
                if (n >= MIN_SAMPLES) {
                    sorter.sort(sample, 0, n);
                    float[] ls = clippedStats(sample, n);
                    level[c] = ls[0];
                    sigma[c] = ls[1];
                    valid[c] = true;
                }
            }
        }
        fillInvalid(level, valid);
        fillInvalid(sigma, valid);
        return new Model(width, height, (width + nx - 1) / nx, nx, ny, level, sigma);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Median and sigma of a sorted sample, clipped at 3 sigma about the median, three passes. */
    public static float[] clippedStats(float[] sorted, int n) {
        int lo = 0;
        int hi = n; // exclusive
        float med = 0;
        float sig = 0;
        for (int pass = 0; pass < 3; pass++) {
            int m = hi - lo;
            med = percentile(sorted, lo, m, 0.5);
            sig = (percentile(sorted, lo, m, 0.8413) - percentile(sorted, lo, m, 0.1587)) / 2f;
            if (!(sig > 0)) {
                break;
            }
            int nlo = lowerBound(sorted, 0, n, med - 3 * sig);
            int nhi = lowerBound(sorted, 0, n, Math.nextUp(med + 3 * sig));
            if (nlo == lo && nhi == hi) {
                break;
            }
            lo = nlo;
            hi = nhi;
        }
        return new float[] {med, sig};
    }

    private static float percentile(float[] s, int from, int n, double p) {
        double pos = p * (n - 1);
        int i = (int) pos;
        double f = pos - i;
        float a = s[from + i];
        float b = s[from + Math.min(i + 1, n - 1)];
        return (float) (a + f * (b - a));
    }

    private static int lowerBound(float[] s, int from, int to, float v) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (s[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static void fillInvalid(float[] grid, boolean[] valid) {
        float[] good = new float[grid.length];
        int n = 0;
        for (int i = 0; i < grid.length; i++) {
            if (valid[i]) {
                good[n++] = grid[i];
            }
        }
        float fill = 0;
        if (n > 0) {
            Arrays.sort(good, 0, n);
            fill = good[n / 2];
        }
        for (int i = 0; i < grid.length; i++) {
            if (!valid[i]) {
                grid[i] = fill;
            }
        }
    }
}
