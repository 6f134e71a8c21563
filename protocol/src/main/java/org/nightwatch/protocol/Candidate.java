package org.nightwatch.protocol;

/**
 * A source found on a sensor-visit's difference image (ARCHITECTURE section 4.3), what the classifier
 * scores and the scheduler associates into objects.
 *
 * @param id           unique and stable: sensor, visit and the detection's rank in the visit
 *                     ({@code S<sensor>-V<visit>-<n>}); the same input gives the same id
 * @param sensor       sensor index
 * @param visit        visit id
 * @param field        survey field (-1: not known)
 * @param mjd          MJD (UTC) at the middle of the visit
 * @param x            0-based pixel position on the new stack (centre of pixel 0 at 0.0)
 * @param y            0-based pixel position
 * @param ra           degrees, from the visit's WCS
 * @param dec          degrees
 * @param flux         PSF flux on the difference, ADU per frame, signed
 * @param fluxErr      its 1-sigma error
 * @param snr          matched-filter significance, signed
 * @param mag          magnitude of |flux| on the survey's nominal zero point (NaN if flux is 0)
 * @param magErr       its error
 * @param fwhm         px (NaN when not measured)
 * @param elongation   major over minor axis (NaN when not measured)
 * @param sign         +1 brighter than the reference, -1 fainter
 * @param flags        {@link DetectionFlag} bits
 * @param cutout       29 x 29 x 3 floats, channel-major: reference (PSF-matched), new, difference; each
 *                     row-major, background-subtracted, ADU per frame
 * @param score        real/bogus score in [0, 1]; NaN until classified
 * @param modelVersion the classifier that gave the score; null until classified
 */
public record Candidate(String id, int sensor, long visit, int field, double mjd, double x, double y, double ra, double dec,
                        double flux, double fluxErr, double snr, double mag, double magErr, double fwhm, double elongation,
                        int sign, int flags, float[] cutout, double score, String modelVersion) {
    /** Side of a cutout stamp, px. */
    public static final int CUTOUT = 29;
    /** Channels of a cutout, in order. */
    public static final String[] CHANNELS = {"reference", "new", "difference"};

    public Candidate {
        if (cutout != null && cutout.length != 3 * CUTOUT * CUTOUT) {
            throw new IllegalArgumentException("candidate " + id + ": cutout of " + cutout.length + " floats, expected "
                + 3 * CUTOUT * CUTOUT);
        }
    }

    /** The stable id of the {@code n}-th detection of a sensor-visit. */
    public static String idOf(int sensor, long visit, int n) {
        return "S" + sensor + "-V" + visit + "-" + n;
    }

    public boolean has(DetectionFlag f) {
        return f.in(flags);
    }

    /** This candidate with {@code cut} as its cutout (one read back from storage). */
    public Candidate withCutout(float[] cut) {
        return new Candidate(id, sensor, visit, field, mjd, x, y, ra, dec, flux, fluxErr, snr, mag, magErr, fwhm, elongation,
            sign, flags, cut, score, modelVersion);
    }

    /** This candidate with a real/bogus score from {@code model}. */
    public Candidate scored(double s, String model) {
        return new Candidate(id, sensor, visit, field, mjd, x, y, ra, dec, flux, fluxErr, snr, mag, magErr, fwhm, elongation,
            sign, flags, cutout, s, model);
    }
}
