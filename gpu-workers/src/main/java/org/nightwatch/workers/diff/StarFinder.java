package org.nightwatch.workers.diff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Finds bright, unsaturated, unmasked stars for registration and kernel fitting: local maxima above a
 * threshold in units of the background noise, centroided with an iterated Gaussian window (sub-pixel,
 * about 0.01-0.03 px for stars of S/N above 100), sized by windowed second moments.
 */
public final class StarFinder {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int BORDER = 10;
    private static final int HALF = 4;
    /** Peaks narrower than this FWHM (px) are hot pixels or cosmic rays, not stars. */
    private static final double MIN_FWHM = 1.0;

    private StarFinder() {
    }

    /**
     * @param im             background-subtracted image and mask
     * @param sigma          background noise, ADU
     * @param thresholdSigma peak threshold in units of {@code sigma}
     * @param fwhmGuess      FWHM guess for the centroid window, px
     * @param maxStars       keep the brightest this many
     */
    public static List<Star> run(MaskedImage im, double sigma, double thresholdSigma, double fwhmGuess, int maxStars) {
        int w = im.width();
        int h = im.height();
        float[] img = im.image();
        byte[] mask = im.mask();
        float thresh = (float) (thresholdSigma * sigma);
        List<int[]> peaks = new ArrayList<>();
        for (int y = BORDER; y < h - BORDER; y++) {
            int row = y * w;
            int end = row + w - BORDER;
            // most of the image is sky below the threshold: passed over a vector at a time
            for (int i = nextAbove(img, row + BORDER, end, thresh); i < end; i = nextAbove(img, i + 1, end, thresh)) {
                float v = img[i];
                if (v <= thresh) {
                    continue;
                }
                if (v < img[i - 1] || v <= img[i + 1] || v < img[i - w] || v <= img[i + w]
                    || v < img[i - w - 1] || v < img[i - w + 1] || v <= img[i + w - 1] || v <= img[i + w + 1]) {
                    continue;
                }
                peaks.add(new int[] {i - row, y, Float.floatToIntBits(v)});
            }
        }
        peaks.sort(Comparator.comparingDouble((int[] p) -> -Float.intBitsToFloat(p[2])));
        List<Star> stars = new ArrayList<>(Math.min(peaks.size(), maxStars));
        double sw = fwhmGuess / 2.3548;
        for (int[] p : peaks) {
            if (stars.size() >= maxStars) {
                break;
            }
            // masked peaks left out here, brightest first, not before the sort: a deep reference has tens of thousands
            // of peaks above the threshold and keeps only the brightest few hundred
            if (masked(mask, w, p[0], p[1], 3)) {
                continue;
            }
            Star s = measure(img, w, p[0], p[1], sw);
            // sharper than any PSF: a hot pixel or a cosmic ray
            if (s != null && s.fwhm() >= MIN_FWHM) {
                stars.add(s);
            }
        }
        return stars;
    }

    /**
     * The stars of {@code at} (found on another image of the same pointing: a partial stack of the same visit)
     * measured again on {@code im} at their positions, without searching the image for peaks: what the seeing of
     * the whole stack needs, at a fraction of {@link #run}'s cost. Stars too near the edge, masked now or no longer
     * measurable are left out.
     */
    public static List<Star> remeasure(MaskedImage im, List<Star> at, double fwhmGuess) {
        int w = im.width();
        int h = im.height();
        double sw = fwhmGuess / 2.3548;
        List<Star> out = new ArrayList<>(at.size());
        for (Star a : at) {
            int x = (int) Math.round(a.x());
            int y = (int) Math.round(a.y());
            if (x < BORDER || y < BORDER || x >= w - BORDER || y >= h - BORDER || masked(im.mask(), w, x, y, 3)) {
                continue;
            }
            Star s = measure(im.image(), w, x, y, sw);
            if (s != null && s.fwhm() >= MIN_FWHM) {
                out.add(s);
            }
        }
        return out;
    }

    /** The first index in {@code [from, to)} above {@code t}, or {@code to}, skipping a vector of pixels at a time. */
    private static int nextAbove(float[] img, int from, int to, float t) {
        int i = from;
        for (int bound = to - F.length(); i <= bound; i += F.length()) {
            if (FloatVector.fromArray(F, img, i).compare(VectorOperators.GT, t).anyTrue()) {
                return i;
            }
        }
        return Math.min(i, to);
    }

    private static boolean masked(byte[] mask, int w, int x, int y, int r) {
        for (int dy = -r; dy <= r; dy++) {
            int row = (y + dy) * w;
            for (int dx = -r; dx <= r; dx++) {
                if ((mask[row + x + dx] & Mask.UNUSABLE) != 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Windowed centroid, box flux and corrected windowed FWHM about a peak; null if it does not converge. */
    static Star measure(float[] img, int w, int px, int py, double windowSigma) {
        double cx = px;
        double cy = py;
        double inv2s2 = 1.0 / (2 * windowSigma * windowSigma);
        double sw = 0;
        double mxx = 0;
        double myy = 0;
        for (int iter = 0; iter < 4; iter++) {
            double s = 0;
            double sx = 0;
            double sy = 0;
            double sxx = 0;
            double syy = 0;
            for (int y = py - HALF; y <= py + HALF; y++) {
                double dy = y - cy;
                for (int x = px - HALF; x <= px + HALF; x++) {
                    double dx = x - cx;
                    double wgt = Math.exp(-(dx * dx + dy * dy) * inv2s2) * img[y * w + x];
                    s += wgt;
                    sx += wgt * dx;
                    sy += wgt * dy;
                    sxx += wgt * dx * dx;
                    syy += wgt * dy * dy;
                }
            }
            if (!(s > 0)) {
                return null;
            }
            double ox = sx / s;
            double oy = sy / s;
            // the windowed centroid shift underestimates the offset of a Gaussian by sigma_w^2 / (sigma^2 + sigma_w^2); a factor 2 step converges quickly
            cx += 2 * ox;
            cy += 2 * oy;
            if (Math.abs(cx - px) > 2 || Math.abs(cy - py) > 2) {
                return null;
            }
            sw = s;
            mxx = sxx / s;
            myy = syy / s;
        }
        double m = (mxx + myy) / 2;
        double s2 = windowSigma * windowSigma;
        double sigma2 = m < s2 * 0.98 ? m * s2 / (s2 - m) : Double.NaN;
        double flux = 0;
        for (int y = py - 3; y <= py + 3; y++) {
            for (int x = px - 3; x <= px + 3; x++) {
                flux += img[y * w + x];
            }
        }
        return sw > 0 ? new Star(cx, cy, flux, img[py * w + px], 2.3548 * Math.sqrt(sigma2)) : null;
    }

    /**
     * The seeing of an image: the FWHM of its stellar locus. Among the brightest peaks of a single exposure,
     * cosmic rays and hot pixels (sharper than any star) can outnumber the stars, and blends and saturated stars
     * are broader, so neither the brightest peaks' median nor the mean will do. The locus is the densest FWHM of
     * all the peaks measured (the mode of a histogram in 0.1 px bins, smoothed over 0.5 px), refined to the
     * median of the peaks within 25% of it. NaN when no peak has a finite FWHM.
     */
    public static double seeingFwhm(List<Star> stars) {
        double lo = MIN_FWHM;
        double bin = 0.1;
        int[] hist = new int[150];
        int n = 0;
        for (Star s : stars) {
            double f = s.fwhm();
            if (Double.isFinite(f) && f >= lo) {
                int b = (int) ((f - lo) / bin);
                if (b < hist.length) {
                    hist[b]++;
                    n++;
                }
            }
        }
        if (n == 0) {
            return Double.NaN;
        }
        int best = 0;
        int bestCount = -1;
        for (int b = 0; b < hist.length; b++) {
            int c = 0;
            for (int k = Math.max(0, b - 2); k <= Math.min(hist.length - 1, b + 2); k++) {
                c += hist[k];
            }
            if (c > bestCount) {
                bestCount = c;
                best = b;
            }
        }
        double mode = lo + (best + 0.5) * bin;
        double[] near = stars.stream().mapToDouble(Star::fwhm)
            .filter(f -> Double.isFinite(f) && Math.abs(f - mode) <= 0.25 * mode).sorted().toArray();
        return near.length == 0 ? mode : near[near.length / 2];
    }

    /**
     * The stars on the locus of {@code seeing} (FWHM within 25% below and 40% above it), brightest first as
     * given: what registration and the kernel's stamps should use, without cosmic rays, hot pixels and blends.
     * Falls back to all of them when fewer than {@code min} are on it.
     */
    public static List<Star> onLocus(List<Star> stars, double seeing, int min) {
        if (!Double.isFinite(seeing)) {
            return stars;
        }
        List<Star> out = stars.stream().filter(s -> Double.isFinite(s.fwhm()) && s.fwhm() >= 0.75 * seeing && s.fwhm() <= 1.4 * seeing)
            .toList();
        return out.size() >= min ? out : stars;
    }

    /** Median FWHM of the stars with a finite FWHM; NaN when there are none. */
    public static double medianFwhm(List<Star> stars, int brightest) {
        double[] f = stars.stream().limit(brightest).mapToDouble(Star::fwhm).filter(Double::isFinite).toArray();
        if (f.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(f);
        return f[f.length / 2];
    }
}
