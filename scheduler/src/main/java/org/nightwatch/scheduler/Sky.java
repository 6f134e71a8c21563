package org.nightwatch.scheduler;

import org.jastronomy.jsofa.JSOFA;
import org.jastronomy.jsofa.JSOFAIllegalParameter;
import org.jastronomy.jsofa.JSOFAInternalError;

/**
 * Where things are in the sky of a {@link Site} at one instant, computed with jsofa (the Java port of
 * the IAU's SOFA): the observer's astrometry context is prepared once per instant ({@code jauApco13}),
 * after which a catalogue position becomes altitude and azimuth with two cheap calls. No refraction
 * (zero pressure): altitudes are geometric, as airmass and twilight limits are defined.
 */
public final class Sky {
    private static final double D2R = Math.PI / 180;
    private static final double MJD0 = 2400000.5;
    /** Earth's equatorial radius in au, for the Moon's horizontal parallax. */
    private static final double EARTH_RADIUS_AU = 6378.137 / 149_597_870.7;

    private final Site site;
    private final double mjd;
    private final JSOFA.Astrom astrom = new JSOFA.Astrom();
    private final double ttMjd;

    /** The sky of {@code site} at {@code mjdUtc}. */
    public Sky(Site site, double mjdUtc) {
        this.site = site;
        this.mjd = mjdUtc;
        try {
            JSOFA.jauApco13(MJD0, mjdUtc, 0, site.lonDeg() * D2R, site.latDeg() * D2R, site.heightM(), 0, 0, 0, 0, 0, 0.55, astrom);
            JSOFA.JulianDate tai = JSOFA.jauUtctai(MJD0, mjdUtc);
            JSOFA.JulianDate tt = JSOFA.jauTaitt(tai.djm0, tai.djm1);
            ttMjd = (tt.djm0 - MJD0) + tt.djm1;
        } catch (JSOFAIllegalParameter | JSOFAInternalError e) {
            throw new IllegalArgumentException("cannot compute the sky at MJD " + mjdUtc + ": " + e.getMessage(), e);
        }
    }

    public double mjd() {
        return mjd;
    }

    public Site site() {
        return site;
    }

    /** Altitude and azimuth (degrees, azimuth from north through east) of an ICRS position. */
    public Horizontal horizontal(double raDeg, double decDeg) {
        JSOFA.SphericalCoordinate cirs = JSOFA.jauAtciq(raDeg * D2R, decDeg * D2R, 0, 0, 0, 0, astrom);
        JSOFA.ObservedPosition o = JSOFA.jauAtioq(cirs.alpha, cirs.delta, astrom);
        return new Horizontal(90 - o.zob / D2R, o.aob / D2R);
    }

    /** Geocentric ICRS direction of the Sun {RA, Dec} in degrees. */
    public double[] sun() {
        double[][] pvh = new double[2][3];
        double[][] pvb = new double[2][3];
        JSOFA.jauEpv00(MJD0, ttMjd, pvh, pvb);
        double[] p = {-pvh[0][0], -pvh[0][1], -pvh[0][2]};
        JSOFA.SphericalCoordinate s = JSOFA.jauC2s(p);
        return new double[] {JSOFA.jauAnp(s.alpha) / D2R, s.delta / D2R};
    }

    /** The Sun's altitude, degrees. */
    public double sunAltitude() {
        double[] s = sun();
        return horizontal(s[0], s[1]).altDeg();
    }

    /** Geocentric direction of the Moon {RA, Dec} in degrees and its distance in au (GCRS, jauMoon98). */
    public double[] moon() {
        double[][] pv = JSOFA.jauMoon98(MJD0, ttMjd);
        JSOFA.SphericalCoordinate s = JSOFA.jauC2s(pv[0]);
        double r = Math.sqrt(pv[0][0] * pv[0][0] + pv[0][1] * pv[0][1] + pv[0][2] * pv[0][2]);
        return new double[] {JSOFA.jauAnp(s.alpha) / D2R, s.delta / D2R, r};
    }

    /** The Moon's topocentric altitude, degrees (geocentric altitude less its parallax). */
    public double moonAltitude() {
        double[] m = moon();
        double geo = horizontal(m[0], m[1]).altDeg();
        return geo - Math.asin(EARTH_RADIUS_AU / m[2] * Math.cos(geo * D2R)) / D2R;
    }

    /** Angular distance between two positions, degrees. */
    public static double separation(double ra1, double dec1, double ra2, double dec2) {
        return JSOFA.jauSeps(ra1 * D2R, dec1 * D2R, ra2 * D2R, dec2 * D2R) / D2R;
    }

    /**
     * Altitude and azimuth in degrees.
     */
    public record Horizontal(double altDeg, double azDeg) {
        /** Airmass (Pickering 2002, good to the horizon); infinite below it. */
        public double airmass() {
            if (altDeg <= 0) {
                return Double.POSITIVE_INFINITY;
            }
            double h = altDeg;
            return 1 / Math.sin((h + 244 / (165 + 47 * Math.pow(h, 1.1))) * D2R);
        }
    }
}
