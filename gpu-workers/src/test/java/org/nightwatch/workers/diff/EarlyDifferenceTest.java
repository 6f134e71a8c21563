package org.nightwatch.workers.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nightwatch.camera.sim.PairSimulator;

/**
 * A difference begun on a partial stack (the first 12 of 18 frames: registration, kernel, the reference
 * resampled and convolved) and finished on the whole stack finds what the whole difference finds, with
 * the same residual noise: the work that does not need the last frame can be done before it arrives.
 */
class EarlyDifferenceTest {
    private static PairSimulator.Config frames(PairSimulator.Config c, int n) {
        return new PairSimulator.Config(c.width(), c.height(), c.gain(), c.readNoise(), c.saturate(), c.refSeeing(), c.newSeeing(),
            c.refFrames(), n, c.stars(), c.galaxies(), c.transients(), c.snrMin(), c.snrMax(), c.variables(), c.moving(), c.trail(),
            c.hotPixels(), c.maxShiftPx(), c.seed());
    }

    private static PairSimulator.Config swapSeeing(PairSimulator.Config c) {
        return new PairSimulator.Config(c.width(), c.height(), c.gain(), c.readNoise(), c.saturate(), c.newSeeing(), c.refSeeing(),
            c.refFrames(), c.newFrames(), c.stars(), c.galaxies(), c.transients(), c.snrMin(), c.snrMax(), c.variables(), c.moving(),
            c.trail(), c.hotPixels(), c.maxShiftPx(), c.seed());
    }

    // the reference sharper (it is convolved early, into the caller's plane) and the new image sharper (the
    // reference is resampled early into that plane, and the new image convolved at the close)
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aDifferenceBegunOnThePartialStackFinishesLikeTheWholeOne(boolean newSharper) {
        PairSimulator.Config cfg = newSharper ? swapSeeing(PairSimulator.Config.tomoe(7)) : PairSimulator.Config.tomoe(7);
        PairSimulator.Pair whole = PairSimulator.render(cfg);
        PairSimulator.Pair partial = PairSimulator.render(frames(cfg, 12));
        DiffSettings settings = DiffSettings.defaults();
        DifferenceImager imager = new DifferenceImager(settings, cfg.width(), cfg.height());
        DifferenceImager.PreparedReference ref = imager.prepare(new DifferenceImager.Input(whole.reference(), cfg.width(), cfg.height(),
            new Calibration.Photometry(cfg.gain() * cfg.refFrames(), cfg.saturate()), Calibration.Frames.NONE));
        DifferenceImager.Input all = new DifferenceImager.Input(whole.newImage(), cfg.width(), cfg.height(),
            new Calibration.Photometry(cfg.gain() * 18, cfg.saturate()), Calibration.Frames.NONE);
        DifferenceImager.Result direct = imager.run(all, ref, Affine.IDENTITY);
        int directFound = direct.detections().size();
        double directNoise = direct.residualNoiseRatio();

        MaskedImage matched = new MaskedImage(cfg.width(), cfg.height());
        DifferenceImager.Early early = imager.early(new DifferenceImager.Input(partial.newImage(), cfg.width(), cfg.height(),
            new Calibration.Photometry(cfg.gain() * 12, cfg.saturate()), Calibration.Frames.NONE), ref, Affine.IDENTITY, matched);
        assertEquals(!newSharper, early.convolveRef(), "the sharper image is the one convolved");
        assertEquals(newSharper, direct.flags().contains(DiffFlag.CONVOLVED_NEW), "the whole difference convolves the same image");
        DifferenceImager.Result finished = imager.finish(all, ref, early, matched, 0.1);

        assertTrue(finished.notes().stream().noneMatch(n -> n.contains("differenced whole")), String.valueOf(finished.notes()));
        assertTrue(finished.residualNoiseRatio() <= 1.05, "residual noise " + finished.residualNoiseRatio() + " x expected");
        assertEquals(directNoise, finished.residualNoiseRatio(), 0.02, "as the whole difference's");
        int matchedDetections = 0;
        for (Detection d : finished.detections()) {
            if (direct.detections().stream().anyMatch(e -> e.sign() == d.sign() && Math.hypot(e.x() - d.x(), e.y() - d.y()) < 1.5)) {
                matchedDetections++;
            }
        }
        assertTrue(matchedDetections >= 0.95 * directFound && finished.detections().size() <= 1.05 * directFound,
            matchedDetections + " of " + finished.detections().size() + " detections match the whole difference's " + directFound);
        long early0 = early.timings().total();
        long rest = finished.timings().total();
        System.out.printf("early %.0f ms, finish %.0f ms, whole %.0f ms%n", early0 / 1e6, rest / 1e6, direct.timings().total() / 1e6);
    }

    @Test
    void aSeeingThatChangedWithinTheVisitIsDifferencedWhole() {
        PairSimulator.Config cfg = PairSimulator.Config.tomoe(8).withSize(1000, 600);
        PairSimulator.Pair whole = PairSimulator.render(cfg);
        PairSimulator.Config sharper = new PairSimulator.Config(cfg.width(), cfg.height(), cfg.gain(), cfg.readNoise(), cfg.saturate(),
            cfg.refSeeing(), 2.2, cfg.refFrames(), 12, cfg.stars(), cfg.galaxies(), cfg.transients(), cfg.snrMin(), cfg.snrMax(),
            cfg.variables(), cfg.moving(), cfg.trail(), cfg.hotPixels(), cfg.maxShiftPx(), cfg.seed());
        PairSimulator.Pair partial = PairSimulator.render(sharper);
        DifferenceImager imager = new DifferenceImager(DiffSettings.defaults(), cfg.width(), cfg.height());
        DifferenceImager.PreparedReference ref = imager.prepare(new DifferenceImager.Input(whole.reference(), cfg.width(), cfg.height(),
            new Calibration.Photometry(cfg.gain() * cfg.refFrames(), cfg.saturate()), Calibration.Frames.NONE));
        MaskedImage matched = new MaskedImage(cfg.width(), cfg.height());
        DifferenceImager.Early early = imager.early(new DifferenceImager.Input(partial.newImage(), cfg.width(), cfg.height(),
            new Calibration.Photometry(cfg.gain() * 12, cfg.saturate()), Calibration.Frames.NONE), ref, Affine.IDENTITY, matched);
        DifferenceImager.Result r = imager.finish(new DifferenceImager.Input(whole.newImage(), cfg.width(), cfg.height(),
            new Calibration.Photometry(cfg.gain() * 18, cfg.saturate()), Calibration.Frames.NONE), ref, early, matched, 0.1);
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("seeing changed within the visit")), String.valueOf(r.notes()));
        assertTrue(r.residualNoiseRatio() <= 1.05, "residual noise " + r.residualNoiseRatio());
    }
}
