package org.nightwatch.camera.aeron;

import org.agrona.DirectBuffer;
import org.nightwatch.protocol.FrameCodec;
import org.nightwatch.protocol.FrameFate;

/**
 * What a {@link FrameReceiver} hands each decoded message to. Called on the polling thread; must not
 * block or allocate per block.
 */
public interface FrameListener {
    /**
     * A block of rows of one frame, valid only during the call: its pixels lie in {@code buffer} at
     * {@code block.pixelOffset()}.
     *
     * @return false to leave the block in the stream and be asked again later (back-pressure)
     */
    boolean onBlock(FrameCodec.FrameBlock block, DirectBuffer buffer);

    /** Frames first..last of this stream went to disk instead of the real-time path. */
    void onDeferred(long firstSequence, long lastSequence, FrameFate fate);

    /** The stream ends after {@code lastSequence}; {@code framesPublished} frames were published. */
    void onEndOfStream(long framesPublished, long lastSequence);

    /** A message that could not be read; it is skipped. */
    void onMalformed(String reason);
}
