package org.nightwatch.workers.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Calibration: background and noise measured through stars, bad input masked rather than propagated. */
class BackgroundTest {
    @Test
    void backgroundAndNoiseAreMeasuredThroughStarsAndNaNsAndSaturationAreMasked() {
        int w = 512;
        int h = 300;
        SplittableRandom r = new SplittableRandom(7);
        float[] raw = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raw[y * w + x] = (float) (250 + 0.05 * x + r.nextGaussian() * 6);
            }
        }
        for (int s = 0; s < 300; s++) { // bright stars, a few percent of the pixels
            int cx = 5 + r.nextInt(w - 10);
            int cy = 5 + r.nextInt(h - 10);
            for (int dy = -3; dy <= 3; dy++) {
                for (int dx = -3; dx <= 3; dx++) {
                    raw[(cy + dy) * w + cx + dx] += (float) (2000 * Math.exp(-(dx * dx + dy * dy) / 3.0));
                }
            }
        }
        raw[100 * w + 100] = Float.NaN;
        raw[150 * w + 200] = 60000;
        MaskedImage out = new MaskedImage(w, h);
        Calibration.Result res = Calibration.run(raw, w, h, new Calibration.Photometry(10, 50000), Calibration.Frames.NONE, 64, out);
        assertEquals(6, res.medianSigma(), 0.4, "noise of the sky, not of the stars");
        assertEquals(0, res.background().levelAt(300, 150) - (250 + 0.05 * 300), 1.0, "sky level, gradient followed");
        assertEquals(1, res.nanPixels());
        assertEquals(Mask.NO_DATA, out.mask()[100 * w + 100]);
        assertEquals(0f, out.image()[100 * w + 100], "a NaN becomes a harmless background value, masked");
        assertTrue((out.mask()[152 * w + 202] & Mask.SATURATED) != 0, "saturation grows into the wings");
        for (float v : out.variance()) {
            assertTrue(Float.isFinite(v) && v > 0, "variance is finite everywhere");
        }
    }

    @Test
    void badPixelsComeFromTheDark() {
        int w = 200;
        int h = 100;
        float[] dark = new float[w * h];
        SplittableRandom r = new SplittableRandom(8);
        for (int i = 0; i < dark.length; i++) {
            dark[i] = (float) (100 + r.nextGaussian() * 0.5);
        }
        dark[1234] = 180;
        dark[4321] = 140;
        byte[] bad = Calibration.badPixelsFromDark(dark, w, h, 8);
        int n = 0;
        for (byte b : bad) {
            n += b;
        }
        assertEquals(2, n);
        assertEquals(1, bad[1234]);
    }
}
