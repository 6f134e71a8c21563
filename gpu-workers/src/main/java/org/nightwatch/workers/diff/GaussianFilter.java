package org.nightwatch.workers.diff;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Separable correlation with a symmetric 1-D kernel in both directions, zero outside the image: the
 * matched filter of detection, and the seeing of the imagers' made-up warm-up visits. Rows and columns are vectorised along x; {@code vector = false} is the
 * scalar oracle.
 */
public final class GaussianFilter {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private final boolean vector;

    public GaussianFilter(boolean vector) {
        this.vector = vector;
    }

    /** A Gaussian of width {@code sigma} sampled at integer offsets to 3.5 sigma, normalised to unit sum. */
    public static float[] gaussian(double sigma) {
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

    /**
     * {@code out = k (x) k (x) in}; {@code tmp} and {@code out} are scratch planes of the same size. Taps
     * are the outer loop and the row the inner one (a vector accumulator carried through a tap loop is not
     * kept in registers on JDK 17).
     */
    public void run(float[] in, int w, int h, float[] k, float[] tmp, float[] out) {
        for (int y = 0; y < h; y++) {
            horizontal(in, y * w, w, k, tmp, y * w);
        }
        int[] rows = new int[k.length];
        int hw = k.length / 2;
        for (int y = 0; y < h; y++) {
            for (int t = 0; t < k.length; t++) {
                rows[t] = (y - hw + t) * w;
            }
            vertical(tmp, rows, w, h, y, k, out, y * w);
        }
    }

    /**
     * One row of the horizontal pass: {@code out[oo .. oo + w) = k (x) in[io .. io + w)}, zero beyond the row's ends:
     * interior columns {@code hw .. w - hw} vectorised, the edges separately.
     */
    void horizontal(float[] in, int io, int w, float[] k, float[] out, int oo) {
        int hw = k.length / 2;
        int n = w - 2 * hw;
        if (n > 0) {
            int bound = vector ? F.loopBound(n) : 0;
            java.util.Arrays.fill(out, oo + hw, oo + w - hw, 0f);
            int t = 0;
            for (; t + 4 <= k.length; t += 4) {
                fma4(out, oo + hw, in, io + t, io + t + 1, io + t + 2, io + t + 3, k, t, n, bound);
            }
            for (; t < k.length; t++) {
                fma1(out, oo + hw, in, io + t, k[t], n, bound);
            }
        }
        for (int x = 0; x < Math.min(hw, w); x++) {
            out[oo + x] = edge(in, io, w, x, k);
        }
        for (int x = Math.max(hw, w - hw); x < w; x++) {
            out[oo + x] = edge(in, io, w, x, k);
        }
    }

    /**
     * One row {@code y} of the vertical pass into {@code out[oo .. oo + w)}, zero outside the image: tap {@code t}
     * reads image row {@code y - hw + t}, which starts at {@code rows[t]} in {@code tmp} (a whole plane, or a ring of
     * the last rows the horizontal pass made).
     */
    void vertical(float[] tmp, int[] rows, int w, int h, int y, float[] k, float[] out, int oo) {
        int hw = k.length / 2;
        int vb = vector ? F.loopBound(w) : 0;
        java.util.Arrays.fill(out, oo, oo + w, 0f);
        int t0 = Math.max(0, hw - y);
        int t1 = Math.min(k.length, h - y + hw);
        int t = t0;
        for (; t + 4 <= t1; t += 4) {
            fma4(out, oo, tmp, rows[t], rows[t + 1], rows[t + 2], rows[t + 3], k, t, w, vb);
        }
        for (; t < t1; t++) {
            fma1(out, oo, tmp, rows[t], k[t], w, vb);
        }
    }

    /**
     * {@code a[ao + x] += s[o0 + x] k[t] + s[o1 + x] k[t + 1] + s[o2 + x] k[t + 2] + s[o3 + x] k[t + 3]} for x below
     * {@code n}: four taps per pass, a quarter of the accumulator traffic. Vector lanes up to {@code bound},
     * the same arithmetic in scalar after it (the oracle runs with bound 0 and rounds alike).
     */
    private static void fma4(float[] a, int ao, float[] s, int o0, int o1, int o2, int o3, float[] k, int t, int n, int bound) {
        float c0 = k[t];
        float c1 = k[t + 1];
        float c2 = k[t + 2];
        float c3 = k[t + 3];
        int x = 0;
        if (bound > 0) {
            FloatVector k0 = FloatVector.broadcast(F, c0);
            FloatVector k1 = FloatVector.broadcast(F, c1);
            FloatVector k2 = FloatVector.broadcast(F, c2);
            FloatVector k3 = FloatVector.broadcast(F, c3);
            for (; x < bound; x += F.length()) {
                FloatVector.fromArray(F, s, o0 + x).fma(k0, FloatVector.fromArray(F, a, ao + x))
                    .add(FloatVector.fromArray(F, s, o1 + x).mul(k1))
                    .add(FloatVector.fromArray(F, s, o2 + x).fma(k2, FloatVector.fromArray(F, s, o3 + x).mul(k3)))
                    .intoArray(a, ao + x);
            }
        }
        for (; x < n; x++) {
            a[ao + x] = Math.fma(s[o0 + x], c0, a[ao + x]) + s[o1 + x] * c1 + Math.fma(s[o2 + x], c2, s[o3 + x] * c3);
        }
    }

    /**
     * {@code a[ao + x] += s[o + x] kt} for x below {@code n}, vector lanes up to {@code bound}: the taps left over after
     * {@link #fma4}. A method of its own, as fma4 is: called for every row, the JIT compiles it whole with the vector
     * intrinsics at once, while {@link #run} (called twice a visit) would run its own copy of this loop uncompiled for
     * many visits (seen: detection 60 ms a visit instead of 30, with the Vector API's fallback allocating).
     */
    private static void fma1(float[] a, int ao, float[] s, int o, float kt, int n, int bound) {
        int x = 0;
        if (bound > 0) {
            FloatVector kk = FloatVector.broadcast(F, kt);
            for (; x < bound; x += F.length()) {
                FloatVector.fromArray(F, s, o + x).fma(kk, FloatVector.fromArray(F, a, ao + x)).intoArray(a, ao + x);
            }
        }
        for (; x < n; x++) {
            a[ao + x] = Math.fma(s[o + x], kt, a[ao + x]);
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
