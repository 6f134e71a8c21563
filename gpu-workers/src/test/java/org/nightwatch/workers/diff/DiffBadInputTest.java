package org.nightwatch.workers.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nightwatch.camera.sim.PairSimulator;

/** Bad input to difference imaging: named errors, flagged fallbacks, masked pixels; never a crash or a NaN. */
class DiffBadInputTest {
    private static final DiffSettings SETTINGS = DiffSettings.defaults();

    @Test
    void anEmptyFieldFallsBackToTheWcsAndAGaussianKernelFlaggedAndNamed() {
        PairSimulator.Config c = PairSimulator.Config.tomoe(21).withSize(600, 400).withContent(2, 0, 10, 0, 0, false, false);
        PairRun run = PairRun.of(c, SETTINGS, false);
        DifferenceImager.Result r = run.result();
        assertTrue(r.flags().contains(DiffFlag.REGISTRATION_FALLBACK), "flags " + r.flags());
        assertTrue(r.flags().contains(DiffFlag.KERNEL_FALLBACK), "flags " + r.flags());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("too few stars to register")), "notes " + r.notes());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("usable star stamps")), "notes " + r.notes());
        assertTrue(r.kernel().fallback());
        // the fallback still gives a usable difference: bright injected sources are found
        assertTrue(run.recall(20, 1e9) >= 0.8 || Double.isNaN(run.recall(20, 1e9)), "recall " + run.recall(20, 1e9));
        for (float v : run.imager().difference().image()) {
            assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void nanPixelsAreMaskedNotPropagated() {
        PairSimulator.Pair p = PairSimulator.render(PairSimulator.Config.tomoe(22).withSize(800, 500));
        int w = 800;
        for (int y = 200; y < 260; y++) {
            for (int x = 300; x < 380; x++) {
                p.newImage()[y * w + x] = Float.NaN;
            }
        }
        for (int y = 50; y < 60; y++) { // and a patch of the reference
            for (int x = 600; x < 640; x++) {
                p.reference()[y * w + x] = Float.NaN;
            }
        }
        PairRun run = PairRun.of(p, new DifferenceImager(SETTINGS, 800, 500), false);
        MaskedImage d = run.imager().difference();
        for (int i = 0; i < d.pixels(); i++) {
            assertTrue(Float.isFinite(d.image()[i]) && Float.isFinite(d.variance()[i]), "pixel " + i);
        }
        assertTrue((d.mask()[230 * w + 340] & Mask.NO_DATA) != 0, "the NaN block is masked in the difference");
        assertTrue(run.result().detections().stream().noneMatch(x -> x.x() > 302 && x.x() < 378 && x.y() > 202 && x.y() < 258),
            "nothing is detected inside a masked block");
        assertTrue(run.result().residualNoiseRatio() < 1.1, "the rest of the image is unharmed: " + run.result().residualNoiseRatio());
    }

    @Test
    void starsCutByTheEdgeOfTheReferencesCoverageLeaveNothingToDetect() {
        // a reference with strips of no data (NaN rows, as where a mosaicked reference has no coverage):
        // a star across a strip's edge is missing from the reference on one side, and the convolved
        // reference beside the strip must not pass for a difference (half a star, with too small a variance)
        PairSimulator.Config c = PairSimulator.Config.tomoe(23).withContent(6000, 0, 0, 0, 0, false, false);
        PairSimulator.Pair p = PairSimulator.render(c);
        int w = c.width();
        int[] strips = {200, 500, 800};
        int strip = 30;
        for (int y0 : strips) {
            java.util.Arrays.fill(p.reference(), y0 * w, (y0 + strip) * w, Float.NaN);
        }
        PairRun run = PairRun.of(p, new DifferenceImager(SETTINGS, w, c.height()), false);
        // within 8 px of a strip (a kernel's reach and a little): bright stars leave residuals anywhere, as
        // elsewhere in the image, but nothing here comes from the strip
        java.util.List<String> nearStrips = new java.util.ArrayList<>();
        for (Detection d : run.result().detections()) {
            String kind = PairSimulator.classify(p, d.x(), d.y(), 5e4);
            for (int y0 : strips) {
                if (d.y() > y0 - 8 && d.y() < y0 + strip + 8 && !kind.equals("cosmic-ray") && !kind.equals("saturated-star")) {
                    nearStrips.add(kind + " at (" + Math.round(d.x()) + ", " + Math.round(d.y()) + ") S/N " + Math.round(d.snr()));
                }
            }
        }
        assertTrue(nearStrips.isEmpty(), nearStrips.size() + " detections at the strips' edges: " + nearStrips);
        MaskedImage d = run.imager().difference();
        assertTrue((d.mask()[(strips[0] + strip + 3) * w + 1000] & Mask.NO_DATA) != 0, "the strip's edge is masked");
        assertTrue(run.result().residualNoiseRatio() < 1.1, "the rest is unharmed: " + run.result().residualNoiseRatio());
    }

    @Test
    void aNewImageOfTheWrongSizeIsANamedError() {
        DifferenceImager im = new DifferenceImager(SETTINGS, 300, 200);
        DifferenceImager.Input small = new DifferenceImager.Input(new float[100 * 100], 100, 100, new Calibration.Photometry(1, 6e4),
            Calibration.Frames.NONE);
        DiffException e = assertThrows(DiffException.class, () -> im.run(small, small, Affine.IDENTITY));
        assertTrue(e.getMessage().contains("100x100") && e.getMessage().contains("300x200"), e.getMessage());
    }

    @Test
    void tooFewStarsForRegistrationIsANamedError() {
        RegistrationException e = assertThrows(RegistrationException.class, () -> Registration.run(
            java.util.List.of(new Star(1, 1, 10, 5, 2.5)), java.util.List.of(), Affine.IDENTITY, 10, 8));
        assertTrue(e.getMessage().contains("too few stars"), e.getMessage());
        assertEquals(RegistrationException.class, e.getClass());
    }
}
