package org.nightwatch.workers.diff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Bright stars in poor seeing, with the wings real PSFs have (Moffat, beta 2.5): the PSF-matching kernel must
 * reach the wings, or every bright star leaves a ring of residuals a few FWHM out, which the detector finds and
 * the classifier may take for real (a night made from real images: arcs 7-8 px from stars of 2x10^4 to 10^5 e-
 * peak, worst in the poorest seeing, were 13 of its 18 bogus alerts). A small seeing mismatch is the hard
 * case: the kernel is sized to the mismatch, and the wings are much wider than it.
 */
class BrightStarResidualTest {
    private static final int W = 1000;
    private static final int H = 800;
    private static final double GAIN = 1.2;
    private static final double READ_NOISE = 2.0;
    private static final double SKY_E = 400;
    private static final int SATURATE = 60000;
    private static final double BETA = 2.5;
    private static final int BRIGHT = 40;
    /** Of the bright stars, this many saturate: their cores are masked, their wings are the widest. */
    private static final int SATURATING = 8;

    @Test
    void brightStarsInPoorSeeingLeaveNoRings() {
        check(3.6, 4.0, 11);
    }

    @Test
    void brightStarsInTypicalSeeingLeaveNoRings() {
        check(2.4, 2.9, 12);
    }

    private static void check(double refFwhm, double newFwhm, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int faint = 400;
        int n = faint + BRIGHT;
        double[] sx = new double[n];
        double[] sy = new double[n];
        double[] se = new double[n];
        double alphaNew = newFwhm / (2 * Math.sqrt(Math.pow(2, 1 / BETA) - 1));
        double normNew = (BETA - 1) / (Math.PI * alphaNew * alphaNew);
        for (int i = 0; i < n; i++) {
            boolean bright = i >= faint;
            sx[i] = 30 + rnd.nextDouble() * (W - 60);
            sy[i] = 30 + rnd.nextDouble() * (H - 60);
            // faint stars for the kernel's stamps; bright ones of 2x10^4 to 6x10^4 e- peak in the new image (unsaturated),
            // the last few 1.5 to 4 times the saturation level
            se[i] = !bright ? 2000 * Math.pow(10, 1.5 * rnd.nextDouble())
                : i >= n - SATURATING ? (1.5 + 2.5 * rnd.nextDouble()) * SATURATE * GAIN / normNew
                : (2e4 + rnd.nextDouble() * 4e4) / normNew;
        }
        float[] ref = render(sx, sy, se, 0, 0, refFwhm, 180, rnd);
        float[] nw = render(sx, sy, se, 0.31, -0.17, newFwhm, 18, rnd);
        DifferenceImager imager = new DifferenceImager(DiffSettings.defaults(), W, H);
        DifferenceImager.Result r = imager.run(
            new DifferenceImager.Input(nw, W, H, new Calibration.Photometry(GAIN * 18, SATURATE), Calibration.Frames.NONE),
            new DifferenceImager.Input(ref, W, H, new Calibration.Photometry(GAIN * 180, SATURATE), Calibration.Frames.NONE),
            Affine.IDENTITY);

        // the residual, in units of its propagated noise, in an annulus of 2 to 4 FWHM around each bright star (its
        // wings; closer in, the core's residual is flagged near_bright_star), for the unsaturated and the saturated apart
        MaskedImage d = imager.difference();
        double inner = 2 * newFwhm;
        double outer = 4 * newFwhm;
        int firstSaturated = n - SATURATING;
        double rmsUnsat = ringRms(d, sx, sy, faint, firstSaturated, inner, outer);
        double rmsSat = ringRms(d, sx, sy, firstSaturated, n, inner, outer);
        int[] ring = new int[2];
        int coreUnflagged = 0;
        for (Detection det : r.detections()) {
            for (int i = faint; i < n; i++) {
                double rr = Math.hypot(det.x() - sx[i] - 0.31, det.y() - sy[i] + 0.17);
                if (rr < inner && (det.flags() & org.nightwatch.protocol.DetectionFlag.NEAR_BRIGHT_STAR.bit()) == 0) {
                    coreUnflagged++;
                    break;
                }
                if (rr >= inner && rr <= outer) {
                    // next to a saturated core the detection says so (flag saturated), as it should: not a ring
                    if ((det.flags() & org.nightwatch.protocol.DetectionFlag.SATURATED.bit()) == 0) {
                        ring[i >= firstSaturated ? 1 : 0]++;
                    }
                    break;
                }
            }
        }
        System.out.printf("bright stars, seeing %.1f -> %.1f px (Moffat beta %.1f), residual at 2-4 FWHM and detections there: %d"
            + " unsaturated %.2f x its noise, %d; %d saturated %.2f x, %d; kernel half-width %d px, residual noise %.3f x expected"
            + " overall%n", refFwhm, newFwhm, BETA, BRIGHT - SATURATING, rmsUnsat, ring[0], SATURATING, rmsSat, ring[1],
            r.kernel().basis().halfWidth(), r.residualNoiseRatio());
        assertTrue(coreUnflagged == 0, coreUnflagged + " detections on bright stars' cores are not flagged near_bright_star");
        // without the wings taken away: 3.4-4.2 x and about 150 detections around 40 unsaturated stars (the kernel's edge at
        // 4 px leaves a ring at 2-3 FWHM); what is left is a few blips at the threshold, most flagged dipole
        assertTrue(rmsUnsat <= 1.5, "residual around unsaturated bright stars " + rmsUnsat + " x its noise");
        assertTrue(ring[0] <= 5, ring[0] + " detections in rings around " + (BRIGHT - SATURATING) + " unsaturated bright stars");
        // saturated stars are not clean yet (without their correction: 4.3-6.6 x; with it 1.4-3.2 x): what is left is
        // right outside the masked core; this bounds it
        assertTrue(rmsSat <= 4.0, "residual around saturated stars " + rmsSat + " x its noise");
        assertTrue(ring[1] <= 2 * SATURATING, ring[1] + " unflagged detections in rings around " + SATURATING + " saturated stars");
    }

    private static double ringRms(MaskedImage d, double[] sx, double[] sy, int from, int to, double inner, double outer) {
        double sum2 = 0;
        long count = 0;
        for (int i = from; i < to; i++) {
            for (int y = (int) (sy[i] - outer); y <= (int) (sy[i] + outer); y++) {
                for (int x = (int) (sx[i] - outer); x <= (int) (sx[i] + outer); x++) {
                    double rr = Math.hypot(x - sx[i], y - sy[i]);
                    if (x < 0 || y < 0 || x >= W || y >= H || rr < inner || rr > outer) {
                        continue;
                    }
                    int k = y * W + x;
                    if (d.mask()[k] != 0 || d.variance()[k] <= 0) {
                        continue;
                    }
                    double chi = d.image()[k] / Math.sqrt(d.variance()[k]);
                    sum2 += chi * chi;
                    count++;
                }
            }
        }
        return Math.sqrt(sum2 / count);
    }

    /** A stack, the mean of {@code frames} frames, in ADU: sky, Moffat stars, their Poisson noise and read noise. */
    private static float[] render(double[] sx, double[] sy, double[] se, double dx, double dy, double fwhm, int frames,
                                  SplittableRandom rnd) {
        double alpha = fwhm / (2 * Math.sqrt(Math.pow(2, 1 / BETA) - 1));
        double norm = (BETA - 1) / (Math.PI * alpha * alpha);
        double[] e = new double[W * H];
        java.util.Arrays.fill(e, SKY_E);
        int r = 28;
        for (int i = 0; i < sx.length; i++) {
            double cx = sx[i] + dx;
            double cy = sy[i] + dy;
            for (int y = Math.max(0, (int) cy - r); y <= Math.min(H - 1, (int) cy + r); y++) {
                for (int x = Math.max(0, (int) cx - r); x <= Math.min(W - 1, (int) cx + r); x++) {
                    double rr = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (alpha * alpha);
                    e[y * W + x] += se[i] * norm * Math.pow(1 + rr, -BETA);
                }
            }
        }
        float[] adu = new float[W * H];
        for (int i = 0; i < adu.length; i++) {
            double v = e[i] + Math.sqrt((e[i] + READ_NOISE * READ_NOISE) / frames) * gauss(rnd);
            adu[i] = (float) Math.min(SATURATE, v / GAIN + 100);
        }
        return adu;
    }

    private static double gauss(SplittableRandom rnd) {
        double u = 1 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
