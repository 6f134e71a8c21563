package org.nightwatch.camera.sim;

import org.nightwatch.protocol.FrameHeader;

/**
 * Where a camera's frames come from: the sky simulator, or frames prepared beforehand (benchmarks,
 * where simulation cost must be excluded). Called on a render thread, once per frame, in frame order
 * for each sensor.
 */
public interface FrameSource {
    /**
     * Fills {@code slot} with the pixels of frame {@code header}.
     *
     * @param pixels scratch array of width * height, owned by the calling thread
     * @return the rendered pixels as uint16 bit patterns (for the recorder), or null if the source
     *     shares prepared buffers and keeps no array
     */
    short[] fill(FrameHeader header, FrameSlot slot, short[] pixels);
}
