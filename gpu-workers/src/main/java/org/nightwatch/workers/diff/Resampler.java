package org.nightwatch.workers.diff;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lanczos-3 resampling of an image onto another pixel grid through an affine map. The output is cut into
 * tiles over which the map is a constant shift to within a tolerance (tiles split until it is); a
 * constant shift makes the 6 x 6 Lanczos kernel separable with the same weights for every pixel of the
 * tile, so each tile costs two passes of six taps, vectorised along rows. The variance plane is
 * resampled with the squared weights (the variance of a weighted sum of independent pixels) and the
 * mask is the OR over the 2 x 2 source pixels around each position; outputs whose kernel leaves the
 * source are {@link Mask#NO_DATA}.
 *
 * <p>{@code vector = false} runs the same arithmetic in plain loops: the oracle of the tests.
 */
public final class Resampler {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED;
    private static final int TAPS = 6;
    private static final int TILE = 64;
    private static final int MIN_TILE = 8;

    private final boolean vector;
    private final double tolerancePx;
    private final float[] tmp = new float[(TILE + TAPS) * TILE];
    private final float[] wx = new float[TAPS];
    private final float[] wy = new float[TAPS];
    private final float[] wx2 = new float[TAPS];
    private final float[] wy2 = new float[TAPS];

    /**
     * @param vector      Vector API loops (true) or the scalar oracle
     * @param tolerancePx largest departure of the map from a tile's constant shift
     */
    public Resampler(boolean vector, double tolerancePx) {
        this.vector = vector;
        this.tolerancePx = tolerancePx;
    }

    /** Lanczos-3 kernel. */
    static double lanczos(double t) {
        double a = Math.abs(t);
        if (a < 1e-9) {
            return 1;
        }
        if (a >= 3) {
            return 0;
        }
        double pt = Math.PI * t;
        return 3 * Math.sin(pt) * Math.sin(pt / 3) / (pt * pt);
    }

    /** Normalised weights for the six source pixels {@code floor(s) - 2 .. floor(s) + 3} around {@code s}. */
    static void weights(double frac, float[] w) {
        double sum = 0;
        double[] d = new double[TAPS];
        for (int k = 0; k < TAPS; k++) {
            d[k] = lanczos(k - 2 - frac);
            sum += d[k];
        }
        for (int k = 0; k < TAPS; k++) {
            w[k] = (float) (d[k] / sum);
        }
    }

    /** Fills {@code dst} with {@code src} sampled at {@code dstToSrc(x, y)} for every pixel of {@code dst}. */
    public void run(MaskedImage src, Affine dstToSrc, MaskedImage dst) {
        for (int y0 = 0; y0 < dst.height(); y0 += TILE) {
            for (int x0 = 0; x0 < dst.width(); x0 += TILE) {
                tile(src, dstToSrc, dst, x0, y0, Math.min(x0 + TILE, dst.width()), Math.min(y0 + TILE, dst.height()));
            }
        }
    }

    private void tile(MaskedImage src, Affine m, MaskedImage dst, int x0, int y0, int x1, int y1) {
        double xc = (x0 + x1 - 1) / 2.0;
        double yc = (y0 + y1 - 1) / 2.0;
        double sx = m.x(xc, yc) - xc;
        double sy = m.y(xc, yc) - yc;
        double dev = 0;
        for (int cy = y0; cy <= y1 - 1; cy += Math.max(1, y1 - 1 - y0)) {
            for (int cx = x0; cx <= x1 - 1; cx += Math.max(1, x1 - 1 - x0)) {
                dev = Math.max(dev, Math.abs(m.x(cx, cy) - cx - sx));
                dev = Math.max(dev, Math.abs(m.y(cx, cy) - cy - sy));
            }
        }
        if (dev > tolerancePx && (x1 - x0 > MIN_TILE || y1 - y0 > MIN_TILE)) {
            int xm = x1 - x0 > MIN_TILE ? (x0 + x1) / 2 : x1;
            int ym = y1 - y0 > MIN_TILE ? (y0 + y1) / 2 : y1;
            tile(src, m, dst, x0, y0, xm, ym);
            if (xm < x1) {
                tile(src, m, dst, xm, y0, x1, ym);
            }
            if (ym < y1) {
                tile(src, m, dst, x0, ym, xm, y1);
                if (xm < x1) {
                    tile(src, m, dst, xm, ym, x1, y1);
                }
            }
            return;
        }
        shiftTile(src, dst, x0, y0, x1, y1, sx, sy);
    }

    /** {@code dst(x, y) = src(x + sx, y + sy)} over one tile. */
    void shiftTile(MaskedImage src, MaskedImage dst, int x0, int y0, int x1, int y1, double sx, double sy) {
        int sw = src.width();
        int sh = src.height();
        int w = dst.width();
        int ox = (int) Math.floor(sx);
        int oy = (int) Math.floor(sy);
        weights(sx - ox, wx);
        weights(sy - oy, wy);
        for (int k = 0; k < TAPS; k++) {
            wx2[k] = wx[k] * wx[k];
            wy2[k] = wy[k] * wy[k];
        }
        // pixels whose 6 x 6 footprint lies inside the source
        int vx0 = Math.max(x0, 2 - ox);
        int vx1 = Math.min(x1, sw - 3 - ox);
        int vy0 = Math.max(y0, 2 - oy);
        int vy1 = Math.min(y1, sh - 3 - oy);
        float[] di = dst.image();
        float[] dv = dst.variance();
        byte[] dm = dst.mask();
        byte[] sm = src.mask();
        if (vector) {
            maskRows(sm, sw, di, dv, dm, w, x0, y0, x1, y1, vx0, vy0, vx1, vy1, ox, oy);
        }
        for (int y = vector ? y1 : y0; y < y1; y++) {
            int row = y * w;
            for (int x = x0; x < x1; x++) {
                boolean inside = x >= vx0 && x < vx1 && y >= vy0 && y < vy1;
                if (!inside) {
                    di[row + x] = 0f;
                    dv[row + x] = 0f;
                    dm[row + x] = Mask.NO_DATA;
                } else {
                    int s = (y + oy) * sw + x + ox;
                    dm[row + x] = (byte) (sm[s] | sm[s + 1] | sm[s + sw] | sm[s + sw + 1]);
                }
            }
        }
        if (vx1 <= vx0 || vy1 <= vy0) {
            return;
        }
        separable(src.image(), sw, di, w, vx0, vy0, vx1, vy1, ox, oy, wx, wy);
        separable(src.variance(), sw, dv, w, vx0, vy0, vx1, vy1, ox, oy, wx2, wy2);
    }

    /**
     * The tile's mask (the OR of the 2 x 2 source pixels about each position) a vector of bytes at a time, and
     * no-data with zero image and variance outside the source: what the scalar loop of {@link #shiftTile} does
     * pixel by pixel, with a test of the footprint and four byte loads for each (a twentieth of the imagers' time
     * in the night).
     */
    private static void maskRows(byte[] sm, int sw, float[] di, float[] dv, byte[] dm, int w, int x0, int y0, int x1, int y1,
                                 int vx0, int vy0, int vx1, int vy1, int ox, int oy) {
        for (int y = y0; y < y1; y++) {
            int row = y * w;
            int in0 = y >= vy0 && y < vy1 ? Math.max(x0, vx0) : x1;
            int in1 = y >= vy0 && y < vy1 ? Math.min(x1, vx1) : x1;
            if (in1 <= in0) {
                in0 = x1;
                in1 = x1;
            }
            outside(di, dv, dm, row + x0, row + in0);
            outside(di, dv, dm, row + in1, row + x1);
            int s0 = (y + oy) * sw + ox;
            int x = in0;
            for (int bound = in1 - B.length(); x <= bound; x += B.length()) {
                int s = s0 + x;
                ByteVector.fromArray(B, sm, s).or(ByteVector.fromArray(B, sm, s + 1)).or(ByteVector.fromArray(B, sm, s + sw))
                    .or(ByteVector.fromArray(B, sm, s + sw + 1)).intoArray(dm, row + x);
            }
            for (; x < in1; x++) {
                int s = s0 + x;
                dm[row + x] = (byte) (sm[s] | sm[s + 1] | sm[s + sw] | sm[s + sw + 1]);
            }
        }
    }

    private static void outside(float[] di, float[] dv, byte[] dm, int from, int to) {
        if (from < to) {
            java.util.Arrays.fill(di, from, to, 0f);
            java.util.Arrays.fill(dv, from, to, 0f);
            java.util.Arrays.fill(dm, from, to, Mask.NO_DATA);
        }
    }

    private void separable(float[] src, int sw, float[] dst, int w, int x0, int y0, int x1, int y1, int ox, int oy,
                           float[] hx, float[] hy) {
        int tw = x1 - x0;
        int rows = y1 - y0 + TAPS - 1;
        int r0 = y0 + oy - 2;
        int c0 = x0 + ox - 2;
        // horizontal pass over the rows the tile needs, then vertical into the tile: the same six taps at stride 1 and tw
        for (int r = 0; r < rows; r++) {
            taps(src, (r0 + r) * sw + c0, 1, hx, tmp, r * tw, tw);
        }
        for (int y = y0; y < y1; y++) {
            taps(tmp, (y - y0) * tw, tw, hy, dst, y * w + x0, tw);
        }
    }

    /** {@code out[o + x] = sum_k in[i + x + k * stride] h[k]} for x below n: vector lanes, then the same FMAs in scalar. */
    private void taps(float[] in, int i, int stride, float[] h, float[] out, int o, int n) {
        int x = 0;
        if (vector) {
            FloatVector w0 = FloatVector.broadcast(F, h[0]);
            FloatVector w1 = FloatVector.broadcast(F, h[1]);
            FloatVector w2 = FloatVector.broadcast(F, h[2]);
            FloatVector w3 = FloatVector.broadcast(F, h[3]);
            FloatVector w4 = FloatVector.broadcast(F, h[4]);
            FloatVector w5 = FloatVector.broadcast(F, h[5]);
            for (int bound = F.loopBound(n); x < bound; x += F.length()) {
                int s = i + x;
                FloatVector acc = FloatVector.fromArray(F, in, s).mul(w0);
                acc = FloatVector.fromArray(F, in, s + stride).fma(w1, acc);
                acc = FloatVector.fromArray(F, in, s + 2 * stride).fma(w2, acc);
                acc = FloatVector.fromArray(F, in, s + 3 * stride).fma(w3, acc);
                acc = FloatVector.fromArray(F, in, s + 4 * stride).fma(w4, acc);
                acc = FloatVector.fromArray(F, in, s + 5 * stride).fma(w5, acc);
                acc.intoArray(out, o + x);
            }
        }
        for (; x < n; x++) {
            int s = i + x;
            float acc = in[s] * h[0];
            for (int k = 1; k < TAPS; k++) {
                acc = Math.fma(in[s + k * stride], h[k], acc);
            }
            out[o + x] = acc;
        }
    }
}
