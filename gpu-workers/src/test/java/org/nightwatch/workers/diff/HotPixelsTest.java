package org.nightwatch.workers.diff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Hot pixels found from a sensor's own visits when it has no dark: fixed spikes, not stars, not cosmic rays. */
class HotPixelsTest {
    static final int W = 600;
    static final int H = 400;

    /**
     * A visit's stack: sky and noise, 400 stars of {@code fwhm} moved by the pointing {@code (dx, dy)}, the
     * sensor's hot pixels (fixed), and this visit's own cosmic rays (single pixels, and short tracks).
     */
    static float[] visit(int[] hot, double fwhm, double dx, double dy, long seed) {
        SplittableRandom sky = new SplittableRandom(1); // the same stars every visit
        SplittableRandom r = new SplittableRandom(seed);
        float[] img = new float[W * H];
        for (int i = 0; i < img.length; i++) {
            img[i] = (float) (100 + 2 * r.nextGaussian());
        }
        double s = fwhm / 2.3548;
        for (int k = 0; k < 400; k++) {
            double cx = 5 + sky.nextDouble() * (W - 10) + dx;
            double cy = 5 + sky.nextDouble() * (H - 10) + dy;
            double flux = Math.pow(10, 2 + 3.5 * sky.nextDouble()); // up to 3e5: peaks far above any spike threshold
            for (int y = Math.max(0, (int) cy - 8); y < Math.min(H, (int) cy + 9); y++) {
                for (int x = Math.max(0, (int) cx - 8); x < Math.min(W, (int) cx + 9); x++) {
                    double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                    img[y * W + x] += (float) (flux * Math.exp(-d2 / (2 * s * s)) / (2 * Math.PI * s * s));
                }
            }
        }
        for (int i : hot) {
            img[i] += 40 + (i % 7) * 100; // 20 to 320 sigma
        }
        for (int k = 0; k < 30; k++) {
            int i = (1 + r.nextInt(H - 2)) * W + 1 + r.nextInt(W - 2);
            img[i] += 500;
            if (k % 2 == 0) {
                img[i + 1] += 400; // a track two pixels long: not a spike at all
            }
        }
        return img;
    }

    @Test
    void aSpikeAtTheSamePixelInTwoVisitsIsHotAndNoStarOrCosmicRayIs() {
        SplittableRandom r = new SplittableRandom(5);
        int[] hot = new int[60];
        for (int k = 0; k < hot.length; k++) {
            hot[k] = (2 + r.nextInt(H - 4)) * W + 2 + r.nextInt(W - 4);
        }
        Arrays.sort(hot);
        hot = Arrays.stream(hot).distinct().toArray();
        HotPixels map = new HotPixels();
        // the first visit alone proves nothing: a spike may be a cosmic ray
        assertEquals(0, map.observe(visit(hot, 2.0, 0, 0, 11), W, H).length);
        // the second, pointed 3.4 px away in the best seeing the simulator makes: the hot pixels, exactly
        int[] found = map.observe(visit(hot, 2.0, 3.4, -2.1, 12), W, H);
        int[] all = hot;
        assertEquals(0, Arrays.stream(found).filter(i -> Arrays.binarySearch(all, i) < 0).count(), "no star, no cosmic ray");
        // a hot pixel on a star's bright core is not a spike that night (57 of 60 found here)
        assertTrue(found.length >= hot.length - 5, "the hot pixels off the stars' cores: " + found.length
            + " of " + hot.length);
        // a third visit in poor seeing keeps them, even one hidden under a star that night
        assertArrayEquals(found, map.observe(visit(hot, 4.5, -1.0, 2.5, 13), W, H));

        // and they are masked as bad pixels when the visit is calibrated
        MaskedImage out = new MaskedImage(W, H);
        Calibration.run(visit(hot, 3.0, 0, 0, 14), W, H, new Calibration.Photometry(10, 1e9),
            Calibration.Frames.NONE.withHotPixels(found), 64, out);
        for (int i : found) {
            assertEquals(Mask.BAD, out.mask()[i] & Mask.BAD, "pixel " + i + " masked");
        }
    }

}
