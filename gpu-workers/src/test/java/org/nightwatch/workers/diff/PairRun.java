package org.nightwatch.workers.diff;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nightwatch.camera.sim.PairSimulator;
import org.nightwatch.protocol.DetectionFlag;

/** A simulated pair sent through the difference imager, with the truth matched against the detections. */
record PairRun(PairSimulator.Pair pair, DifferenceImager imager, DifferenceImager.Result result, Map<String, Integer> falseByKind,
               List<PairSimulator.Truth> transients, boolean[] found) {

    static PairRun of(PairSimulator.Config cfg, DiffSettings settings, boolean useDark) {
        PairSimulator.Pair p = PairSimulator.render(cfg);
        DifferenceImager imager = new DifferenceImager(settings, cfg.width(), cfg.height());
        return of(p, imager, useDark);
    }

    static PairRun of(PairSimulator.Pair p, DifferenceImager imager, boolean useDark) {
        PairSimulator.Config cfg = p.config();
        Calibration.Frames frames = useDark
            ? new Calibration.Frames(null, null, Calibration.badPixelsFromDark(p.dark(), cfg.width(), cfg.height(), 5))
            : Calibration.Frames.NONE;
        DifferenceImager.Result r = imager.run(
            new DifferenceImager.Input(p.newImage(), cfg.width(), cfg.height(),
                new Calibration.Photometry(cfg.gain() * cfg.newFrames(), cfg.saturate()), frames),
            new DifferenceImager.Input(p.reference(), cfg.width(), cfg.height(),
                new Calibration.Photometry(cfg.gain() * cfg.refFrames(), cfg.saturate()), Calibration.Frames.NONE),
            Affine.IDENTITY);
        List<PairSimulator.Truth> transients = new ArrayList<>();
        for (PairSimulator.Truth t : p.truth()) {
            if (t.kind() == PairSimulator.Kind.TRANSIENT) {
                transients.add(t);
            }
        }
        boolean[] found = new boolean[transients.size()];
        Map<String, Integer> falseByKind = new LinkedHashMap<>();
        for (Detection d : r.detections()) {
            boolean real = false;
            for (int i = 0; i < transients.size(); i++) {
                PairSimulator.Truth t = transients.get(i);
                if (d.sign() > 0 && Math.hypot(t.x() - d.x(), t.y() - d.y()) <= 2.0) {
                    found[i] = true;
                    real = true;
                }
            }
            if (!real) {
                String kind = PairSimulator.classify(p, d.x(), d.y(), 5e4);
                if (kind.equals("noise") && d.has(DetectionFlag.NEAR_BRIGHT_STAR)) {
                    kind = "star-residual"; // a star's residual (the truth's brightness cut is cruder than the flag)
                }
                falseByKind.merge(kind, 1, Integer::sum);
            }
        }
        return new PairRun(p, imager, r, falseByKind, transients, found);
    }

    /** Fraction of injected transients with lo <= S/N < hi that were detected. */
    double recall(double lo, double hi) {
        int n = 0;
        int k = 0;
        for (int i = 0; i < transients.size(); i++) {
            double s = transients.get(i).snr();
            if (s >= lo && s < hi) {
                n++;
                if (found[i]) {
                    k++;
                }
            }
        }
        return n == 0 ? Double.NaN : (double) k / n;
    }

    int count(double lo, double hi) {
        return (int) transients.stream().filter(t -> t.snr() >= lo && t.snr() < hi).count();
    }
}
