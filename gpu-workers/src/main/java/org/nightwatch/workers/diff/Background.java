package org.nightwatch.workers.diff;

import java.util.Arrays;

/**
 * Sky background and its noise on a mesh of square cells: in each cell a sample of the unmasked pixels
 * is sigma-clipped (3 sigma, three passes) about its median, with sigma from the 15.9th and 84.1st
 * percentiles, robust to stars. Between cell centres both maps are interpolated bilinearly.
 */
public final class Background {
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
         * Each row first interpolates the grids in y (one value per cell), then in x.
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
            float[] lrow = new float[nx];
            float[] srow = new float[nx];
            float[] levX = new float[width];
            float[] sky2X = new float[width];
            for (int y = 0; y < height; y++) {
                double gy = Math.max(0, Math.min(ny - 1, (y + 0.5) / mesh - 0.5));
                int iy = Math.min((int) gy, Math.max(0, ny - 2));
                int iy1 = Math.min(iy + 1, ny - 1);
                float fy = ny == 1 ? 0f : (float) (gy - iy);
                for (int c = 0; c < nx; c++) {
                    lrow[c] = level[iy * nx + c] + fy * (level[iy1 * nx + c] - level[iy * nx + c]);
                    srow[c] = sigma[iy * nx + c] + fy * (sigma[iy1 * nx + c] - sigma[iy * nx + c]);
                }
                // along x, segment by segment between cell centres: two scalars a segment, no gathers per pixel
                for (int x0 = 0; x0 < width; ) {
                    int c0 = ix0[x0];
                    int x1 = x0;
                    while (x1 < width && ix0[x1] == c0) {
                        x1++;
                    }
                    float l0 = lrow[c0];
                    float dl = lrow[ix1[x0]] - l0;
                    float s0 = srow[c0];
                    float ds = srow[ix1[x0]] - s0;
                    for (int x = x0; x < x1; x++) {
                        levX[x] = l0 + fx[x] * dl;
                        float sg = s0 + fx[x] * ds;
                        sky2X[x] = sg * sg;
                    }
                    x0 = x1;
                }
                // branch-free (the JIT vectorises it), then the rare masked pixels set to zero signal
                int base = y * width;
                for (int x = 0; x < width; x++) {
                    float v = img[base + x] - levX[x];
                    img[base + x] = v;
                    var[base + x] = sky2X[x] + Math.max(v, 0f) * invGain;
                }
                int end = base + width;
                byte unset = Mask.BAD | Mask.NO_DATA;
                for (int i = Mask.nextWith(mask, base, end, unset, true); i < end; i = Mask.nextWith(mask, i + 1, end, unset, true)) {
                    if ((mask[i] & unset) != 0) {
                        img[i] = 0f;
                        var[i] = sky2X[i - base];
                    }
                }
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
