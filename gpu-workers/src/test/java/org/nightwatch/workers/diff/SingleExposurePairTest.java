package org.nightwatch.workers.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Single exposures, not stacks: each image of the pair is one frame with its own cosmic rays (about one
 * per 10^4 pixels, 1 to 4 pixels long), the sensor's fixed hot pixels, saturated stars, and a Moffat
 * (beta 3) PSF rather than the Gaussian the pipeline's simulator draws. Cosmic rays and hot pixels are
 * sharper than any star and more numerous than the brightest stars: they must not enter the seeing
 * estimate, or the imager convolves the wrong image and leaves noise behind.
 */
class SingleExposurePairTest {
    private static final int W = 2000;
    private static final int H = 1128;
    private static final double GAIN = 1.2;
    private static final double READ_NOISE = 2.0;
    private static final double SKY_E = 400;
    private static final int SATURATE = 60000;

    @Test
    void theBroaderNewImageIsMatchedAndTheResidualIsNoise() {
        DifferenceImager.Result r = subtract(2.0, 2.8, 3);
        // windowed moments read a Moffat's wings as a somewhat broader Gaussian; the ratio is what matters
        assertEquals(2.8 / 2.0, r.fwhmNew() / r.fwhmRef(), 0.15, "seeing new " + r.fwhmNew() + " px, reference " + r.fwhmRef());
        assertFalse(r.flags().contains(DiffFlag.CONVOLVED_NEW), "the sharper reference is convolved: " + r.flags());
        System.out.printf("single exposures, seeing %.2f -> %.2f px measured: %s, residual noise %.3f x expected%n", r.fwhmRef(),
            r.fwhmNew(), r.flags(), r.residualNoiseRatio());
        assertTrue(r.residualNoiseRatio() <= 1.05, "residual noise " + r.residualNoiseRatio() + " x expected");
    }

    @Test
    void theBroaderReferenceIsMatchedTheOtherWay() {
        DifferenceImager.Result r = subtract(2.8, 2.0, 5);
        assertEquals(2.8 / 2.0, r.fwhmRef() / r.fwhmNew(), 0.15, "seeing new " + r.fwhmNew() + " px, reference " + r.fwhmRef());
        assertTrue(r.flags().contains(DiffFlag.CONVOLVED_NEW), "the sharper new image is convolved: " + r.flags());
        System.out.printf("single exposures, seeing %.2f -> %.2f px measured: %s, residual noise %.3f x expected%n", r.fwhmRef(),
            r.fwhmNew(), r.flags(), r.residualNoiseRatio());
        assertTrue(r.residualNoiseRatio() <= 1.05, "residual noise " + r.residualNoiseRatio() + " x expected");
    }

    private static DifferenceImager.Result subtract(double refFwhm, double newFwhm, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int stars = 600;
        double[] sx = new double[stars];
        double[] sy = new double[stars];
        double[] se = new double[stars];
        for (int i = 0; i < stars; i++) {
            sx[i] = 15 + rnd.nextDouble() * (W - 30);
            sy[i] = 15 + rnd.nextDouble() * (H - 30);
            // a power law of brightness, a few stars past saturation
            se[i] = 3000 * Math.pow(10, 2.6 * rnd.nextDouble() * rnd.nextDouble());
        }
        // fixed hot pixels of the sensor, the same in both images
        int hot = 500;
        int[] hp = new int[hot];
        double[] he = new double[hot];
        for (int i = 0; i < hot; i++) {
            hp[i] = rnd.nextInt(W * H);
            he[i] = 2000 + rnd.nextDouble() * 40000;
        }
        double dx = 0.37;
        double dy = -0.21;
        float[] ref = render(sx, sy, se, 0, 0, refFwhm, hp, he, rnd);
        float[] nw = render(sx, sy, se, dx, dy, newFwhm, hp, he, rnd);
        DifferenceImager imager = new DifferenceImager(DiffSettings.defaults(), W, H);
        return imager.run(new DifferenceImager.Input(nw, W, H, new Calibration.Photometry(GAIN, SATURATE), Calibration.Frames.NONE),
            new DifferenceImager.Input(ref, W, H, new Calibration.Photometry(GAIN, SATURATE), Calibration.Frames.NONE),
            Affine.IDENTITY);
    }

    /** One exposure in ADU: sky, Moffat stars, hot pixels, this exposure's cosmic rays, Poisson and read noise. */
    private static float[] render(double[] sx, double[] sy, double[] se, double dx, double dy, double fwhm, int[] hp, double[] he,
                                  SplittableRandom rnd) {
        double beta = 3;
        double alpha = fwhm / (2 * Math.sqrt(Math.pow(2, 1 / beta) - 1));
        double norm = (beta - 1) / (Math.PI * alpha * alpha);
        double[] e = new double[W * H];
        java.util.Arrays.fill(e, SKY_E);
        int r = 14;
        for (int i = 0; i < sx.length; i++) {
            double cx = sx[i] + dx;
            double cy = sy[i] + dy;
            for (int y = (int) cy - r; y <= (int) cy + r; y++) {
                for (int x = (int) cx - r; x <= (int) cx + r; x++) {
                    if (x < 0 || y < 0 || x >= W || y >= H) {
                        continue;
                    }
                    double rr = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (alpha * alpha);
                    e[y * W + x] += se[i] * norm * Math.pow(1 + rr, -beta);
                }
            }
        }
        for (int i = 0; i < hp.length; i++) {
            e[hp[i]] += he[i];
        }
        float[] adu = new float[W * H];
        for (int i = 0; i < adu.length; i++) {
            double v = e[i] + Math.sqrt(e[i] + READ_NOISE * READ_NOISE) * gauss(rnd);
            adu[i] = (float) Math.min(SATURATE, Math.max(0, v / GAIN + 100));
        }
        int rays = W * H / 10_000;
        for (int k = 0; k < rays; k++) {
            int x = rnd.nextInt(W);
            int y = rnd.nextInt(H);
            int len = 1 + rnd.nextInt(4);
            int ix = rnd.nextInt(3) - 1;
            int iy = rnd.nextBoolean() ? 1 : 0;
            double a = (2000 + rnd.nextDouble() * 40000) / GAIN;
            for (int j = 0; j < len; j++) {
                int px = x + j * ix;
                int py = y + j * iy;
                if (px >= 0 && px < W && py < H) {
                    adu[py * W + px] = (float) Math.min(SATURATE, adu[py * W + px] + a);
                }
            }
        }
        return adu;
    }

    private static double gauss(SplittableRandom rnd) {
        double u = 1 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
