package org.nightwatch.actors.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.nightwatch.camera.fits.ImageFits;
import org.nightwatch.protocol.FrameFate;
import org.nightwatch.protocol.SensorId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a visit goes when the night is over capacity: its stacked sums, written to disk, instead of a
 * place in its sensor's queue holding a stack buffer. A visit that would wait behind its sensor's
 * previous one while the buffer pool runs low is spooled ({@link #spill}): its frames are accounted
 * {@link FrameFate#DEFERRED_SPOOLED}, its buffer goes back, and the catch-up path restores it
 * ({@link #restore}) when capacity frees, during the night or after the camera stops; its alerts come
 * late and say so.
 *
 * <p>The spool holds the accumulated sums (9 MB a sensor-visit, float32 FITS) rather than the 18 raw
 * frames of the recorded-night layout (81 MB): stacking is already done, and at 84 sensors over
 * capacity the frames would need some 300 MB/s of disk, the sums about 40. One file a visit,
 * {@code SPOOL/sensor-NN/visit-VVVVVV.sums.fits}, written whole and renamed into place, with every
 * field of the visit in its header; a file is removed once its visit is caught up, so a night killed
 * and resumed finds its pending visits where it left them. Disk use is bounded by {@code maxBytes}:
 * past it, visits wait in their queues as they would without a spool.
 */
public final class VisitSpool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VisitSpool.class);
    private static final String SUFFIX = ".sums.fits";

    private static final String FRAMES_SUFFIX = ".frames.fits";

    /** A visit on disk, waiting to be caught up: its stacked sums, or its frames ({@link #framesOnDisk}). */
    public record Spooled(SensorId sensor, long visitId, Path file, long bytes, long closedEpochMs) {
        /** Whether the file holds the visit's frames (a visit file of the recorded-night layout) rather than its sums. */
        public boolean frames() {
            return file.getFileName().toString().endsWith(FRAMES_SUFFIX);
        }
    }

    /** What the camera's visit files say of it (the recorded-night layout's keywords): as the night's recorder writes them. */
    public record CameraKeywords(double gain, double readNoise, double saturate, double arcsecPerPixel) {
    }

    private final Path root;
    private final long maxBytes;
    private final int freeBelow;
    private final int width;
    private final int height;
    private final CameraKeywords camera;
    private final ExecutorService writer;
    /**
     * Wall-clock time of a moment of the monotonic clock, through one pairing of the two clocks taken once: read
     * afresh each time, the pair's jitter could put a visit closed later a millisecond before one closed earlier.
     */
    static long epochMs(long nanos) {
        return BASE_EPOCH_MS + Math.floorDiv(nanos - BASE_NANOS, 1_000_000L);
    }

    private static final long BASE_NANOS = System.nanoTime();
    private static final long BASE_EPOCH_MS = System.currentTimeMillis();

    // oldest first; visits closed in the same millisecond (a sensor's last two at the end of its stream) by visit, so
    // that the catch-up order does not depend on the heap's (it once took visit 2 before visit 1)
    private final PriorityBlockingQueue<Spooled> pending = new PriorityBlockingQueue<>(64,
        Comparator.comparingLong(Spooled::closedEpochMs).thenComparing(s -> s.sensor().index()).thenComparingLong(Spooled::visitId));
    private final AtomicLong bytesNow = new AtomicLong();
    private final AtomicLong bytesPeak = new AtomicLong();
    private final AtomicLong visitsSpooled = new AtomicLong();
    private final AtomicLong visitsNotSpooled = new AtomicLong();
    private final AtomicLong writesFailed = new AtomicLong();
    private final AtomicLong reserved = new AtomicLong();

    /**
     * @param root      the spool directory (created)
     * @param maxBytes  the most the spool may hold on disk
     * @param freeBelow spill only while the buffer pool has fewer free buffers than this
     */
    public VisitSpool(Path root, long maxBytes, int freeBelow, int width, int height, CameraKeywords camera) {
        this.root = root;
        this.camera = camera;
        this.maxBytes = maxBytes;
        this.freeBelow = freeBelow;
        this.width = width;
        this.height = height;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the spool " + root, e);
        }
        // two writers: a burst of visits closing together (sensors read out in step) is written while the
        // ingest side waits for their buffers
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        this.writer = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "spool-writer-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    public Path root() {
        return root;
    }

    /** Bytes a spooled visit takes on disk (the sums and a header). */
    public long bytesPerVisit() {
        return (long) width * height * 4 + 2 * 2880;
    }

    /**
     * Whether a visit offered to a sensor's stream that already holds {@code sensorInFlight} visits should be
     * spooled rather than queued: it would wait, and the pool is running low.
     */
    public boolean shouldSpill(StackBufferPool pool, int sensorInFlight) {
        return sensorInFlight > 0 && pool.capacity() - pool.inUse() < freeBelow;
    }

    /**
     * Spools a queued visit: false (nothing done; the caller queues it as usual) when it has been claimed
     * already or the spool is full. Otherwise the visit is written on the spool's thread, accounted in
     * {@code ledger} (deferred and spooled, or lost when the write fails, with the reason) and its buffer
     * released to {@code pool}.
     */
    public boolean spill(ClosedVisit v, SensorLedger ledger, StackBufferPool pool) {
        return spill(v, ledger, pool, () -> { });
    }

    /**
     * The same; {@code accounted} runs once the visit's frames are in {@code ledger} (on the spool's thread), so that a
     * sensor's stream does not say it has drained while its books still wait for a write.
     */
    public boolean spill(ClosedVisit v, SensorLedger ledger, StackBufferPool pool, Runnable accounted) {
        long need = bytesPerVisit();
        if (bytesNow.get() + reserved.get() + need > maxBytes) {
            visitsNotSpooled.incrementAndGet();
            return false;
        }
        if (!v.tryAbandon()) {
            return false;
        }
        reserved.addAndGet(need);
        pool.promise();
        long closedEpochMs = epochMs(v.closedNanos());
        try {
            writer.execute(() -> {
                Spooled s = null;
                String failure = null;
                try {
                    s = write(v, closedEpochMs);
                } catch (RuntimeException | Error e) {
                    failure = e.getMessage() != null ? e.getMessage() : e.toString(); // counted below, whatever it was
                } finally {
                    // the buffer goes back first, then the books: once the frames are accounted nothing is held
                    reserved.addAndGet(-need);
                    pool.releasePromised(v.buffer());
                }
                if (s != null) {
                    long now = bytesNow.addAndGet(s.bytes());
                    bytesPeak.accumulateAndGet(now, Math::max);
                    visitsSpooled.incrementAndGet();
                    pending.add(s);
                    ledger.account(FrameFate.DEFERRED_SPOOLED, v.framesStacked());
                    ledger.gap(-1, -1, FrameFate.DEFERRED_SPOOLED, "visit " + v.visitId() + " spooled to " + s.file()
                        + " (the night was over capacity): caught up when capacity frees");
                } else {
                    writesFailed.incrementAndGet();
                    ledger.account(FrameFate.LOST_SPOOL_FAILED, v.framesStacked());
                    String why = "visit " + v.visitId() + ": could not be spooled: " + failure;
                    ledger.gap(-1, -1, FrameFate.LOST_SPOOL_FAILED, why);
                    ledger.problem(ledger.sensor() + ": " + why);
                }
                accounted.run();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the spool is closing (the night is over): the visit is counted lost, not left unaccounted
            reserved.addAndGet(-need);
            ledger.account(FrameFate.LOST_SPOOL_FAILED, v.framesStacked());
            ledger.gap(-1, -1, FrameFate.LOST_SPOOL_FAILED, "visit " + v.visitId() + ": the spool was closed");
            pool.releasePromised(v.buffer());
            accounted.run();
        }
        return true;
    }

    private Spooled write(ClosedVisit v, long closedEpochMs) {
        Path dir = root.resolve(v.sensor().name());
        Path file = dir.resolve(String.format("visit-%06d%s", v.visitId(), SUFFIX));
        Path tmp = dir.resolve(file.getFileName() + ".part");
        Map<String, Object> k = ImageFits.keywords("SENSOR", v.sensor().index(), "VISIT", v.visitId(), "FIELD", v.fieldId(),
            "FPV", v.framesPerVisit(), "FRAMES", SpoolHeaders.frameList(v.frames()), "T0NS", v.firstFrameStartNs(), "EXPNS", v.exposureNs(),
            "RA", v.raDeg(), "DEC", v.decDeg(), "VFLAGS", SpoolHeaders.flagList(v.flags()), "CLOSEDMS", closedEpochMs,
            "ORIGIN", "nightwatch spool: sums of a visit deferred for catch-up");
        List<String> cover = SpoolHeaders.coverage(v.buffer());
        for (int i = 0; i < cover.size(); i++) {
            k.put("COVER" + (i + 1), cover.get(i));
        }
        ImageFits.write(tmp, width, height, v.buffer().sums, k, null);
        try {
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return new Spooled(v.sensor(), v.visitId(), file, Files.size(file), closedEpochMs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + tmp + " to " + file, e);
        }
    }

    /**
     * Opens a file for a visit that no stack buffer is free for, when it begins: its frames are written to the
     * spool as their rows arrive (a visit file of the recorded-night layout, uint16 big-endian), not stacked
     * and not dropped, so that nothing the camera sends is refused while the night is over capacity. Returns
     * null, with nothing written, when the spool has no room for the visit's frames or the file cannot be made
     * (the caller then defers the visit unprocessed, counted, as without a spool). Ingest thread only.
     */
    public FramesOnDisk framesOnDisk(SensorId sensor, long visitId, int framesPerVisit, int fieldId, double raDeg, double decDeg,
                                     long firstStartNs, long exposureNs) {
        long need = (long) framesPerVisit * width * height * 2 + 2 * 2880;
        if (bytesNow.get() + reserved.get() + need > maxBytes) {
            visitsNotSpooled.incrementAndGet();
            return null;
        }
        Path file = root.resolve(sensor.name()).resolve(String.format("visit-%06d%s", visitId, FRAMES_SUFFIX));
        Path part = file.resolveSibling(file.getFileName() + ".part");
        org.nightwatch.camera.fits.VisitMetadata meta = new org.nightwatch.camera.fits.VisitMetadata(sensor.index(), visitId,
            fieldId, java.time.Instant.ofEpochSecond(0, firstStartNs), exposureNs / 1e9, 1e9 / exposureNs, camera.gain(),
            camera.readNoise(), camera.saturate(),
            org.nightwatch.camera.fits.VisitMetadata.TanWcs.centred(raDeg, decDeg, width, height, camera.arcsecPerPixel()));
        Map<String, Object> k = ImageFits.keywords("FPV", framesPerVisit, "FRAMEMSK", SpoolHeaders.frameMask(new BitSet(), framesPerVisit),
            "T0NS", firstStartNs, "EXPNS", exposureNs, "RA", raDeg, "DEC", decDeg, "VFLAGS", "",
            "CLOSEDMS", 0L);
        try {
            Files.createDirectories(part.getParent());
            org.nightwatch.camera.fits.VisitCubeWriter w = org.nightwatch.camera.fits.VisitCubeWriter.create(part, meta, width, height,
                framesPerVisit, k);
            reserved.addAndGet(need);
            return new FramesOnDisk(sensor, visitId, framesPerVisit, file, part, w, need);
        } catch (IOException | UncheckedIOException e) {
            writesFailed.incrementAndGet();
            LOG.error("spool: cannot open {} for {} visit {}: {}", part, sensor, visitId, e.getMessage());
            return null;
        }
    }

    /**
     * A visit being written to the spool frame by frame as it arrives (see {@link #framesOnDisk}). A write that
     * fails costs this visit only: its frames are then counted lost with the reason when it closes.
     */
    public final class FramesOnDisk {
        private final SensorId sensor;
        private final long visitId;
        private final int framesPerVisit;
        private final Path file;
        private final Path part;
        private final org.nightwatch.camera.fits.VisitCubeWriter writer;
        private final long reservedBytes;
        private final BitSet frames = new BitSet();
        private String failure;

        private FramesOnDisk(SensorId sensor, long visitId, int framesPerVisit, Path file, Path part,
                             org.nightwatch.camera.fits.VisitCubeWriter writer, long reservedBytes) {
            this.sensor = sensor;
            this.visitId = visitId;
            this.framesPerVisit = framesPerVisit;
            this.file = file;
            this.part = part;
            this.writer = writer;
            this.reservedBytes = reservedBytes;
        }

        /** Rows of the frame being received, little-endian uint16 as the transport carries them. */
        public void rows(org.agrona.DirectBuffer src, int srcIndex, int firstRow, int rows) {
            if (failure != null) {
                return;
            }
            try {
                writer.writeRowsLe(src, srcIndex, firstRow, rows);
            } catch (RuntimeException e) {
                failure = e.getMessage() != null ? e.getMessage() : e.toString();
            }
        }

        /** Frame {@code frameIndex} arrived whole: it stays in the file (a frame that never completes is overwritten). */
        public void frameDone(int frameIndex) {
            if (failure == null) {
                writer.endFrame();
                frames.set(frameIndex);
            }
        }

        /**
         * The visit closed: the file is finished and put in place, its frames accounted deferred and spooled in
         * {@code ledger} (or lost, with the reason, when a write failed), and the visit queued for catch-up.
         */
        public void close(EnumSet<VisitFlag> flags, long closedNanos, SensorLedger ledger) {
            int n = frames.cardinality();
            long closedEpochMs = epochMs(closedNanos);
            Spooled s = null;
            if (failure == null) {
                try {
                    writer.keyword("FRAMEMSK", SpoolHeaders.frameMask(frames, framesPerVisit));
                    writer.keyword("VFLAGS", SpoolHeaders.flagList(flags));
                    writer.keyword("CLOSEDMS", closedEpochMs);
                    writer.close();
                    if (n > 0) {
                        Files.move(part, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        s = new Spooled(sensor, visitId, file, Files.size(file), closedEpochMs);
                    }
                } catch (IOException | RuntimeException e) {
                    failure = e.getMessage() != null ? e.getMessage() : e.toString();
                }
            }
            reserved.addAndGet(-reservedBytes);
            if (s != null) {
                long now = bytesNow.addAndGet(s.bytes());
                bytesPeak.accumulateAndGet(now, Math::max);
                visitsSpooled.incrementAndGet();
                pending.add(s);
                ledger.account(FrameFate.DEFERRED_SPOOLED, n);
                ledger.gap(-1, -1, FrameFate.DEFERRED_SPOOLED, "visit " + visitId + ": no stack buffer was free, its " + n
                    + " frames spooled to " + file + " as they arrived: caught up when capacity frees");
                return;
            }
            deleteQuietly(part);
            if (failure != null) {
                writesFailed.incrementAndGet();
                ledger.account(FrameFate.LOST_SPOOL_FAILED, n);
                String why = "visit " + visitId + ": its frames could not be spooled: " + failure;
                ledger.gap(-1, -1, FrameFate.LOST_SPOOL_FAILED, why);
                ledger.problem(sensor + ": " + why);
            }
        }

        /** The visit is given up (its sensor's actor failed): the file goes; the caller accounts the frames. */
        public int abandon() {
            try {
                writer.close();
            } catch (RuntimeException e) {
                // going anyway
            }
            deleteQuietly(part);
            reserved.addAndGet(-reservedBytes);
            return frames.cardinality();
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("spool: {} could not be removed: {}", p, e.getMessage());
        }
    }

    /**
     * Reads a spooled visit back into {@code into}: the visit as it was when it was spooled, flagged
     * {@link VisitFlag#CAUGHT_UP}, closed (for latency) when it really closed.
     */
    public ClosedVisit restore(Spooled s, StackBuffer into) {
        if (s.frames()) {
            return restoreFrames(s, into);
        }
        ImageFits.Image im = ImageFits.read(s.file());
        if (im.width() != into.width || im.height() != into.height) {
            throw new IllegalArgumentException(s.file() + ": " + im.width() + "x" + im.height() + ", the sensor is " + into.width + "x"
                + into.height);
        }
        Map<String, String> k = im.keywords();
        System.arraycopy(im.pixels(), 0, into.sums, 0, into.sums.length);
        SpoolHeaders.readCoverage(k, into.rowCoverage, s.file());
        return visit(s, k, SpoolHeaders.frames(SpoolHeaders.value(k, "FRAMES", s.file())), into);
    }

    /** A visit spooled frame by frame: its frames stacked into {@code into} (sums), every row covered by each. */
    private ClosedVisit restoreFrames(Spooled s, StackBuffer into) {
        org.nightwatch.camera.fits.VisitCubeReader.Shape shape = new org.nightwatch.camera.fits.VisitCubeReader(into.width, into.height)
            .readShape(s.file());
        Map<String, String> k = org.nightwatch.camera.fits.VisitCubeReader.readKeywords(s.file());
        BitSet frames = SpoolHeaders.frameMask(SpoolHeaders.value(k, "FRAMEMSK", s.file()), s.file());
        if (frames.cardinality() != shape.frames()) {
            throw new IllegalArgumentException(s.file() + ": FRAMEMSK names " + frames.cardinality() + " frames, the file holds "
                + shape.frames());
        }
        java.nio.ByteBuffer scratch = java.nio.ByteBuffer.allocate((int) shape.frameBytes());
        short[] frame = new short[into.width * into.height];
        java.util.Arrays.fill(into.sums, 0f);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(s.file())) {
            for (int f = 0; f < shape.frames(); f++) {
                org.nightwatch.camera.fits.VisitCubeReader.readFrame(ch, s.file(), shape, f, scratch, frame);
                float[] sums = into.sums;
                for (int i = 0; i < sums.length; i++) {
                    sums[i] += frame[i] & 0xFFFF;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + s.file(), e);
        }
        java.util.Arrays.fill(into.rowCoverage, (short) shape.frames());
        return visit(s, k, frames, into);
    }

    /**
     * The visit a spool file's keywords describe, its pixels in {@code into}: flagged {@link VisitFlag#CAUGHT_UP},
     * closed (for latency) when it really closed.
     */
    private static ClosedVisit visit(Spooled s, Map<String, String> k, BitSet frames, StackBuffer into) {
        EnumSet<VisitFlag> flags = EnumSet.of(VisitFlag.CAUGHT_UP);
        for (String f : SpoolHeaders.value(k, "VFLAGS", s.file()).split(",")) {
            if (!f.isBlank()) {
                flags.add(VisitFlag.valueOf(f.trim()));
            }
        }
        long closedNanos = BASE_NANOS + TimeUnit.MILLISECONDS.toNanos(s.closedEpochMs() - BASE_EPOCH_MS);
        Path f = s.file();
        return new ClosedVisit(s.sensor(), s.visitId(), (int) SpoolHeaders.num(k, "FPV", f), frames, into, SpoolHeaders.lng(k, "T0NS", f),
            SpoolHeaders.lng(k, "EXPNS", f), SpoolHeaders.num(k, "RA", f), SpoolHeaders.num(k, "DEC", f), (int) SpoolHeaders.num(k, "FIELD", f), flags,
            closedNanos);
    }

    /** The visit is caught up (or given up): its file goes, and its bytes with it. */
    public void done(Spooled s) {
        try {
            Files.deleteIfExists(s.file());
        } catch (IOException e) {
            LOG.warn("spool: {} could not be removed: {}", s.file(), e.getMessage());
        }
        bytesNow.addAndGet(-s.bytes());
    }

    /**
     * Visits a killed night left in the spool, queued for catch-up again; {@code done} says which were
     * caught up before the kill (their alerts are in the night's database). Returns how many were found.
     */
    public int resume(java.util.function.BiPredicate<SensorId, Long> done) {
        List<Spooled> found = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root, 2)) {
            files = walk.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the spool " + root, e);
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            if (name.endsWith(".part")) {
                // a visit still being written when the night was killed: never put in place, never queued
                LOG.warn("spool: {} was being written when the night stopped; removed (its visit is replayed, not caught up)", f);
                deleteQuietly(f);
                continue;
            }
            if (!name.endsWith(SUFFIX) && !name.endsWith(FRAMES_SUFFIX)) {
                continue;
            }
            try {
                Map<String, String> k = org.nightwatch.camera.fits.VisitCubeReader.readKeywords(f);
                SensorId sensor = SensorId.of((int) SpoolHeaders.num(k, "SENSOR", f));
                long visit = SpoolHeaders.lng(k, "VISIT", f);
                Spooled s = new Spooled(sensor, visit, f, Files.size(f), SpoolHeaders.lng(k, "CLOSEDMS", f));
                if (done.test(sensor, visit)) {
                    Files.deleteIfExists(f);
                } else {
                    found.add(s);
                }
            } catch (RuntimeException | IOException e) {
                LOG.error("spool: {} cannot be read back ({}); left where it is", f, e.getMessage());
            }
        }
        for (Spooled s : found) {
            bytesNow.addAndGet(s.bytes());
            visitsSpooled.incrementAndGet();
            pending.add(s);
        }
        bytesPeak.accumulateAndGet(bytesNow.get(), Math::max);
        return found.size();
    }

    /** Empties the spool (a new night in this directory: what is there belongs to another). */
    public void clear() {
        try (Stream<Path> files = Files.walk(root, 2)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear the spool " + root, e);
        }
    }

    /** The visits waiting, by sensor index. */
    public Map<Integer, java.util.Set<Long>> pendingVisits() {
        Map<Integer, java.util.Set<Long>> m = new java.util.TreeMap<>();
        for (Spooled s : pending) {
            m.computeIfAbsent(s.sensor().index(), k -> new java.util.TreeSet<>()).add(s.visitId());
        }
        return m;
    }

    /** The oldest visit waiting, or null. */
    public Spooled nextPending() {
        return pending.poll();
    }

    public Spooled peekPending() {
        return pending.peek();
    }

    /** Visits spooled and not yet taken for catch-up. */
    public int pendingCount() {
        return pending.size();
    }

    /** Visits spooled (or found in the spool when resuming) this run. */
    public long visitsSpooled() {
        return visitsSpooled.get();
    }

    /** Visits that would have been spooled but the spool was full: they waited in their queues. */
    public long visitsNotSpooled() {
        return visitsNotSpooled.get();
    }

    public long writesFailed() {
        return writesFailed.get();
    }

    public long bytesOnDisk() {
        return bytesNow.get();
    }

    public long bytesPeak() {
        return bytesPeak.get();
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Finishes the writes already handed over; later spills are refused (and counted lost). */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.error("spool: writes still running 60 s after the night ended");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
