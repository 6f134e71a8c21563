package org.nightwatch.camera.fits;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.nightwatch.camera.source.FrameRecorder;
import org.nightwatch.protocol.FrameHeader;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.protocol.VisitKey;

/**
 * Records every frame into the recorded-night layout as it is read out: one FITS cube per
 * sensor-visit, written frame by frame. The lossless path of ARCHITECTURE section 5: a frame deferred
 * by the real-time path is still here.
 */
public final class NightRecorder implements FrameRecorder {
    private final NightLayout layout;
    private final double gain;
    private final double readNoise;
    private final double saturate;
    private final double arcsecPerPixel;
    private final ConcurrentHashMap<Integer, VisitCubeWriter> open = new ConcurrentHashMap<>();
    private final AtomicLong framesRecorded = new AtomicLong();
    private final AtomicLong visitsRecorded = new AtomicLong();

    public NightRecorder(NightLayout layout, NightManifest manifest, double gain, double readNoise, double saturate,
                         double arcsecPerPixel) {
        this.layout = layout;
        this.gain = gain;
        this.readNoise = readNoise;
        this.saturate = saturate;
        this.arcsecPerPixel = arcsecPerPixel;
        manifest.write(layout.manifest());
    }

    @Override
    public void record(FrameHeader h, short[] pixels) {
        VisitCubeWriter w = open.get(h.sensorIndex());
        if (w != null && w.framesWritten() > 0 && !w.file().equals(layout.visitFile(new VisitKey(SensorId.of(h.sensorIndex()), h.visitId())))) {
            w.close();
            visitsRecorded.incrementAndGet();
            w = null;
        }
        if (w == null) {
            VisitMetadata meta = new VisitMetadata(h.sensorIndex(), h.visitId(), h.fieldId() >= 0 ? h.fieldId() : h.visitId(),
                Instant.ofEpochSecond(0, h.startTimeNs()), h.exposureNs() / 1e9, 1e9 / h.exposureNs(), gain, readNoise,
                saturate, VisitMetadata.TanWcs.centred(h.raDeg(), h.decDeg(), h.width(), h.height(), arcsecPerPixel));
            w = VisitCubeWriter.create(layout.visitFile(new VisitKey(SensorId.of(h.sensorIndex()), h.visitId())), meta,
                h.width(), h.height(), h.framesPerVisit());
            open.put(h.sensorIndex(), w);
        }
        w.writeFrame(pixels);
        framesRecorded.incrementAndGet();
        if (w.framesWritten() == h.framesPerVisit()) {
            w.close();
            open.remove(h.sensorIndex());
            visitsRecorded.incrementAndGet();
        }
    }

    public long framesRecorded() {
        return framesRecorded.get();
    }

    public long visitsRecorded() {
        return visitsRecorded.get();
    }

    public NightLayout layout() {
        return layout;
    }

    /** Closes the visits still open (a night stopped part-way: their cubes hold the frames read so far). */
    @Override
    public void close() {
        for (VisitCubeWriter w : open.values()) {
            w.close();
            visitsRecorded.incrementAndGet();
        }
        open.clear();
    }
}
