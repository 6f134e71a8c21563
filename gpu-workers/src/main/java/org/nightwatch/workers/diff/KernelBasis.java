package org.nightwatch.workers.diff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Alard-Lupton kernel basis: Gaussians of a few widths times polynomials {@code u^i v^j}
 * ({@code i + j <= degree} of each Gaussian), as HOTPANTS uses. Basis 0 is the narrowest Gaussian
 * normalised to unit sum; every other function has its sum removed (minus its sum times basis 0) and is
 * scaled to unit L2 norm, so that the kernel's sum, the photometric scale, is the coefficient of basis 0
 * alone. Each raw function is separable, which is what makes convolving star stamps with the basis cheap.
 */
public final class KernelBasis {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    private final int halfWidth;
    private final int size;
    /** Per function: its Gaussian, x power, y power. */
    private final int[] gauss;
    private final int[] px;
    private final int[] py;
    /** Per function b: B_b = alpha[b] * raw_b + beta[b] * raw_0. */
    private final double[] alpha;
    private final double[] beta;
    /** 1-D parts: profile[g][power][u + hw] = exp(-u^2 / 2 sigma_g^2) u^power. */
    private final double[][][] profile;
    /** The basis functions as 2-D kernels, size * size each, row-major (v, u). */
    private final float[][] kernels;
    /** Per function: whether it is the first with its Gaussian and x power, and so makes their horizontal pass. */
    private final boolean[] ownsHorizontal;
    /** Scratch planes of {@link #correlateStamp}, sized for the last stamp size. */
    private double[] region;
    private double[][][] horizontal;
    private double[] vertical;
    private double[] stampRaw0;

    /**
     * @param halfWidth kernel half-width, px
     * @param sigmas    Gaussian widths, px (the first should be the narrowest)
     * @param degrees   polynomial degree for each Gaussian
     */
    public KernelBasis(int halfWidth, double[] sigmas, int[] degrees) {
        if (sigmas.length == 0 || sigmas.length != degrees.length) {
            throw new IllegalArgumentException("kernel basis needs as many degrees as Gaussian widths");
        }
        this.halfWidth = halfWidth;
        this.size = 2 * halfWidth + 1;
        int maxDeg = 0;
        for (int d : degrees) {
            maxDeg = Math.max(maxDeg, d);
        }
        profile = new double[sigmas.length][maxDeg + 1][size];
        for (int g = 0; g < sigmas.length; g++) {
            for (int p = 0; p <= maxDeg; p++) {
                for (int u = -halfWidth; u <= halfWidth; u++) {
                    profile[g][p][u + halfWidth] = Math.exp(-u * u / (2 * sigmas[g] * sigmas[g])) * Math.pow(u, p);
                }
            }
        }
        List<int[]> fns = new ArrayList<>();
        for (int g = 0; g < sigmas.length; g++) {
            for (int i = 0; i <= degrees[g]; i++) {
                for (int j = 0; j <= degrees[g] - i; j++) {
                    fns.add(new int[] {g, i, j});
                }
            }
        }
        int n = fns.size();
        gauss = new int[n];
        px = new int[n];
        py = new int[n];
        alpha = new double[n];
        beta = new double[n];
        kernels = new float[n][size * size];
        ownsHorizontal = new boolean[n];
        for (int b = 0; b < n; b++) {
            ownsHorizontal[b] = true;
            for (int c = 0; c < b; c++) {
                if (fns.get(c)[0] == fns.get(b)[0] && fns.get(c)[1] == fns.get(b)[1]) {
                    ownsHorizontal[b] = false;
                }
            }
        }
        double[] raw0 = raw(0, 0, 0);
        double sum0 = sum(raw0);
        for (int b = 0; b < n; b++) {
            gauss[b] = fns.get(b)[0];
            px[b] = fns.get(b)[1];
            py[b] = fns.get(b)[2];
            double[] r = raw(gauss[b], px[b], py[b]);
            double[] k = new double[size * size];
            if (b == 0) {
                alpha[0] = 1 / sum0;
                beta[0] = 0;
            } else {
                double s = sum(r);
                // zero-sum: r - s * (raw0 / sum0), then unit L2 norm
                double norm = 0;
                for (int i = 0; i < k.length; i++) {
                    double v = r[i] - s * raw0[i] / sum0;
                    norm += v * v;
                }
                norm = Math.sqrt(norm);
                alpha[b] = 1 / norm;
                beta[b] = -s / sum0 / norm;
            }
            for (int i = 0; i < k.length; i++) {
                kernels[b][i] = (float) (alpha[b] * r[i] + beta[b] * raw0[i]);
            }
        }
    }

    private double[] raw(int g, int i, int j) {
        double[] r = new double[size * size];
        for (int v = 0; v < size; v++) {
            for (int u = 0; u < size; u++) {
                r[v * size + u] = profile[g][i][u] * profile[g][j][v];
            }
        }
        return r;
    }

    private static double sum(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s;
    }

    public int halfWidth() {
        return halfWidth;
    }

    public int size() {
        return size;
    }

    public int count() {
        return kernels.length;
    }

    public float[] kernel(int b) {
        return kernels[b];
    }

    /**
     * Correlates a stamp with every basis function: {@code out[b][(y * n) + x] = sum_uv B_b(u, v)
     * img(cx - n/2 + x + u, cy - n/2 + y + v)} for an n x n region centred on (cx, cy). Uses the separable
     * raw functions; the caller keeps the region {@code halfWidth} away from the image edges.
     *
     * <p>The region grown by the kernel ({@code r = n + 2 halfWidth} on a side) is copied into a contiguous
     * plane of row stride {@code r}, and both passes run as one flat loop over that plane per tap: long
     * stride-1 loops the JIT vectorises, where loops along a stamp's 17 px rows were mostly remainder. The
     * outputs at {@code x >= n} of each row wrap into the next row and are thrown away; every kept output
     * reads only pixels of its own footprint. Not thread-safe: the planes are the basis's own.
     */
    public void correlateStamp(float[] img, int width, int cx, int cy, int n, double[][] out) {
        int h = n / 2;
        int r = n + 2 * halfWidth;
        int plane = r * r;
        if (region == null || region.length != plane) {
            region = new double[plane];
            vertical = new double[n * r];
            stampRaw0 = new double[n * n];
            horizontal = new double[profile.length][profile[0].length][];
        }
        for (int y = 0; y < r; y++) {
            int src = (cy - h - halfWidth + y) * width + cx - h - halfWidth;
            int o = y * r;
            for (int x = 0; x < r; x++) {
                region[o + x] = img[src + x];
            }
        }
        // horizontal pass for each (gaussian, x power) used: hx[i] = sum_u k[u] region[i + u]
        int hLen = plane - 2 * halfWidth;
        for (int b = 0; b < count(); b++) {
            int g = gauss[b];
            int p = px[b];
            if (!ownsHorizontal[b]) {
                continue; // an earlier function with this Gaussian and x power made it
            }
            double[] dst = horizontal[g][p];
            if (dst == null) {
                dst = new double[plane]; // its tail past hLen stays zero: the vertical pass reads it for thrown-away outputs
                horizontal[g][p] = dst;
            } else {
                Arrays.fill(dst, 0, hLen, 0.0);
            }
            double[] k = profile[g][p];
            for (int u = 0; u < size; u++) {
                axpy(k[u], region, u, dst, hLen);
            }
        }
        // vertical pass for each function: v[i] = sum_v k[v] hx[i + v r], rows 0..n-1 of the stamp
        int vLen = n * r;
        for (int b = 0; b < count(); b++) {
            double[] src = horizontal[gauss[b]][px[b]];
            double[] k = profile[gauss[b]][py[b]];
            Arrays.fill(vertical, 0.0);
            for (int v = 0; v < size; v++) {
                axpy(k[v], src, v * r, vertical, vLen);
            }
            double[] dst = out[b];
            for (int y = 0; y < n; y++) {
                System.arraycopy(vertical, y * r, dst, y * n, n);
            }
            if (b == 0) {
                System.arraycopy(dst, 0, stampRaw0, 0, n * n);
            }
            double a = alpha[b];
            double be = beta[b];
            for (int i = 0; i < n * n; i++) {
                dst[i] = a * dst[i] + be * stampRaw0[i];
            }
        }
    }

    /** {@code dst[i] += k * src[off + i]} for {@code i < len}. */
    private static void axpy(double k, double[] src, int off, double[] dst, int len) {
        DoubleVector kv = DoubleVector.broadcast(D, k);
        int i = 0;
        for (int bound = D.loopBound(len); i < bound; i += D.length()) {
            DoubleVector.fromArray(D, src, off + i).fma(kv, DoubleVector.fromArray(D, dst, i)).intoArray(dst, i);
        }
        for (; i < len; i++) {
            dst[i] += k * src[off + i];
        }
    }

}
