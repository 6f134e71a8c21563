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

        /** Sky position {RA, Dec} in degrees of a 0-based pixel position (gnomonic projection). */
        public double[] pixelToSky(double x, double y) {
            double dx = x + 1 - crpix1;
            double dy = y + 1 - crpix2;
            double xi = Math.toRadians(cd11 * dx + cd12 * dy);
            double eta = Math.toRadians(cd21 * dx + cd22 * dy);
            double d0 = Math.toRadians(crval2);
            double den = Math.cos(d0) - eta * Math.sin(d0);
            double ra = Math.toDegrees(Math.toRadians(crval1) + Math.atan2(xi, den));
            double dec = Math.toDegrees(Math.atan2(Math.sin(d0) + eta * Math.cos(d0), Math.hypot(xi, den)));
            return new double[] {((ra % 360) + 360) % 360, dec};
        }

        /** 0-based pixel position {x, y} of a sky position in degrees; NaN on the far side of the sky. */
        public double[] skyToPixel(double raDeg, double decDeg) {
            double a = Math.toRadians(raDeg - crval1);
            double d = Math.toRadians(decDeg);
            double d0 = Math.toRadians(crval2);
            double cosc = Math.sin(d0) * Math.sin(d) + Math.cos(d0) * Math.cos(d) * Math.cos(a);
            if (cosc <= 0) {
                return new double[] {Double.NaN, Double.NaN};
            }
            double xi = Math.toDegrees(Math.cos(d) * Math.sin(a) / cosc);
            double eta = Math.toDegrees((Math.cos(d0) * Math.sin(d) - Math.sin(d0) * Math.cos(d) * Math.cos(a)) / cosc);
            double det = cd11 * cd22 - cd12 * cd21;
            double dx = (cd22 * xi - cd12 * eta) / det;
            double dy = (-cd21 * xi + cd11 * eta) / det;
            return new double[] {dx + crpix1 - 1, dy + crpix2 - 1};
        }
    }
}
