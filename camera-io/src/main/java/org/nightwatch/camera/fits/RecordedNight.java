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
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nightwatch.camera.source.FramePublisher;
import org.nightwatch.camera.source.FrameSlot;
import org.nightwatch.camera.source.FrameSource;
import org.nightwatch.protocol.FrameHeader;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.protocol.SensorPlacement;

/**
 * A night directory in the recorded-night layout (ARCHITECTURE section 4.2) as a camera's frame source:
 * each sensor's visit files are read in visit order, a frame's time, pointing and field come from its
 * file (DATE-OBS, the frame rate, the WCS, FIELD); frames are read one at a time from their files, so a
 * replay of all 84 sensors holds one frame per sensor, not 84 whole cubes.
 */
public final class RecordedNight implements FrameSource, AutoCloseable {
    private static final Pattern VISIT_FILE = Pattern.compile("visit-(\\d+)\\.fits");

    private final NightLayout layout;
    private final NightManifest manifest;
    private final List<Long> visits;
    /** Sensor index -> the visits it replays, in order (files that passed the checks). */
    private final Map<Integer, List<Long>> good;
    private final List<String> problems;
    private int doneBefore;
    /** Sensor -> the visit file it is reading now (frames are read one at a time, in order, by one thread per sensor). */
    private final Map<Integer, Open> open = new ConcurrentHashMap<>();
    /** Sensor -> its frame buffer between visits. */
    private final Map<Integer, java.nio.ByteBuffer> scratchOf = new ConcurrentHashMap<>();
    /** (sensor, visit) -> the file replayed for it and its checked shape, from {@link #open}. */
    private final Map<Long, Accepted> accepted;

    private record Accepted(Path file, VisitCubeReader.Shape shape) {
    }

    /** One sensor's current visit file. */
    private static final class Open {
        final long visit;
        final Path file;
        final java.nio.channels.FileChannel channel;
        final VisitCubeReader.Shape shape;
        final java.nio.ByteBuffer scratch;

        Open(long visit, Path file, VisitCubeReader.Shape shape, java.nio.ByteBuffer scratch) {
            this.visit = visit;
            this.file = file;
            this.shape = shape;
            try {
                this.channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ);
            } catch (IOException e) {
                throw new FitsFormatException(file, "cannot open", e);
            }
            this.scratch = scratch != null && scratch.capacity() >= shape.frameBytes() ? scratch
                : java.nio.ByteBuffer.allocate((int) shape.frameBytes());
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // read-only: nothing is lost
            }
        }
    }

    private RecordedNight(NightLayout layout, NightManifest manifest, List<Long> visits, Map<Integer, List<Long>> good,
                          List<String> problems, Map<Long, Accepted> accepted) {
        this.accepted = accepted;
        this.layout = layout;
        this.manifest = manifest;
        this.visits = visits;
        this.good = good;
        this.problems = java.util.Collections.synchronizedList(problems);
    }

    /**
     * Opens the night in {@code dir}: its night.json, and every sensor's visit files, whose headers are
     * checked before the replay starts. A file that is not a valid visit of its sensor (not FITS,
     * truncated, wrong dimensions, missing keywords, another sensor's or visit's, a second file of the same
     * visit) and a visit a sensor lacks while others have it are skipped and listed in {@link #problems()},
     * each naming its file; the rest of the night replays.
     */
    public static RecordedNight open(Path dir) {
        return open(dir, null, 0);
    }

    /**
     * As {@link #open(Path)}, replaying only {@code sensors} (null: all that night.json lists) and visits
     * from {@code fromVisit} on.
     */
    public static RecordedNight open(Path dir, List<Integer> sensors, long fromVisit) {
        NightLayout layout = new NightLayout(dir);
        if (!Files.isRegularFile(layout.manifest())) {
            throw new FitsFormatException(layout.manifest(), "no night.json: not a recorded night");
        }
        InputFiles.regularSizeInside(dir, layout.manifest());
        NightManifest m = NightManifest.read(layout.manifest());
        List<Integer> chosen = sensors == null ? m.sensors() : sensors;
        for (int s : chosen) {
            if (!m.sensors().contains(s)) {
                throw new IllegalArgumentException("sensor " + s + " is not in " + layout.manifest() + " (it lists " + m.sensors() + ")");
            }
        }
        VisitCubeReader check = new VisitCubeReader(m.width(), m.height());
        List<String> problems = new ArrayList<>();
        Map<Integer, TreeMap<Long, Path>> found = new TreeMap<>();
        Map<Long, Accepted> accepted = new java.util.HashMap<>();
        TreeSet<Long> all = new TreeSet<>();
        int[] missingSaid = {0};
        for (int s : chosen) {
            TreeMap<Long, Path> mine = new TreeMap<>();
            found.put(s, mine);
            Path d = layout.sensorDir(SensorId.of(s));
            if (!Files.isDirectory(d)) {
                continue;
            }
            List<Path> files;
            try (var list = Files.list(d)) {
                files = list.filter(f -> VISIT_FILE.matcher(f.getFileName().toString()).matches()).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + d, e);
            }
            for (Path f : files) {
                Matcher mm = VISIT_FILE.matcher(f.getFileName().toString());
                mm.matches();
                long visit = Long.parseLong(mm.group(1));
                if (visit < fromVisit) {
                    continue;
                }
                all.add(visit);
                if (mine.containsKey(visit)) {
                    problems.add(f + ": a second file of visit " + visit + " (" + mine.get(visit).getFileName() + " is replayed)");
                    continue;
                }
                try {
                    InputFiles.regularSizeInside(dir, f);
                    VisitCubeReader.Shape sh = check.readShape(f);
                    if (sh.meta().sensor() != s) {
                        problems.add(f + ": SENSOR = " + sh.meta().sensor() + " in the directory of sensor " + s);
                    } else if (sh.meta().visit() != visit) {
                        problems.add(f + ": VISIT = " + sh.meta().visit() + " but the file name says " + visit);
                    } else if (sh.frames() != m.framesPerVisit()) {
                        problems.add(f + ": " + sh.frames() + " frames, night.json says " + m.framesPerVisit() + " a visit");
                    } else {
                        mine.put(visit, f);
                        accepted.put(key(s, visit), new Accepted(f, sh));
                        noteMissing(f, sh.meta(), missingSaid);
                    }
                } catch (FitsFormatException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        if (all.isEmpty()) {
            throw new FitsFormatException(dir, "no visit files (sensor-NN/visit-VVVVVV.fits)" + (fromVisit > 0 ? " from visit " + fromVisit : ""));
        }
        Map<Integer, List<Long>> good = new TreeMap<>();
        for (Map.Entry<Integer, TreeMap<Long, Path>> e : found.entrySet()) {
            good.put(e.getKey(), new ArrayList<>(e.getValue().keySet()));
            for (long v : all) {
                Path f = layout.visitFile(new org.nightwatch.protocol.VisitKey(SensorId.of(e.getKey()), v));
                if (!e.getValue().containsKey(v) && !Files.exists(f)) {
                    problems.add(f + ": missing (other sensors have visit " + v + ")");
                }
            }
        }
        return new RecordedNight(layout, m, new ArrayList<>(all), good, problems, accepted);
    }

    /**
     * Leaves out the sensor-visits an earlier run of this replay finished (a resumed replay starts after
     * them); returns how many were left out. Call before the replay starts.
     */
    public int excludeDone(Map<Integer, java.util.Set<Long>> done) {
        int n = 0;
        for (Map.Entry<Integer, List<Long>> e : good.entrySet()) {
            java.util.Set<Long> d = done.getOrDefault(e.getKey(), java.util.Set.of());
            int before = e.getValue().size();
            e.getValue().removeIf(d::contains);
            n += before - e.getValue().size();
        }
        doneBefore += n;
        return n;
    }

    /**
     * Leaves out sensor-visits an earlier run of this replay spooled and did not catch up: the resumed run
     * catches them up from its spool instead of replaying their frames. Returns how many were left out.
     */
    public int excludeSpooled(Map<Integer, java.util.Set<Long>> spooled) {
        int n = 0;
        for (Map.Entry<Integer, List<Long>> e : good.entrySet()) {
            java.util.Set<Long> d = spooled.getOrDefault(e.getKey(), java.util.Set.of());
            int before = e.getValue().size();
            e.getValue().removeIf(d::contains);
            n += before - e.getValue().size();
        }
        return n;
    }

    /** Sensor-visits an earlier run of this replay had finished. */
    public int doneBefore() {
        return doneBefore;
    }

    /** The sensors replayed, in index order. */
    public List<Integer> sensors() {
        return new ArrayList<>(good.keySet());
    }

    /** What was wrong with the night's files, one line each naming the file; those visits are skipped. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Visits skipped: a sensor's files that failed the checks or are missing. */
    public int visitsSkipped() {
        int n = 0;
        for (List<Long> g : good.values()) {
            n += visits.size() - g.size();
        }
        return n - doneBefore;
    }

    public NightManifest manifest() {
        return manifest;
    }

    public NightLayout layout() {
        return layout;
    }

    /** A sensor's visits whose files passed the checks, in order. */
    public List<Long> visitsOf(int sensor) {
        return List.copyOf(good.getOrDefault(sensor, List.of()));
    }

    /** The file of a sensor's visit that passed the checks; null when there is none. */
    public Path file(int sensor, long visit) {
        Accepted a = accepted.get(key(sensor, visit));
        return a == null ? null : a.file();
    }

    /** Visit ids present for any sensor, in order. */
    public List<Long> visits() {
        return visits;
    }

    /** A sensor's n-th replayed visit (its good visits run in order; n counts from 0). */
    private long visitAt(int sensor, long n) {
        return good.get(sensor).get((int) n);
    }

    @Override
    public long frames(FramePublisher.Plan plan, SensorPlacement p) {
        return (long) good.getOrDefault(p.sensor().index(), List.of()).size() * plan.framesPerVisit();
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RecordedNight.class);
    private static final int MISSING_SAID_MAX = 20;

    /** Says once for a file which photometric keywords it lacks (the configuration's values stand in for them). */
    private static void noteMissing(Path f, VisitMetadata m, int[] said) {
        List<String> missing = new ArrayList<>();
        if (Double.isNaN(m.gain())) {
            missing.add(FitsKeys.GAIN);
        }
        if (Double.isNaN(m.readNoise())) {
            missing.add(FitsKeys.RDNOISE);
        }
        if (Double.isNaN(m.saturate())) {
            missing.add(FitsKeys.SATURATE);
        }
        if (!missing.isEmpty()) {
            int n = ++said[0];
            if (n <= MISSING_SAID_MAX) {
                LOG.warn("{}: no {}: the configuration's value{} used for this visit{}", f, String.join(", ", missing),
                    missing.size() > 1 ? "s are" : " is", n == MISSING_SAID_MAX ? " (further files lacking keywords are not named)" : "");
            }
        }
    }

    /**
     * What visit {@code visit} of sensor {@code sensor}'s file says of it (GAIN, RDNOISE, SATURATE and the
     * full TAN WCS; NaN for a photometric keyword the file lacks), or null when the night has no such file.
     */
    public VisitMetadata metadata(int sensor, long visit) {
        Accepted a = accepted.get(key(sensor, visit));
        return a == null ? null : a.shape().meta();
    }

    private static long key(int sensor, long visit) {
        return ((long) sensor << 40) | visit;
    }

    /**
     * At a visit's first frame, verifies its file against its FITS DATASUM and CHECKSUM (reading it whole,
     * which leaves it in the page cache for the frames' reads): a damaged visit is left out of the replay,
     * named in {@link #problems()} and counted as skipped, and the sensor goes on with its next visit. A
     * file without checksums (one another tool wrote without them) replays unverified.
     */
    @Override
    public void beforeFrame(FramePublisher.Plan plan, SensorPlacement p, long seq) {
        int fpv = plan.framesPerVisit();
        if (seq % fpv != 0) {
            return;
        }
        int sensor = p.sensor().index();
        List<Long> mine = good.get(sensor);
        int n = (int) (seq / fpv);
        while (n < mine.size()) {
            Accepted a = accepted.get(key(sensor, mine.get(n)));
            java.nio.ByteBuffer scratch = scratchOf.computeIfAbsent(sensor, k -> java.nio.ByteBuffer.allocate((int) a.shape().frameBytes()));
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(a.file(), java.nio.file.StandardOpenOption.READ)) {
                VisitCubeReader.verify(ch, a.file(), a.shape(), scratch);
                return;
            } catch (FitsFormatException e) {
                problems.add(e.getMessage());
                LOG.error("replay: {}: skipped", e.getMessage());
            } catch (IOException e) {
                problems.add(a.file() + ": cannot open (" + e.getMessage() + ")");
                LOG.error("replay: {}: cannot open, skipped: {}", a.file(), e.getMessage());
            }
            synchronized (mine) {
                mine.remove(n);
            }
        }
    }

    @Override
    public FrameHeader header(FramePublisher.Plan plan, SensorPlacement p, long seq) {
        int fpv = plan.framesPerVisit();
        long n = seq / fpv;
        int k = (int) (seq % fpv);
        long visit = visitAt(p.sensor().index(), n);
        VisitMetadata meta = accepted.get(key(p.sensor().index(), visit)).shape().meta();
        long interval = Math.round(1e9 / meta.frameRate());
        long start = meta.dateObs().getEpochSecond() * 1_000_000_000L + meta.dateObs().getNano() + k * interval;
        return new FrameHeader(p.sensor().index(), seq, visit, k, fpv, start, Math.round(meta.exptime() * 1e9), plan.width(),
            plan.height(), meta.wcs().crval1(), meta.wcs().crval2(), (int) meta.field());
    }

    @Override
    public short[] fill(FrameHeader h, FrameSlot slot, short[] pixels) {
        int sensor = h.sensorIndex();
        Open o = open.get(sensor);
        if (o == null || o.visit != h.visitId()) {
            if (o != null) {
                o.close();
            }
            Accepted a = accepted.get(key(sensor, h.visitId()));
            o = new Open(h.visitId(), a.file(), a.shape(), o != null ? o.scratch : scratchOf.remove(sensor));
            open.put(sensor, o);
        }
        VisitCubeReader.readFrame(o.channel, o.file, o.shape, h.frameIndex(), o.scratch, pixels);
        slot.load(pixels);
        if (h.frameIndex() == h.framesPerVisit() - 1) {
            open.remove(sensor);
            o.close();
            scratchOf.put(sensor, o.scratch); // the sensor's next visit reads into the same buffer
        }
        return pixels;
    }

    @Override
    public void close() {
        open.values().forEach(Open::close);
        open.clear();
        scratchOf.clear();
    }
}
