package org.nightwatch.workers.diff;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;

/**
 * Difference imaging of one sensor-visit against its reference: calibrate both, find stars, register
 * (initial map refined by star matching), resample the reference onto the new grid (Lanczos-3), fit the
 * Alard-Lupton PSF-matching kernel on star stamps, convolve the sharper image, subtract with propagated
 * variance, detect with a PSF matched filter, measure, flag and cut out.
 *
 * <p>An imager owns its working planes (about 150 MB for a 2000 x 1128 sensor) and reuses them visit
 * after visit: one imager per worker thread, not shared. The planes of the last run ({@link #difference()},
 * ...) stay valid until the next run.
 */
public final class DifferenceImager {
    private final DiffSettings settings;
    private final int width;
    private final int height;
    private final MaskedImage newCal;
    private final MaskedImage refResampled;
    private final MaskedImage convolved;
    private final MaskedImage diff;
    private MaskedImage refCal;
    /** The planes of the last run's convolved image and resampled reference: this imager's, or a caller's after {@link #finish}. */
    private MaskedImage lastConvolved;
    private MaskedImage lastResampled;
    private final Resampler resampler;
    private final Convolver convolver;
    private final Detector detector;
    private final StarWings wings = new StarWings();
    private final FloatSort sorter = new FloatSort();
    private final float[] row;

    /**
     * An image to difference.
     *
     * @param pixels     height * width floats (ADU; NaN for missing), row-major; not modified
     * @param photometry effective gain and saturation level of these pixels
     * @param frames     the sensor's dark, flat and bad pixels (for the new image; usually NONE for a reference)
     */
    public record Input(float[] pixels, int width, int height, Calibration.Photometry photometry, Calibration.Frames frames) {
        public Input {
            if (pixels.length < width * height) {
                throw new IllegalArgumentException("image has " + pixels.length + " pixels, less than " + width + "x" + height);
            }
        }
    }

    /** Where the time went, nanoseconds. */
    public record Timings(long calibrate, long stars, long register, long resample, long fit, long convolve, long subtract,
                          long detect) {
        public long total() {
            return calibrate + stars + register + resample + fit + convolve + subtract + detect;
        }
    }

    /**
     * @param registration       null when registration fell back to the initial map
     * @param residualNoiseRatio robust standard deviation of difference / expected noise, over clean pixels
     * @param notes              what fell back and why (empty when nothing did)
     */
    public record Result(List<Detection> detections, int components, EnumSet<DiffFlag> flags, Registration.Result registration,
                         Affine newToRef, KernelSolution kernel, double fwhmNew, double fwhmRef, double newSigma,
                         double residualNoiseRatio, List<String> notes, Timings timings) {
    }

    public DifferenceImager(DiffSettings settings, int width, int height) {
        this.settings = settings;
        this.width = width;
        this.height = height;
        newCal = new MaskedImage(width, height);
        refResampled = new MaskedImage(width, height);
        convolved = new MaskedImage(width, height);
        diff = new MaskedImage(width, height);
        resampler = new Resampler(settings.vector(), settings.resampleTolerancePx());
        convolver = new Convolver(settings.vector(), 64);
        detector = new Detector(width, height, settings.vector());
        row = new float[width];
        lastConvolved = convolved;
        lastResampled = refResampled;
    }

    /**
     * A reference made ready once (calibrated, background-subtracted, with variance, mask and stars) and
     * reused by every visit of its field on its sensor.
     */
    public record PreparedReference(MaskedImage image, List<Star> stars, double fwhm, double sigma) {
    }

    /** Calibrates a reference and finds its stars, into new planes owned by the result. */
    public PreparedReference prepare(Input reference) {
        MaskedImage im = new MaskedImage(reference.width(), reference.height());
        return prepareInto(reference, im);
    }

    /**
     * As {@link #prepare}, calibrating the reference's pixels in place: its pixel array becomes the prepared
     * image plane, and the caller gives it up (a reference read from its file for this alone saves a 9 MB plane
     * and its copy at each of a survey night's reference reads).
     */
    public PreparedReference prepareInPlace(Input reference) {
        int n = reference.width() * reference.height();
        MaskedImage im = new MaskedImage(reference.width(), reference.height(), reference.pixels(), new float[n], new byte[n]);
        return prepareInto(reference, im);
    }

    private PreparedReference prepareInto(Input reference, MaskedImage im) {
        Calibration.Result rc = Calibration.run(reference.pixels(), reference.width(), reference.height(),
            saturationOf(reference.photometry()), reference.frames(), settings.backgroundMesh(), im);
        List<Star> found = StarFinder.run(im, rc.medianSigma(), settings.starThresholdSigma(), 2.5, settings.maxStars());
        double seeing = StarFinder.seeingFwhm(found);
        List<Star> stars = StarFinder.onLocus(found, seeing, settings.minMatches());
        return new PreparedReference(im, stars, orDefault(seeing, 2.5), rc.medianSigma());
    }

    /** Differences a new image against a reference prepared here and now (see {@link #prepare} to reuse one). */
    public Result run(Input newImage, Input reference, Affine initialNewToRef) {
        long t0 = System.nanoTime();
        if (refCal == null || !refCal.sameSize(reference.width(), reference.height())) {
            refCal = new MaskedImage(reference.width(), reference.height());
        }
        PreparedReference ref = prepareInto(reference, refCal);
        long prep = System.nanoTime() - t0;
        Result r = run(newImage, ref, initialNewToRef);
        Timings t = r.timings();
        return new Result(r.detections(), r.components(), r.flags(), r.registration(), r.newToRef(), r.kernel(), r.fwhmNew(),
            r.fwhmRef(), r.newSigma(), r.residualNoiseRatio(), r.notes(),
            new Timings(t.calibrate() + prep, t.stars(), t.register(), t.resample(), t.fit(), t.convolve(), t.subtract(), t.detect()));
    }

    /** Differences a new image against a prepared reference. */
    public Result run(Input newImage, PreparedReference reference, Affine initialNewToRef) {
        checkSize(newImage);
        long t0 = System.nanoTime();
        Front f = front(newImage, reference, initialNewToRef, refResampled);
        if (f.convolveRef()) {
            convolver.run(refResampled, f.kernel(), convolved);
        } else {
            convolver.run(newCal, f.kernel(), convolved);
        }
        long t6 = System.nanoTime();
        return tail(f, f.nc().medianSigma(), t0, f.t5(), t6, convolved, refResampled);
    }

    /**
     * What a visit's difference needs that a partial stack already shows: the registration, the
     * PSF-matching kernel and, when the reference is the sharper image, the reference resampled and
     * convolved. Made early ({@link #early}) while the visit's last frames still arrive, kept in a plane of
     * the caller's, and finished ({@link #finish}) on the whole stack.
     */
    public record Early(Affine map, Registration.Result registration, KernelSolution kernel, EnumSet<DiffFlag> flags,
                        List<String> notes, double fwhmNew, double fwhmRef, boolean convolveRef, Timings timings, List<Star> stars) {
    }

    /**
     * The early part of a difference on {@code partial} (a partial stack of the visit): registration, kernel,
     * and into {@code matched} the reference made ready for subtraction (convolved when it is the sharper
     * image, else only resampled).
     */
    public Early early(Input partial, PreparedReference reference, Affine initialNewToRef, MaskedImage matched) {
        checkSize(partial);
        long t0 = System.nanoTime();
        // resampled straight into the caller's plane when the reference is not to be convolved
        Front f = front(partial, reference, initialNewToRef, matched);
        if (f.convolveRef()) {
            convolver.run(refResampled, f.kernel(), matched);
        }
        long t6 = System.nanoTime();
        Timings t = f.timings();
        return new Early(f.map(), f.registration(), f.kernel(), f.flags(), f.notes(), f.fwhmNew(), f.fwhmRef(), f.convolveRef(),
            new Timings(t.calibrate(), t.stars(), t.register(), t.resample(), t.fit(), t6 - f.t5(), 0, 0), f.stars());
    }

    /**
     * Finishes a difference begun by {@link #early} on the whole stack {@code newImage}. When the seeing of
     * the whole stack differs from the partial one's by more than {@code seeingTolerance} (a fraction), the
     * early work does not fit and the difference is made whole here (the note says so). {@code matched} is
     * used in place, not copied: subtraction zeroes its no-data pixels, and {@link #convolved()} or
     * {@link #resampledReference()} return it until the next run.
     */
    public Result finish(Input newImage, PreparedReference reference, Early e, MaskedImage matched, double seeingTolerance) {
        checkSize(newImage);
        long t0 = System.nanoTime();
        Calibration.Result nc = Calibration.run(newImage.pixels(), width, height, saturationOf(newImage.photometry()),
            newImage.frames(), settings.backgroundMesh(), newCal);
        long t1 = System.nanoTime();
        // the seeing of the whole stack, at the stars the partial one found (no search of the image again)
        double seeing = StarFinder.seeingFwhm(StarFinder.remeasure(newCal, e.stars(), 2.5));
        double fwhmNew = orDefault(seeing, e.fwhmNew());
        if (Math.abs(fwhmNew - e.fwhmNew()) > seeingTolerance * e.fwhmNew()) {
            Result whole = run(newImage, reference, e.map());
            List<String> notes = new ArrayList<>(whole.notes());
            notes.add(String.format(java.util.Locale.ROOT, "seeing changed within the visit (%.2f px on its first frames, %.2f on all):"
                + " differenced whole", e.fwhmNew(), fwhmNew));
            return new Result(whole.detections(), whole.components(), whole.flags(), whole.registration(), whole.newToRef(),
                whole.kernel(), whole.fwhmNew(), whole.fwhmRef(), whole.newSigma(), whole.residualNoiseRatio(), notes, whole.timings());
        }
        long t2 = System.nanoTime();
        // the early plane is used where it lies (it was copied, 20 MB read and written at every close)
        MaskedImage conv = matched;
        MaskedImage resampled = refResampled;
        if (!e.convolveRef()) {
            resampled = matched;
            conv = convolved;
            convolver.run(newCal, e.kernel(), convolved);
        }
        long t6 = System.nanoTime();
        Front f = new Front(nc, e.map(), e.registration(), e.kernel(), EnumSet.copyOf(e.flags()), new ArrayList<>(e.notes()), fwhmNew,
            e.fwhmRef(), e.convolveRef(), new Timings(t1 - t0, t2 - t1, 0, 0, 0, 0, 0, 0), t2, e.stars(), resampled);
        return tail(f, nc.medianSigma(), t0, t2, t6, conv, resampled);
    }

    private void checkSize(Input newImage) {
        if (newImage.width() != width || newImage.height() != height) {
            throw new DiffException("new image is " + newImage.width() + "x" + newImage.height() + ", this imager works on "
                + width + "x" + height);
        }
    }

    /** Calibration, stars, registration, resampling and the kernel: what precedes the convolution. */
    private record Front(Calibration.Result nc, Affine map, Registration.Result registration, KernelSolution kernel,
                         EnumSet<DiffFlag> flags, List<String> notes, double fwhmNew, double fwhmRef, boolean convolveRef,
                         Timings timings, long t5, List<Star> stars, MaskedImage resampled) {
    }

    /**
     * @param resampleInto where the resampled reference goes when the new image is the one to convolve (when the
     *                     reference is, it goes into this imager's own plane, the convolution's source)
     */
    private Front front(Input newImage, PreparedReference reference, Affine initialNewToRef, MaskedImage resampleInto) {
        EnumSet<DiffFlag> flags = EnumSet.noneOf(DiffFlag.class);
        List<String> notes = new ArrayList<>();
        long t0 = System.nanoTime();
        Calibration.Result nc = Calibration.run(newImage.pixels(), width, height, saturationOf(newImage.photometry()),
            newImage.frames(), settings.backgroundMesh(), newCal);
        long t1 = System.nanoTime();

        // the seeing from the stellar locus, and only stars on it for registration and the kernel's stamps:
        // cosmic rays and hot pixels of a single exposure are sharper than any star, blends broader
        List<Star> found = StarFinder.run(newCal, nc.medianSigma(), settings.starThresholdSigma(), 2.5, settings.maxStars());
        double seeingNew = StarFinder.seeingFwhm(found);
        List<Star> newStars = StarFinder.onLocus(found, seeingNew, settings.minMatches());
        List<Star> refStars = reference.stars();
        double fwhmNew = orDefault(seeingNew, 2.5);
        double fwhmRef = reference.fwhm();
        long t2 = System.nanoTime();

        Registration.Result reg = null;
        Affine map = initialNewToRef;
        try {
            reg = Registration.run(newStars, refStars, initialNewToRef, settings.searchPx(), settings.minMatches());
            map = reg.newToRef();
        } catch (RegistrationException e) {
            flags.add(DiffFlag.REGISTRATION_FALLBACK);
            notes.add("registration: " + e.getMessage());
        }
        double sNew = fwhmNew / 2.3548;
        double sRef = fwhmRef / 2.3548;
        boolean convolveRef = sRef <= sNew;
        if (!convolveRef) {
            flags.add(DiffFlag.CONVOLVED_NEW);
        }
        MaskedImage resampled = convolveRef ? refResampled : resampleInto;
        long t3 = System.nanoTime();
        resampler.run(reference.image(), map, resampled);
        long t4 = System.nanoTime();

        MaskedImage source = convolveRef ? resampled : newCal;
        MaskedImage target = convolveRef ? newCal : resampled;
        double sMatch = Math.sqrt(Math.abs(sNew * sNew - sRef * sRef));
        double sBasis = Math.max(sMatch, 0.6);
        double[] sigmas = new double[settings.sigmaFactors().length];
        for (int i = 0; i < sigmas.length; i++) {
            sigmas[i] = settings.sigmaFactors()[i] * sBasis;
        }
        int hw = settings.halfWidth() > 0 ? settings.halfWidth()
            : Math.max(3, Math.min(12, (int) Math.ceil(2.0 * sigmas[sigmas.length - 1]) + 1));
        KernelBasis basis = new KernelBasis(hw, sigmas, settings.degrees());
        int stampHalf = settings.stampHalf() > 0 ? settings.stampHalf()
            : Math.max(hw + 2, (int) Math.ceil(2.5 * Math.max(fwhmNew, fwhmRef)));
        List<double[]> centres = stampCentres(newStars, reg, map, refStars);
        KernelSolution kernel;
        try {
            kernel = PsfMatch.fit(source, target, centres, basis,
                new PsfMatch.Config(settings.spatialOrder(), settings.backgroundOrder(), stampHalf, settings.minStamps()));
            if (kernel.spatialOrder() < settings.spatialOrder()) {
                flags.add(DiffFlag.KERNEL_CONSTANT);
            }
        } catch (InsufficientKernelStarsException e) {
            flags.add(DiffFlag.KERNEL_FALLBACK);
            notes.add("kernel: " + e.getMessage() + "; using a Gaussian of sigma " + String.format("%.2f", sMatch) + " px");
            kernel = KernelSolution.gaussian(basis, width, height, sMatch, centres.size());
        }
        long t5 = System.nanoTime();
        return new Front(nc, map, reg, kernel, flags, notes, fwhmNew, fwhmRef, convolveRef,
            new Timings(t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, 0, 0, 0), t5, found, resampled);
    }

    /** Subtraction, residual noise and detection, once the convolved image is in {@code conv}. */
    private Result tail(Front f, double newSigma, long t0, long t5, long t6, MaskedImage conv, MaskedImage resampled) {
        lastConvolved = conv;
        lastResampled = resampled;
        subtract(f.convolveRef(), f.kernel(), conv, resampled);
        // what the kernel could not reach of bright stars' wings, taken away before anything is measured or detected
        wings.run(diff, f.stars(), Math.max(f.fwhmNew(), f.fwhmRef()), newSigma);
        double ratio = residualNoise();
        long t7 = System.nanoTime();
        float[] refMatched = f.convolveRef() ? conv.image() : resampled.image();
        float[] newMatched = f.convolveRef() ? newCal.image() : conv.image();
        double sNew = f.fwhmNew() / 2.3548;
        double sRef = f.fwhmRef() / 2.3548;
        Detector.Result det = detector.run(diff, refMatched, newMatched, Math.max(sNew, sRef), settings.brightStarSigma() * newSigma,
            new Detector.Config(settings.thresholdSigma(), settings.dipoleSigma(), settings.maxDetections()));
        EnumSet<DiffFlag> flags = f.flags();
        List<String> notes = f.notes();
        if (det.capped()) {
            flags.add(DiffFlag.DETECTIONS_CAPPED);
            notes.add("detections: " + det.components() + " components, only the " + settings.maxDetections() + " most significant kept");
        }
        long t8 = System.nanoTime();
        Timings ft = f.timings();
        return new Result(det.detections(), det.components(), flags, f.registration(), f.map(), f.kernel(), f.fwhmNew(), f.fwhmRef(),
            newSigma, ratio, notes, new Timings(ft.calibrate(), ft.stars(), ft.register(), ft.resample(), ft.fit(), t6 - t5, t7 - t6,
                t8 - t7));
    }

    private Calibration.Photometry saturationOf(Calibration.Photometry p) {
        return new Calibration.Photometry(p.gainEff(), p.saturate() * settings.saturationFraction(), p.readNoiseVar());
    }

    private static double orDefault(double v, double d) {
        return Double.isFinite(v) && v > 0.5 ? v : d;
    }

    /**
     * Stamp centres on the new grid: matched stars (or, when registration fell back, stars of the new
     * image with a reference star within 2 px under the initial map), at most {@code stamps-per-cell} of the brightest per cell of a 6 x 4 grid.
     */
    private List<double[]> stampCentres(List<Star> newStars, Registration.Result reg, Affine map, List<Star> refStars) {
        List<Star> pool = new ArrayList<>();
        if (reg != null) {
            for (int[] p : reg.pairs()) {
                pool.add(newStars.get(p[0]));
            }
        } else {
            // no registration: only stars seen in both images at the initial map, or the kernel would fit transients
            for (Star s : newStars) {
                double rx = map.x(s.x(), s.y());
                double ry = map.y(s.x(), s.y());
                if (refStars.stream().anyMatch(r -> Math.hypot(r.x() - rx, r.y() - ry) < 2)) {
                    pool.add(s);
                }
            }
        }
        pool.sort(Comparator.comparingDouble(s -> -s.flux()));
        int gx = 6;
        int gy = 4;
        int[] perCell = new int[gx * gy];
        List<double[]> out = new ArrayList<>();
        for (Star s : pool) {
            int cx = Math.min(gx - 1, (int) (s.x() * gx / width));
            int cy = Math.min(gy - 1, (int) (s.y() * gy / height));
            int c = Math.max(0, cy) * gx + Math.max(0, cx);
            if (perCell[c] < settings.stampsPerCell()) {
                perCell[c]++;
                out.add(new double[] {s.x(), s.y()});
            }
        }
        return out;
    }

    private void subtract(boolean convolveRef, KernelSolution kernel, MaskedImage convolved, MaskedImage refResampled) {
        float[] d = diff.image();
        float[] dv = diff.variance();
        byte[] dm = diff.mask();
        MaskedImage t = convolveRef ? newCal : refResampled;
        float[] ti = t.image();
        float[] tv = t.variance();
        byte[] tm = t.mask();
        float[] ci = convolved.image();
        float[] cv = convolved.variance();
        byte[] cm = convolved.mask();
        float sign = convolveRef ? 1f : -1f;
        boolean vector = settings.vector();
        for (int y = 0; y < height; y++) {
            kernel.backgroundRow(y, row);
            int base = y * width;
            // the fit models target = K (x) source + background; the difference is new minus reference.
            // Branch-free loops first, the floats and the mask bytes apart (one loop of both was not vectorised),
            // then the rare no-data pixels fixed up
            for (int x = 0; x < width; x++) {
                d[base + x] = sign * (ti[base + x] - ci[base + x] - row[x]);
                dv[base + x] = tv[base + x] + cv[base + x];
            }
            for (int x = 0; x < width; x++) {
                dm[base + x] = (byte) (tm[base + x] | cm[base + x]);
            }
            // dm holds cm's bits: a pixel no-data in either is no-data in dm
            int end = base + width;
            for (int i = Mask.nextWith(dm, base, end, Mask.NO_DATA, vector); i < end; i = Mask.nextWith(dm, i + 1, end, Mask.NO_DATA, vector)) {
                if ((dm[i] & Mask.NO_DATA) != 0) {
                    // no value here: without this the difference holds the new image wherever the reference
                    // has no coverage, and a cutout at that edge shows a star as if it had just appeared
                    d[i] = 0f;
                    dv[i] = 0f;
                }
                if ((cm[i] & Mask.NO_DATA) != 0) {
                    // a convolution that summed over missing pixels is a partial star: blank it for the cutouts
                    ci[i] = 0f;
                    cv[i] = 0f;
                }
            }
        }
    }

    /**
     * Robust sigma of difference / sqrt(variance) over a sparse grid of clean pixels (about 40000: every 7th pixel
     * of every 7th row of a 2000 x 1128 sensor, a statistical precision near 0.5%). It was every 5th (90000), and
     * its sort was a tenth of the work left at a visit's close.
     */
    private double residualNoise() {
        float[] d = diff.image();
        float[] v = diff.variance();
        byte[] m = diff.mask();
        int step = Math.max(1, (int) Math.sqrt(width * (double) height / 40_000));
        float[] sample = new float[(width / step + 1) * (height / step + 1)];
        int n = 0;
        for (int y = 1; y < height; y += step) {
            for (int x = 1; x < width; x += step) {
                int i = y * width + x;
                if (m[i] == 0 && v[i] > 0f) {
                    sample[n++] = d[i] / (float) Math.sqrt(v[i]);
                }
            }
        }
        if (n < 100) {
            return Double.NaN;
        }
        sorter.sort(sample, 0, n);
        return Background.clippedStats(sample, n)[1];
    }

    /**
     * Difference image of the last run: new minus PSF-matched reference, with variance and mask. Pixels
     * marked {@link Mask#NO_DATA} (outside the reference's coverage, or where the kernel reached past it)
     * hold 0 with variance 0.
     */
    public MaskedImage difference() {
        return diff;
    }

    /** The calibrated, background-subtracted new image of the last run. */
    public MaskedImage calibratedNew() {
        return newCal;
    }

    /**
     * The reference of the last run, resampled onto the new grid (not PSF-matched). After {@link #finish} of a
     * visit that convolved the new image, this is the caller's {@code matched} plane.
     */
    public MaskedImage resampledReference() {
        return lastResampled;
    }

    /**
     * The convolved image of the last run (the reference, unless {@link DiffFlag#CONVOLVED_NEW}); 0 where
     * {@link Mask#NO_DATA}. After {@link #finish} of a visit that convolved the reference, this is the caller's
     * {@code matched} plane (its no-data pixels zeroed).
     */
    public MaskedImage convolved() {
        return lastConvolved;
    }

    /** The matched-filter significance plane of the last run. */
    public float[] significance() {
        return detector.significance();
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }
}
