package org.nightwatch.actors.diff;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.nightwatch.actors.ingest.ClosedVisit;
import org.nightwatch.actors.ingest.PartialVisit;
import org.nightwatch.camera.fits.VisitMetadata;
import org.nightwatch.protocol.Candidate;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.workers.diff.Affine;
import org.nightwatch.workers.diff.Calibration;
import org.nightwatch.workers.diff.Detection;
import org.nightwatch.workers.diff.DiffFlag;
import org.nightwatch.workers.diff.DiffSettings;
import org.nightwatch.workers.diff.DifferenceImager;
import org.nightwatch.workers.diff.HotPixels;
import org.nightwatch.workers.diff.MaskedImage;

/**
 * The pipeline's difference-imaging stage: a stacked visit and the reference of its sensor and field in,
 * the visit's {@link VisitDiff} with its candidates out. Runs on the diff dispatcher; each call borrows
 * one of {@code workers} {@link DifferenceImager}s (about 150 MB of planes each, reused visit after
 * visit), so no more than that many run at once.
 *
 * <p>A visit whose field has no reference (or an unreadable one) is flagged {@link DiffFlag#NO_REFERENCE}
 * with the reason, and has no candidates; the night goes on.
 */
public final class DiffStage {
    /**
     * @param diff           the image-processing settings
     * @param gain           e-/ADU of a frame
     * @param saturate       ADU at which a frame's pixel saturates
     * @param arcsecPerPixel plate scale, for the visit's WCS
     * @param zeroPointMag   magnitude of one electron per frame (candidates' magnitudes)
     * @param workers        imagers, the most visits differenced at once
     * @param earlyPlanes    visits whose difference may be begun on their partial stack at once (20 MB each; 0: none)
     */
    public record Settings(DiffSettings diff, double gain, double saturate, double arcsecPerPixel, double zeroPointMag,
                           int workers, int earlyPlanes) {
        public Settings(DiffSettings diff, double gain, double saturate, double arcsecPerPixel, double zeroPointMag, int workers) {
            this(diff, gain, saturate, arcsecPerPixel, zeroPointMag, workers, 0);
        }
    }

    private final Settings settings;
    private final ReferenceLibrary references;
    private final int width;
    private final int height;
    private final BlockingQueue<DifferenceImager> imagers;
    private final AtomicInteger created = new AtomicInteger();
    private final Runnable beforeVisit;
    private volatile java.util.function.BiFunction<SensorId, Long, VisitMetadata> headers;
    private final AtomicInteger waiting = new AtomicInteger();
    /** Per sensor index: hot pixels found from its visits, for sensors without a dark. */
    private final java.util.concurrent.ConcurrentHashMap<Integer, HotPixels> hotPixels = new java.util.concurrent.ConcurrentHashMap<>();
    /** Seeing of the whole stack against the partial one's beyond which early work is redone whole. */
    static final double SEEING_TOLERANCE = 0.1;
    private final int earlyPlanes;
    private final BlockingQueue<MaskedImage> matchedPlanes = new java.util.concurrent.LinkedBlockingQueue<>();
    private final AtomicInteger matchedCreated = new AtomicInteger();
    private final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    private final java.util.concurrent.atomic.LongAdder costVisits = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder costCpuNs = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder[] costStageNs = new java.util.concurrent.atomic.LongAdder[STAGES.size()];
    private final java.util.concurrent.atomic.LongAdder costReferenceCpuNs = new java.util.concurrent.atomic.LongAdder();

    /** The stages of {@link DifferenceImager.Timings}, in order. */
    public static final List<String> STAGES = List.of("calibrate", "stars", "register", "resample", "kernel_fit", "convolve",
        "subtract", "detect");

    /**
     * What the visits differenced so far cost: thread CPU of the whole stage (reference reads included), the
     * part of it spent reading and preparing references (a visit whose reference another visit had read costs
     * none), and the wall time of each of the imager's stages, summed.
     */
    public record Cost(long visits, long cpuNanos, long referenceCpuNanos, Map<String, Long> stageNanos) {
    }

    public Cost cost() {
        Map<String, Long> st = new java.util.LinkedHashMap<>();
        for (int i = 0; i < STAGES.size(); i++) {
            st.put(STAGES.get(i), costStageNs[i].sum());
        }
        return new Cost(costVisits.sum(), costCpuNs.sum(), costReferenceCpuNs.sum(), st);
    }

    /** The visit's reference, its reading and preparation counted apart in {@link #cost()}. */
    private ReferenceLibrary.Reference reference(SensorId sensor, int field, DifferenceImager imager) {
        long cpu0 = threads.getCurrentThreadCpuTime();
        try {
            return references.get(sensor, field, imager::prepareInPlace); // the pixels read are the library's own
        } finally {
            long cpu1 = threads.getCurrentThreadCpuTime();
            if (cpu0 >= 0 && cpu1 >= cpu0) {
                costReferenceCpuNs.add(cpu1 - cpu0);
            }
        }
    }

    public DiffStage(Settings settings, ReferenceLibrary references, int width, int height) {
        this(settings, references, width, height, null);
    }

    /** @param beforeVisit run before each visit is differenced (a drill's fault; null: nothing) */
    public DiffStage(Settings settings, ReferenceLibrary references, int width, int height, Runnable beforeVisit) {
        this.beforeVisit = beforeVisit;
        this.settings = settings;
        this.references = references;
        this.width = width;
        this.height = height;
        this.imagers = new ArrayBlockingQueue<>(Math.max(1, settings.workers()));
        this.earlyPlanes = settings.earlyPlanes();
        for (int i = 0; i < costStageNs.length; i++) {
            costStageNs[i] = new java.util.concurrent.atomic.LongAdder();
        }
    }

    public ReferenceLibrary references() {
        return references;
    }

    /**
     * What a visit's own file says of it (a replayed night: GAIN, SATURATE and the full TAN WCS of each visit
     * file), by sensor and visit; null from it, or a value it lacks (NaN), falls back to the configuration.
     * Without it (a simulated or live night) every visit takes the configuration's values and a WCS centred on
     * its pointing at the configured plate scale.
     */
    public void headers(java.util.function.BiFunction<SensorId, Long, VisitMetadata> visitHeaders) {
        this.headers = visitHeaders;
    }

    /**
     * A visit's gain, saturation and WCS: its file's where it has them, the configuration's where not; its
     * read noise (e- a frame) only from its file (NaN otherwise: the background noise is then only measured).
     */
    private record Optics(double gain, double readNoise, double saturate, VisitMetadata.TanWcs wcs) {
        Calibration.Photometry photometry(int frames) {
            return Double.isFinite(readNoise) ? Calibration.Photometry.ofFrames(gain, readNoise, frames, saturate)
                : new Calibration.Photometry(gain * Math.max(1, frames), saturate);
        }
    }

    private Optics optics(SensorId sensor, long visit, double raDeg, double decDeg) {
        VisitMetadata m = headers != null ? headers.apply(sensor, visit) : null;
        double gain = m != null && Double.isFinite(m.gain()) && m.gain() > 0 ? m.gain() : settings.gain();
        double saturate = m != null && Double.isFinite(m.saturate()) && m.saturate() > 0 ? m.saturate() : settings.saturate();
        VisitMetadata.TanWcs wcs = m != null && m.wcs() != null ? m.wcs()
            : VisitMetadata.TanWcs.centred(raDeg, decDeg, width, height, settings.arcsecPerPixel());
        double readNoise = m != null && Double.isFinite(m.readNoise()) && m.readNoise() >= 0 ? m.readNoise() : Double.NaN;
        return new Optics(gain, readNoise, saturate, wcs);
    }

    /** A stacked visit is on its way to {@link #run} (it waits for a worker until run begins). */
    public void noteWaiting() {
        waiting.incrementAndGet();
    }

    /** Visits noted waiting that have not begun: the catch-up path runs only when none do. */
    public int waiting() {
        return Math.max(0, waiting.get());
    }

    /** Differences one stacked visit, {@code image} its mean stack (height * width, valid for the call). */
    public VisitDiff run(ClosedVisit v, float[] image) {
        return run(v, image, null);
    }

    /** What {@link #early} made of a partial stack: finished by {@link #run(ClosedVisit, float[], Begun)} on the whole stack. */
    public record Begun(long visitId, int fieldId, DifferenceImager.Early early, MaskedImage matched) {
    }

    /**
     * Begins the difference of a visit on its partial stack: registration, kernel, and the reference made
     * ready for subtraction, in a plane of the stage's (returned to it when the visit is finished or the
     * work {@link #release released}). Null when no plane is free, the field has no reference, or anything
     * fails: the visit is then differenced whole when it closes.
     */
    public Begun early(PartialVisit p) {
        MaskedImage plane = matchedPlanes.poll();
        if (plane == null) {
            if (matchedCreated.incrementAndGet() > earlyPlanes) {
                matchedCreated.decrementAndGet();
                return null;
            }
            plane = new MaskedImage(width, height);
        }
        long cpu0 = threads.getCurrentThreadCpuTime();
        DifferenceImager imager = borrow();
        try {
            ReferenceLibrary.Reference ref = reference(p.sensor(), p.fieldId(), imager);
            if (ref.width() != width || ref.height() != height) {
                matchedPlanes.add(plane);
                return null;
            }
            Optics o = optics(p.sensor(), p.visitId(), p.raDeg(), p.decDeg());
            Affine initial = ref.wcs() != null ? WcsMap.between(o.wcs(), ref.wcs(), width, height) : Affine.IDENTITY;
            DifferenceImager.Early e = imager.early(new DifferenceImager.Input(p.mean(), width, height,
                o.photometry(p.frames()), calibrationOf(p.sensor())),
                ref.prepared(), initial, plane);
            // the early work is part of the visit's cost (its visit is counted when it is finished)
            long cpu1 = threads.getCurrentThreadCpuTime();
            if (cpu0 >= 0 && cpu1 >= cpu0) {
                costCpuNs.add(cpu1 - cpu0);
            }
            DifferenceImager.Timings t = e.timings();
            long[] v = {t.calibrate(), t.stars(), t.register(), t.resample(), t.fit(), t.convolve(), t.subtract(), t.detect()};
            for (int i = 0; i < v.length; i++) {
                costStageNs[i].add(v[i]);
            }
            return new Begun(p.visitId(), p.fieldId(), e, plane);
        } catch (RuntimeException e) {
            matchedPlanes.add(plane);
            return null;
        } finally {
            imagers.add(imager);
        }
    }

    /** Returns the plane of begun work that will not be finished (its visit was spooled, lost or replaced). */
    public void release(Begun b) {
        if (b != null) {
            matchedPlanes.add(b.matched());
        }
    }

    /** The sensor's calibration frames, or none when they are not of the sensor's size. */
    private Calibration.Frames calibrationOf(SensorId sensor) {
        Calibration.Frames cal = references.calibration(sensor);
        cal = fits(cal) ? cal : Calibration.Frames.NONE;
        return cal.badPixels() == null ? cal.withHotPixels(hotPixels(sensor).confirmed()) : cal;
    }

    /** The hot pixels found from a sensor's own visits (used when no dark says where they are). */
    private HotPixels hotPixels(SensorId sensor) {
        return hotPixels.computeIfAbsent(sensor.index(), k -> new HotPixels());
    }

    private boolean fits(Calibration.Frames cal) {
        int n = width * height;
        return (cal.flat() == null || cal.flat().length == n) && (cal.dark() == null || cal.dark().length == n)
            && (cal.badPixels() == null || cal.badPixels().length == n);
    }

    /** Differences one stacked visit, finishing what {@link #early} began when {@code begun} is not null. */
    public VisitDiff run(ClosedVisit v, float[] image, Begun begun) {
        try {
            return runCounted(v, image, begun);
        } finally {
            release(begun);
        }
    }

    private VisitDiff runCounted(ClosedVisit v, float[] image, Begun begun) {
        waiting.updateAndGet(n -> n > 0 ? n - 1 : 0);
        if (beforeVisit != null) {
            beforeVisit.run();
        }
        long t0 = System.nanoTime();
        long cpu0 = threads.getCurrentThreadCpuTime();
        DifferenceImager imager = borrow();
        try {
            VisitDiff d = run(v, image, imager, t0, begun);
            count(d, cpu0);
            return d;
        } finally {
            imagers.add(imager);
        }
    }

    private VisitDiff run(ClosedVisit v, float[] image, DifferenceImager imager, long t0, Begun begun) {
        ReferenceLibrary.Reference ref;
        try {
            ref = reference(v.sensor(), v.fieldId(), imager);
            if (ref.width() != width || ref.height() != height) {
                throw new ReferenceLibrary.MissingReference("reference " + ref.file() + " is " + ref.width() + "x" + ref.height()
                    + ", the sensor " + width + "x" + height, null);
            }
        } catch (ReferenceLibrary.MissingReference e) {
            return new VisitDiff(null, List.of(), 0, EnumSet.of(DiffFlag.NO_REFERENCE), Double.NaN, List.of(e.getMessage()), null,
                (System.nanoTime() - t0) / 1e6);
        }
        Optics o = optics(v.sensor(), v.visitId(), v.raDeg(), v.decDeg());
        VisitMetadata.TanWcs wcs = o.wcs();
        Affine initial = ref.wcs() != null ? WcsMap.between(wcs, ref.wcs(), width, height) : Affine.IDENTITY;
        Calibration.Frames cal = references.calibration(v.sensor());
        List<String> notes = new ArrayList<>();
        if (!fits(cal)) {
            notes.add("calibration frames in " + references.layout().root().resolve("calibration").resolve(v.sensor().name())
                + " are not " + width + "x" + height + ": not applied");
            cal = Calibration.Frames.NONE;
        }
        if (cal.badPixels() == null) {
            // no dark says where the sensor's hot pixels are: they are found from its own visits, a spike at the
            // same pixel in two visits running, and masked from the second on
            HotPixels hp = hotPixels(v.sensor());
            boolean first = hp.confirmed().length == 0;
            int[] hot = hp.observe(image, width, height);
            cal = cal.withHotPixels(hot);
            if (first && hot.length > 0) {
                String refused = references.refusedCalibration(v.sensor());
                notes.add((refused != null ? "calibration refused (" + refused + ")"
                    : "no dark frame in " + references.layout().root().resolve("calibration").resolve(v.sensor().name()))
                    + ": " + hot.length + " hot pixels found from the visits themselves, masked from now on");
            }
        }
        DifferenceImager.Input input = new DifferenceImager.Input(image, width, height,
            o.photometry(v.framesStacked()), cal);
        DifferenceImager.Result r = begun != null && begun.visitId() == v.visitId() && begun.fieldId() == v.fieldId()
            ? imager.finish(input, ref.prepared(), begun.early(), begun.matched(), SEEING_TOLERANCE)
            : imager.run(input, ref.prepared(), initial);
        double mjd = (v.firstFrameStartNs() + v.framesPerVisit() * v.exposureNs() / 2) / 86_400e9 + 40587.0;
        List<Candidate> out = new ArrayList<>(r.detections().size());
        int n = 0;
        // positions through the registration onto the reference, whose WCS is the astrometric one: the
        // visit's own WCS is only the commanded pointing, off by the pointing error
        Affine toRef = r.newToRef();
        for (Detection d : r.detections()) {
            double[] sky = ref.wcs() != null && toRef != null ? ref.wcs().pixelToSky(toRef.x(d.x(), d.y()), toRef.y(d.x(), d.y()))
                : wcs.pixelToSky(d.x(), d.y());
            double electrons = Math.abs(d.flux()) * o.gain();
            double mag = electrons > 0 ? settings.zeroPointMag() - 2.5 * Math.log10(electrons) : Double.NaN;
            double magErr = d.flux() != 0 ? 1.0857 * d.fluxErr() / Math.abs(d.flux()) : Double.NaN;
            out.add(new Candidate(Candidate.idOf(v.sensor().index(), v.visitId(), n++), v.sensor().index(), v.visitId(),
                v.fieldId(), mjd, d.x(), d.y(), sky[0], sky[1], d.flux(), d.fluxErr(), d.snr(), mag, magErr, d.fwhm(),
                d.elongation(), d.sign(), d.flags(), d.cutout(), Double.NaN, null));
        }
        notes.addAll(r.notes());
        return new VisitDiff(ref.file().toString(), out, r.components(), r.flags(), r.residualNoiseRatio(), notes,
            r.timings(), (System.nanoTime() - t0) / 1e6);
    }

    /**
     * Before the night: reads and prepares the references of these sensor-fields into the cache (up to its
     * capacity) on the workers, then differences a made-up visit {@code runs} times (the imagers in parallel) so that
     * the stage's code is compiled before the first visit is due. Missing references are left for the night to flag.
     *
     * @return how many references were prepared
     */
    public int warmUp(List<SensorId> sensors, int fields, int runs) {
        List<int[]> keys = new ArrayList<>();
        for (int f = 0; f < fields; f++) {
            for (SensorId s : sensors) {
                keys.add(new int[] {s.index(), f});
            }
        }
        List<int[]> wanted = keys.subList(0, Math.min(keys.size(), references.capacity()));
        AtomicInteger next = new AtomicInteger();
        AtomicInteger prepared = new AtomicInteger();
        boolean done = onThreads("diff-warm-up-", () -> {
            DifferenceImager im = borrow();
            try {
                for (int i; (i = next.getAndIncrement()) < wanted.size(); ) {
                    try {
                        references.get(SensorId.of(wanted.get(i)[0]), wanted.get(i)[1], im::prepareInPlace);
                        references.calibration(SensorId.of(wanted.get(i)[0]));
                        prepared.incrementAndGet();
                    } catch (ReferenceLibrary.MissingReference e) {
                        // the visits of this field will be flagged, with this reason
                    }
                }
            } finally {
                imagers.add(im);
            }
        });
        if (!done) {
            return prepared.get();
        }
        if (!wanted.isEmpty()) {
            try {
                compileBeforeTheNight(references.get(SensorId.of(wanted.get(0)[0]), wanted.get(0)[1], null), runs);
            } catch (RuntimeException e) {
                // warming up is best effort: the night reports real problems per visit
            }
        }
        return prepared.get();
    }

    /**
     * Differences, {@code runs} times in all (shared among threads as many as the imagers), made-up visits cut from a
     * strip of reference {@code r} the sensor's height and about 200 px wide ({@link WarmUpVisits}: saturated stars,
     * masked pixels, a pointing offset, kernels of several widths, sources at the edges, a trail), most begun early on a
     * partial stack and finished on the whole one as the night does, so that every step down to the measurement of
     * detections runs, and runs the branches a night's visits take.
     *
     * <p>Why a strip, and why so many runs: most of a visit's loops run once a visit over its rows, and the JIT
     * compiles such a loop (on-stack replacement) after about 40,000 turns, so some 35 visits of 1,128 rows; until
     * then it runs uncompiled (detection about 60 ms a visit instead of 25). A strip has the rows of a sensor at an
     * eighth of its pixels.
     */
    private void compileBeforeTheNight(ReferenceLibrary.Reference r, int runs) {
        // as wide as the sensor modulo the convolution's 64 px tiles: its last tile is as narrow as the sensor's, and its
        // loops are compiled for that too
        List<WarmUpVisits.Variant> variants = WarmUpVisits.of(r.prepared().image().image(), width, height, 192 + width % 64,
            r.prepared().sigma(), settings.gain() * 18);
        AtomicInteger next = new AtomicInteger();
        int total = Math.max(1, runs);
        onThreads("diff-compile-", () -> {
            try {
                WarmUpVisits.Variant first = variants.get(0);
                int sw = first.visit().width();
                int sh = first.visit().height();
                DifferenceImager im = new DifferenceImager(settings.diff(), sw, sh);
                MaskedImage matched = new MaskedImage(sw, sh);
                List<DifferenceImager.PreparedReference> prepared = new ArrayList<>();
                for (WarmUpVisits.Variant v : variants) {
                    prepared.add(im.prepare(v.reference()));
                }
                for (int i; (i = next.getAndIncrement()) < total; ) {
                    int k = i % variants.size();
                    WarmUpVisits.Variant v = variants.get(k);
                    if (v.early()) {
                        DifferenceImager.Early e = im.early(v.partial(), prepared.get(k), Affine.IDENTITY, matched);
                        im.finish(v.visit(), prepared.get(k), e, matched, SEEING_TOLERANCE);
                    } else {
                        im.run(v.visit(), prepared.get(k), Affine.IDENTITY);
                    }
                }
            } catch (RuntimeException e) {
                // best effort, as above, but said: the first visits then run on code not compiled for all their branches
                org.slf4j.LoggerFactory.getLogger(DiffStage.class).warn("warming the imagers up on made-up visits stopped"
                    + " ({}): the night's first visits may run on code not yet compiled", e.toString());
            }
        });
    }

    /** {@code work} on as many threads as there are imagers, named {@code prefix + i}; false when interrupted waiting for them. */
    private boolean onThreads(String prefix, Runnable work) {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < Math.max(1, settings.workers()); t++) {
            Thread th = new Thread(work, prefix + t);
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void count(VisitDiff d, long cpu0) {
        long cpu1 = threads.getCurrentThreadCpuTime();
        if (cpu0 >= 0 && cpu1 >= cpu0) {
            costCpuNs.add(cpu1 - cpu0);
        }
        costVisits.increment();
        DifferenceImager.Timings t = d.timings();
        if (t != null) {
            long[] v = {t.calibrate(), t.stars(), t.register(), t.resample(), t.fit(), t.convolve(), t.subtract(), t.detect()};
            for (int i = 0; i < v.length; i++) {
                costStageNs[i].add(v[i]);
            }
        }
    }

    private DifferenceImager borrow() {
        DifferenceImager im = imagers.poll();
        if (im != null) {
            return im;
        }
        if (created.incrementAndGet() <= Math.max(1, settings.workers())) {
            return new DifferenceImager(settings.diff(), width, height);
        }
        try {
            return imagers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for a difference imager", e);
        }
    }
}
