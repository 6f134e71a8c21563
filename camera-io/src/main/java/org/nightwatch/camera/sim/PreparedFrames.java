package org.nightwatch.camera.sim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.nightwatch.camera.source.FramePublisher;
import org.nightwatch.camera.source.FrameSlot;
import org.nightwatch.camera.source.FrameSource;
import org.nightwatch.protocol.FrameHeader;
import org.nightwatch.protocol.SensorPlacement;

/**
 * A {@link FrameSource} of frames rendered once, before the run, and reused in turn: what an ingest
 * benchmark publishes so that simulation cost is excluded. Slots share the prepared buffers; nothing
 * is copied on the camera side.
 */
public final class PreparedFrames implements FrameSource {
    private final DirectBuffer[] frames;

    private PreparedFrames(DirectBuffer[] frames) {
        this.frames = frames;
    }

    /** Renders {@code count} distinct frames of one scene with the simulator. */
    public static PreparedFrames render(SkySimulator sim, int count, double seeingPx, int stars) {
        SkySimulator.Scene scene = sim.renderScene(0, 0, seeingPx, stars);
        short[] px = new short[sim.width() * sim.height()];
        DirectBuffer[] frames = new DirectBuffer[count];
        for (int i = 0; i < count; i++) {
            sim.renderFrame(scene, i, px);
            ByteBuffer bb = ByteBuffer.allocateDirect(px.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            bb.asShortBuffer().put(px);
            frames[i] = new UnsafeBuffer(bb);
        }
        return new PreparedFrames(frames);
    }

    @Override
    public FrameHeader header(FramePublisher.Plan plan, SensorPlacement p, long seq) {
        return SimulatedSurvey.header(plan, p, seq);
    }

    @Override
    public short[] fill(FrameHeader h, FrameSlot slot, short[] pixels) {
        slot.share(frames[(int) ((h.frameSequence() + h.sensorIndex()) % frames.length)]);
        return null;
    }

    /** Pixel {@code i} of prepared frame {@code k} (uint16), for checks. */
    public int pixel(int k, int i) {
        return frames[k].getShort(2 * i, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    public int count() {
        return frames.length;
    }
}
