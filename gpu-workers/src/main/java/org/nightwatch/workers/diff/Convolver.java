package org.nightwatch.workers.diff;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Applies a spatially varying kernel to an image: the kernel is evaluated at the centre of each tile
 * (64 x 64 pixels by default: a first-order spatial kernel changes by well under a percent across one)
 * and correlated directly with the tile, vectorised along rows. The variance plane is correlated with the
 * squared kernel; the mask is the OR over each pixel's 3 x 3 neighbourhood, and {@link Mask#NO_DATA} over
 * its whole kernel footprint: a no-data pixel holds a zero, and an output that sums one is biased (a star
 * cut by the edge of the reference's coverage leaves half a star in the difference) and its variance
 * too small. Pixels whose kernel footprint leaves the image are {@link Mask#NO_DATA} for the same reason.
 *
 * <p>{@code vector = false} runs the same arithmetic in plain loops: the oracle of the tests.
 */
public final class Convolver {
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED;

    private final boolean vector;
    private final int tile;
    /** Each tap's offset from its output pixel in the source plane ({@link #correlate}). */
    private int[] tapOffset = new int[0];
    private byte[] rowReach = new byte[0];
    /** The vector no-data pass's spans of reach: column pairs (first, last), row after row. */
    private int[] spanEnds = new int[256];
    /** Per row, its first entry in {@link #spanEnds}; entry {@code h} is the end of the last row's. */
    private int[] rowFirstSpan = new int[0];
    /** Per row: its reach has more than {@link #DENSE_SPANS} spans and is written out whole in {@link #rowReach}. */
    private boolean[] denseRow = new boolean[0];

    public Convolver(boolean vector, int tile) {
        this.vector = vector;
        this.tile = tile;
    }

    /** {@code out = K (x) src}, with variance and mask; {@code out} must not be {@code src}. */
    public void run(MaskedImage src, KernelSolution k, MaskedImage out) {
        int w = src.width();
        int h = src.height();
        int hw = k.basis().halfWidth();
        int size = k.basis().size();
        float[] kf = new float[size * size];
        float[] k2 = new float[size * size];
        float[] oi = out.image();
        float[] ov = out.variance();
        for (int y0 = 0; y0 < h; y0 += tile) {
            for (int x0 = 0; x0 < w; x0 += tile) {
                int x1 = Math.min(x0 + tile, w);
                int y1 = Math.min(y0 + tile, h);
                k.kernelAt((x0 + x1 - 1) / 2.0, (y0 + y1 - 1) / 2.0, kf);
                for (int i = 0; i < kf.length; i++) {
                    k2[i] = kf[i] * kf[i];
                }
                int vx0 = Math.max(x0, hw);
                int vx1 = Math.min(x1, w - hw);
                int vy0 = Math.max(y0, hw);
                int vy1 = Math.min(y1, h - hw);
                correlate(src.image(), w, oi, vx0, vy0, vx1, vy1, kf, size);
                // the squared kernel, trimmed where it falls below 1e-4 of its peak
                int hw2 = support(k2, size, 1e-4);
                correlate(src.variance(), w, ov, vx0, vy0, vx1, vy1, trim(k2, size, hw2), 2 * hw2 + 1);
            }
        }
        orMask(src.mask(), out.mask(), w, h, hw);
        if (vector) {
            growNoDataVector(src.mask(), out.mask(), w, h, hw);
        } else {
            growNoData(src.mask(), out.mask(), w, h, hw);
        }
        // zero what the kernel could not reach: the border, hw wide
        for (int y = 0; y < h; y++) {
            int base = y * w;
            if (y < hw || y >= h - hw) {
                java.util.Arrays.fill(oi, base, base + w, 0f);
                java.util.Arrays.fill(ov, base, base + w, 0f);
            } else {
                java.util.Arrays.fill(oi, base, base + Math.min(hw, w), 0f);
                java.util.Arrays.fill(ov, base, base + Math.min(hw, w), 0f);
                java.util.Arrays.fill(oi, Math.max(base, base + w - hw), base + w, 0f);
                java.util.Arrays.fill(ov, Math.max(base, base + w - hw), base + w, 0f);
            }
        }
    }

    /**
     * Correlates rows {@code y0..y1} and columns {@code x0..x1} with kernel {@code k} ({@code size * size}): each
     * output sums its taps in kernel order in a register ({@link TapSums}), the taps given as offsets in the plane.
     */
    void correlate(float[] src, int w, float[] dst, int x0, int y0, int x1, int y1, float[] k, int size) {
        int hw = size / 2;
        int tw = x1 - x0;
        if (tw <= 0) {
            return;
        }
        int taps = size * size;
        if (tapOffset.length < taps) {
            tapOffset = new int[taps];
        }
        int[] off = tapOffset;
        for (int v = 0; v < size; v++) {
            for (int u = 0; u < size; u++) {
                off[v * size + u] = (v - hw) * w + u - hw;
            }
        }
        for (int y = y0; y < y1; y++) {
            TapSums.run(src, off, y * w + x0, 0, taps, k, dst, y * w + x0, tw, vector);
        }
    }

    /**
     * The smallest centred sub-kernel holding everything of {@code k} above {@code relative} of its peak
     * (the squared kernel for the variance is much more compact than the kernel).
     */
    static int support(float[] k, int size, double relative) {
        float peak = 0f;
        for (float v : k) {
            peak = Math.max(peak, Math.abs(v));
        }
        int hw = size / 2;
        int need = 0;
        for (int v = 0; v < size; v++) {
            for (int u = 0; u < size; u++) {
                if (Math.abs(k[v * size + u]) > relative * peak) {
                    need = Math.max(need, Math.max(Math.abs(u - hw), Math.abs(v - hw)));
                }
            }
        }
        return need;
    }

    static float[] trim(float[] k, int size, int hw2) {
        int hw = size / 2;
        int s2 = 2 * hw2 + 1;
        float[] t = new float[s2 * s2];
        for (int v = 0; v < s2; v++) {
            for (int u = 0; u < s2; u++) {
                t[v * s2 + u] = k[(v + hw - hw2) * size + u + hw - hw2];
            }
        }
        return t;
    }

    /**
     * Marks {@link Mask#NO_DATA} every output pixel with a no-data source pixel within {@code hw} on either
     * axis (the kernel's square footprint): a pass along rows into {@code rowReach}, then one down the
     * columns, each keeping where it last saw no-data, so O(pixels) for any kernel size.
     */
    private void growNoData(byte[] src, byte[] dst, int w, int h, int hw) {
        if (rowReach.length < w * h) {
            rowReach = new byte[w * h];
        }
        byte[] r = rowReach;
        for (int y = 0; y < h; y++) {
            int base = y * w;
            int last = Integer.MIN_VALUE / 2;
            for (int x = 0; x < w + hw; x++) {
                if (x < w && (src[base + x] & Mask.NO_DATA) != 0) {
                    last = x;
                }
                int out = x - hw; // the footprint of out reaches x; last >= out - hw means a no-data pixel in it
                if (out >= 0) {
                    r[base + out] = (byte) (last >= out - hw ? 1 : 0);
                }
            }
        }
        int[] lastRow = new int[w]; // per column, the last row whose row pass saw no-data
        java.util.Arrays.fill(lastRow, Integer.MIN_VALUE / 2);
        for (int y = 0; y < h + hw; y++) {
            if (y < h) {
                int base = y * w;
                for (int x = 0; x < w; x++) {
                    if (r[base + x] != 0) {
                        lastRow[x] = y;
                    }
                }
            }
            int out = y - hw;
            if (out >= 0) {
                int base = out * w;
                for (int x = 0; x < w; x++) {
                    if (lastRow[x] >= out - hw) {
                        dst[base + x] |= Mask.NO_DATA;
                    }
                }
            }
        }
    }

    /**
     * {@link #growNoData} a vector at a time, for masks where no-data is rare (the edges a pointing offset
     * leaves, a few NaN pixels): the row pass looks at 64 mask bytes at once and keeps each row's reach as a few
     * merged spans of columns; the column pass marks, for each output row, the spans of the rows within
     * {@code hw}. Only a row with many spans (scattered no-data) is written out whole and ORed a vector at a time.
     * Whole rows ORed for every row within reach cost (2 hw + 1) passes over the mask when a pointing offset
     * leaves an edge on every row: measured 4% of a night's difference imaging, for a few columns.
     */
    private void growNoDataVector(byte[] src, byte[] dst, int w, int h, int hw) {
        if (rowReach.length < w * h) {
            rowReach = new byte[w * h];
        }
        if (rowFirstSpan.length < h + 1) {
            rowFirstSpan = new int[h + 1];
            denseRow = new boolean[h];
        }
        byte[] r = rowReach;
        int bound = B.loopBound(w);
        int n = 0; // span ends used, two a span
        for (int y = 0; y < h; y++) {
            int base = y * w;
            rowFirstSpan[y] = n;
            int x = 0;
            for (; x < bound; x += B.length()) {
                VectorMask<Byte> nd = ByteVector.fromArray(B, src, base + x).and(Mask.NO_DATA).compare(VectorOperators.NE, 0);
                if (nd.anyTrue()) {
                    long bits = nd.toLong();
                    while (bits != 0) {
                        n = addReach(y, x + Long.numberOfTrailingZeros(bits), w, hw, n);
                        bits &= bits - 1;
                    }
                }
            }
            for (; x < w; x++) {
                if ((src[base + x] & Mask.NO_DATA) != 0) {
                    n = addReach(y, x, w, hw, n);
                }
            }
            int spans = (n - rowFirstSpan[y]) / 2;
            denseRow[y] = spans > DENSE_SPANS;
            if (denseRow[y]) {
                java.util.Arrays.fill(r, base, base + w, (byte) 0);
                for (int s = rowFirstSpan[y]; s < n; s += 2) {
                    java.util.Arrays.fill(r, base + spanEnds[s], base + spanEnds[s + 1] + 1, Mask.NO_DATA);
                }
            }
        }
        rowFirstSpan[h] = n;
        for (int out = 0; out < h; out++) {
            int y0 = Math.max(0, out - hw);
            int y1 = Math.min(h - 1, out + hw);
            int base = out * w;
            for (int y = y0; y <= y1; y++) {
                if (denseRow[y]) {
                    int rb = y * w;
                    int x = 0;
                    for (; x < bound; x += B.length()) {
                        ByteVector.fromArray(B, r, rb + x).or(ByteVector.fromArray(B, dst, base + x)).intoArray(dst, base + x);
                    }
                    for (; x < w; x++) {
                        dst[base + x] |= r[rb + x];
                    }
                } else {
                    for (int s = rowFirstSpan[y]; s < rowFirstSpan[y + 1]; s += 2) {
                        for (int i = base + spanEnds[s], end = base + spanEnds[s + 1]; i <= end; i++) {
                            dst[i] |= Mask.NO_DATA;
                        }
                    }
                }
            }
        }
    }

    /** A row with more spans of reach than this is ORed whole: a span costs its width for each row within reach. */
    private static final int DENSE_SPANS = 8;

    /**
     * Adds the reach {@code at +- hw} (clipped to the row) of a no-data pixel of row {@code y} to the row's spans,
     * merged with the row's last span when they touch ({@code at} grows along a row); returns the span ends used.
     */
    private int addReach(int y, int at, int w, int hw, int n) {
        int from = Math.max(0, at - hw);
        int to = Math.min(w - 1, at + hw);
        if (n > rowFirstSpan[y] && from <= spanEnds[n - 1] + 1) {
            spanEnds[n - 1] = Math.max(spanEnds[n - 1], to);
            return n;
        }
        if (n + 2 > spanEnds.length) {
            spanEnds = java.util.Arrays.copyOf(spanEnds, 2 * spanEnds.length);
        }
        spanEnds[n] = from;
        spanEnds[n + 1] = to;
        return n + 2;
    }

    /**
     * Each interior output pixel gets the OR of its source pixel's 3 x 3 neighbourhood; the border the
     * kernel cannot fill is {@link Mask#NO_DATA}. Separable: an OR along rows into {@code rowReach}, then
     * down the columns (six loads a pixel, not nine), a vector of bytes at a time unless this is the scalar oracle.
     */
    private void orMask(byte[] src, byte[] dst, int w, int h, int hw) {
        if (rowReach.length < w * h) {
            rowReach = new byte[w * h];
        }
        byte[] r = rowReach;
        // 64 mask bytes at a time up to these bounds (none for the scalar oracle), then byte by byte
        int inner = w - 1; // columns 1 .. w-2 have both neighbours
        int rowBound = vector ? inner - B.length() : 0;
        int colBound = vector ? B.loopBound(w) : 0;
        for (int y = 0; y < h; y++) {
            int base = y * w;
            r[base] = (byte) (src[base] | (w > 1 ? src[base + 1] : 0));
            int x = 1;
            for (; x <= rowBound; x += B.length()) {
                ByteVector.fromArray(B, src, base + x - 1).or(ByteVector.fromArray(B, src, base + x))
                    .or(ByteVector.fromArray(B, src, base + x + 1)).intoArray(r, base + x);
            }
            for (; x < inner; x++) {
                r[base + x] = (byte) (src[base + x - 1] | src[base + x] | src[base + x + 1]);
            }
            if (w > 1) {
                r[base + w - 1] = (byte) (src[base + w - 2] | src[base + w - 1]);
            }
        }
        for (int y = 0; y < h; y++) {
            int base = y * w;
            if (y < hw || y >= h - hw) {
                java.util.Arrays.fill(dst, base, base + w, Mask.NO_DATA);
                continue;
            }
            int up = base - w;
            int down = base + w;
            int x = 0;
            for (; x < colBound; x += B.length()) {
                ByteVector.fromArray(B, r, up + x).or(ByteVector.fromArray(B, r, base + x)).or(ByteVector.fromArray(B, r, down + x))
                    .intoArray(dst, base + x);
            }
            for (; x < w; x++) {
                dst[base + x] = (byte) (r[up + x] | r[base + x] | r[down + x]);
            }
            java.util.Arrays.fill(dst, base, base + Math.min(hw, w), Mask.NO_DATA);
            java.util.Arrays.fill(dst, Math.max(base, base + w - hw), base + w, Mask.NO_DATA);
        }
    }
}
