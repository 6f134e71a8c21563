package org.nightwatch.camera.fits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nightwatch.camera.sim.FrameSlot;
import org.nightwatch.camera.sim.FrameSource;
import org.nightwatch.camera.sim.SimulatedCamera;
import org.nightwatch.protocol.FrameHeader;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.protocol.SensorPlacement;

/**
 * A night directory in the recorded-night layout (ARCHITECTURE section 4.2) as a camera's frame source:
 * each sensor's visit files are read in visit order, a frame's time, pointing and field come from its
 * file (DATE-OBS, the frame rate, the WCS, FIELD), and the next visit of a sensor is read in the
 * background while the current one is sent.
 */
public final class RecordedNight implements FrameSource, AutoCloseable {
    private static final Pattern VISIT_FILE = Pattern.compile("visit-(\\d+)\\.fits");

    private final NightLayout layout;
    private final NightManifest manifest;
    private final List<Long> visits;
    private final VisitCubeReader reader;
    private final Map<Long, CompletableFuture<VisitCube>> cubes = new ConcurrentHashMap<>();
    private final ExecutorService background = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "recorded-night-reader");
        t.setDaemon(true);
        return t;
    });

    private RecordedNight(NightLayout layout, NightManifest manifest, List<Long> visits) {
        this.layout = layout;
        this.manifest = manifest;
        this.visits = visits;
        this.reader = new VisitCubeReader(manifest.width(), manifest.height());
    }

    /** Opens the night in {@code dir}: its night.json and the visits its sensors' directories hold. */
    public static RecordedNight open(Path dir) {
        NightLayout layout = new NightLayout(dir);
        if (!Files.isRegularFile(layout.manifest())) {
            throw new FitsFormatException(layout.manifest(), "no night.json: not a recorded night");
        }
        NightManifest m = NightManifest.read(layout.manifest());
        if (m.sensors() == null || m.sensors().isEmpty()) {
            throw new FitsFormatException(layout.manifest(), "no sensors listed");
        }
        TreeSet<Long> all = new TreeSet<>();
        for (int s : m.sensors()) {
            Path d = layout.sensorDir(SensorId.of(s));
            if (!Files.isDirectory(d)) {
                continue; // a sensor that recorded nothing
            }
            try (var files = Files.list(d)) {
                files.forEach(f -> {
                    Matcher mm = VISIT_FILE.matcher(f.getFileName().toString());
                    if (mm.matches()) {
                        all.add(Long.parseLong(mm.group(1)));
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + d, e);
            }
        }
        if (all.isEmpty()) {
            throw new FitsFormatException(dir, "no visit files (sensor-NN/visit-VVVVVV.fits)");
        }
        return new RecordedNight(layout, m, new ArrayList<>(all));
    }

    public NightManifest manifest() {
        return manifest;
    }

    public NightLayout layout() {
        return layout;
    }

    /** Visit ids present for any sensor, in order. */
    public List<Long> visits() {
        return visits;
    }

    /** The visit a camera's n-th visit of the replay is (visits run in order; n counts from 0). */
    private long visitAt(long n) {
        return visits.get((int) n);
    }

    private static long key(int sensor, long visit) {
        return ((long) sensor << 40) | visit;
    }

    private CompletableFuture<VisitCube> cube(int sensor, long visit) {
        return cubes.computeIfAbsent(key(sensor, visit), k -> CompletableFuture.supplyAsync(
            () -> reader.read(layout.visitFile(new org.nightwatch.protocol.VisitKey(SensorId.of(sensor), visit))), background));
    }

    @Override
    public FrameHeader header(SimulatedCamera.Plan plan, SensorPlacement p, long seq) {
        int fpv = plan.framesPerVisit();
        long n = seq / fpv;
        int k = (int) (seq % fpv);
        long visit = visitAt(n);
        VisitMetadata meta = cube(p.sensor().index(), visit).join().meta();
        long interval = Math.round(1e9 / meta.frameRate());
        long start = meta.dateObs().getEpochSecond() * 1_000_000_000L + meta.dateObs().getNano() + k * interval;
        return new FrameHeader(p.sensor().index(), seq, visit, k, fpv, start, Math.round(meta.exptime() * 1e9), plan.width(),
            plan.height(), meta.wcs().crval1(), meta.wcs().crval2(), (int) meta.field());
    }

    @Override
    public short[] fill(FrameHeader h, FrameSlot slot, short[] pixels) {
        int sensor = h.sensorIndex();
        VisitCube c = cube(sensor, h.visitId()).join();
        short[] frame = c.frames()[h.frameIndex()];
        System.arraycopy(frame, 0, pixels, 0, pixels.length);
        slot.load(pixels);
        if (h.frameIndex() == 0) {
            long n = h.frameSequence() / h.framesPerVisit() + 1;
            if (n < visits.size()) {
                cube(sensor, visitAt(n)); // the sensor's next visit, in the background
            }
        }
        if (h.frameIndex() == h.framesPerVisit() - 1) {
            cubes.remove(key(sensor, h.visitId()));
        }
        return pixels;
    }

    @Override
    public void close() {
        background.shutdownNow();
    }

    /** Visit files per sensor, for reports: sensor index -> visits found. */
    public Map<Integer, Integer> filesPerSensor() {
        Map<Integer, Integer> m = new TreeMap<>();
        for (int s : manifest.sensors()) {
            int n = 0;
            for (long v : visits) {
                n += Files.exists(layout.visitFile(new org.nightwatch.protocol.VisitKey(SensorId.of(s), v))) ? 1 : 0;
            }
            m.put(s, n);
        }
        return m;
    }
}
