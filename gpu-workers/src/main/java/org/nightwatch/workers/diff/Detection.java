package org.nightwatch.workers.diff;

import org.nightwatch.protocol.DetectionFlag;

/**
 * One source found on a difference image, measured there.
 *
 * @param x          sub-pixel position, 0-based pixel centres of the new image
 * @param y          sub-pixel position
 * @param flux       PSF flux, ADU (per frame for a stacked visit), signed
 * @param fluxErr    its error from the variance plane
 * @param snr        matched-filter significance at the peak, signed
 * @param fwhm       from windowed second moments, px (NaN when they do not converge)
 * @param elongation major over minor axis (NaN likewise)
 * @param sign       +1 brighter in the new image, -1 fainter
 * @param flags      {@link DetectionFlag} bits
 * @param cutout     {@link #CUTOUT} x {@link #CUTOUT} x 3 floats: reference (PSF-matched), new, difference, each row-major
 */
public record Detection(double x, double y, double flux, double fluxErr, double snr, double fwhm, double elongation,
                        int sign, int flags, float[] cutout) {
    /** Side of a cutout stamp, px: the protocol's, one definition for the stage that cuts and everyone who reads. */
    public static final int CUTOUT = org.nightwatch.protocol.Candidate.CUTOUT;

    public boolean has(DetectionFlag f) {
        return f.in(flags);
    }
}
