package org.nightwatch.tools.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import org.nightwatch.camera.sim.PairSimulator;
import org.nightwatch.protocol.DetectionFlag;
import org.nightwatch.workers.diff.Affine;
import org.nightwatch.workers.diff.Calibration;
import org.nightwatch.workers.diff.Detection;
import org.nightwatch.workers.diff.DiffSettings;
import org.nightwatch.workers.diff.DifferenceImager;

/**
 * Builds a labelled set of candidate cutouts from simulated pairs sent through the real difference
 * imaging. A share of the pairs carries injected point sources (S/N log-uniform over a range, half on
 * galaxies): their detections matching an injection are <b>real</b>. The other pairs are
 * injection-free: every detection there is <b>bogus</b>, typed by the truth (cosmic ray, hot pixel,
 * dipole, saturated-star or star residual, trail, edge, noise peak). Detections of moving objects and
 * variable stars are kept apart (label -1). Optional label noise flips real/bogus labels at a known
 * rate and records which. Pure: the same settings give the same set.
 */
public final class TrainingSetBuilder {
    /** Real (1), bogus (0), kept apart (-1). */
    public static final int REAL = 1;
    public static final int BOGUS = 0;
    public static final int APART = -1;

    /**
     * @param pairs        simulated pairs in all
     * @param realShare    share of them with injections (the rest are injection-free)
     * @param injections   point sources injected into each injected pair
     * @param labelNoise   probability of flipping a real/bogus label
     * @param threads      pairs differenced at once (one imager each)
     */
    public record Settings(int width, int height, int pairs, double realShare, int injections, double snrMin, double snrMax,
                           double labelNoise, long seed, int threads) {
        public Settings {
            if (pairs < 2 || realShare <= 0 || realShare >= 1) {
                throw new IllegalArgumentException("need at least 2 pairs and a real share between 0 and 1");
            }
            if (labelNoise < 0 || labelNoise >= 0.5) {
                throw new IllegalArgumentException("label noise must be in [0, 0.5), was " + labelNoise);
            }
        }
    }

    /**
     * One cutout and its labels.
     *
     * @param label     as given for training (after label noise)
     * @param trueLabel before label noise
     * @param type      "real" or the bogus or kept-apart type
     * @param snr       detection S/N
     */
    public record Sample(float[] cutout, int label, int trueLabel, String type, double snr, int pair, double x, double y,
                         int flags) {
        public boolean flipped() {
            return label != trueLabel;
        }
    }

    private TrainingSetBuilder() {
    }

    /** Builds the set; {@code progress} is told each finished pair. */
    public static List<Sample> run(Settings s, IntConsumer progress) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, s.threads()));
        ThreadLocal<DifferenceImager> imagers = ThreadLocal.withInitial(() -> new DifferenceImager(DiffSettings.defaults(),
            s.width(), s.height()));
        try {
            List<Future<List<Sample>>> jobs = new ArrayList<>();
            int realPairs = Math.max(1, (int) Math.round(s.pairs() * s.realShare()));
            for (int i = 0; i < s.pairs(); i++) {
                int pair = i;
                // spread the injected pairs evenly through the sequence
                boolean injected = (long) (i + 1) * realPairs / s.pairs() != (long) i * realPairs / s.pairs();
                jobs.add(pool.submit(() -> {
                    List<Sample> out = pair(s, pair, injected, imagers.get());
                    progress.accept(pair);
                    return out;
                }));
            }
            List<Sample> all = new ArrayList<>();
            for (Future<List<Sample>> j : jobs) {
                all.addAll(j.get());
            }
            return flip(all, s.labelNoise(), s.seed());
        } catch (ExecutionException e) {
            throw new IllegalStateException("building the training set failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Sample> pair(Settings s, int index, boolean injected, DifferenceImager imager) {
        PairSimulator.Config base = PairSimulator.Config.tomoe(s.seed() * 1_000_003L + index).withSize(s.width(), s.height());
        double area = s.width() * (double) s.height() / (2000.0 * 1128.0);
        PairSimulator.Config c = new PairSimulator.Config(base.width(), base.height(), base.gain(), base.readNoise(), base.saturate(),
            base.refSeeing(), base.newSeeing(), base.refFrames(), base.newFrames(), (int) Math.round(base.stars() * area),
            (int) Math.round(base.galaxies() * area), injected ? s.injections() : 0, s.snrMin(), s.snrMax(),
            (int) Math.round(base.variables() * area), (int) Math.round(base.moving() * area), base.trail(), base.hotPixels(),
            base.maxShiftPx(), base.seed());
        PairSimulator.Pair p = PairSimulator.render(c);
        DifferenceImager.Result r = imager.run(
            new DifferenceImager.Input(p.newImage(), c.width(), c.height(), new Calibration.Photometry(c.gain() * c.newFrames(),
                c.saturate()), new Calibration.Frames(null, null, Calibration.badPixelsFromDark(p.dark(), c.width(), c.height(), 5))),
            new DifferenceImager.Input(p.reference(), c.width(), c.height(), new Calibration.Photometry(c.gain() * c.refFrames(),
                c.saturate()), Calibration.Frames.NONE),
            Affine.IDENTITY);
        List<Sample> out = new ArrayList<>();
        for (Detection d : r.detections()) {
            String kind = PairSimulator.classify(p, d.x(), d.y(), 5e4);
            String type;
            int label;
            if (kind.equals("transient")) {
                if (d.sign() < 0) {
                    continue; // a negative lobe of an injected source: neither real nor honest bogus
                }
                type = "real";
                label = REAL;
            } else if (kind.equals("moving") || kind.equals("variable")) {
                type = kind;
                label = APART;
            } else if (injected) {
                continue; // bogus comes from the injection-free differences only
            } else {
                type = bogusType(kind, d);
                label = BOGUS;
            }
            out.add(new Sample(d.cutout(), label, label, type, d.snr(), index, d.x(), d.y(), d.flags()));
        }
        return out;
    }

    /** A bogus detection's type: the truth's kind, or for noise and star residuals what its flags say. */
    static String bogusType(String kind, Detection d) {
        return switch (kind) {
            case "noise", "star-residual" -> d.has(DetectionFlag.DIPOLE) ? "dipole"
                : d.has(DetectionFlag.EDGE) ? "edge"
                : kind.equals("star-residual") || d.has(DetectionFlag.NEAR_BRIGHT_STAR) ? "star-residual" : "noise";
            default -> kind; // cosmic-ray, hot-pixel, trail, saturated-star
        };
    }

    private static List<Sample> flip(List<Sample> all, double rate, long seed) {
        if (rate <= 0) {
            return all;
        }
        SplittableRandom rnd = new SplittableRandom(seed ^ 0xF11FL);
        List<Sample> out = new ArrayList<>(all.size());
        for (Sample x : all) {
            boolean flip = x.label() != APART && rnd.nextDouble() < rate;
            out.add(flip ? new Sample(x.cutout(), 1 - x.label(), x.trueLabel(), x.type(), x.snr(), x.pair(), x.x(), x.y(), x.flags()) : x);
        }
        return out;
    }

    /** Samples per type (and "flipped"), for reports. */
    public static Map<String, Integer> counts(List<Sample> samples) {
        Map<String, Integer> m = new TreeMap<>();
        for (Sample x : samples) {
            m.merge(x.type(), 1, Integer::sum);
            if (x.flipped()) {
                m.merge("flipped", 1, Integer::sum);
            }
        }
        return m;
    }
}
