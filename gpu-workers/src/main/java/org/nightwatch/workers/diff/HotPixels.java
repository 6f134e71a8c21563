package org.nightwatch.workers.diff;

import java.util.Arrays;

/**
 * A sensor's fixed hot pixels, found from its own visits when no dark frame says where they are.
 *
 * <p>A hot pixel is a single-pixel spike: far above its neighbours, whatever slope of a star or galaxy
 * it sits on. No source on the sky looks like that once the seeing spreads it over 1.5 pixels or more, but a
 * cosmic ray may, so a spike becomes a hot pixel only when it is found again, at the same pixel, in the
 * sensor's next visit: the sky moves between visits by the telescope's pointing, a cosmic ray does not come
 * back, a hot pixel stays. The first visit of a sensor therefore has its hot pixels detected once (one
 * detection is never alerted); from its second visit on they are masked as bad pixels.
 *
 * <p>Thread-safe: one instance per sensor, its visits may be differenced on different threads.
 */
public final class HotPixels {
    /** A spike rises this many noise sigmas above the mean of each pair of its opposite neighbours ... */
    static final double SPIKE_SIGMA = 6;
    /** ... and that rise is at least this share of its height over the pixels two away. */
    static final double SHARPNESS = 0.8;
    /** More spikes than this in one visit: not hot pixels (a frame of noise or a defect): none taken. */
    static final int MAX_SPIKES = 50_000;

    private int[] previous = new int[0];
    private int[] confirmed = new int[0];

    /**
     * Finds the spikes of this visit's stack and returns the sensor's hot pixels, as pixel indices in
     * ascending order: those seen in this visit and the one before, and those found before.
     */
    public synchronized int[] observe(float[] stack, int width, int height) {
        int[] now = spikes(stack, width, height);
        int[] again = intersect(now, previous);
        previous = now;
        if (again.length > 0) {
            confirmed = union(confirmed, again);
        }
        return confirmed;
    }

    /** The hot pixels found so far (ascending indices), without looking at a new visit. */
    public synchronized int[] confirmed() {
        return confirmed;
    }

    /** Single-pixel spikes of {@code img} (ascending indices); none within two pixels of the image's border. */
    public static int[] spikes(float[] img, int width, int height) {
        double sigma = pixelNoise(img, width, height);
        if (!(sigma > 0)) {
            return new int[0];
        }
        float rise = (float) (SPIKE_SIGMA * sigma);
        float[] ring = new float[16];
        int[] out = new int[64];
        int n = 0;
        for (int y = 2; y < height - 2; y++) {
            int row = y * width;
            for (int x = 2; x < width - 2; x++) {
                int i = row + x;
                float v = img[i];
                // above the mean of each pair of opposite neighbours by the rise: a slope (a star's, a galaxy's)
                // cancels in each pair, a spike does not. The horizontal pair first: it rejects almost every pixel
                float h = v - 0.5f * (img[i - 1] + img[i + 1]);
                if (!(h > rise)) {
                    continue;
                }
                float vert = v - 0.5f * (img[i - width] + img[i + width]);
                float d1 = v - 0.5f * (img[i - width - 1] + img[i + width + 1]);
                float d2 = v - 0.5f * (img[i - width + 1] + img[i + width - 1]);
                float curve = Math.min(Math.min(h, vert), Math.min(d1, d2));
                if (!(curve > rise)) {
                    continue;
                }
                // ... and nearly all of its height over the pixels two away is in that step: a star's core, even
                // in 1.5 px seeing, keeps at most 70% of its height across one pixel
                int k = 0;
                for (int dx = -2; dx <= 2; dx++) {
                    ring[k++] = img[i - 2 * width + dx];
                    ring[k++] = img[i + 2 * width + dx];
                }
                for (int dy = -1; dy <= 1; dy++) {
                    ring[k++] = img[i + dy * width - 2];
                    ring[k++] = img[i + dy * width + 2];
                }
                Arrays.sort(ring);
                float level = 0.5f * (ring[7] + ring[8]);
                if (curve >= SHARPNESS * (v - level)) {
                    if (n == out.length) {
                        if (n >= MAX_SPIKES) {
                            return new int[0];
                        }
                        out = Arrays.copyOf(out, n * 2);
                    }
                    out[n++] = i;
                }
            }
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * The noise of one pixel of the image's quieter parts: from the differences of horizontal neighbours
     * (blind to sky gradients and galaxies), in tiles of {@link #TILE} px, the lower quartile of the tiles.
     * In a crowded tile most neighbour pairs sit on a star's slope and read as noise; a spike must still
     * beat its neighbours by the rise and be sharp, so a low rise finds no star, and a chance spike of the
     * noise is not at the same pixel in the next visit.
     */
    static double pixelNoise(float[] img, int width, int height) {
        int tx = Math.max(1, width / TILE);
        int ty = Math.max(1, height / TILE);
        double[] tiles = new double[tx * ty];
        int nt = 0;
        float[] d = new float[(TILE / 2) * (TILE / 3) + 1];
        for (int j = 0; j < ty; j++) {
            for (int i = 0; i < tx; i++) {
                int n = 0;
                for (int y = j * height / ty; y < (j + 1) * height / ty; y += 3) {
                    int row = y * width;
                    for (int x = i * width / tx; x < Math.min(width - 1, (i + 1) * width / tx); x += 2) {
                        float a = img[row + x];
                        float b = img[row + x + 1];
                        if (Float.isFinite(a) && Float.isFinite(b) && n < d.length) {
                            d[n++] = Math.abs(a - b);
                        }
                    }
                }
                if (n >= 100) {
                    Arrays.sort(d, 0, n);
                    tiles[nt++] = 1.4826 * d[n / 2] / Math.sqrt(2);
                }
            }
        }
        if (nt == 0) {
            return Double.NaN;
        }
        Arrays.sort(tiles, 0, nt);
        return tiles[nt / 4];
    }

    /** Tile side for {@link #pixelNoise}, px. */
    static final int TILE = 128;

    private static int[] intersect(int[] a, int[] b) {
        int[] out = new int[Math.min(a.length, b.length)];
        int n = 0;
        for (int i = 0, j = 0; i < a.length && j < b.length; ) {
            if (a[i] < b[j]) {
                i++;
            } else if (a[i] > b[j]) {
                j++;
            } else {
                out[n++] = a[i];
                i++;
                j++;
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static int[] union(int[] a, int[] b) {
        int[] out = new int[a.length + b.length];
        int n = 0;
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            int v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
            if (n == 0 || out[n - 1] != v) {
                out[n++] = v;
            }
        }
        return Arrays.copyOf(out, n);
    }
}
