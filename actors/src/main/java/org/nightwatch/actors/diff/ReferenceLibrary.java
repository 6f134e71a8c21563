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
import org.nightwatch.camera.fits.FitsFormatException;
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
    private final ConcurrentHashMap<Integer, String> refused = new ConcurrentHashMap<>();
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
     * @param prepare how to prepare an image (a worker's imager); it may keep the pixel array it is given, which the library
     *                reads for it alone
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
            try {
                mine.complete(load(sensor, field, prepare));
                loads.incrementAndGet();
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
                synchronized (cache) {
                    cache.remove(key, mine); // a missing reference may appear later (and a corrupt one be fixed)
                }
            }
        }
        try {
            Reference r = f.join();
            if (f != mine) {
                hits.incrementAndGet(); // served what another request read; one that shared a failed read is no reuse
            }
            return r;
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
            org.nightwatch.camera.fits.InputFiles.regularSizeInside(layout.root(), file);
            im = ImageFits.read(file);
            ImageFits.requireMeasurable(im); // a constant, clipped or NaN reference would difference to noise or nothing
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
     * {@code flat.fits}; {@link Calibration.Frames#NONE} when there are none. Calibration is applied whole or
     * not at all: when a file cannot be read or fails its sanity checks, none of the sensor's calibration is
     * applied (a good flat with a truncated dark would be half a calibration), the reason is logged as an
     * error naming the file and kept in {@link #refusedCalibration}, and the sensor's hot pixels are then
     * found from its own visits, as for a sensor without a dark. The night goes on.
     */
    public Calibration.Frames calibration(SensorId sensor) {
        return calibration.computeIfAbsent(sensor.index(), k -> CompletableFuture.completedFuture(loadCalibration(sensor))).join();
    }

    /** Why the sensor's calibration was refused, naming the file; null when it was applied or there is none. */
    public String refusedCalibration(SensorId sensor) {
        calibration(sensor);
        return refused.get(sensor.index());
    }

    /** Most of a dark's pixels a dark may flag as hot: a real one flags well under 1%; more is a light frame or another camera's. */
    static final double MAX_HOT_FRACTION = 0.02;

    private Calibration.Frames loadCalibration(SensorId sensor) {
        Path dir = layout.root().resolve("calibration").resolve(sensor.name());
        Path darkFile = dir.resolve("dark.fits");
        Path flatFile = dir.resolve("flat.fits");
        ImageFits.Image dark = null;
        ImageFits.Image flat = null;
        byte[] bad = null;
        try {
            if (Files.exists(darkFile)) {
                org.nightwatch.camera.fits.InputFiles.regularSizeInside(layout.root(), darkFile);
                dark = ImageFits.read(darkFile);
                bad = Calibration.badPixelsFromDark(dark.pixels(), dark.width(), dark.height(), darkThresholdSigma);
                long flagged = 0;
                for (byte b : bad) {
                    flagged += b;
                }
                if (flagged > MAX_HOT_FRACTION * bad.length) {
                    throw new FitsFormatException(darkFile, String.format(java.util.Locale.ROOT,
                        "flags %.1f%% of the pixels as hot or not finite (a dark of this camera flags under %.0f%%)",
                        100.0 * flagged / bad.length, 100 * MAX_HOT_FRACTION));
                }
            }
            if (Files.exists(flatFile)) {
                org.nightwatch.camera.fits.InputFiles.regularSizeInside(layout.root(), flatFile);
                flat = ImageFits.read(flatFile);
                checkFlat(flat);
            }
            if (dark != null && flat != null && (dark.width() != flat.width() || dark.height() != flat.height())) {
                throw new FitsFormatException(flatFile, "is " + flat.width() + "x" + flat.height() + " but the dark is "
                    + dark.width() + "x" + dark.height());
            }
        } catch (RuntimeException e) {
            String why = e.getMessage();
            refused.put(sensor.index(), why);
            LOG.error("{}: calibration refused, none of it applied; hot pixels will be found from the visits: {}", sensor.name(), why);
            return Calibration.Frames.NONE;
        }
        if (dark == null && flat == null) {
            return Calibration.Frames.NONE;
        }
        return new Calibration.Frames(subtractDark && dark != null ? dark.pixels() : null, flat == null ? null : flat.pixels(), bad);
    }

    /** A flat field divides the image: finite and positive nearly everywhere, normalised to a median near 1. */
    private static void checkFlat(ImageFits.Image flat) {
        float[] px = flat.pixels();
        int step = Math.max(1, px.length / 200_000);
        float[] sample = new float[(px.length + step - 1) / step];
        int k = 0;
        long usable = 0;
        for (int i = 0; i < px.length; i++) {
            if (Float.isFinite(px[i]) && px[i] > 0) {
                usable++;
            }
            if (i % step == 0) {
                sample[k++] = px[i];
            }
        }
        if (usable < 0.99 * px.length) {
            throw new FitsFormatException(flat.file(), String.format(java.util.Locale.ROOT,
                "%.1f%% of its pixels are zero, negative or not finite; a flat field divides every pixel", 100.0 * (px.length - usable) / px.length));
        }
        java.util.Arrays.sort(sample, 0, k);
        float median = sample[k / 2];
        if (!(median >= 0.5f && median <= 2f)) {
            throw new FitsFormatException(flat.file(), "its median is " + median + "; a flat field is normalised to about 1");
        }
    }

    /** Prepared references kept at most. */
    public int capacity() {
        return capacity;
    }

    /** References read and prepared so far (a missing or unreadable one is not counted). */
    public long loads() {
        return loads.get();
    }

    /** Requests served a reference another request had read and prepared. */
    public long hits() {
        return hits.get();
    }
}
