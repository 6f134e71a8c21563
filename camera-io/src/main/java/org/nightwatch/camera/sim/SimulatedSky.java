package org.nightwatch.camera.sim;

import java.util.concurrent.ConcurrentHashMap;
import org.nightwatch.protocol.FrameHeader;

/**
 * A {@link FrameSource} that renders every frame with the {@link SkySimulator}: the scene of a
 * sensor-visit is rendered at its first frame and kept until the visit ends.
 */
public final class SimulatedSky implements FrameSource {
    private final SkySimulator simulator;
    private final double seeingPx;
    private final int starsPerSensor;
    private final ConcurrentHashMap<Integer, SkySimulator.Scene> scenes = new ConcurrentHashMap<>();

    public SimulatedSky(SkySimulator simulator, double seeingPx, int starsPerSensor) {
        this.simulator = simulator;
        this.seeingPx = seeingPx;
        this.starsPerSensor = starsPerSensor;
    }

    @Override
    public short[] fill(FrameHeader h, FrameSlot slot, short[] pixels) {
        SkySimulator.Scene scene = scenes.get(h.sensorIndex());
        if (scene == null || scene.field() != h.visitId()) {
            // seeing wanders by +-15% from visit to visit
            double seeing = seeingPx * (1 + 0.15 * Math.sin(h.visitId() * 1.7 + h.sensorIndex()));
            scene = simulator.renderScene(h.sensorIndex(), h.visitId(), seeing, starsPerSensor);
            scenes.put(h.sensorIndex(), scene);
        }
        simulator.renderFrame(scene, h.frameSequence(), pixels);
        slot.load(pixels);
        if (h.frameIndex() == h.framesPerVisit() - 1) {
            scenes.remove(h.sensorIndex());
        }
        return pixels;
    }
}
