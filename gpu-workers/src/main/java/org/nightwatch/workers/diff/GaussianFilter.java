package org.nightwatch.workers.diff;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Separable correlation with a symmetric 1-D kernel in both directions, zero outside the image: the
 * matched filter of detection. Rows and columns are vectorised along x; {@code vector = false} is the
 * scalar oracle.
 */
final class GaussianFilter {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private final boolean vector;

    GaussianFilter(boolean vector) {
        this.vector = vector;
    }

    /** A Gaussian of width {@code sigma} sampled at integer offsets to 3.5 sigma, normalised to unit sum. */
    static float[] gaussian(double sigma) {
        int hw = Math.max(1, (int) Math.ceil(3.5 * sigma));
        float[] k = new float[2 * hw + 1];
        double s = 0;
        for (int i = -hw; i <= hw; i++) {
            s += Math.exp(-i * i / (2 * sigma * sigma));
        }
        for (int i = -hw; i <= hw; i++) {
            k[i + hw] = (float) (Math.exp(-i * i / (2 * sigma * sigma)) / s);
        }
        return k;
    }

    /** {@code out = k (x) k (x) in}; {@code tmp} and {@code out} are scratch planes of the same size. */
    void run(float[] in, int w, int h, float[] k, float[] tmp, float[] out) {
        int hw = k.length / 2;
        // horizontal
        for (int y = 0; y < h; y++) {
            int row = y * w;
            for (int x = 0; x < Math.min(hw, w); x++) {
                tmp[row + x] = edge(in, row, w, x, k);
            }
            int x = hw;
            if (vector) {
                for (; x + F.length() <= w - hw; x += F.length()) {
                    FloatVector acc = FloatVector.fromArray(F, in, row + x - hw).mul(k[0]);
                    for (int t = 1; t < k.length; t++) {
                        acc = FloatVector.fromArray(F, in, row + x - hw + t).fma(FloatVector.broadcast(F, k[t]), acc);
                    }
                    acc.intoArray(tmp, row + x);
                }
            }
            for (; x < w - hw; x++) {
                float acc = in[row + x - hw] * k[0];
                for (int t = 1; t < k.length; t++) {
                    acc = Math.fma(in[row + x - hw + t], k[t], acc);
                }
                tmp[row + x] = acc;
            }
            for (x = Math.max(hw, w - hw); x < w; x++) {
                tmp[row + x] = edge(in, row, w, x, k);
            }
        }
        // vertical
        for (int y = 0; y < h; y++) {
            int row = y * w;
            int t0 = Math.max(0, hw - y);
            int t1 = Math.min(k.length, h - y + hw);
            int x = 0;
            if (vector) {
                for (int bound = F.loopBound(w); x < bound; x += F.length()) {
                    FloatVector acc = FloatVector.zero(F);
                    for (int t = t0; t < t1; t++) {
                        acc = FloatVector.fromArray(F, tmp, (y - hw + t) * w + x).fma(FloatVector.broadcast(F, k[t]), acc);
                    }
                    acc.intoArray(out, row + x);
                }
            }
            for (; x < w; x++) {
                float acc = 0f;
                for (int t = t0; t < t1; t++) {
                    acc = Math.fma(tmp[(y - hw + t) * w + x], k[t], acc);
                }
                out[row + x] = acc;
            }
        }
    }

    private static float edge(float[] in, int row, int w, int x, float[] k) {
        int hw = k.length / 2;
        float acc = 0f;
        for (int t = 0; t < k.length; t++) {
            int xx = x - hw + t;
            if (xx >= 0 && xx < w) {
                acc = Math.fma(in[row + xx], k[t], acc);
            }
        }
        return acc;
    }
}
