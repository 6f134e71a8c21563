package org.nightwatch.camera.sim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.nightwatch.camera.fits.NightLayout;
import org.nightwatch.camera.source.FramePublisher;
import org.nightwatch.camera.source.FrameSlot;
import org.nightwatch.camera.source.FrameSource;
import org.nightwatch.protocol.FrameHeader;
import org.nightwatch.protocol.SensorPlacement;

/**
 * The simulated survey's frames rendered before the run and reused, with references to match: the
 * source of the pipeline benchmark, which must measure ingest, stacking, difference imaging,
 * classification and the scheduler without the simulator's cost on the same cores.
 *
 * <p>Holding every sensor's own frames would take 81 MB a sensor-visit; instead {@code templates}
 * sensors' first visits are rendered (every frame distinct, with its own noise) and each sensor shows
 * the frames of template {@code index % templates}, at its own sky position: its headers carry its own
 * pointing of field 0, and its reference is the template's reference written with its own WCS. Every
 * visit revisits field 0, so transients are seen again and alerted from the second visit on. The
 * pixels a sensor-visit costs to difference and the candidates it yields are those of a simulated
 * night; the sky is 84 copies of a few sensors' sky, at 84 positions.
 */
public final class PreparedSky implements FrameSource {
    private final DirectBuffer[][] frames;
    private final Map<Integer, Integer> templateOf = new HashMap<>();
    private final int[] templateSensor;
    private final SimulatedSurvey survey;

    private PreparedSky(SimulatedSurvey survey, DirectBuffer[][] frames, int[] templateSensor, List<SensorPlacement> placements) {
        this.survey = survey;
        this.frames = frames;
        this.templateSensor = templateSensor;
        for (int i = 0; i < placements.size(); i++) {
            templateOf.put(placements.get(i).sensor().index(), i % frames.length);
        }
    }

    /**
     * Renders the first visit of the first {@code templates} sensors of {@code placements}, every one of its
     * {@code framesPerVisit} frames, on {@code threads} threads.
     */
    public static PreparedSky render(SimulatedSurvey survey, SkySimulator sim, List<SensorPlacement> placements, int templates,
                                     int framesPerVisit, int threads) {
        int k = Math.max(1, Math.min(templates, placements.size()));
        int[] sensors = new int[k];
        DirectBuffer[][] frames = new DirectBuffer[k][framesPerVisit];
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < k; t++) {
                int template = t;
                sensors[t] = placements.get(t).sensor().index();
                jobs.add(pool.submit(() -> {
                    SkySimulator.Scene scene = survey.renderVisit(sensors[template], 0);
                    short[] px = new short[sim.width() * sim.height()];
                    for (int f = 0; f < framesPerVisit; f++) {
                        sim.renderFrame(scene, f, px);
                        ByteBuffer bb = ByteBuffer.allocateDirect(px.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                        bb.asShortBuffer().put(px);
                        frames[template][f] = new UnsafeBuffer(bb);
                    }
                }));
            }
            for (Future<?> j : jobs) {
                j.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("rendering the prepared sky failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rendering the prepared sky", e);
        } finally {
            pool.shutdownNow();
        }
        return new PreparedSky(survey, frames, sensors, placements);
    }

    /**
     * Writes, for every sensor, the reference of field 0 (its template's sky at its own WCS) and its dark
     * into the layout, replacing what is there.
     */
    public void writeReferences(NightLayout layout, List<SensorPlacement> placements) {
        float[][] refs = new float[frames.length][];
        for (SensorPlacement p : placements) {
            int t = templateOf.get(p.sensor().index());
            if (refs[t] == null) {
                refs[t] = survey.renderReference(templateSensor[t], 0);
            }
            survey.writeReferenceFile(layout, p, 0, refs[t]);
            try {
                java.nio.file.Files.deleteIfExists(SimulatedSurvey.darkFile(layout.root(), p.sensor()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            survey.writeDark(layout.root(), p.sensor());
        }
    }

    /** Frame {@code seq} of the sensor: the plan's clock, and the sensor's own pointing of field 0 on every visit. */
    @Override
    public FrameHeader header(FramePublisher.Plan plan, SensorPlacement p, long seq) {
        int fpv = plan.framesPerVisit();
        double[] radec = SimulatedSurvey.pointing(p, 0);
        return new FrameHeader(p.sensor().index(), seq, seq / fpv, (int) (seq % fpv), fpv, plan.startEpochNs() + seq * plan.frameIntervalNs(),
            plan.frameIntervalNs(), plan.width(), plan.height(), radec[0], radec[1], 0);
    }

    @Override
    public short[] fill(FrameHeader h, FrameSlot slot, short[] pixels) {
        DirectBuffer[] visit = frames[templateOf.getOrDefault(h.sensorIndex(), 0)];
        slot.share(visit[h.frameIndex() % visit.length]);
        return null;
    }

    /** How many distinct sensor skies were rendered. */
    public int templates() {
        return frames.length;
    }
}
