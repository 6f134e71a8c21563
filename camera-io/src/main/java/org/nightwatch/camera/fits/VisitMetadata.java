package org.nightwatch.camera.fits;

import java.time.Instant;

/**
 * The keywords of a visit file (ARCHITECTURE section 4.2), as read or to be written.
 *
 * @param sensor     sensor index (SENSOR)
 * @param visit      visit id (VISIT)
 * @param field      field id (FIELD)
 * @param dateObs    UTC start of the first frame (DATE-OBS)
 * @param exptime    seconds per frame (EXPTIME)
 * @param frameRate  frames per second (FRAMERAT)
 * @param gain       e-/ADU (GAIN)
 * @param readNoise  e- (RDNOISE)
 * @param saturate   ADU (SATURATE)
 * @param wcs        the TAN WCS of the sensor
 */
public record VisitMetadata(int sensor, long visit, long field, Instant dateObs, double exptime, double frameRate,
                            double gain, double readNoise, double saturate, TanWcs wcs) {

    /**
     * A gnomonic (TAN) WCS: reference pixel (1-based, FITS convention), its sky position and the CD
     * matrix in degrees per pixel.
     */
    public record TanWcs(double crval1, double crval2, double crpix1, double crpix2,
                         double cd11, double cd12, double cd21, double cd22) {
        /** North up, east left, square pixels of {@code arcsecPerPixel}, centred on the sensor. */
        public static TanWcs centred(double raDeg, double decDeg, int width, int height, double arcsecPerPixel) {
            double s = arcsecPerPixel / 3600.0;
            return new TanWcs(raDeg, decDeg, (width + 1) / 2.0, (height + 1) / 2.0, -s, 0, 0, s);
        }
    }
}
