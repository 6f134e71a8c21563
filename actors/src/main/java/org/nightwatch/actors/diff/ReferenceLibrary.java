package org.nightwatch.actors.diff;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.nightwatch.camera.fits.ImageFits;
import org.nightwatch.camera.fits.NightLayout;
import org.nightwatch.camera.fits.VisitMetadata;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.workers.diff.Calibration;
import org.nightwatch.workers.diff.DifferenceImager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The references of a night, per sensor and field, from the recorded-night layout
 * ({@code NIGHT/references/sensor-NN/field-FFFFF.fits}, ARCHITECTURE section 4.2), and each sensor's
 * calibration ({@code NIGHT/calibration/sensor-NN/dark.fits} and {@code flat.fits}) when it has one.
 *
 * <p>A reference is read and prepared (calibrated, background-subtracted, its stars found) once and kept
 * in a bounded least-recently-used cache, so visits of the same field reuse it; two workers asking for
 * the same reference at once share one preparation. A simulated night passes a {@link Maker} that
 * renders a missing reference into the layout first, so a recorded simulated night carries its references.
 */
public final class ReferenceLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(ReferenceLibrary.class);
    /** Writes the reference of a sensor-field into the layout (a simulated sky); null when it has none. */
    @FunctionalInterface
    public interface Maker {
        Path make(SensorId sensor, int field);
    }

    /**
     * A reference ready for differencing.
     *
     * @param wcs null when the file has no TAN WCS
     */
    public record Reference(Path file, DifferenceImager.PreparedReference prepared, VisitMetadata.TanWcs wcs, int width,
                            int height) {
    }

    /** Why a visit has no reference. */
    public static final class MissingReference extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MissingReference(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final NightLayout layout;
    private final Maker maker;
    private final int capacity;
    private final Map<Long, CompletableFuture<Reference>> cache;
    private final ConcurrentHashMap<Integer, CompletableFuture<Calibration.Frames>> calibration = new ConcurrentHashMap<>();
    private final AtomicLong loads = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();
    private final double darkThresholdSigma;
    private final boolean subtractDark;

    /**
     * @param nightDir           the night directory
     * @param maker              renders missing references (simulated nights), or null
     * @param capacity           prepared references kept (about 20 MB each for a 2000 x 1128 sensor)
     * @param darkThresholdSigma a dark pixel this many sigmas above the dark's level is a bad (hot) pixel
     * @param subtractDark       subtract the dark frame too (9 MB a sensor kept), not only mask its hot pixels
     */
    public ReferenceLibrary(Path nightDir, Maker maker, int capacity, double darkThresholdSigma, boolean subtractDark) {
        this.subtractDark = subtractDark;
        this.layout = new NightLayout(nightDir);
        this.maker = maker;
        this.capacity = Math.max(1, capacity);
        this.darkThresholdSigma = darkThresholdSigma;
        this.cache = new LinkedHashMap<>(16, 0.75f, true);
    }

    public NightLayout layout() {
        return layout;
    }

    /**
     * The prepared reference of a sensor-field.
     *
     * @param prepare how to prepare an image (a worker's imager)
     * @throws MissingReference naming the file, when there is none or it cannot be read
     */
    public Reference get(SensorId sensor, int field, Function<DifferenceImager.Input, DifferenceImager.PreparedReference> prepare) {
        if (field < 0) {
            throw new MissingReference("the visit's frames carry no field id, so no reference can be chosen", null);
        }
        long key = (long) field * 128 + sensor.index();
        CompletableFuture<Reference> mine = new CompletableFuture<>();
        CompletableFuture<Reference> f;
        synchronized (cache) {
            f = cache.get(key);
            if (f == null) {
                f = mine;
                cache.put(key, mine);
                while (cache.size() > capacity) {
                    Long eldest = cache.keySet().iterator().next();
                    cache.remove(eldest);
                }
            }
        }
        if (f == mine) {
            loads.incrementAndGet();
            try {
                mine.complete(load(sensor, field, prepare));
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
                synchronized (cache) {
                    cache.remove(key, mine); // a missing reference may appear later (and a corrupt one be fixed)
                }
            }
        } else {
            hits.incrementAndGet();
        }
        try {
            return f.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof MissingReference m ? m : new MissingReference(e.getCause().getMessage(), e.getCause());
        }
    }

    private Reference load(SensorId sensor, int field, Function<DifferenceImager.Input, DifferenceImager.PreparedReference> prepare) {
        Path file = layout.referenceFile(sensor, field);
        if (!Files.exists(file) && maker != null) {
            maker.make(sensor, field);
        }
        if (!Files.exists(file)) {
            throw new MissingReference("no reference for " + sensor.name() + " field " + field + " (expected " + file + ")", null);
        }
        ImageFits.Image im;
        try {
            im = ImageFits.read(file);
        } catch (RuntimeException e) {
            throw new MissingReference("reference " + file + " cannot be read: " + e.getMessage(), e);
        }
        double sat = Double.isFinite(im.saturate()) ? im.saturate() : Double.POSITIVE_INFINITY;
        // a stack of NCOMBINE frames; with its GAIN and RDNOISE its background noise has a model
        Calibration.Photometry phot = im.gain() > 0 && Double.isFinite(im.readNoise())
            ? Calibration.Photometry.ofFrames(im.gain(), im.readNoise(), im.nCombine(), sat)
            : new Calibration.Photometry((im.gain() > 0 ? im.gain() : 1.0) * im.nCombine(), sat);
        DifferenceImager.PreparedReference p = prepare.apply(new DifferenceImager.Input(im.pixels(), im.width(), im.height(),
            phot, Calibration.Frames.NONE));
        return new Reference(file, p, im.wcs(), im.width(), im.height());
    }

    /**
     * The sensor's calibration from {@code NIGHT/calibration/sensor-NN/}: the bad-pixel mask from
     * {@code dark.fits} (and the dark itself when configured to subtract it), the flat field from
     * {@code flat.fits}; {@link Calibration.Frames#NONE} when there are none. A file that cannot be used is
     * named in a warning and left out; the night goes on.
     */
    public Calibration.Frames calibration(SensorId sensor) {
        return calibration.computeIfAbsent(sensor.index(), k -> CompletableFuture.completedFuture(loadCalibration(sensor))).join();
    }

    private Calibration.Frames loadCalibration(SensorId sensor) {
        Path dir = layout.root().resolve("calibration").resolve(sensor.name());
        float[] dark = null;
        byte[] bad = null;
        float[] flat = null;
        Path darkFile = dir.resolve("dark.fits");
        if (Files.exists(darkFile)) {
            try {
                ImageFits.Image d = ImageFits.read(darkFile);
                bad = Calibration.badPixelsFromDark(d.pixels(), d.width(), d.height(), darkThresholdSigma);
                dark = subtractDark ? d.pixels() : null;
            } catch (RuntimeException e) {
                LOG.warn("{}: dark frame {} unusable, no bad-pixel mask for this sensor: {}", sensor.name(), darkFile, e.getMessage());
            }
        }
        Path flatFile = dir.resolve("flat.fits");
        if (Files.exists(flatFile)) {
            try {
                flat = ImageFits.read(flatFile).pixels();
            } catch (RuntimeException e) {
                LOG.warn("{}: flat field {} unusable, not flat-fielding this sensor: {}", sensor.name(), flatFile, e.getMessage());
            }
        }
        return dark == null && bad == null && flat == null ? Calibration.Frames.NONE : new Calibration.Frames(dark, flat, bad);
    }

    /** Prepared references kept at most. */
    public int capacity() {
        return capacity;
    }

    /** References read and prepared so far. */
    public long loads() {
        return loads.get();
    }

    /** Requests served from the cache. */
    public long hits() {
        return hits.get();
    }
}
