package org.nightwatch.camera.sim;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.nightwatch.camera.source.FramePublisher;
import org.nightwatch.camera.source.FrameSlot;
import org.nightwatch.camera.source.FrameSource;
import org.nightwatch.protocol.FrameHeader;
import org.nightwatch.protocol.SensorPlacement;

/**
 * A {@link FrameSource} that renders every frame with the {@link SkySimulator}, of the sky of a
 * {@link SimulatedSurvey} (fields revisited, transients, variables, moving objects, trails). The scene of a
 * sensor-visit (tens of milliseconds) is rendered ahead, on a background thread, while the previous
 * visit is read out (from a quarter of the way into it: {@link #renderNextAt}), so that 84 scenes are not
 * all rendered in the half second the first frames of a visit are due: simulation must not be what makes a
 * real-time night fall behind.
 */
public final class SimulatedSky implements FrameSource, AutoCloseable {
    private final SkySimulator simulator;
    private final SimulatedSurvey survey;
    private final ConcurrentHashMap<Long, CompletableFuture<SkySimulator.Scene>> scenes = new ConcurrentHashMap<>();
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sky-scenes");
        t.setDaemon(true);
        return t;
    });

    public SimulatedSky(SkySimulator simulator, SimulatedSurvey survey) {
        this.simulator = simulator;
        this.survey = survey;
    }

    /** Renders a few throw-away frames so that the JIT has compiled the frame loop before the night. */
    public SimulatedSky warmUp() {
        SkySimulator.Scene scene = simulator.renderScene(0, -1, 2.5, 10);
        short[] px = new short[simulator.width() * simulator.height()];
        for (int i = 0; i < 40; i++) {
            simulator.renderFrame(scene, i, px);
        }
        return this;
    }

    /** Renders the scenes of {@code visit} for these sensors now (before the night starts). */
    public SimulatedSky prepare(List<Integer> sensors, long visit) {
        sensors.forEach(s -> scene(s, visit, false));
        sensors.forEach(s -> scene(s, visit, false).join());
        return this;
    }

    private static long key(int sensor, long visit) {
        return visit * 128 + sensor;
    }

    private CompletableFuture<SkySimulator.Scene> scene(int sensor, long visit, boolean inline) {
        return scenes.computeIfAbsent(key(sensor, visit), k -> inline
            ? CompletableFuture.completedFuture(render(sensor, visit))
            : CompletableFuture.supplyAsync(() -> render(sensor, visit), background));
    }

    private SkySimulator.Scene render(int sensor, long visit) {
        return survey.renderVisit(sensor, visit);
    }

    @Override
    public FrameHeader header(FramePublisher.Plan plan, SensorPlacement p, long seq) {
        return SimulatedSurvey.header(plan, p, seq);
    }

    @Override
    public short[] fill(FrameHeader h, FrameSlot slot, short[] pixels) {
        SkySimulator.Scene scene = scene(h.sensorIndex(), h.visitId(), true).join();
        if (h.frameIndex() == renderNextAt(h.framesPerVisit())) {
            scene(h.sensorIndex(), h.visitId() + 1, false); // the next visit, in the background
        }
        simulator.renderFrame(scene, h.frameSequence(), pixels);
        slot.load(pixels);
        if (h.frameIndex() == h.framesPerVisit() - 1) {
            scenes.remove(key(h.sensorIndex(), h.visitId()));
        }
        return pixels;
    }

    /**
     * The frame of a visit at which the next visit's scene is begun: a quarter of the way in, not at its first frame.
     * The first second or so of a visit is when the pipeline differences the visit just closed on every sensor at
     * once; scenes begun then took a tenth of the cores from it (measured in the README night: 10 ms in every 100
     * while the imagers were busy), and three quarters of a visit (6.75 s in all-sky mode) still leave the one
     * background thread time for 84 scenes.
     */
    static int renderNextAt(int framesPerVisit) {
        return framesPerVisit / 4;
    }

    @Override
    public void close() {
        background.shutdownNow();
    }
}
