package org.nightwatch.workers.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nightwatch.camera.sim.PairSimulator;

/**
 * The acceptance of difference imaging on simulated Tomo-e pairs (2000 x 1128, seeing 2.0 -> 2.8 px,
 * sub-pixel and integer offsets, 18-frame visit against a 180-frame reference): residual noise, recall
 * by S/N, and the statistics of the difference away from sources.
 */
class DifferenceImagingTest {
    private static final DiffSettings SETTINGS = DiffSettings.defaults();

    @Test
    void differenceOfATomoePairIsCleanAndFindsTheInjectedSources() {
        PairRun run = PairRun.of(PairSimulator.Config.tomoe(11), SETTINGS, true);
        DifferenceImager.Result r = run.result();
        System.out.printf("shift %.3f %.3f -> map %s, matched %d rms %.4f%n", run.pair().dx(), run.pair().dy(), r.newToRef(),
            r.registration() == null ? 0 : r.registration().matched(), r.registration() == null ? Double.NaN : r.registration().rmsPx());
        System.out.printf("fwhm new %.2f ref %.2f, kernel stamps %d/%d chi2 %.2f scale %.4f, flags %s, notes %s%n", r.fwhmNew(), r.fwhmRef(),
            r.kernel().stampsUsed(), r.kernel().stampsTried(), r.kernel().meanChi2(), r.kernel().scale(), r.flags(), r.notes());
        System.out.printf("noise ratio %.3f, detections %d, recall >=10: %.3f (%d), 5-10: %.3f (%d), false %s%n", r.residualNoiseRatio(),
            r.detections().size(), run.recall(10, 1e9), run.count(10, 1e9), run.recall(5, 10), run.count(5, 10), run.falseByKind());
        System.out.println("timings ms " + r.timings() + " total " + r.timings().total() / 1e6);
        float[] sig = r == null ? null : null;
        for (int i = 0; i < run.transients().size(); i++) {
            PairSimulator.Truth t = run.transients().get(i);
            if (!run.found()[i] && t.snr() >= 10) {
                int px = (int) Math.round(t.x());
                int py = (int) Math.round(t.y());
                MaskedImage d = run.imager().difference();
                int idx = py * d.width() + px;
                System.out.printf("missed snr %.1f gal %s at %.1f,%.1f mask %d score %.1f class %s%n", t.snr(), t.onGalaxy(), t.x(), t.y(),
                    d.mask()[idx], run.imager().significance()[idx], PairSimulator.classify(run.pair(), t.x(), t.y(), 2e5));
            }
        }
        for (Detection d : r.detections()) {
            String k = PairSimulator.classify(run.pair(), d.x(), d.y(), 2e5);
            boolean real = run.transients().stream().anyMatch(t -> Math.hypot(t.x() - d.x(), t.y() - d.y()) <= 2);
            if (!real && k.equals("noise")) {
                System.out.printf("noise det %.1f,%.1f snr %.1f flux %.1f fwhm %.2f el %.2f flags %s%n", d.x(), d.y(), d.snr(), d.flux(), d.fwhm(), d.elongation(), DetectionFlag.names(d.flags()));
            }
        }
        assertTrue(r.flags().isEmpty(), "nothing fell back: " + r.notes());
        assertEquals(run.pair().dx(), -r.newToRef().a(), 0.02, "registration finds the offset");
        assertEquals(run.pair().dy(), -r.newToRef().d(), 0.02, "registration finds the offset");
        assertTrue(r.residualNoiseRatio() <= 1.05, "residual noise " + r.residualNoiseRatio() + " x expected");
        assertTrue(run.recall(10, 1e9) >= 0.95, "recall at S/N >= 10: " + run.recall(10, 1e9));
        assertTrue(run.recall(5, 10) >= 0.5, "recall at S/N 5-10: " + run.recall(5, 10));
    }
}
