package org.nightwatch.workers.diff;

/**
 * Separable correlation with a symmetric 1-D kernel in both directions, zero outside the image: the
 * matched filter of detection, and the seeing of the imagers' made-up warm-up visits. Rows and columns are vectorised along x; {@code vector = false} is the
 * scalar oracle.
 */
public final class GaussianFilter {
    private final boolean vector;
    /** Where each tap of a horizontal pass starts in its row ({@link TapSums}). */
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
            TapSums.run(in, tapBase, 0, 0, k.length, k, out, oo + hw, n, vector);
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
        TapSums.run(tmp, rows, 0, Math.max(0, hw - y), Math.min(k.length, h - y + hw), k, out, oo, w, vector);
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
