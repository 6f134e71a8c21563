package org.nightwatch.camera.source;

import org.nightwatch.protocol.FrameHeader;

/**
 * Receives every frame a camera produces before it is offered to the real-time path (ARCHITECTURE
 * section 5: the recorder is the lossless path). Called on a render thread, in frame order per sensor.
 */
public interface FrameRecorder extends AutoCloseable {
    void record(FrameHeader header, short[] pixels);

    @Override
    void close();

    /** Records nothing. */
    FrameRecorder NONE = new FrameRecorder() {
        @Override
        public void record(FrameHeader header, short[] pixels) {
        }

        @Override
        public void close() {
        }
    };
}
