package org.nightwatch.actors.pipeline;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nightwatch.actors.ingest.ClosedVisit;
import org.nightwatch.camera.fits.StackFitsWriter;
import org.nightwatch.camera.fits.VisitMetadata;

/** Writes each stack as {@code DIR/stacks/sensor-NN/visit-VVVVVV-stack.fits} (BITPIX=-32). */
public final class FitsStackSink implements VisitSink {
    private final Path root;
    private final double gain;
    private final double readNoise;
    private final double saturate;
    private final double arcsecPerPixel;

    public FitsStackSink(Path outDir, double gain, double readNoise, double saturate, double arcsecPerPixel) {
        this.root = outDir.resolve("stacks");
        this.gain = gain;
        this.readNoise = readNoise;
        this.saturate = saturate;
        this.arcsecPerPixel = arcsecPerPixel;
    }

    public Path fileFor(ClosedVisit v) {
        return root.resolve(v.sensor().name()).resolve(v.key().fileStem() + "-stack.fits");
    }

    @Override
    public void accept(StackedVisit s) {
        ClosedVisit v = s.visit();
        int w = v.buffer().width();
        int h = v.buffer().height();
        VisitMetadata meta = new VisitMetadata(v.sensor().index(), v.visitId(), v.visitId(),
            Instant.ofEpochSecond(0, v.firstFrameStartNs()), v.exposureNs() / 1e9, 1e9 / v.exposureNs(), gain, readNoise,
            saturate, VisitMetadata.TanWcs.centred(v.raDeg(), v.decDeg(), w, h, arcsecPerPixel));
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("NCOMBINE", v.framesStacked());
        extra.put("NFRAMES", v.framesPerVisit());
        extra.put("SKYLEVEL", s.skyLevel());
        extra.put("NWFLAGS", s.flags().isEmpty() ? "NONE" : s.flags().toString().replaceAll("[\\[\\] ]", ""));
        StackFitsWriter.write(fileFor(v), meta, w, h, s.image(), extra);
    }
}
