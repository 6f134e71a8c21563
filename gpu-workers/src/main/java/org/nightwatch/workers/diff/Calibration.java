package org.nightwatch.workers.diff;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Turns a raw image (a stacked visit, or a reference) into a calibrated, background-subtracted
 * {@link MaskedImage}: dark subtracted and flat divided when the sensor has them, bad pixels from the
 * sensor's mask, NaN and infinite pixels and pixels at saturation masked (saturated cores grown by two
 * pixels), the background removed, and a variance plane built from the measured background noise plus
 * the Poisson noise of the sources.
 */
public final class Calibration {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Pixels around a saturated pixel also masked as saturated (bleeding wings). */
    private static final int SATURATION_GROW = 2;
    /**
     * How far the measured background noise may exceed the header's noise model before the model is taken
     * instead: an uncrowded sky matches the model within a few percent (a header's gain is nominal), and
     * a level that includes a bias (no dark subtracted) makes the model the larger of the two.
     */
    static final double NOISE_MODEL_MARGIN = 1.05;

    private Calibration() {
    }

    /**
     * Per-sensor calibration frames; each may be null (not configured).
     *
     * @param dark       ADU per frame to subtract
     * @param flat       relative response to divide by (mean about 1)
     * @param badPixels  non-zero where the sensor's pixel is bad
     * @param hotPixels  indices of pixels found hot from the data ({@link HotPixels}), masked bad as well
     */
    public record Frames(float[] dark, float[] flat, byte[] badPixels, int[] hotPixels) {
        public static final Frames NONE = new Frames(null, null, null, null);

        public Frames(float[] dark, float[] flat, byte[] badPixels) {
            this(dark, flat, badPixels, null);
        }

        /** These frames with {@code hot} masked as well (none: these frames). */
        public Frames withHotPixels(int[] hot) {
            return hot == null || hot.length == 0 ? this : new Frames(dark, flat, badPixels, hot);
        }
    }

    /**
     * The photometric description of an image.
     *
     * @param gainEff      electrons per ADU of the image as given (for a mean of N frames, N x the frame gain)
     * @param saturate     ADU at which a pixel is no longer trusted; NaN when unknown
     * @param readNoiseVar the read noise's variance in ADU^2 of the image as given (for a mean of N frames of
     *                     read noise r e-: r^2 / (N x gain^2)); NaN when the image's gain and read noise are not
     *                     known from its header, and then the background noise is only measured
     */
    public record Photometry(double gainEff, double saturate, double readNoiseVar) {
        /** An image whose noise is only measured (no header says its gain and read noise). */
        public Photometry(double gainEff, double saturate) {
            this(gainEff, saturate, Double.NaN);
        }

        /** A mean of {@code frames} frames whose header gives the gain (e-/ADU) and the read noise (e- a frame). */
        public static Photometry ofFrames(double gain, double readNoiseE, int frames, double saturate) {
            int n = Math.max(1, frames);
            return new Photometry(gain * n, saturate, readNoiseE * readNoiseE / (n * gain * gain));
        }

        /** Whether the header's gain and read noise give a noise model for the background. */
        public boolean modelled() {
            return Double.isFinite(readNoiseVar) && gainEff > 0;
        }
    }

    /** What calibration measured on the image. */
    public record Result(Background.Model background, double medianSigma, int nanPixels, int saturatedPixels, int badPixels) {
    }

    /**
     * Calibrates {@code raw} (not modified) into {@code out}.
     *
     * @param meshPx background mesh cell size in pixels
     */
    public static Result run(float[] raw, int width, int height, Photometry phot, Frames frames, int meshPx, MaskedImage out) {
        if (!out.sameSize(width, height)) {
            throw new IllegalArgumentException("output is " + out.width() + "x" + out.height() + ", image " + width + "x" + height);
        }
        int n = width * height;
        float[] img = out.image();
        byte[] mask = out.mask();
        float sat = Double.isFinite(phot.saturate()) ? (float) phot.saturate() : Float.POSITIVE_INFINITY;
        float[] dark = frames.dark();
        float[] flat = frames.flat();
        byte[] bad = frames.badPixels();
        int nan = 0;
        int badCount = 0;
        int[] satIdx = new int[64];
        int saturated = 0;
        int start = 0;
        boolean plain = dark == null && flat == null;
        if (plain) {
            // no dark, no flat (the usual stack): copy, then look at the pixels a vector at a time and take the
            // scalar path below only where a lane is saturated or not a number
            if (raw != img) {
                System.arraycopy(raw, 0, img, 0, n);
            }
            java.util.Arrays.fill(mask, 0, n, (byte) 0);
            int i = 0;
            for (int bound = F.loopBound(n); i < bound; i += F.length()) {
                FloatVector v = FloatVector.fromArray(F, raw, i);
                if (v.compare(VectorOperators.GE, sat).or(v.test(VectorOperators.IS_NAN))
                    .or(v.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY)).anyTrue()) {
                    for (int j = i; j < i + F.length(); j++) {
                        float x = raw[j];
                        if (x >= sat) {
                            mask[j] = Mask.SATURATED;
                            if (saturated == satIdx.length) {
                                satIdx = java.util.Arrays.copyOf(satIdx, saturated * 2);
                            }
                            satIdx[saturated++] = j;
                        } else if (!(x == x) || x == Float.NEGATIVE_INFINITY) {
                            mask[j] = Mask.NO_DATA;
                            img[j] = 0f;
                            nan++;
                        }
                    }
                }
            }
            start = i;
        }
        for (int i = start; i < n; i++) {
            float v = raw[i];
            byte m = 0;
            if (v >= sat) {
                m = Mask.SATURATED;
                if (saturated == satIdx.length) {
                    satIdx = java.util.Arrays.copyOf(satIdx, saturated * 2);
                }
                satIdx[saturated++] = i;
            } else if (!(v == v) || v == Float.NEGATIVE_INFINITY) {
                m = Mask.NO_DATA;
                v = 0f;
                nan++;
            }
            if (!plain && m != Mask.NO_DATA) {
                if (dark != null) {
                    v -= dark[i];
                }
                if (flat != null) {
                    float f = flat[i];
                    if (f > 0f) {
                        v /= f;
                    } else {
                        v = 0f;
                        m |= Mask.BAD;
                    }
                }
            }
            img[i] = v;
            mask[i] = m;
        }
        if (bad != null) {
            for (int i = 0; i < n; i++) {
                if (bad[i] != 0) {
                    mask[i] |= Mask.BAD;
                    badCount++;
                }
            }
        }
        int[] hot = frames.hotPixels();
        if (hot != null) {
            for (int i : hot) {
                if (i >= 0 && i < n && (mask[i] & Mask.BAD) == 0) {
                    mask[i] |= Mask.BAD;
                    badCount++;
                }
            }
        }
        if (saturated > 0) {
            growSaturation(mask, width, height, satIdx, saturated);
        }
        Background.Model bkg = Background.estimate(img, mask, width, height, meshPx);
        if (phot.modelled()) {
            // in a crowded field the pixels between the stars are starlight too: their spread is mostly
            // confusion, the same in the reference, not noise. The photon and read noise of the level, as the
            // header's gain and read noise give it, bound the background noise
            bkg = bkg.withNoiseAtMost(phot.gainEff(), phot.readNoiseVar(), NOISE_MODEL_MARGIN);
        }
        float invGain = phot.gainEff() > 0 ? (float) (1.0 / phot.gainEff()) : 0f;
        bkg.subtractWithVariance(img, mask, out.variance(), invGain);
        return new Result(bkg, bkg.medianSigma(), nan, saturated, badCount);
    }

    private static void growSaturation(byte[] mask, int width, int height, int[] idx, int count) {
        for (int k = 0; k < count; k++) {
            int i = idx[k];
            int x = i % width;
            int y = i / width;
            for (int yy = Math.max(0, y - SATURATION_GROW); yy <= Math.min(height - 1, y + SATURATION_GROW); yy++) {
                for (int xx = Math.max(0, x - SATURATION_GROW); xx <= Math.min(width - 1, x + SATURATION_GROW); xx++) {
                    mask[yy * width + xx] |= Mask.SATURATED;
                }
            }
        }
    }

    /**
     * A bad-pixel mask from a dark frame (ADU per frame, bias included): pixels more than
     * {@code thresholdSigma} robust sigmas above the dark's median are hot.
     */
    public static byte[] badPixelsFromDark(float[] dark, int width, int height, double thresholdSigma) {
        int n = width * height;
        int step = Math.max(1, n / 200_000);
        float[] sample = new float[(n + step - 1) / step];
        int k = 0;
        for (int i = 0; i < n; i += step) {
            sample[k++] = dark[i];
        }
        java.util.Arrays.sort(sample, 0, k);
        float[] ms = Background.clippedStats(sample, k);
        float cut = ms[0] + (float) thresholdSigma * Math.max(ms[1], 1e-3f);
        byte[] bad = new byte[n];
        for (int i = 0; i < n; i++) {
            if (dark[i] > cut || !Float.isFinite(dark[i])) {
                bad[i] = 1;
            }
        }
        return bad;
    }
}
