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

    private float[] values = new float[1024];

    /**
     * Subtracts the radial median profile of {@code diff} around each star of {@code stars} (positions in the
     * difference's pixels) whose peak is at least {@link #BRIGHT_PEAK_SIGMA} x {@code sigma}. Masked pixels are
     * neither used nor changed. Returns how many stars were corrected.
     */
    int run(MaskedImage diff, List<Star> stars, double fwhm, double sigma) {
        int w = diff.width();
        int h = diff.height();
        float[] img = diff.image();
        byte[] mask = diff.mask();
        int inner = Math.max(2, (int) Math.floor(INNER_FWHM * fwhm));
        int outer = Math.min(MAX_RADIUS, (int) Math.ceil(OUTER_FWHM * fwhm));
        if (outer <= inner) {
            return 0;
        }
        float[] profile = new float[outer + 1];
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
            Arrays.fill(profile, 0f);
            for (int r = inner; r <= outer; r++) {
                profile[r] = annulusMedian(img, mask, w, h, s.x(), s.y(), r);
            }
            for (int y = Math.max(0, cy - outer); y <= Math.min(h - 1, cy + outer); y++) {
                for (int x = Math.max(0, cx - outer); x <= Math.min(w - 1, cx + outer); x++) {
                    double rr = Math.hypot(x - s.x(), y - s.y());
                    int r = (int) Math.round(rr);
                    int k = y * w + x;
                    if (r < inner || r > outer || mask[k] != 0) {
                        continue;
                    }
                    img[k] -= profile[r];
                }
            }
            done++;
        }
        return done;
    }

    /**
     * Median of the unmasked pixels whose distance from (x, y) rounds to {@code r} (those on the image: near an
     * edge, part of the annulus); 0 with too few of them.
     */
    private float annulusMedian(float[] img, byte[] mask, int w, int h, double x, double y, int r) {
        int n = 0;
        int cx = (int) Math.round(x);
        int cy = (int) Math.round(y);
        for (int yy = Math.max(0, cy - r - 1); yy <= Math.min(h - 1, cy + r + 1); yy++) {
            for (int xx = Math.max(0, cx - r - 1); xx <= Math.min(w - 1, cx + r + 1); xx++) {
                int k = yy * w + xx;
                if (Math.round(Math.hypot(xx - x, yy - y)) != r || mask[k] != 0) {
                    continue;
                }
                if (n == values.length) {
                    values = Arrays.copyOf(values, n * 2);
                }
                values[n++] = img[k];
            }
        }
        if (n < MIN_PIXELS) {
            return 0f;
        }
        Arrays.sort(values, 0, n);
        return (n & 1) == 1 ? values[n / 2] : 0.5f * (values[n / 2 - 1] + values[n / 2]);
    }
}
