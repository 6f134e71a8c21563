package org.nightwatch.actors.diff;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nightwatch.workers.diff.Calibration;
import org.nightwatch.workers.diff.DifferenceImager;
import org.nightwatch.workers.diff.GaussianFilter;

/**
 * Made-up visits for compiling the difference imager before the night, each cut from a strip of a real reference
 * and made to take the branches a night's visits take. The JIT compiles a loop for the branches it has seen; a
 * branch first taken in the night throws the compiled code away ("unstable if") and runs that loop uncompiled
 * until it is compiled again. Measured in a 16-sensor night warmed on a plain strip: 60 such deoptimisations in
 * the difference imager's kernels during its first visits, whose early work took twice the imagers' time of
 * later visits. So the variants here have:
 * <ul>
 *   <li>saturated stars (their masks, the star wings' search), bad, hot and not-a-number pixels, with and
 *   without a dark;</li>
 *   <li>a pointing offset of a pixel and a half, so that resampling leaves no-data edges and Lanczos taps
 *   run;</li>
 *   <li>seeing mismatches giving kernels of both parities of half-width (the convolution's tap remainders),
 *   and one variant where the visit is the sharper image (the visit is convolved, not the reference);</li>
 *   <li>positive and negative sources, sources at the strip's edge (cut-outs that leave the image), a
 *   trail;</li>
 *   <li>a partial stack for the early start and the whole one for its finish, as a night differences most
 *   visits, as well as whole differences.</li>
 * </ul>
 */
final class WarmUpVisits {
    /** One made-up visit: its partial and whole stacks, its reference, and how the night would difference it. */
    record Variant(DifferenceImager.Input partial, DifferenceImager.Input visit, DifferenceImager.Input reference, boolean early) {
    }

    private WarmUpVisits() {
    }

    /**
     * Variants cut from {@code refImage} (a prepared reference, background-subtracted, {@code width x height}): a
     * strip {@code stripWidth} wide, the full height (a loop over rows runs as often as in a night).
     *
     * @param sigma the reference's background noise, ADU
     * @param gain  e-/ADU of the stacks (the photometry's effective gain)
     */
    static List<Variant> of(float[] refImage, int width, int height, int stripWidth, double sigma, double gain) {
        int sw = Math.min(width, stripWidth);
        int h = height;
        float[] strip = new float[sw * h];
        for (int y = 0; y < h; y++) {
            System.arraycopy(refImage, y * width + (width - sw) / 2, strip, y * sw, sw);
        }
        double s = Math.max(1, sigma);
        double saturate = 100 + 4000 * s;
        List<Variant> out = new ArrayList<>();
        GaussianFilter blurrer = new GaussianFilter(true); // the detector's separable Gaussian, zero beyond the edges
        // the broader image as the sharper one blurred by a Gaussian of this sigma (px): kernel half-widths of about 4 to 7,
        // both parities, depending on the reference's own seeing
        double[] blur = {0.95, 1.2, 0.7, 1.0};
        for (int v = 0; v < blur.length; v++) {
            SplittableRandom random = new SplittableRandom(17 + v);
            boolean visitSharper = v == 3;
            float[] sharp = strip.clone();
            bright(sharp, sw, h, saturate, random);
            float[] broad = new float[sharp.length];
            blurrer.run(sharp, sw, h, GaussianFilter.gaussian(blur[v]), new float[sharp.length], broad);
            float[] ref = visitSharper ? broad : sharp;
            float[] scene = shifted(visitSharper ? sharp : broad, sw, h);
            sources(scene, ref, sw, h, s, random, v % 2 == 0);
            float[] refPx = new float[ref.length];
            for (int i = 0; i < ref.length; i++) {
                refPx[i] = Math.min((float) saturate, ref[i] + 100f);
            }
            float[] whole = noisy(scene, s, saturate, random);
            float[] partial = noisy(scene, 1.2 * s, saturate, random);
            Calibration.Frames frames = frames(sw, h, random, v % 2 == 1);
            Calibration.Photometry photometry = new Calibration.Photometry(gain, saturate);
            out.add(new Variant(new DifferenceImager.Input(partial, sw, h, photometry, frames),
                new DifferenceImager.Input(whole, sw, h, photometry, frames),
                new DifferenceImager.Input(refPx, sw, h, photometry, Calibration.Frames.NONE), v != 2));
        }
        return out;
    }

    /** Three saturated stars (clipped at {@code saturate}) with broad wings. */
    private static void bright(float[] img, int w, int h, double saturate, SplittableRandom random) {
        for (int k = 0; k < 3; k++) {
            int cx = 40 + random.nextInt(Math.max(1, w - 80));
            int cy = 60 + random.nextInt(Math.max(1, h - 120));
            for (int dy = -25; dy <= 25; dy++) {
                for (int dx = -25; dx <= 25; dx++) {
                    int x = cx + dx;
                    int y = cy + dy;
                    if (x >= 0 && y >= 0 && x < w && y < h) {
                        double r2 = dx * dx + dy * dy;
                        img[y * w + x] += (float) (30 * saturate * Math.pow(1 + r2 / 4.0, -3)); // a Moffat profile, beta 3
                    }
                }
            }
        }
    }

    /**
     * {@code img} as a pointing offset shows it: the visit's pixel (x, y) sees the reference's (x - 1.5, y + 1) (the
     * mean of two pixels for the half); what comes in from beyond the edge is 0. The night's initial map (the
     * identity here) is off by as much, and registration finds the rest.
     */
    private static float[] shifted(float[] img, int w, int h) {
        float[] out = new float[img.length];
        for (int y = 0; y < h; y++) {
            int sy = y + 1;
            if (sy >= h) {
                continue;
            }
            for (int x = 0; x < w; x++) {
                int sx = x - 2; // 1.5 px: the mean of the pixels 1 and 2 to the left
                if (sx >= 0) {
                    out[y * w + x] = 0.5f * (img[sy * w + sx] + img[sy * w + sx + 1]);
                }
            }
        }
        return out;
    }

    /**
     * Point sources in the visit only (positive), in the reference only (negative), at the strip's edge, and,
     * when {@code trail}, a satellite's trail across the visit.
     */
    private static void sources(float[] visit, float[] ref, int w, int h, double s, SplittableRandom random, boolean trail) {
        for (int k = 0; k < 16; k++) {
            boolean edge = k < 3;
            int cx = edge ? (k == 0 ? 3 : w - 4) : 20 + random.nextInt(Math.max(1, w - 40));
            int cy = edge ? 30 + random.nextInt(Math.max(1, h - 60)) : 20 + random.nextInt(Math.max(1, h - 40));
            float[] into = k % 4 == 3 ? ref : visit;
            double peak = (8 + random.nextInt(60)) * s;
            for (int dy = -5; dy <= 5; dy++) {
                for (int dx = -5; dx <= 5; dx++) {
                    int x = cx + dx;
                    int y = cy + dy;
                    if (x >= 0 && y >= 0 && x < w && y < h) {
                        into[y * w + x] += (float) (peak * Math.exp(-(dx * dx + dy * dy) / 4.5));
                    }
                }
            }
        }
        if (trail) {
            for (int t = 0; t < 400; t++) {
                int x = 10 + t * (w - 20) / 400;
                int y = h / 3 + t / 2;
                for (int d = -1; d <= 1; d++) {
                    if (y + d >= 0 && y + d < h) {
                        visit[(y + d) * w + x] += (float) ((d == 0 ? 30 : 12) * s);
                    }
                }
            }
        }
    }

    /** The scene plus background and Gaussian noise, clipped at saturation, with two pixels not a number. */
    private static float[] noisy(float[] scene, double s, double saturate, SplittableRandom random) {
        float[] px = new float[scene.length];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) Math.min(saturate, scene[i] + 100 + s * random.nextGaussian());
        }
        px[px.length / 3] = Float.NaN;
        px[2 * px.length / 3 + 7] = Float.NaN;
        return px;
    }

    /** A sensor's calibration: bad pixels, a bad column, hot pixels found from the data, and a dark when asked. */
    private static Calibration.Frames frames(int w, int h, SplittableRandom random, boolean dark) {
        byte[] bad = new byte[w * h];
        for (int k = 0; k < 60; k++) {
            bad[random.nextInt(bad.length)] = 1;
        }
        int column = w / 2 + 7;
        for (int y = h / 4; y < h / 2; y++) {
            bad[y * w + column] = 1;
        }
        int[] hot = new int[12];
        for (int k = 0; k < hot.length; k++) {
            hot[k] = random.nextInt(w * h);
        }
        java.util.Arrays.sort(hot);
        float[] d = null;
        if (dark) {
            d = new float[w * h];
            java.util.Arrays.fill(d, 2f);
            for (int k : hot) {
                d[k] = 300f;
            }
        }
        return new Calibration.Frames(d, null, bad, hot);
    }
}
