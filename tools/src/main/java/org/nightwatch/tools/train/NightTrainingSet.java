package org.nightwatch.tools.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.nightwatch.actors.diff.ReferenceLibrary;
import org.nightwatch.actors.diff.WcsMap;
import org.nightwatch.camera.fits.RecordedNight;
import org.nightwatch.camera.fits.VisitCube;
import org.nightwatch.camera.fits.VisitCubeReader;
import org.nightwatch.camera.fits.VisitMetadata;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.scheduler.Sky;
import org.nightwatch.workers.diff.Affine;
import org.nightwatch.workers.diff.Calibration;
import org.nightwatch.workers.diff.Detection;
import org.nightwatch.workers.diff.DiffSettings;
import org.nightwatch.workers.diff.DifferenceImager;
import org.nightwatch.workers.diff.HotPixels;
import org.nightwatch.workers.stack.StackKernel;

/**
 * A real/bogus training set from a recorded night's own images, any tool's, the way Tomo-e Gozen built theirs
 * from the survey's data (Takahashi et al. 2022): each visit's stack is differenced against its reference by
 * nightwatch's own pipeline as it is, and every detection there is <b>bogus</b> (a night's real transients are a
 * few in thousands of detections; when the night has a {@code truth.csv}, detections within
 * {@link Settings#truthRadiusArcsec} of its sources are kept apart instead, typed by the truth). Then point
 * sources are injected into a copy of the stack with the PSF measured on that visit's own stars, half of them on
 * light (a galaxy, a star's outskirts: the hosts of real transients), and the difference is made again: the
 * detections at an injection are <b>real</b>. Cutouts, labels and the files are those of {@link TrainingSetBuilder}.
 */
public final class NightTrainingSet {
    /** Half-size of the measured PSF stamp, px. */
    static final int PSF_HALF = 10;
    /** Stars the PSF is the median of, at most. */
    static final int PSF_STARS = 60;
    private static final StackKernel STACK = StackKernel.best();

    /**
     * @param injections          point sources injected into each visit
     * @param snrMin              the injections' S/N on the difference, log-uniform between these
     * @param truthRadiusArcsec   a detection this close to a source of the night's truth.csv is kept apart
     */
    public record Settings(int injections, double snrMin, double snrMax, long seed, double truthRadiusArcsec) {
    }

    private NightTrainingSet() {
    }

    /** Builds the set from the night in {@code dir}; {@code progress} is told each visit done. */
    public static List<TrainingSetBuilder.Sample> run(Path dir, Settings s, Consumer<String> progress) {
        RecordedNight night = RecordedNight.open(dir);
        for (String p : night.problems()) {
            progress.accept("skipped: " + p);
        }
        int w = night.manifest().width();
        int h = night.manifest().height();
        List<double[]> truth = truth(night.layout().truth());
        ReferenceLibrary refs = new ReferenceLibrary(dir, null, 4, 5, false);
        DifferenceImager imager = new DifferenceImager(DiffSettings.defaults(), w, h);
        List<TrainingSetBuilder.Sample> out = new ArrayList<>();
        VisitCubeReader reader = new VisitCubeReader(w, h);
        int index = 0;
        for (int sensor : night.sensors()) {
            SensorId id = SensorId.of(sensor);
            HotPixels hot = new HotPixels();
            for (long visit : night.visitsOf(sensor)) {
                Path file = night.file(sensor, visit);
                VisitCube cube = reader.read(file);
                VisitMetadata m = cube.meta();
                float[] mean = new float[w * h];
                STACK.stackMean(cube.frames(), cube.frames().length, mean);
                ReferenceLibrary.Reference ref;
                try {
                    ref = refs.get(id, (int) m.field(), imager::prepare);
                } catch (ReferenceLibrary.MissingReference e) {
                    progress.accept(file + ": " + e.getMessage() + ", left out");
                    continue;
                }
                Calibration.Frames cal = refs.calibration(id);
                if (cal.badPixels() == null) {
                    cal = cal.withHotPixels(hot.observe(mean, w, h));
                }
                double gain = m.gain() > 0 ? m.gain() : 1.0;
                double sat = Double.isFinite(m.saturate()) ? m.saturate() : Double.POSITIVE_INFINITY;
                int frames = cube.frames().length;
                Calibration.Photometry phot = Double.isFinite(m.readNoise()) && m.gain() > 0
                    ? Calibration.Photometry.ofFrames(gain, m.readNoise(), frames, sat) : new Calibration.Photometry(gain * frames, sat);
                Affine initial = ref.wcs() != null && m.wcs() != null ? WcsMap.between(m.wcs(), ref.wcs(), w, h) : Affine.IDENTITY;

                // bogus: the visit's own difference
                DifferenceImager.Result plain = imager.run(new DifferenceImager.Input(mean, w, h, phot, cal), ref.prepared(), initial);
                Affine toRef = plain.newToRef();
                int bogus = 0;
                for (Detection d : plain.detections()) {
                    String kept = null;
                    if (ref.wcs() != null && toRef != null && !truth.isEmpty()) {
                        double[] sky = ref.wcs().pixelToSky(toRef.x(d.x(), d.y()), toRef.y(d.x(), d.y()));
                        kept = nearTruth(truth, sensor, sky, s.truthRadiusArcsec());
                    }
                    if (kept != null) {
                        out.add(new TrainingSetBuilder.Sample(d.cutout(), TrainingSetBuilder.APART, TrainingSetBuilder.APART, kept, d.snr(),
                            index, d.x(), d.y(), d.flags()));
                    } else {
                        out.add(new TrainingSetBuilder.Sample(d.cutout(), TrainingSetBuilder.BOGUS, TrainingSetBuilder.BOGUS,
                            TrainingSetBuilder.bogusType("noise", d), d.snr(), index, d.x(), d.y(), d.flags()));
                        bogus++;
                    }
                }

                // real: point sources with this visit's PSF, found by the same difference
                float[] psf = Psf.measure(mean, w, h, sat, PSF_HALF, PSF_STARS);
                int real = 0;
                int injectedCount = 0;
                if (psf != null && plain.newSigma() > 0) {
                    SplittableRandom rnd = new SplittableRandom(s.seed() * 1_000_003L + index);
                    float[] injected = mean.clone();
                    List<double[]> at = Psf.inject(injected, w, h, psf, PSF_HALF, plain.newSigma(), phot.gainEff(), sat, s.injections(),
                        s.snrMin(), s.snrMax(), rnd);
                    injectedCount = at.size();
                    DifferenceImager.Result r = imager.run(new DifferenceImager.Input(injected, w, h, phot, cal), ref.prepared(), initial);
                    for (Detection d : r.detections()) {
                        if (d.sign() > 0 && nearest(at, d.x(), d.y()) <= 1.5) {
                            out.add(new TrainingSetBuilder.Sample(d.cutout(), TrainingSetBuilder.REAL, TrainingSetBuilder.REAL, "real", d.snr(),
                                index, d.x(), d.y(), d.flags()));
                            real++;
                        }
                    }
                }
                progress.accept(String.format(java.util.Locale.ROOT, "%s visit %d: %d bogus, %d real of %d injected%s", id.name(), visit,
                    bogus, real, injectedCount, psf == null ? " (no PSF: too few isolated stars)" : ""));
                index++;
            }
        }
        return out;
    }

    /** truth.csv rows as {sensor, ra, dec, kind index}; empty when the night has none. */
    private static List<double[]> truth(Path file) {
        List<double[]> t = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return t;
        }
        for (Map<String, String> row : org.nightwatch.tools.evaluate.NightEvaluation.csv(file)) {
            t.add(new double[] {Double.parseDouble(row.get("sensor")), Double.parseDouble(row.get("ra")), Double.parseDouble(row.get("dec")),
                KINDS.indexOf(row.get("kind"))});
        }
        return t;
    }

    private static final List<String> KINDS = List.of("transient", "variable", "moving", "artifact");

    private static String nearTruth(List<double[]> truth, int sensor, double[] sky, double radiusArcsec) {
        for (double[] t : truth) {
            if ((int) t[0] == sensor && Sky.separation(t[1], t[2], sky[0], sky[1]) * 3600 <= radiusArcsec) {
                return t[3] >= 0 ? KINDS.get((int) t[3]) : "truth";
            }
        }
        return null;
    }

    private static double nearest(List<double[]> at, double x, double y) {
        double best = Double.POSITIVE_INFINITY;
        for (double[] p : at) {
            best = Math.min(best, Math.hypot(p[0] - x, p[1] - y));
        }
        return best;
    }

    /** A visit's PSF, measured on its own stars, and point sources made with it. */
    static final class Psf {
        private Psf() {
        }

        /**
         * The median of the normalised stamps of the image's brightest isolated unsaturated stars, each moved to
         * the stamp's centre (bilinear), normalised to a sum of 1; null when fewer than 5 such stars.
         */
        static float[] measure(float[] img, int w, int h, double saturate, int half, int maxStars) {
            int side = 2 * half + 1;
            float[] sample = sampleOf(img);
            Arrays.sort(sample);
            float level = sample[sample.length / 2];
            float sigma = Math.abs(sample[sample.length / 2] - sample[(int) (sample.length * 0.25)]) / 0.6745f;
            List<int[]> peaks = new ArrayList<>();
            int r = 2 * half;
            for (int y = r; y < h - r; y++) {
                for (int x = r; x < w - r; x++) {
                    float v = img[y * w + x];
                    if (v - level < 50 * sigma || v >= 0.5 * saturate) {
                        continue;
                    }
                    if (isMaxWithin(img, w, x, y, half)) {
                        peaks.add(new int[] {x, y, Float.floatToIntBits(v)});
                    }
                }
            }
            peaks.sort((a, b) -> Float.compare(Float.intBitsToFloat(b[2]), Float.intBitsToFloat(a[2])));
            List<float[]> stamps = new ArrayList<>();
            for (int[] p : peaks) {
                if (stamps.size() >= maxStars) {
                    break;
                }
                float[] st = stamp(img, w, p[0], p[1], half, level);
                if (st != null) {
                    stamps.add(st);
                }
            }
            if (stamps.size() < 5) {
                return null;
            }
            float[] psf = new float[side * side];
            float[] col = new float[stamps.size()];
            double sum = 0;
            for (int i = 0; i < psf.length; i++) {
                for (int k = 0; k < col.length; k++) {
                    col[k] = stamps.get(k)[i];
                }
                Arrays.sort(col);
                psf[i] = Math.max(0f, col[col.length / 2]);
                sum += psf[i];
            }
            for (int i = 0; i < psf.length; i++) {
                psf[i] /= (float) sum;
            }
            return psf;
        }

        private static float[] sampleOf(float[] img) {
            int step = Math.max(1, img.length / 20000);
            float[] s = new float[img.length / step];
            for (int i = 0; i < s.length; i++) {
                s[i] = img[i * step];
            }
            return s;
        }

        /** Whether (x, y) is the brightest pixel within {@code r} px (no brighter neighbour to blend with). */
        private static boolean isMaxWithin(float[] img, int w, int x, int y, int r) {
            float v = img[y * w + x];
            for (int dy = -r; dy <= r; dy++) {
                for (int dx = -r; dx <= r; dx++) {
                    if ((dx != 0 || dy != 0) && img[(y + dy) * w + x + dx] >= v) {
                        return false;
                    }
                }
            }
            return true;
        }

        /** The star at (x, y), less the level, centred on its centroid by bilinear interpolation, sum 1. */
        private static float[] stamp(float[] img, int w, int x, int y, int half, float level) {
            double sx = 0;
            double sy = 0;
            double sf = 0;
            for (int dy = -2; dy <= 2; dy++) {
                for (int dx = -2; dx <= 2; dx++) {
                    double v = Math.max(0, img[(y + dy) * w + x + dx] - level);
                    sx += dx * v;
                    sy += dy * v;
                    sf += v;
                }
            }
            if (!(sf > 0)) {
                return null;
            }
            double cx = x + sx / sf;
            double cy = y + sy / sf;
            int side = 2 * half + 1;
            float[] out = new float[side * side];
            double sum = 0;
            for (int j = 0; j < side; j++) {
                for (int i = 0; i < side; i++) {
                    double px = cx + i - half;
                    double py = cy + j - half;
                    int x0 = (int) Math.floor(px);
                    int y0 = (int) Math.floor(py);
                    double fx = px - x0;
                    double fy = py - y0;
                    double v = (1 - fy) * ((1 - fx) * img[y0 * w + x0] + fx * img[y0 * w + x0 + 1])
                        + fy * ((1 - fx) * img[(y0 + 1) * w + x0] + fx * img[(y0 + 1) * w + x0 + 1]) - level;
                    out[j * side + i] = (float) v;
                    sum += v;
                }
            }
            if (!(sum > 0)) {
                return null;
            }
            for (int i = 0; i < out.length; i++) {
                out[i] /= (float) sum;
            }
            return out;
        }

        /**
         * Adds {@code n} point sources of this PSF to {@code img}, at least 30 px apart and from the edges, half
         * where the image already holds light (a galaxy, a star's outskirts), with their photon noise; their
         * S/N on the difference log-uniform in [snrMin, snrMax] for background noise {@code sigma}. Returns
         * their positions (x, y).
         */
        static List<double[]> inject(float[] img, int w, int h, float[] psf, int half, double sigma, double gainEff, double saturate,
                                     int n, double snrMin, double snrMax, SplittableRandom rnd) {
            int side = 2 * half + 1;
            double sumSq = 0;
            for (float p : psf) {
                sumSq += p * (double) p;
            }
            double neff = 1 / sumSq;
            float[] sample = sampleOf(img);
            Arrays.sort(sample);
            float level = sample[sample.length / 2];
            List<double[]> at = new ArrayList<>();
            for (int tries = 0; at.size() < n && tries < 1000 * n; tries++) {
                double x = 30 + rnd.nextDouble() * (w - 60);
                double y = 30 + rnd.nextDouble() * (h - 60);
                int ix = (int) x;
                int iy = (int) y;
                float here = img[iy * w + ix];
                boolean onLight = at.size() % 2 == 1;
                if (onLight != (here - level > 3 * sigma) || here >= 0.3 * saturate) {
                    continue;
                }
                boolean clear = true;
                for (double[] p : at) {
                    clear &= Math.hypot(p[0] - x, p[1] - y) >= 30;
                }
                if (!clear) {
                    continue;
                }
                double snr = snrMin * Math.pow(snrMax / snrMin, rnd.nextDouble());
                double flux = snr * sigma * Math.sqrt(neff);
                // the PSF moved by the sub-pixel part (bilinear), then laid at the integer position
                double fx = x - Math.floor(x);
                double fy = y - Math.floor(y);
                int x0 = (int) Math.floor(x);
                int y0 = (int) Math.floor(y);
                for (int j = -half; j <= half; j++) {
                    for (int i = -half; i <= half; i++) {
                        double v = shifted(psf, side, i + half - fx, j + half - fy) * flux;
                        if (v == 0) {
                            continue;
                        }
                        double noise = v > 0 && gainEff > 0 ? Math.sqrt(v / gainEff) * rnd.nextGaussian() : 0;
                        img[(y0 + j) * w + x0 + i] += (float) (v + noise);
                    }
                }
                at.add(new double[] {x, y});
            }
            return at;
        }

        private static double shifted(float[] psf, int side, double px, double py) {
            int x0 = (int) Math.floor(px);
            int y0 = (int) Math.floor(py);
            double fx = px - x0;
            double fy = py - y0;
            return (1 - fy) * ((1 - fx) * at(psf, side, x0, y0) + fx * at(psf, side, x0 + 1, y0))
                + fy * ((1 - fx) * at(psf, side, x0, y0 + 1) + fx * at(psf, side, x0 + 1, y0 + 1));
        }

        private static double at(float[] psf, int side, int x, int y) {
            return x < 0 || y < 0 || x >= side || y >= side ? 0 : psf[y * side + x];
        }
    }
}
