package org.nightwatch.workers.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nightwatch.camera.sim.PairSimulator;
import org.nightwatch.protocol.DetectionFlag;

/**
 * The acceptance of difference imaging on a simulated Tomo-e pair (2000 x 1128, seeing 2.0 -> 2.8 px,
 * a sub-pixel plus integer pointing offset, an 18-frame visit against a 180-frame reference, transients
 * at S/N 3-50 on and off galaxies, variables, moving objects, cosmic rays, hot pixels, a satellite
 * trail): residual noise, recall by S/N, false detections by kind, and the statistics of the difference.
 */
class DifferenceImagingTest {
    private static PairRun run;

    @BeforeAll
    static void subtract() {
        run = PairRun.of(PairSimulator.Config.tomoe(11), DiffSettings.defaults(), true);
        DifferenceImager.Result r = run.result();
        System.out.printf("tomoe pair: noise ratio %.3f, %d detections, recall S/N>=10 %.3f (%d), S/N 5-10 %.3f (%d), false detections %s%n",
            r.residualNoiseRatio(), r.detections().size(), run.recall(10, 1e9), run.count(10, 1e9), run.recall(5, 10),
            run.count(5, 10), run.falseByKind());
    }

    @Test
    void registrationFindsTheOffsetToAHundredthOfAPixel() {
        DifferenceImager.Result r = run.result();
        assertTrue(r.flags().isEmpty(), "nothing fell back: " + r.notes());
        assertTrue(r.registration().matched() > 100, "matched " + r.registration().matched());
        // a sky point at reference pixel p is at new pixel p + (dx, dy): the map new -> ref subtracts it
        assertEquals(-run.pair().dx(), r.newToRef().a(), 0.01);
        assertEquals(-run.pair().dy(), r.newToRef().d(), 0.01);
        assertEquals(2.8, r.fwhmNew(), 0.15);
        assertEquals(2.0, r.fwhmRef(), 0.15);
        assertEquals(1.0, r.kernel().scale(), 0.01, "same zero point: photometric scale 1");
    }

    @Test
    void residualNoiseIsWithinFivePercentOfTheExpectedNoise() {
        assertTrue(run.result().residualNoiseRatio() <= 1.05, "residual noise " + run.result().residualNoiseRatio() + " x expected");
        assertTrue(run.result().residualNoiseRatio() >= 0.9, "and the variance plane is not inflated");
    }

    @Test
    void recallOfInjectedPointSources() {
        assertTrue(run.count(10, 1e9) > 200 && run.count(5, 10) > 20, "enough injections in each bin");
        assertTrue(run.recall(10, 1e9) >= 0.95, "recall at S/N >= 10: " + run.recall(10, 1e9));
        assertTrue(run.recall(5, 10) >= 0.5, "recall at S/N 5-10: " + run.recall(5, 10));
    }

    @Test
    void falseDetectionsAreFewAndExplained() {
        // a trail is one flagged detection, not hundreds; hot pixels are masked by the sensor's dark
        assertTrue(run.falseByKind().getOrDefault("trail", 0) <= 3, "trail: " + run.falseByKind());
        assertTrue(run.falseByKind().getOrDefault("hot-pixel", 0) <= 2, "hot pixels: " + run.falseByKind());
        assertTrue(run.falseByKind().getOrDefault("noise", 0) <= 10, "pure noise peaks at 5 sigma: " + run.falseByKind());
        long streaks = run.result().detections().stream().filter(d -> d.has(DetectionFlag.STREAK)).count();
        assertTrue(streaks >= 1, "the trail is flagged as a streak");
    }

    @Test
    void differenceAwayFromSourcesHasZeroMeanAndTheExpectedSpread() {
        MaskedImage d = run.imager().difference();
        float[] sig = run.imager().significance();
        int w = d.width();
        // every 5th pixel: farther apart than the noise correlation of resampling and convolution
        float[] s = new float[d.pixels() / 25 + w];
        int n = 0;
        for (int y = 20; y < d.height() - 20; y += 5) {
            for (int x = 20; x < w - 20; x += 5) {
                int i = y * w + x;
                if (d.mask()[i] == 0 && Math.abs(sig[i]) < 3) {
                    s[n++] = d.image()[i] / (float) Math.sqrt(d.variance()[i]);
                }
            }
        }
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += s[i];
        }
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++) {
            var += (s[i] - mean) * (s[i] - mean);
        }
        double sd = Math.sqrt(var / (n - 1));
        assertTrue(n > 50_000, "clean pixels " + n);
        assertTrue(Math.abs(mean) < 5 * sd / Math.sqrt(n), "mean " + mean + " within 5 sigma of 0 (" + 5 * sd / Math.sqrt(n) + ")");
        assertTrue(sd > 0.9 && sd < 1.05, "spread of difference / expected noise " + sd);
    }

    @Test
    void candidatesCarryMeasurementsAndCutouts() {
        Detection best = run.result().detections().stream()
            .filter(d -> d.flags() == 0 && d.snr() > 30).findFirst().orElseThrow();
        assertEquals(3 * 29 * 29, best.cutout().length);
        assertTrue(best.fwhm() > 2.2 && best.fwhm() < 3.4, "FWHM of a point source on the difference: " + best.fwhm());
        assertTrue(best.elongation() < 1.5, "round: " + best.elongation());
        assertEquals(best.snr(), best.flux() / best.fluxErr(), 0.05 * best.snr());
        float centre = best.cutout()[2 * 841 + 14 * 29 + 14];
        float corner = best.cutout()[2 * 841];
        assertTrue(centre > 10 * Math.abs(corner), "the difference stamp is centred on the source");
        // the S/N measured for injected transients agrees with the S/N they were injected at
        double[] ratio = run.transients().stream().filter(t -> t.snr() > 15 && !t.onGalaxy())
            .mapToDouble(t -> run.result().detections().stream()
                .filter(d -> Math.hypot(d.x() - t.x(), d.y() - t.y()) < 1.5).mapToDouble(Detection::snr).max().orElse(0) / t.snr())
            .filter(v -> v > 0).sorted().toArray();
        assertEquals(1.0, ratio[ratio.length / 2], 0.15, "median measured / injected S/N");
    }

    @Test
    void pixelsWithoutReferenceCoverageAreBlankInTheDifferenceAndItsCutouts() {
        // the integer pointing offset leaves a strip of the new image that the reference does not cover
        MaskedImage d = run.imager().difference();
        int w = d.width();
        int noData = 0;
        for (int i = 0; i < d.pixels(); i++) {
            if ((d.mask()[i] & Mask.NO_DATA) != 0) {
                noData++;
                assertEquals(0f, d.image()[i], "difference at no-data pixel " + (i % w) + "," + (i / w));
                assertEquals(0f, d.variance()[i], "variance at no-data pixel " + (i % w) + "," + (i / w));
            }
        }
        assertTrue(noData > 1000, "no-data pixels " + noData);
        // and a cutout reaching into that strip shows nothing there, where before it showed the new image
        int checked = 0;
        for (Detection det : run.result().detections()) {
            if (Math.abs(det.x() - Math.rint(det.x())) > 0.49 || Math.abs(det.y() - Math.rint(det.y())) > 0.49) {
                continue; // the centroid's half-pixel clamp: which pixel the stamp is centred on is ambiguous
            }
            int px = (int) Math.round(det.x());
            int py = (int) Math.round(det.y());
            for (int y = 0; y < 29; y++) {
                for (int x = 0; x < 29; x++) {
                    int xx = px - 14 + x;
                    int yy = py - 14 + y;
                    if (xx >= 0 && yy >= 0 && xx < w && yy < d.height() && (d.mask()[yy * w + xx] & Mask.NO_DATA) != 0
                        && run.imager().calibratedNew().image()[yy * w + xx] != 0f) {
                        assertEquals(0f, det.cutout()[2 * 841 + y * 29 + x], "difference stamp of " + det + " at " + x + "," + y);
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked > 100, "stamp pixels over no-data with light in the new image: " + checked);
    }

    @Test
    void positionsAreSubPixel() {
        double[] err = run.transients().stream().filter(t -> t.snr() > 20)
            .mapToDouble(t -> run.result().detections().stream().mapToDouble(d -> Math.hypot(d.x() - t.x(), d.y() - t.y()))
                .min().orElse(99)).sorted().toArray();
        assertTrue(err[err.length / 2] < 0.3, "median position error " + err[err.length / 2] + " px");
        assertFalse(Arrays.stream(err).anyMatch(Double::isNaN));
    }
}
