package org.nightwatch.camera.source;

import org.nightwatch.protocol.FrameHeader;
import org.nightwatch.protocol.SensorPlacement;

/**
 * Where a camera's frames come from: the sky simulator, frames prepared beforehand (benchmarks, where
 * simulation cost must be excluded), a recorded night, or (later) a live camera; {@link FramePublisher} sends them. Called on a render thread, once per frame, in
 * frame order for each sensor.
 */
public interface FrameSource {
    /** How many frames a sensor reads out: by default the plan's visits times its frames per visit. */
    default long frames(FramePublisher.Plan plan, SensorPlacement p) {
        return plan.framesPerSensor();
    }

    /**
     * Called before a sensor's frame {@code seq} is rendered, on the thread that renders it. A recorded night
     * verifies a visit's file here, at its first frame, and leaves a damaged one out; {@link #frames} is
     * asked again afterwards, so a source may shrink it here (never below {@code seq}).
     */
    default void beforeFrame(FramePublisher.Plan plan, SensorPlacement p, long seq) {
    }

    /**
     * The header of frame {@code seq} of a sensor: its time, pointing and place in its visit (a simulated night's from
     * the plan's clock and the survey's pointings, a recorded night's from its files).
     */
    FrameHeader header(FramePublisher.Plan plan, SensorPlacement p, long seq);

    /**
     * Fills {@code slot} with the pixels of frame {@code header}.
     *
     * @param pixels scratch array of width * height, owned by the calling thread
     * @return the rendered pixels as uint16 bit patterns (for the recorder), or null if the source
     *     shares prepared buffers and keeps no array
     */
    short[] fill(FrameHeader header, FrameSlot slot, short[] pixels);
}
