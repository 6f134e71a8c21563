package org.nightwatch.workers.diff;

import java.util.Arrays;
import java.util.List;

/**
 * Removes what the PSF-matching kernel leaves of bright stars' wings: the azimuthal median of the difference,
 * annulus by annulus, from {@link #INNER_FWHM} to {@link #OUTER_FWHM} times the seeing around each star
 * bright enough for its wings to show.
 *
 * <p>Why: the kernel is a few pixels wide, sized to the seeing mismatch, and real PSFs (a Moffat profile, not a
 * Gaussian) have wings far wider than it. Where the kernel ends, the broader image's wing is left as a ring,
 * which around a star of 10^4 e- peak and more is several sigma over tens of pixels: the detector finds arcs of
 * it, the classifier can take them for real. A kernel wide enough to match the wings would cost its width in
 * every pixel's convolution; the ring is symmetric about its star and smooth, so its radial profile is
 * measured and taken away here, at the cost of a few thousand pixels a bright star. A median over each
 * annulus is not moved by a point source in it: a transient beside a bright star stays.
 *
 * <p>The core (inside {@link #INNER_FWHM} FWHM) is left alone: a variable star's change is there.
 */
final class StarWings {
    /** Inner radius of the corrected zone, in FWHM of the broader image. */
    static final double INNER_FWHM = 1.5;
    /** Outer radius, in FWHM (at most {@link #MAX_RADIUS} px). */
    static final double OUTER_FWHM = 8;
    static final int MAX_RADIUS = 40;
    /** A star whose peak is this many background sigmas or more has wings worth correcting. */
    static final double BRIGHT_PEAK_SIGMA = 500;
    /** Pixels an annulus needs for its median to be used. */
    private static final int MIN_PIXELS = 12;
    /**
     * Annuli a pixel (half-pixel annuli measured no better: 1.23 against 1.38 x the noise around saturated stars in
     * one seeing, 3.85 against 3.23 in the other). A bin index must fit a byte up to {@link #MAX_RADIUS}.
     */
    private static final int BINS_PER_PX = 1;

    /** Saturated stars taken at most (the largest first), bounding the cost on a field full of them. */
    static final int MAX_SATURATED = 500;

    private float[] values = new float[0];
    private byte[] radius = new byte[0];
    private java.util.BitSet seen = new java.util.BitSet();
    private int[] queue = new int[0];

    /**
     * Subtracts the radial median profile of {@code diff} around each star of {@code stars} (positions in the
     * difference's pixels) whose peak is at least {@link #BRIGHT_PEAK_SIGMA} x {@code sigma}, and around each
     * saturated star (a blob of the difference's mask marked {@link Mask#SATURATED}: such stars are masked out
     * of the star list, and their wings are the widest). Masked pixels are neither used nor changed. Returns
     * how many stars were corrected.
     */
    int run(MaskedImage diff, List<Star> stars, double fwhm, double sigma) {
        List<Star> all = new java.util.ArrayList<>(stars);
        all.addAll(saturated(diff.mask(), diff.width(), diff.height()));
        return correct(diff, all, fwhm, sigma);
    }

    /** Centres of the saturated blobs of {@code mask}, the largest {@link #MAX_SATURATED}, as stars of infinite peak. */
    private List<Star> saturated(byte[] mask, int w, int h) {
        int n = w * h;
        seen.clear();
        List<double[]> blobs = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            if ((mask[i] & Mask.SATURATED) == 0 || seen.get(i)) {
                continue;
            }
            // flood fill, 4-connected
            if (queue.length < 1024) {
                queue = new int[1024];
            }
            int head = 0;
            int tail = 0;
            queue[tail++] = i;
            seen.set(i);
            double sx = 0;
            double sy = 0;
            int count = 0;
            while (head < tail) {
                int k = queue[head++];
                int x = k % w;
                int y = k / w;
                sx += x;
                sy += y;
                count++;
                int[] next = {x > 0 ? k - 1 : -1, x < w - 1 ? k + 1 : -1, y > 0 ? k - w : -1, y < h - 1 ? k + w : -1};
                for (int m : next) {
                    if (m >= 0 && (mask[m] & Mask.SATURATED) != 0 && !seen.get(m)) {
                        seen.set(m);
                        if (tail == queue.length) {
                            queue = java.util.Arrays.copyOf(queue, tail * 2);
                        }
                        queue[tail++] = m;
                    }
                }
            }
            blobs.add(new double[] {sx / count, sy / count, count});
        }
        blobs.sort((a, b) -> Double.compare(b[2], a[2]));
        List<Star> out = new java.util.ArrayList<>();
        for (int k = 0; k < Math.min(MAX_SATURATED, blobs.size()); k++) {
            double[] b = blobs.get(k);
            out.add(new Star(b[0], b[1], Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN));
        }
        return out;
    }

    private int correct(MaskedImage diff, List<Star> stars, double fwhm, double sigma) {
        int w = diff.width();
        int h = diff.height();
        float[] img = diff.image();
        byte[] mask = diff.mask();
        int inner = Math.max(2, (int) Math.floor(INNER_FWHM * fwhm));
        int outer = Math.min(MAX_RADIUS, (int) Math.ceil(OUTER_FWHM * fwhm));
        if (outer <= inner) {
            return 0;
        }
        int innerB = BINS_PER_PX * inner;
        int outerB = BINS_PER_PX * outer;
        float[] profile = new float[outerB + 1];
        int[] count = new int[outerB + 2];
        int side = 2 * outer + 1;
        if (values.length < side * side) {
            values = new float[side * side];
            radius = new byte[side * side];
        }
        int done = 0;
        for (Star s : stars) {
            if (!(s.peak() >= BRIGHT_PEAK_SIGMA * sigma)) {
                continue;
            }
            int cx = (int) Math.round(s.x());
            int cy = (int) Math.round(s.y());
            if (cx < 0 || cy < 0 || cx >= w || cy >= h) {
                continue;
            }
            int x0 = Math.max(0, cx - outer);
            int x1 = Math.min(w - 1, cx + outer);
            int y0 = Math.max(0, cy - outer);
            int y1 = Math.min(h - 1, cy + outer);
            // one pass over the box: each pixel's annulus (0: not corrected), and the annuli's sizes
            Arrays.fill(count, 0);
            int m = 0;
            for (int y = y0; y <= y1; y++) {
                double dy = y - s.y();
                for (int x = x0; x <= x1; x++) {
                    double dx = x - s.x();
                    int r = (int) Math.round(BINS_PER_PX * Math.sqrt(dx * dx + dy * dy));
                    int k = y * w + x;
                    byte rb = (byte) (r < innerB || r > outerB || mask[k] != 0 ? 0 : r);
                    radius[m++] = rb;
                    count[rb]++;
                }
            }
            // the values grouped by annulus, then each annulus's median
            int[] start = new int[outerB + 2];
            for (int r = 1; r <= outerB + 1; r++) {
                start[r] = start[r - 1] + count[r - 1];
            }
            int[] fill = start.clone();
            m = 0;
            for (int y = y0; y <= y1; y++) {
                for (int x = x0; x <= x1; x++) {
                    int r = radius[m++];
                    if (r != 0) {
                        values[fill[r]++] = img[y * w + x];
                    }
                }
            }
            for (int r = innerB; r <= outerB; r++) {
                int n = count[r];
                if (n < MIN_PIXELS) {
                    profile[r] = 0f;
                    continue;
                }
                int from = start[r];
                Arrays.sort(values, from, from + n);
                profile[r] = (n & 1) == 1 ? values[from + n / 2] : 0.5f * (values[from + n / 2 - 1] + values[from + n / 2]);
            }
            m = 0;
            for (int y = y0; y <= y1; y++) {
                for (int x = x0; x <= x1; x++) {
                    int r = radius[m++];
                    if (r != 0) {
                        img[y * w + x] -= profile[r];
                    }
                }
            }
            done++;
        }
        return done;
    }
}
