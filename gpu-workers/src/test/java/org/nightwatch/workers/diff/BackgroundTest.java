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

    // every pixel of the one-pass subtraction is the model's own bilinear level and noise at that pixel: the band-wise
    // interpolation in x, the vector rows and their scalar tail (a width of 517), masked pixels zeroed with the sky noise
    @Test
    void subtractionAndVarianceAreTheModelsInterpolationAtEveryPixel() {
        int w = 517;
        int h = 301;
        SplittableRandom r = new SplittableRandom(3);
        float[] level = new float[5 * 3];
        float[] sigma = new float[5 * 3];
        for (int c = 0; c < level.length; c++) {
            level[c] = (float) (200 + 80 * r.nextDouble());
            sigma[c] = (float) (4 + 3 * r.nextDouble());
        }
        Background.Model model = new Background.Model(w, h, 104, 5, 3, level, sigma);
        float[] img = new float[w * h];
        byte[] mask = new byte[w * h];
        for (int i = 0; i < img.length; i++) {
            img[i] = (float) (240 + r.nextGaussian() * 50);
        }
        mask[7 * w + 516] = Mask.BAD; // in a row's scalar tail
        mask[150 * w + 3] = Mask.NO_DATA;
        mask[150 * w + 4] = Mask.SATURATED; // kept: a saturated pixel keeps its value
        float[] before = img.clone();
        float[] var = new float[w * h];
        float invGain = 0.25f;
        model.subtractWithVariance(img, mask, var, invGain);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                double sky = model.sigmaAt(x, y);
                if ((mask[i] & (Mask.BAD | Mask.NO_DATA)) != 0) {
                    assertEquals(0f, img[i], "masked (" + x + ", " + y + ") holds zero signal");
                    assertEquals(sky * sky, var[i], 1e-3 * sky * sky, "masked (" + x + ", " + y + ") has the sky's variance");
                    continue;
                }
                double v = before[i] - model.levelAt(x, y);
                assertEquals(v, img[i], 2e-3, "level at (" + x + ", " + y + ")");
                assertEquals(sky * sky + Math.max(v, 0) * invGain, var[i], 1e-4 * (sky * sky + Math.abs(v)), "variance at (" + x + ", " + y + ")");
            }
        }
    }

    /** A mean of {@code frames} frames of sky {@code skyE} e- a pixel (plus {@code biasAdu}) and these stars, with photon and read noise. */
    private static float[] field(int w, int h, double skyE, double biasAdu, int stars, double gain, double rn, int frames, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] e = new double[w * h];
        java.util.Arrays.fill(e, skyE);
        for (int s = 0; s < stars; s++) { // log-uniform fluxes, Gaussian PSF of 4 px FWHM
            double cx = r.nextDouble() * w;
            double cy = r.nextDouble() * h;
            double flux = Math.pow(10, 2 + 2.5 * r.nextDouble());
            double sg = 4 / 2.3548;
            for (int y = Math.max(0, (int) cy - 8); y < Math.min(h, (int) cy + 9); y++) {
                for (int x = Math.max(0, (int) cx - 8); x < Math.min(w, (int) cx + 9); x++) {
                    double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                    e[y * w + x] += flux * Math.exp(-d2 / (2 * sg * sg)) / (2 * Math.PI * sg * sg);
                }
            }
        }
        float[] img = new float[w * h];
        for (int i = 0; i < img.length; i++) { // the mean of the frames: photon and read noise over sqrt(frames)
            double sd = Math.sqrt(e[i] + rn * rn) / Math.sqrt(frames);
            img[i] = (float) (biasAdu + (e[i] + sd * r.nextGaussian()) / gain);
        }
        return img;
    }

    @Test
    void inACrowdedFieldTheHeadersNoiseModelBoundsTheBackgroundNoise() {
        // a field so crowded that starlight fills the space between the stars (as in the galactic plane, or the
        // HST field of the foreign night): the spread of the "sky" pixels is confusion, the same in the
        // reference, and taken as noise it hid every faint transient (5 x too high a noise there)
        int w = 400;
        int h = 300;
        double gain = 2.3;
        double rn = 3.1;
        int frames = 12;
        float[] crowded = field(w, h, 190, 0, 6000, gain, rn, frames, 11);
        double truth = Math.sqrt((190 + rn * rn) / frames) / gain; // ADU, of the sky alone
        MaskedImage out = new MaskedImage(w, h);
        double measured = Calibration.run(crowded, w, h, new Calibration.Photometry(gain * frames, 1e9), Calibration.Frames.NONE, 64, out)
            .medianSigma();
        double modelled = Calibration.run(crowded, w, h, Calibration.Photometry.ofFrames(gain, rn, frames, 1e9), Calibration.Frames.NONE,
            64, out).medianSigma();
        assertTrue(measured > 1.5 * truth, "measured alone, confusion reads as noise: " + measured + " against " + truth);
        // the level between the stars is sky plus unresolved starlight, whose photons are noise too: the bound
        // is a little above the sky's own noise, far below the confusion
        assertTrue(modelled >= truth && modelled < 1.3 * truth, "bounded by the model: " + modelled + " against " + truth);

        // an uncrowded frame with a bias the model does not know (no dark subtracted): the measured noise stands
        float[] sparse = field(w, h, 190, 100, 60, gain, rn, frames, 12);
        double plain = Calibration.run(sparse, w, h, new Calibration.Photometry(gain * frames, 1e9), Calibration.Frames.NONE, 64, out)
            .medianSigma();
        double withModel = Calibration.run(sparse, w, h, Calibration.Photometry.ofFrames(gain, rn, frames, 1e9), Calibration.Frames.NONE,
            64, out).medianSigma();
        assertEquals(truth, plain, 0.05 * truth, "an uncrowded sky's noise is measured right");
        assertEquals(plain, withModel, 1e-6, "and the model, higher with the bias in the level, changes nothing");
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
