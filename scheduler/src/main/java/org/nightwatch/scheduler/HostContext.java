package org.nightwatch.scheduler;

import java.util.Arrays;
import org.nightwatch.protocol.Candidate;

/**
 * What the reference shows where a candidate was found, read from the candidate's PSF-matched reference
 * stamp: nothing ({@code none}: a new source, as a hostless supernova or a young transient), a point
 * source ({@code star}: most likely a variable star), or extended light ({@code galaxy}: a possible host).
 * A source counts when its light within 2 px of the centre is significant. The PSF-matched reference has
 * the new image's PSF, so a star there is as wide as the PSF (the candidate's FWHM): the second moment of
 * the reference light within 5 px tells a star (at most {@code starWidthRatio} times the PSF's) from a
 * galaxy (wider).
 *
 * <p>A star is the host only where the candidate is and only for a change a star can make: its light's
 * centroid (within 3 px) must agree with the candidate's position within {@link #MAX_OFFSET_PX} (the
 * cutout is centred on the candidate's peak pixel, up to 0.7 px from its centroid, and the registration is good
 * to a few tenths of a pixel), and the change (the
 * difference's light within 2 px) may be at most {@link #MAX_AMPLITUDE} times the star's. In a deep, crowded
 * reference almost every position has a faint star a few pixels away, whose wing is significant at the
 * centre: proximity alone made real transients "variables". A change far larger than its star (a nova, a
 * flare of a faint star, a supernova on a faint neighbour) is a transient, not a variable star's swing.
 * A galaxy needs no such agreement: a supernova is offset from its host's centre.
 */
public final class HostContext {
    public static final String NONE = "none";
    public static final String STAR = "star";
    public static final String GALAXY = "galaxy";

    private static final int N = Candidate.CUTOUT;
    private static final int C = N / 2;

    /**
     * @param significance  the reference's light within 2 px, in sigmas of its noise
     * @param widthPx       second-moment radius (sigma) of the reference light within 5 px
     * @param psfWidthPx    the PSF's sigma taken for comparison
     * @param light         the reference's light within 2 px (ADU)
     * @param change        the difference's light within 2 px (ADU; negative for a fade)
     */
    public record Reading(String host, double significance, double widthPx, double psfWidthPx, double light, double change) {
    }

    /** Largest offset, px, of a point source's centroid from the candidate for it to be the candidate's star. */
    public static final double MAX_OFFSET_PX = 1.5;
    /** Largest change, in units of the star's light, that a star at the candidate's place is taken to make. */
    public static final double MAX_AMPLITUDE = 10;
    /** Bounds on the PSF sigma (px) taken from a candidate's FWHM, against a wrong measurement. */
    static final double MIN_PSF_SIGMA_PX = 0.8;
    static final double MAX_PSF_SIGMA_PX = 4.0;

    private final double minSignificance;
    private final double starWidthRatio;

    /**
     * @param minSignificance reference light within 2 px below this many sigmas: no host
     * @param starWidthRatio  a reference source at most this many times the PSF's width is a point source
     */
    public HostContext(double minSignificance, double starWidthRatio) {
        this.minSignificance = minSignificance;
        this.starWidthRatio = starWidthRatio;
    }

    /**
     * @param fwhmPx the candidate's FWHM on the difference (its PSF); NaN when not measured
     */
    public Reading run(float[] cutout, double fwhmPx) {
        if (cutout == null) {
            return new Reading(NONE, 0, Double.NaN, Double.NaN, 0, 0);
        }
        double sigma = noise(cutout, 0);
        double in = 0;
        int nIn = 0;
        double change = 0;
        double s = 0;
        double sx = 0;
        double sy = 0;
        double s3 = 0;
        double sx3 = 0;
        double sy3 = 0;
        // one pass: the light within 2 px (reference and difference), the centroid of the positive reference light
        // within 3 px (where a star must be) and within 5 px (for the width)
        for (int y = C - 5; y <= C + 5; y++) {
            for (int x = C - 5; x <= C + 5; x++) {
                int r2 = (x - C) * (x - C) + (y - C) * (y - C);
                float v = cutout[y * N + x];
                if (r2 <= 4) {
                    in += v;
                    nIn++;
                    change += cutout[2 * N * N + y * N + x];
                }
                if (r2 <= 25 && v > 0) {
                    s += v;
                    sx += v * x;
                    sy += v * y;
                    if (r2 <= 9) {
                        s3 += v;
                        sx3 += v * x;
                        sy3 += v * y;
                    }
                }
            }
        }
        double sig = in / (sigma * Math.sqrt(nIn) + 1e-12);
        // the PSF's sigma, within what seeing gives (0.8 to 4 px: FWHM 1.9 to 9.4 px); an upper bound of 1.3 px
        // once made every star of a night in 4-5 px seeing "extended", and its variables alerted as transients
        double psf = Double.isFinite(fwhmPx) ? Math.max(MIN_PSF_SIGMA_PX, Math.min(MAX_PSF_SIGMA_PX, fwhmPx / 2.3548)) : 1.1;
        if (!(sig >= minSignificance) || s <= 0) {
            return new Reading(NONE, sig, Double.NaN, psf, in, change);
        }
        double cx = sx / s;
        double cy = sy / s;
        double m2 = 0;
        for (int y = C - 5; y <= C + 5; y++) {
            for (int x = C - 5; x <= C + 5; x++) {
                float v = cutout[y * N + x];
                if ((x - C) * (x - C) + (y - C) * (y - C) <= 25 && v > 0) {
                    m2 += v * ((x - cx) * (x - cx) + (y - cy) * (y - cy));
                }
            }
        }
        double width = Math.sqrt(m2 / s / 2);
        if (width > starWidthRatio * psf) {
            return new Reading(GALAXY, sig, width, psf, in, change);
        }
        // a point source: the candidate's only if it is where the candidate is, and bright enough for the change
        boolean here = s3 > 0 && Math.hypot(sx3 / s3 - C, sy3 / s3 - C) <= MAX_OFFSET_PX;
        boolean swing = Math.abs(change) <= MAX_AMPLITUDE * in;
        return new Reading(here && swing ? STAR : NONE, sig, width, psf, in, change);
    }

    /**
     * Whether a negative detection is a star fading: a point source in the reference where the candidate is
     * (as {@link #run} reads a host star) with at least as much light as the difference lost (within 20% for the
     * noise: a star cannot lose more light than it has). The classifier learned positive sources only and
     * scores a fading star near 0; this tells a variable's dimming from a negative artefact on empty sky.
     */
    public boolean fadingStar(float[] cutout, double fwhmPx) {
        if (cutout == null) {
            return false;
        }
        Reading r = run(cutout, fwhmPx);
        return STAR.equals(r.host()) && r.change() < 0 && -r.change() <= 1.2 * r.light();
    }

    /** Robust standard deviation (1.4826 x median absolute deviation) of a channel's pixels 9 px or more from the centre. */
    private static double noise(float[] c, int channel) {
        double[] v = new double[N * N];
        int n = 0;
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                if ((x - C) * (x - C) + (y - C) * (y - C) >= 81) {
                    float p = c[channel * N * N + y * N + x];
                    if (p != 0 && Float.isFinite(p)) { // exact zeros are pixels the reference does not cover
                        v[n++] = p;
                    }
                }
            }
        }
        if (n < 10) {
            return Double.POSITIVE_INFINITY;
        }
        double[] a = Arrays.copyOf(v, n);
        Arrays.sort(a);
        double med = a[n / 2];
        for (int i = 0; i < n; i++) {
            a[i] = Math.abs(a[i] - med);
        }
        Arrays.sort(a);
        return Math.max(1e-6, 1.4826 * a[n / 2]);
    }
}
