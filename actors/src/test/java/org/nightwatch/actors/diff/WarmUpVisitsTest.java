package org.nightwatch.actors.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.nightwatch.camera.sim.PairSimulator;
import org.nightwatch.protocol.DetectionFlag;
import org.nightwatch.workers.diff.Affine;
import org.nightwatch.workers.diff.Calibration;
import org.nightwatch.workers.diff.DiffFlag;
import org.nightwatch.workers.diff.DiffSettings;
import org.nightwatch.workers.diff.Detection;
import org.nightwatch.workers.diff.DifferenceImager;
import org.nightwatch.workers.diff.Mask;
import org.nightwatch.workers.diff.MaskedImage;

/**
 * The made-up visits that compile the difference imager before the night take the branches a night's visits take
 * (a branch first taken in the night throws the compiled code away): checked on a reference of another making
 * (the pair simulator's Tomo-e sky), the way the night warms up on its first reference.
 */
class WarmUpVisitsTest {
    @Test
    void theMadeUpVisitsTakeTheBranchesANightsVisitsTake() {
        PairSimulator.Config c = PairSimulator.Config.tomoe(4242);
        PairSimulator.Pair pair = PairSimulator.render(c);
        DiffSettings settings = DiffSettings.defaults();
        DifferenceImager full = new DifferenceImager(settings, c.width(), c.height());
        DifferenceImager.PreparedReference reference = full.prepare(new DifferenceImager.Input(pair.reference(), c.width(), c.height(),
            new Calibration.Photometry(c.gain() * c.refFrames(), c.saturate()), Calibration.Frames.NONE));

        List<WarmUpVisits.Variant> variants = WarmUpVisits.of(reference.image().image(), c.width(), c.height(), 256, reference.sigma(),
            c.gain() * 18);
        assertTrue(variants.size() >= 3);
        assertTrue(variants.stream().anyMatch(WarmUpVisits.Variant::early), "some are begun early, as most of a night's visits");
        assertTrue(variants.stream().anyMatch(v -> !v.early()), "and some differenced whole");

        Set<Integer> halfWidths = new TreeSet<>();
        EnumSet<DiffFlag> flags = EnumSet.noneOf(DiffFlag.class);
        List<Detection> detections = new ArrayList<>();
        for (WarmUpVisits.Variant v : variants) {
            int w = v.visit().width();
            int h = v.visit().height();
            DifferenceImager im = new DifferenceImager(settings, w, h);
            DifferenceImager.PreparedReference prepared = im.prepare(v.reference());
            DifferenceImager.Result r;
            if (v.early()) {
                MaskedImage matched = new MaskedImage(w, h);
                DifferenceImager.Early e = im.early(v.partial(), prepared, Affine.IDENTITY, matched);
                r = im.finish(v.visit(), prepared, e, matched, DiffStage.SEEING_TOLERANCE);
                assertFalse(r.notes().stream().anyMatch(n -> n.contains("differenced whole")),
                    "the early work is used at the finish, not redone: " + r.notes());
            } else {
                r = im.run(v.visit(), prepared, Affine.IDENTITY);
            }
            assertFalse(r.flags().contains(DiffFlag.REGISTRATION_FALLBACK), "registered: " + r.notes());
            assertFalse(r.flags().contains(DiffFlag.KERNEL_FALLBACK), "a fitted kernel: " + r.notes());
            // the pointing offset, found by registration: the visit's (x, y) is the reference's (x - 1.5, y + 1)
            assertEquals(-1.5, r.newToRef().x(100, 100) - 100, 0.1);
            assertEquals(1.0, r.newToRef().y(100, 100) - 100, 0.1);
            assertTrue(count(im.calibratedNew().mask(), Mask.SATURATED) > 0, "saturated stars");
            assertTrue(count(im.calibratedNew().mask(), Mask.BAD) >= 60, "bad and hot pixels masked");
            assertTrue(count(im.resampledReference().mask(), Mask.NO_DATA) > h, "no-data edges where the offset leaves the reference");
            halfWidths.add(r.kernel().basis().halfWidth());
            flags.addAll(r.flags());
            detections.addAll(r.detections());
        }
        assertTrue(halfWidths.stream().anyMatch(hw -> hw % 2 == 0) && halfWidths.stream().anyMatch(hw -> hw % 2 == 1),
            "kernels of both parities of half-width (the convolution's remainders of taps): " + halfWidths);
        assertTrue(flags.contains(DiffFlag.CONVOLVED_NEW), "a visit sharper than its reference: " + flags);
        assertTrue(detections.stream().anyMatch(d -> d.sign() > 0) && detections.stream().anyMatch(d -> d.sign() < 0),
            "brighter and fainter sources");
        assertTrue(detections.stream().anyMatch(d -> d.has(DetectionFlag.EDGE)), "a cut-out that leaves the image");
        assertTrue(detections.stream().anyMatch(d -> d.has(DetectionFlag.STREAK)), "a trail");
        assertTrue(detections.stream().anyMatch(d -> d.has(DetectionFlag.SATURATED) || d.has(DetectionFlag.NEAR_BRIGHT_STAR)),
            "a detection by a bright star");
    }

    private static int count(byte[] mask, byte bit) {
        int n = 0;
        for (byte m : mask) {
            if ((m & bit) != 0) {
                n++;
            }
        }
        return n;
    }
}
