package org.nightwatch.camera.sim;

import org.nightwatch.protocol.FrameHeader;
import org.nightwatch.protocol.SensorPlacement;

/**
 * Where a camera's frames come from: the sky simulator, frames prepared beforehand (benchmarks, where
 * simulation cost must be excluded), or a recorded night. Called on a render thread, once per frame, in
 * frame order for each sensor.
 */
public interface FrameSource {
    /** How many frames a sensor reads out: by default the plan's visits times its frames per visit. */
    default long frames(SimulatedCamera.Plan plan, SensorPlacement p) {
        return plan.framesPerSensor();
    }

    /**
     * Called before a sensor's frame {@code seq} is rendered, on the thread that renders it. A recorded night
     * verifies a visit's file here, at its first frame, and leaves a damaged one out; {@link #frames} is
     * asked again afterwards, so a source may shrink it here (never below {@code seq}).
     */
    default void beforeFrame(SimulatedCamera.Plan plan, SensorPlacement p, long seq) {
    }

    /**
     * The header of frame {@code seq} of a sensor: by default the plan's clock (the first frame's time plus
     * the frame interval) and the simulated survey's pointing; a recorded night's come from its files.
     */
    default FrameHeader header(SimulatedCamera.Plan plan, SensorPlacement p, long seq) {
        int fpv = plan.framesPerVisit();
        long visit = seq / fpv;
        int field = (int) (visit % plan.fields());
        double[] radec = SimulatedSurvey.pointing(p, field);
        return new FrameHeader(p.sensor().index(), seq, visit, (int) (seq % fpv), fpv, plan.startEpochNs() + seq * plan.frameIntervalNs(),
            plan.frameIntervalNs(), plan.width(), plan.height(), radec[0], radec[1], field);
    }

    /**
     * Fills {@code slot} with the pixels of frame {@code header}.
     *
     * @param pixels scratch array of width * height, owned by the calling thread
     * @return the rendered pixels as uint16 bit patterns (for the recorder), or null if the source
     *     shares prepared buffers and keeps no array
     */
    short[] fill(FrameHeader header, FrameSlot slot, short[] pixels);
}
