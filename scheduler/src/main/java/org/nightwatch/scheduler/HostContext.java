package org.nightwatch.scheduler;

import java.util.Arrays;
import org.nightwatch.protocol.Candidate;

/**
 * What the reference shows where a candidate was found, read from the candidate's PSF-matched reference
 * stamp: nothing ({@code none}: a new source, as a hostless supernova or a young transient), a point
 * source ({@code star}: most likely a variable star), or extended light ({@code galaxy}: a possible host).
 * A source counts when its light within 2 px of the centre is significant; it is a star when its profile
 * is as concentrated as the difference's (the PSF), a galaxy when it is broader.
 */
public final class HostContext {
    public static final String NONE = "none";
    public static final String STAR = "star";
    public static final String GALAXY = "galaxy";

    private static final int N = Candidate.CUTOUT;
    private static final int C = N / 2;

    /**
     * @param significance the reference's light within 2 px, in sigmas of its noise
     * @param concentration light within 2 px over light within 5 px, in the reference
     * @param psfConcentration the same for the difference (the PSF, when the candidate is a point source)
     */
    public record Reading(String host, double significance, double concentration, double psfConcentration) {
    }

    private final double minSignificance;
    private final double starConcentrationRatio;

    /**
     * @param minSignificance        reference light within 2 px below this many sigmas: no host
     * @param starConcentrationRatio a reference source at least this share as concentrated as the PSF is a star
     */
    public HostContext(double minSignificance, double starConcentrationRatio) {
        this.minSignificance = minSignificance;
        this.starConcentrationRatio = starConcentrationRatio;
    }

    public Reading run(float[] cutout) {
        if (cutout == null) {
            return new Reading(NONE, 0, Double.NaN, Double.NaN);
        }
        double sigma = noise(cutout, 0);
        double[] ref = aperture(cutout, 0);
        double[] diff = aperture(cutout, 2);
        double sig = ref[0] / (sigma * Math.sqrt(ref[2]) + 1e-12);
        double conc = ref[1] > 0 ? ref[0] / ref[1] : 0;
        double psf = diff[1] != 0 ? Math.abs(diff[0] / diff[1]) : Double.NaN;
        if (!(sig >= minSignificance)) {
            return new Reading(NONE, sig, conc, psf);
        }
        double expected = Double.isFinite(psf) && psf > 0.2 ? Math.min(psf, 1) : 0.6;
        return new Reading(conc >= starConcentrationRatio * expected ? STAR : GALAXY, sig, conc, psf);
    }

    /** {light within 2 px, light within 5 px, pixels within 2 px} of a channel about the centre. */
    private static double[] aperture(float[] c, int channel) {
        double in = 0;
        double out = 0;
        int nIn = 0;
        for (int y = C - 5; y <= C + 5; y++) {
            for (int x = C - 5; x <= C + 5; x++) {
                int r2 = (x - C) * (x - C) + (y - C) * (y - C);
                float v = c[channel * N * N + y * N + x];
                if (r2 <= 4) {
                    in += v;
                    nIn++;
                }
                if (r2 <= 25) {
                    out += v;
                }
            }
        }
        return new double[] {in, out, nIn};
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
