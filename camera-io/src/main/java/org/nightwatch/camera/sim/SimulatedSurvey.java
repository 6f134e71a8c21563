package org.nightwatch.camera.sim;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.nightwatch.camera.fits.ImageFits;
import org.nightwatch.camera.fits.NightLayout;
import org.nightwatch.camera.fits.VisitMetadata;
import org.nightwatch.camera.source.FramePublisher;
import org.nightwatch.protocol.FrameHeader;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.protocol.SensorPlacement;

/**
 * The sky of a simulated survey night, for difference imaging: the telescope cycles through a few
 * fields, so each field is revisited; every field of every sensor has its static stars and galaxies,
 * and what a transient survey looks for and must not be fooled by: transients (on and off galaxies,
 * either already up at constant brightness or rising and fading during the night), variable stars,
 * moving objects, and now and then a satellite trail. Each visit has its own seeing and a sub-pixel
 * pointing jitter. The reference of a field is rendered as a deep stack in better seeing, without
 * transients, moving objects or trails.
 *
 * <p>Positions are on the field's grid (the reference's pixels, 0-based centres); a visit sees the sky
 * shifted by its jitter. Fluxes are electrons per frame. Everything is seeded: the same settings give
 * the same sky, visit after visit and run after run. {@link #writeTruth} writes what was injected as
 * truth.csv (ARCHITECTURE section 4.2).
 */
public final class SimulatedSurvey {
    /**
     * @param fields             visits cycle through this many fields (visit v observes field v mod fields)
     * @param galaxies           galaxies per sensor-field
     * @param transients         transients per sensor-field
     * @param fastFraction       of those, the share that rise and fade during the night (the rest are up all night)
     * @param snrMin             lowest peak S/N on a visit's difference image (log-uniform to snrMax)
     * @param snrMax             highest peak S/N
     * @param variables          variable stars per sensor-field
     * @param moving             moving objects per sensor-field
     * @param trailChance        chance of a satellite trail in one sensor-visit
     * @param jitterPx           largest pointing jitter of a visit against its field, px per axis
     * @param referenceSeeing    reference FWHM as a fraction of the median seeing
     * @param referenceFrames    frames averaged in a reference
     * @param fieldsWithoutReference the last this many fields have no reference yet (fields a survey observes for
     *                           the first time): their visits cannot be differenced
     * @param movingRateMin      slowest moving object, px/s (speeds log-uniform to movingRateMax)
     * @param movingRateMax      fastest moving object, px/s
     */
    public record Settings(int fields, int galaxies, int transients, double fastFraction, double snrMin, double snrMax,
                           int variables, int moving, double trailChance, double jitterPx, double referenceSeeing,
                           int referenceFrames, int fieldsWithoutReference, double movingRateMin, double movingRateMax) {
        /** With moving objects at 0.005-0.2 px/s (about 20"-850"/h at Tomo-e's 1.19"/px). */
        public Settings(int fields, int galaxies, int transients, double fastFraction, double snrMin, double snrMax,
                        int variables, int moving, double trailChance, double jitterPx, double referenceSeeing,
                        int referenceFrames, int fieldsWithoutReference) {
            this(fields, galaxies, transients, fastFraction, snrMin, snrMax, variables, moving, trailChance, jitterPx,
                referenceSeeing, referenceFrames, fieldsWithoutReference, 0.005, 0.2);
        }

        public Settings {
            if (!(movingRateMin > 0) || movingRateMax < movingRateMin) {
                throw new IllegalArgumentException("moving-rate-px-s " + movingRateMin + ".." + movingRateMax);
            }
            if (fields < 1) {
                throw new IllegalArgumentException("fields must be at least 1, was " + fields);
            }
            if (snrMin <= 0 || snrMax < snrMin) {
                throw new IllegalArgumentException("S/N range " + snrMin + ".." + snrMax);
            }
        }

        /** From {@code nightwatch.camera.sim.survey}. */
        public static Settings from(Config root) {
            Config c = root.getConfig("nightwatch.camera.sim.survey");
            return new Settings(c.getInt("fields"), c.getInt("galaxies"), c.getInt("transients"), c.getDouble("fast-fraction"),
                c.getDouble("snr-min"), c.getDouble("snr-max"), c.getInt("variables"), c.getInt("moving"),
                c.getDouble("trail-chance"), c.getDouble("jitter-px"), c.getDouble("reference-seeing"),
                c.getInt("reference-frames"), c.getInt("fields-without-reference"),
                c.getDoubleList("moving-rate-px-s").get(0), c.getDoubleList("moving-rate-px-s").get(1));
        }
    }

    /** Injected things, as truth.csv names them. */
    public enum Kind {
        TRANSIENT, VARIABLE, MOVING, ARTIFACT;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One injected source of a sensor-field (field-grid pixels; times in seconds from the first frame).
     *
     * @param peakElectrons per frame at peak (transients, moving), or the star's mean (variables)
     * @param peakSnr       expected optimal S/N on a visit's difference at peak (for variables: of the largest change)
     * @param onGalaxy      transients: placed on a galaxy
     * @param tPeak         fast transients: time of peak; NaN for those up all night
     * @param rise          fast transients: Gaussian rise width, s
     * @param decay         fast transients: exponential decay time, s
     * @param period        variables: period, s
     * @param amplitudeMag  variables: semi-amplitude, mag
     * @param phase         variables: phase, radians
     * @param vx            moving objects: px per s along x
     * @param vy            moving objects: px per s along y
     */
    public record Source(int id, Kind kind, String subtype, int sensor, int field, double x, double y, double peakElectrons,
                         double peakSnr, boolean onGalaxy, double tPeak, double rise, double decay, double period,
                         double amplitudeMag, double phase, double vx, double vy) {
        /** Electrons per frame at time {@code t} (variables: the change from the mean, signed). */
        public double electronsAt(double t) {
            return switch (kind) {
                case TRANSIENT -> {
                    if (Double.isNaN(tPeak)) {
                        yield peakElectrons;
                    }
                    double dt = t - tPeak;
                    yield dt < 0 ? peakElectrons * Math.exp(-0.5 * dt * dt / (rise * rise)) : peakElectrons * Math.exp(-dt / decay);
                }
                case VARIABLE -> peakElectrons * (Math.pow(10, -0.4 * amplitudeMag * Math.sin(2 * Math.PI * t / period + phase)) - 1);
                case MOVING -> peakElectrons;
                case ARTIFACT -> 0;
            };
        }

        /** Field-grid position at time {@code t}. */
        public double xAt(double t) {
            return x + vx * t;
        }

        public double yAt(double t) {
            return y + vy * t;
        }
    }

    private record Galaxy(double x, double y, double electrons, double size, double q, double angle) {
    }

    private record Star(double x, double y, double electrons) {
    }

    /** Static content and injected sources of one sensor-field. */
    private record FieldContent(List<Star> stars, List<Galaxy> galaxies, List<Source> sources) {
    }

    private final SkySimulator simulator;
    private final Settings settings;
    private final double seeingPx;
    private final int starsPerSensor;
    private final int framesPerVisit;
    private final double frameSeconds;
    private final int visits;
    private final double arcsecPerPixel;
    private final long seed;
    private final double pixelSigma;
    private final ConcurrentHashMap<Long, FieldContent> contents = new ConcurrentHashMap<>();

    /**
     * @param simulator      renders the frames (sensor size, gain, noise, hot pixels)
     * @param seeingPx       median seeing FWHM, px
     * @param starsPerSensor stars per sensor-field
     * @param framesPerVisit frames stacked in a visit
     * @param frameSeconds   seconds per frame
     * @param visits         visits in the night
     */
    public SimulatedSurvey(SkySimulator simulator, Settings settings, double seeingPx, int starsPerSensor, int framesPerVisit,
                           double frameSeconds, int visits, double arcsecPerPixel, long seed) {
        this.simulator = simulator;
        this.settings = settings;
        this.seeingPx = seeingPx;
        this.starsPerSensor = starsPerSensor;
        this.framesPerVisit = framesPerVisit;
        this.frameSeconds = frameSeconds;
        this.visits = visits;
        this.arcsecPerPixel = arcsecPerPixel;
        this.seed = seed;
        double rn2 = simulator.readNoise() * simulator.readNoise();
        this.pixelSigma = Math.sqrt((SkySimulator.SKY_ELECTRONS + rn2) / framesPerVisit
            + (SkySimulator.SKY_ELECTRONS + rn2) / settings.referenceFrames());
    }

    public Settings settings() {
        return settings;
    }

    /** The field visit {@code visit} observes. */
    public int fieldOf(long visit) {
        return (int) (visit % settings.fields());
    }

    /** The sky position {RA, Dec} of a sensor's centre when the telescope points at {@code field}. */
    /** A simulated frame's header: the plan's clock (the first frame's time plus the frame interval) and the survey's pointing. */
    public static FrameHeader header(FramePublisher.Plan plan, SensorPlacement p, long seq) {
        int fpv = plan.framesPerVisit();
        long visit = seq / fpv;
        int field = (int) (visit % plan.fields());
        double[] radec = pointing(p, field);
        return new FrameHeader(p.sensor().index(), seq, visit, (int) (seq % fpv), fpv, plan.startEpochNs() + seq * plan.frameIntervalNs(),
            plan.frameIntervalNs(), plan.width(), plan.height(), radec[0], radec[1], field);
    }

    public static double[] pointing(SensorPlacement p, int field) {
        double ra = ((field * 7.5 + p.xDeg()) % 360 + 360) % 360;
        double dec = Math.max(-89.9, Math.min(89.9, 20 + p.yDeg()));
        return new double[] {ra, dec};
    }

    /** The WCS of a sensor's field grid (the reference's, and the one every visit of the field reports). */
    public VisitMetadata.TanWcs wcs(SensorPlacement p, int field) {
        double[] c = pointing(p, field);
        return VisitMetadata.TanWcs.centred(c[0], c[1], simulator.width(), simulator.height(), arcsecPerPixel);
    }

    /** Seconds from the night's first frame to the middle of {@code visit}. */
    public double midTime(long visit) {
        return (visit + 0.5) * framesPerVisit * frameSeconds;
    }

    /** Seeing FWHM of a sensor-visit, px: it wanders by up to 15% about the median from visit to visit. */
    public double seeing(int sensor, long visit) {
        return seeingPx * (1 + 0.12 * Math.sin(visit * 1.7) + 0.03 * Math.sin(sensor * 2.3 + visit));
    }

    /** Pointing jitter {dx, dy} of a visit: a sky point at field pixel p is at visit pixel p + (dx, dy). */
    public double[] jitter(long visit) {
        SplittableRandom r = new SplittableRandom(seed * 0x2545F4914F6CDD1DL + visit);
        return new double[] {(r.nextDouble() * 2 - 1) * settings.jitterPx(), (r.nextDouble() * 2 - 1) * settings.jitterPx()};
    }

    private FieldContent content(int sensor, int field) {
        return contents.computeIfAbsent((long) field * 128 + sensor, k -> build(sensor, field));
    }

    private FieldContent build(int sensor, int field) {
        int w = simulator.width();
        int h = simulator.height();
        SplittableRandom rnd = new SplittableRandom(seed ^ (field * 0x9E3779B97F4A7C15L) ^ ((long) sensor << 48) ^ 0x5EA5L);
        List<Star> stars = new ArrayList<>();
        for (int s = 0; s < starsPerSensor; s++) {
            // over the field and a margin the jitter can bring in
            double mag = SkySimulator.starMagnitude(rnd.nextDouble());
            stars.add(new Star(rnd.nextDouble() * (w + 20) - 10, rnd.nextDouble() * (h + 20) - 10, flux(mag)));
        }
        List<Galaxy> galaxies = new ArrayList<>();
        for (int g = 0; g < settings.galaxies(); g++) {
            galaxies.add(new Galaxy(20 + rnd.nextDouble() * (w - 40), 20 + rnd.nextDouble() * (h - 40),
                flux(15.5 + rnd.nextDouble() * 3.5), 1.5 + rnd.nextDouble() * 2.5, 0.5 + rnd.nextDouble() * 0.5,
                rnd.nextDouble() * Math.PI));
        }
        double psfNorm = Math.sqrt(4 * Math.PI) * seeingPx / 2.3548;
        double night = visits * framesPerVisit * frameSeconds;
        int id = (sensor * 10_000 + field) * 1000;
        List<Source> sources = new ArrayList<>();
        for (int t = 0; t < settings.transients(); t++) {
            boolean onGalaxy = !galaxies.isEmpty() && t % 2 == 1;
            double x;
            double y;
            if (onGalaxy) {
                Galaxy g = galaxies.get(t / 2 % galaxies.size());
                x = g.x() + rnd.nextGaussian() * g.size() * 0.7;
                y = g.y() + rnd.nextGaussian() * g.size() * 0.7;
            } else {
                x = 20 + rnd.nextDouble() * (w - 40);
                y = 20 + rnd.nextDouble() * (h - 40);
            }
            double snr = settings.snrMin() * Math.pow(settings.snrMax() / settings.snrMin(), rnd.nextDouble());
            boolean fast = rnd.nextDouble() < settings.fastFraction();
            double tPeak = fast ? night * (0.1 + 0.8 * rnd.nextDouble()) : Double.NaN;
            double rise = fast ? Math.max(60, night * (0.02 + 0.1 * rnd.nextDouble())) : 0;
            double decay = fast ? Math.max(120, night * (0.05 + 0.3 * rnd.nextDouble())) : 0;
            sources.add(new Source(++id, Kind.TRANSIENT, fast ? "fast" : "steady", sensor, field, x, y,
                snr * pixelSigma * psfNorm, snr, onGalaxy, tPeak, rise, decay, 0, 0, 0, 0, 0));
        }
        for (int v = 0, tries = 0; v < settings.variables() && tries < 1000; tries++) {
            Star s = stars.get(rnd.nextInt(stars.size()));
            double mag = magnitude(s.electrons());
            if (mag < 13 || s.x() < 20 || s.y() < 20 || s.x() > w - 20 || s.y() > h - 20) {
                continue;
            }
            double amp = 0.1 + 0.6 * rnd.nextDouble();
            double change = s.electrons() * (Math.pow(10, 0.4 * amp) - 1);
            sources.add(new Source(++id, Kind.VARIABLE, "pulsating", sensor, field, s.x(), s.y(), s.electrons(),
                change / (pixelSigma * psfNorm), false, Double.NaN, 0, 0, 600 + rnd.nextDouble() * 20_000, amp,
                rnd.nextDouble() * 2 * Math.PI, 0, 0));
            v++;
        }
        for (int m = 0; m < settings.moving(); m++) {
            double speed = settings.movingRateMin() * Math.pow(settings.movingRateMax() / settings.movingRateMin(), rnd.nextDouble());
            double dir = rnd.nextDouble() * 2 * Math.PI;
            double snr = 8 + rnd.nextDouble() * 40;
            sources.add(new Source(++id, Kind.MOVING, "asteroid", sensor, field, 20 + rnd.nextDouble() * (w - 40),
                20 + rnd.nextDouble() * (h - 40), snr * pixelSigma * psfNorm, snr, false, Double.NaN, 0, 0, 0, 0, 0,
                speed * Math.cos(dir), speed * Math.sin(dir)));
        }
        return new FieldContent(stars, galaxies, sources);
    }

    private static double flux(double mag) {
        return Math.pow(10, -0.4 * (mag - SkySimulator.ZERO_POINT_MAG));
    }

    static double magnitude(double electrons) {
        return SkySimulator.ZERO_POINT_MAG - 2.5 * Math.log10(electrons);
    }

    /** A satellite trail of a sensor-visit, or null: {x0, y0, angle, electrons per px along it in one frame}. */
    double[] trail(int sensor, long visit) {
        SplittableRandom r = new SplittableRandom(seed * 0x94D049BB133111EBL + visit * 131 + sensor);
        if (r.nextDouble() >= settings.trailChance()) {
            return null;
        }
        return new double[] {r.nextDouble() * simulator.width(), r.nextDouble() * simulator.height(), r.nextDouble() * Math.PI,
            300 + r.nextDouble() * 2000};
    }

    /**
     * The noiseless scene of a sensor-visit in electrons per frame (uint16): the field's stars and
     * galaxies, the sources as they are at the visit's time, a trail when one crosses, hot pixels.
     */
    public SkySimulator.Scene renderVisit(int sensor, long visit) {
        int w = simulator.width();
        int h = simulator.height();
        int field = fieldOf(visit);
        FieldContent c = content(sensor, field);
        double seeing = seeing(sensor, visit);
        double sigma = seeing / 2.3548;
        double[] j = jitter(visit);
        double t = midTime(visit);
        float[] e = new float[w * h];
        Arrays.fill(e, SkySimulator.SKY_ELECTRONS);
        drawStatic(e, c, sigma, j[0], j[1]);
        for (Source s : c.sources()) {
            double f = s.electronsAt(t);
            if (f != 0) {
                PairSimulator.gaussian(e, w, h, s.xAt(t) + j[0], s.yAt(t) + j[1], f, sigma, sigma, 0);
            }
        }
        double[] tr = trail(sensor, visit);
        if (tr != null) {
            // one frame's streak, spread over the visit's frames so that the stack shows it as that frame did
            PairSimulator.trail(e, w, h, tr[0], tr[1], tr[2], tr[3] / framesPerVisit, sigma);
        }
        simulator.addHotPixels(e);
        short[] q = new short[e.length];
        for (int i = 0; i < e.length; i++) {
            q[i] = (short) Math.min(65535, Math.round(Math.max(0f, e[i])));
        }
        return new SkySimulator.Scene(sensor, field, seeing, c.stars().size(), q);
    }

    private void drawStatic(float[] e, FieldContent c, double sigma, double dx, double dy) {
        int w = simulator.width();
        int h = simulator.height();
        for (Star s : c.stars()) {
            PairSimulator.gaussian(e, w, h, s.x() + dx, s.y() + dy, s.electrons(), sigma, sigma, 0);
        }
        for (Galaxy g : c.galaxies()) {
            PairSimulator.gaussian(e, w, h, g.x() + dx, g.y() + dy, g.electrons(), Math.hypot(g.size(), sigma),
                Math.hypot(g.size() * g.q(), sigma), g.angle());
        }
    }

    /**
     * The reference of a sensor-field in ADU per frame (bias included), as a deep stack of
     * {@code referenceFrames} frames in better seeing would show it: stars (variables at their mean) and
     * galaxies, no transients, moving objects, trails, cosmic rays or hot pixels (dithering removes them).
     */
    public float[] renderReference(int sensor, int field) {
        int w = simulator.width();
        int h = simulator.height();
        FieldContent c = content(sensor, field);
        float[] e = new float[w * h];
        Arrays.fill(e, SkySimulator.SKY_ELECTRONS);
        drawStatic(e, c, referenceSeeing() / 2.3548, 0, 0);
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x7EFE7E9CEL ^ ((long) field << 20) ^ sensor);
        PairSimulator.toAdu(e, simulator.gain(), simulator.readNoise(), simulator.saturate(), settings.referenceFrames(), rnd);
        return e;
    }

    /** Whether the survey has a reference of {@code field} (see {@link Settings#fieldsWithoutReference}). */
    public boolean hasReference(int field) {
        return field < settings.fields() - settings.fieldsWithoutReference();
    }

    public double referenceSeeing() {
        return seeingPx * settings.referenceSeeing();
    }

    /**
     * Writes the reference of a sensor-field in the recorded-night layout (BITPIX = -32, the field's WCS,
     * GAIN, RDNOISE, SATURATE, SEEING, NCOMBINE) unless it is already there; returns its path.
     */
    public Path writeReference(NightLayout layout, SensorPlacement p, int field) {
        Path file = layout.referenceFile(p.sensor(), field);
        if (Files.exists(file) || !hasReference(field)) {
            return file;
        }
        return renderReferenceFile(layout, p, field);
    }

    private Path renderReferenceFile(NightLayout layout, SensorPlacement p, int field) {
        return writeReferenceFile(layout, p, field, renderReference(p.sensor().index(), field));
    }

    /** Writes {@code px} (ADU per frame) as the reference of a sensor-field, with the field's WCS for that sensor. */
    public Path writeReferenceFile(NightLayout layout, SensorPlacement p, int field, float[] px) {
        Path file = layout.referenceFile(p.sensor(), field);
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        ImageFits.write(tmp, simulator.width(), simulator.height(), px, ImageFits.keywords(
            "SENSOR", p.sensor().index(), "FIELD", field, "GAIN", simulator.gain(), "RDNOISE", simulator.readNoise(),
            "SATURATE", (double) simulator.saturate(), "SEEING", referenceSeeing(), "NCOMBINE", settings.referenceFrames(),
            "ORIGIN", "nightwatch simulator"), wcs(p, field));
        try {
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + tmp + " to " + file, e);
        }
        return file;
    }

    /**
     * Renders the references of every field the night visits and the darks of these sensors into the
     * layout, replacing what is there (it may be from another seed), on {@code threads} threads, as an
     * observatory has its references before the night begins.
     */
    public void writeSky(NightLayout layout, List<SensorPlacement> placements, int threads) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<java.util.concurrent.Future<?>> jobs = new ArrayList<>();
            for (SensorPlacement p : placements) {
                jobs.add(pool.submit(() -> {
                    try {
                        Files.deleteIfExists(darkFile(layout.root(), p.sensor()));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    writeDark(layout.root(), p.sensor());
                }));
                for (int f = 0; f < Math.min(settings.fields(), visits); f++) {
                    int field = f;
                    if (hasReference(field)) {
                        jobs.add(pool.submit(() -> renderReferenceFile(layout, p, field)));
                    } else {
                        jobs.add(pool.submit(() -> {
                            Files.deleteIfExists(layout.referenceFile(p.sensor(), field));
                            return null;
                        }));
                    }
                }
            }
            for (java.util.concurrent.Future<?> j : jobs) {
                j.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("rendering the simulated references failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rendering references", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Writes the sensor's dark frame (bias + hot pixels, ADU per frame) as NIGHT/calibration/sensor-NN/dark.fits. */
    public synchronized Path writeDark(Path nightDir, SensorId sensor) {
        Path file = darkFile(nightDir, sensor);
        if (!Files.exists(file)) {
            ImageFits.write(file, simulator.width(), simulator.height(), simulator.darkFrame(),
                ImageFits.keywords("SENSOR", sensor.index(), "IMAGETYP", "dark", "ORIGIN", "nightwatch simulator"), null);
        }
        return file;
    }

    /** Where a night keeps a sensor's dark frame. */
    public static Path darkFile(Path nightDir, SensorId sensor) {
        return nightDir.resolve("calibration").resolve(sensor.name()).resolve("dark.fits");
    }

    /** Every injected source of these sensors over all fields. */
    public List<Source> sources(List<Integer> sensors) {
        List<Source> all = new ArrayList<>();
        for (int f = 0; f < Math.min(settings.fields(), visits); f++) {
            for (int s : sensors) {
                all.addAll(content(s, f).sources());
            }
        }
        return all;
    }

    /** The visits of the night that observe {@code field}. */
    long[] visitsOf(int field) {
        List<Long> vs = new ArrayList<>();
        for (long v = field; v < visits; v += settings.fields()) {
            vs.add(v);
        }
        return vs.stream().mapToLong(Long::longValue).toArray();
    }

    /** The sources injected into {@code field} of {@code sensor}. */
    List<Source> sourcesOf(int sensor, int field) {
        return content(sensor, field).sources();
    }

    int framesPerVisit() {
        return framesPerVisit;
    }

    /** How many fields the night observes. */
    int fieldsObserved() {
        return Math.min(settings.fields(), visits);
    }

    /**
     * Writes truth.csv ({@link TruthFile}): one row per injected source and per trail, in FITS pixels and seconds from
     * the night's first frame.
     */
    public void writeTruth(Path file, List<SensorPlacement> placements) {
        TruthFile.write(this, file, placements);
    }
}
