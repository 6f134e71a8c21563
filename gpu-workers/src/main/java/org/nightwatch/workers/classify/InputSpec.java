package org.nightwatch.workers.classify;

import java.util.Arrays;
import java.util.List;

/**
 * What a model takes, carried in its file and checked when it is loaded: the stamp size, which channels
 * of a candidate's cutout (reference, new, difference) in which order, and the normalisation.
 *
 * <p>Normalisation {@code "asinh-diff-noise-v2"}: all channels of a cutout are divided by the robust noise
 * of its difference channel and then by {@code softening}, and passed through asinh, so that faint
 * residuals stay linear while bright stars are compressed. The noise is 1.4826 x the median absolute
 * deviation over the outer ring of width {@link #RING} pixels, leaving out blank pixels (exactly 0: off the
 * sensor, or without reference coverage); where fewer than {@link #MIN_NOISE_PIXELS} ring pixels hold
 * data, over all the stamp's non-blank pixels; 1 where even that is zero.
 *
 * <p>{@code "asinh-diff-noise"} (version 1, read for model files trained with it) took the ring's MAD with
 * blank pixels included. A stamp half off the sensor then has a MAD of 0, the noise fell back to 1 ADU,
 * and the stamp was scaled up many times over its real noise.
 *
 * @param size       stamp side, px
 * @param channels   names, in the order the model sees them (a subset of reference, new, difference)
 * @param normalisation the scheme's name
 * @param softening  asinh softening, in noise sigmas
 */
public record InputSpec(int size, List<String> channels, String normalisation, double softening) {
    public static final int RING = 4;
    public static final List<String> ALL = List.of("reference", "new", "difference");
    /** Version 1, kept so that models trained with it are still fed as they were trained. */
    public static final String ASINH_DIFF_NOISE_V1 = "asinh-diff-noise";
    public static final String ASINH_DIFF_NOISE = "asinh-diff-noise-v2";
    public static final List<String> NORMALISATIONS = List.of(ASINH_DIFF_NOISE_V1, ASINH_DIFF_NOISE);
    /** Fewest non-blank ring pixels that give a noise estimate; below it the whole stamp is used. */
    public static final int MIN_NOISE_PIXELS = 16;

    public InputSpec {
        channels = List.copyOf(channels);
        if (!NORMALISATIONS.contains(normalisation)) {
            throw new IllegalArgumentException("unknown normalisation '" + normalisation + "' (known: " + NORMALISATIONS + ")");
        }
        for (String c : channels) {
            if (!ALL.contains(c)) {
                throw new IllegalArgumentException("unknown channel '" + c + "' (known: " + ALL + ")");
            }
        }
    }

    /** Three channels, reference, new and difference. */
    public static InputSpec threeChannel() {
        return new InputSpec(29, ALL, ASINH_DIFF_NOISE, 3.0);
    }

    /** Reference and new only, without the difference image. */
    public static InputSpec twoChannel() {
        return new InputSpec(29, List.of("reference", "new"), ASINH_DIFF_NOISE, 3.0);
    }

    public int floatsPerSample() {
        return channels.size() * size * size;
    }

    /**
     * Normalises one candidate cutout ({@code 3 x size x size}, channels reference, new, difference)
     * into {@code out} at {@code offset}, in this spec's channel order.
     */
    public void normalise(float[] cutout, float[] out, int offset) {
        int plane = size * size;
        if (cutout.length != 3 * plane) {
            throw new IllegalArgumentException("cutout of " + cutout.length + " floats, the model expects 3 x " + size + " x " + size);
        }
        double scale = 1.0 / (noise(cutout, 2 * plane) * softening);
        for (int c = 0; c < channels.size(); c++) {
            int src = ALL.indexOf(channels.get(c)) * plane;
            int dst = offset + c * plane;
            for (int i = 0; i < plane; i++) {
                double v = cutout[src + i] * scale;
                out[dst + i] = (float) Math.log(v + Math.sqrt(v * v + 1)); // asinh
            }
        }
    }

    /** Robust noise of the difference channel, which starts at {@code base}; see the class comment. */
    double noise(float[] cutout, int base) {
        boolean v1 = ASINH_DIFF_NOISE_V1.equals(normalisation);
        float[] ring = new float[4 * RING * (size - RING)];
        int n = 0;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                float v = cutout[base + y * size + x];
                if ((x < RING || y < RING || x >= size - RING || y >= size - RING) && (v1 || v != 0f)) {
                    ring[n++] = v;
                }
            }
        }
        double sigma;
        if (v1 || n >= MIN_NOISE_PIXELS) {
            sigma = mad(ring, n);
        } else {
            float[] all = new float[size * size];
            int m = 0;
            for (int i = 0; i < size * size; i++) {
                float v = cutout[base + i];
                if (v != 0f) {
                    all[m++] = v;
                }
            }
            sigma = m >= MIN_NOISE_PIXELS ? mad(all, m) : 0;
        }
        return sigma > 0 && Double.isFinite(sigma) ? sigma : 1.0;
    }

    /** 1.4826 x the median absolute deviation of the first {@code n} values. */
    private static double mad(float[] values, int n) {
        float[] r = Arrays.copyOf(values, n);
        Arrays.sort(r);
        float med = r[n / 2];
        for (int i = 0; i < n; i++) {
            r[i] = Math.abs(r[i] - med);
        }
        Arrays.sort(r);
        return 1.4826 * r[n / 2];
    }
}
