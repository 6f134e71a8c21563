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
    /** Where each tap of a horizontal pass starts in its row ({@link #taps}). */
    private int[] tapBase = new int[0];

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

    /** {@code out = k (x) k (x) in}; {@code tmp} and {@code out} are scratch planes of the same size. */
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
            if (tapBase.length < k.length) {
                tapBase = new int[k.length];
            }
            for (int t = 0; t < k.length; t++) {
                tapBase[t] = io + t;
            }
            taps(in, tapBase, 0, k.length, k, out, oo + hw, n);
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
        taps(tmp, rows, Math.max(0, hw - y), Math.min(k.length, h - y + hw), k, out, oo, w);
    }

    /**
     * {@code out[oo + x] = sum over t0 <= t < t1 of s[base[t] + x] k[t]} for x below {@code n}, each output the fma
     * chain of its taps in order, held in a register: four vectors at a time (four independent chains hide the fma's
     * latency), then single vectors, then pixels, which the scalar oracle runs alone and rounds alike. The taps added
     * into the output row four per pass (a tree of fma, mul and add) took 1.5 operations and 1.5 memory accesses a tap.
     */
    private void taps(float[] s, int[] base, int t0, int t1, float[] k, float[] out, int oo, int n) {
        int x = 0;
        if (vector) {
            int lanes = F.length();
            for (; x + 4 * lanes <= n; x += 4 * lanes) {
                quad(s, base, t0, t1, k, out, oo, x);
            }
            for (int bound = F.loopBound(n); x < bound; x += lanes) {
                FloatVector acc = FloatVector.zero(F);
                for (int t = t0; t < t1; t++) {
                    acc = FloatVector.fromArray(F, s, base[t] + x).fma(FloatVector.broadcast(F, k[t]), acc);
                }
                acc.intoArray(out, oo + x);
            }
        }
        for (; x < n; x++) {
            float acc = 0f;
            for (int t = t0; t < t1; t++) {
                acc = Math.fma(s[base[t] + x], k[t], acc);
            }
            out[oo + x] = acc;
        }
    }

    /** Four vectors of {@link #taps} from column {@code x}. */
    private static void quad(float[] s, int[] base, int t0, int t1, float[] k, float[] out, int oo, int x) {
        int lanes = F.length();
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        for (int t = t0; t < t1; t++) {
            FloatVector c = FloatVector.broadcast(F, k[t]);
            int o = base[t] + x;
            a0 = FloatVector.fromArray(F, s, o).fma(c, a0);
            a1 = FloatVector.fromArray(F, s, o + lanes).fma(c, a1);
            a2 = FloatVector.fromArray(F, s, o + 2 * lanes).fma(c, a2);
            a3 = FloatVector.fromArray(F, s, o + 3 * lanes).fma(c, a3);
        }
        a0.intoArray(out, oo + x);
        a1.intoArray(out, oo + x + lanes);
        a2.intoArray(out, oo + x + 2 * lanes);
        a3.intoArray(out, oo + x + 3 * lanes);
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
