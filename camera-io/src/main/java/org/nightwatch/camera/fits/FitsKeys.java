package org.nightwatch.camera.fits;

import java.nio.file.Path;
import nom.tam.fits.Header;
import nom.tam.fits.HeaderCard;
import nom.tam.fits.HeaderCardException;

/** The recorded-night keywords and the helpers that read them with errors naming file and keyword. */
final class FitsKeys {
    static final String SENSOR = "SENSOR";
    static final String VISIT = "VISIT";
    static final String FIELD = "FIELD";
    static final String DATE_OBS = "DATE-OBS";
    static final String EXPTIME = "EXPTIME";
    static final String NFRAMES = "NFRAMES";
    static final String FRAMERAT = "FRAMERAT";
    static final String GAIN = "GAIN";
    static final String RDNOISE = "RDNOISE";
    static final String SATURATE = "SATURATE";
    static final String NCOMBINE = "NCOMBINE";

    private FitsKeys() {
    }

    /**
     * A keyword's value as written (a string unquoted, a number as its text), or null when it is absent or
     * has none: unlike {@code Header.getStringValue}, which is null for a number where a string was expected.
     */
    static String rawValue(Header h, String key) {
        HeaderCard c = h.findCard(key);
        return c == null ? null : c.getValue();
    }

    static HeaderCard require(Header h, Path file, String key) {
        HeaderCard c = h.findCard(key);
        if (c == null || c.getValue() == null) {
            throw new FitsFormatException(file, "missing keyword " + key);
        }
        return c;
    }

    static long requireLong(Header h, Path file, String key) {
        HeaderCard c = require(h, file, key);
        try {
            return Long.parseLong(c.getValue().trim());
        } catch (NumberFormatException e) {
            throw new FitsFormatException(file, "keyword " + key + " = '" + c.getValue() + "' is not an integer");
        }
    }

    /** An integer keyword that must lie in {@code min..max}, checked before anything narrows it. */
    static long requireLong(Header h, Path file, String key, long min, long max) {
        long v = requireLong(h, file, key);
        if (v < min || v > max) {
            throw new FitsFormatException(file, "keyword " + key + " = " + v + ": outside " + min + ".." + max);
        }
        return v;
    }

    static double requireDouble(Header h, Path file, String key) {
        return parse(file, key, require(h, file, key).getValue());
    }

    /**
     * A number a file may leave out ({@code absent} then), but may not give wrong: nom-tam-fits's
     * {@code getDoubleValue} returns its default for {@code BSCALE = 'oops'}, and such a value was once
     * ignored without a word.
     */
    static double optionalDouble(Header h, Path file, String key, double absent) {
        HeaderCard c = h.findCard(key);
        return c == null || c.getValue() == null ? absent : parse(file, key, c.getValue());
    }

    private static double parse(Path file, String key, String value) {
        String text = value.trim();
        double v;
        try {
            v = Double.parseDouble(text.replace('D', 'E').replace('d', 'e'));
        } catch (NumberFormatException e) {
            throw new FitsFormatException(file, "keyword " + key + " = '" + text + "' is not a number");
        }
        if (!Double.isFinite(v)) {
            throw new FitsFormatException(file, "keyword " + key + " = " + text + " is not finite");
        }
        return v;
    }

    /**
     * A photometric keyword a file may lack (NaN then: the configuration stands in for it), but may not give
     * wrong: a value that is not a number, not finite, or not positive ({@code zeroAllowed}: negative) is an
     * error naming the file and the keyword.
     */
    static double optionalPositive(Header h, Path file, String key, boolean zeroAllowed) {
        if (!h.containsKey(key)) {
            return Double.NaN;
        }
        HeaderCard c = h.findCard(key);
        String text = c.getValue() == null ? "" : c.getValue().trim();
        double v;
        try {
            v = Double.parseDouble(text.replace('D', 'E'));
        } catch (NumberFormatException e) {
            throw new FitsFormatException(file, "keyword " + key + " = '" + text + "' is not a number");
        }
        if (!Double.isFinite(v) || v < 0 || v == 0 && !zeroAllowed) {
            throw new FitsFormatException(file, "keyword " + key + " = " + text + ": must be a " + (zeroAllowed ? "non-negative" : "positive")
                + " number");
        }
        return v;
    }

    static void addWcs(Header h, VisitMetadata.TanWcs w) throws HeaderCardException {
        h.addValue("CTYPE1", "RA---TAN", "gnomonic projection");
        h.addValue("CTYPE2", "DEC--TAN", "gnomonic projection");
        h.addValue("CUNIT1", "deg", "");
        h.addValue("CUNIT2", "deg", "");
        h.addValue("CRVAL1", w.crval1(), "[deg] RA at the reference pixel");
        h.addValue("CRVAL2", w.crval2(), "[deg] Dec at the reference pixel");
        h.addValue("CRPIX1", w.crpix1(), "reference pixel (1-based)");
        h.addValue("CRPIX2", w.crpix2(), "reference pixel (1-based)");
        h.addValue("CD1_1", w.cd11(), "[deg/px]");
        h.addValue("CD1_2", w.cd12(), "[deg/px]");
        h.addValue("CD2_1", w.cd21(), "[deg/px]");
        h.addValue("CD2_2", w.cd22(), "[deg/px]");
        h.addValue("RADESYS", "ICRS", "");
    }

    static VisitMetadata.TanWcs readWcs(Header h, Path file) {
        String t1 = require(h, file, "CTYPE1").getValue().trim();
        String t2 = require(h, file, "CTYPE2").getValue().trim();
        if (!t1.startsWith("RA---TAN") || !t2.startsWith("DEC--TAN")) {
            throw new FitsFormatException(file, "CTYPE1/CTYPE2 = " + t1 + "/" + t2 + ", expected a TAN WCS");
        }
        double cd11;
        double cd12;
        double cd21;
        double cd22;
        if (!h.containsKey("CD1_1") && h.containsKey("CDELT1")) {
            // PCi_j x CDELTi, as astropy and many others write it
            double c1 = requireDouble(h, file, "CDELT1");
            double c2 = requireDouble(h, file, "CDELT2");
            cd11 = c1 * optionalDouble(h, file, "PC1_1", 1);
            cd12 = c1 * optionalDouble(h, file, "PC1_2", 0);
            cd21 = c2 * optionalDouble(h, file, "PC2_1", 0);
            cd22 = c2 * optionalDouble(h, file, "PC2_2", 1);
        } else {
            cd11 = requireDouble(h, file, "CD1_1");
            cd12 = optionalDouble(h, file, "CD1_2", 0);
            cd21 = optionalDouble(h, file, "CD2_1", 0);
            cd22 = requireDouble(h, file, "CD2_2");
        }
        // a CD matrix of zeros once put every candidate at the reference pixel's sky position, with exit 0
        double det = cd11 * cd22 - cd12 * cd21;
        double scaleArcsec = Math.sqrt(Math.abs(det)) * 3600;
        if (!(scaleArcsec >= 1e-4 && scaleArcsec <= 3600)) {
            throw new FitsFormatException(file, String.format(java.util.Locale.ROOT,
                "the WCS matrix (CD1_1 %s, CD1_2 %s, CD2_1 %s, CD2_2 %s) gives a pixel of %.3g arcsec: %s", cd11, cd12, cd21, cd22,
                scaleArcsec, det == 0 ? "it is singular, every pixel would map to one point of the sky" : "not a sky image's scale"));
        }
        double crval2 = requireDouble(h, file, "CRVAL2");
        if (Math.abs(crval2) > 90) {
            throw new FitsFormatException(file, "keyword CRVAL2 = " + crval2 + ": a declination lies between -90 and +90 degrees");
        }
        return new VisitMetadata.TanWcs(requireDouble(h, file, "CRVAL1"), crval2,
            requireDouble(h, file, "CRPIX1"), requireDouble(h, file, "CRPIX2"), cd11, cd12, cd21, cd22);
    }
}
