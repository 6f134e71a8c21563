package org.nightwatch.camera.aeron;

import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.nightwatch.protocol.FrameCodec;

/**
 * Decodes one sensor stream's messages in place and hands them to a {@link FrameListener}.
 * Flyweights are reused; nothing is allocated per block. A listener that cannot take a block makes the
 * poll {@code ABORT}, so the block stays in the term buffer and Aeron's flow control pushes back on the
 * sender: back-pressure without loss.
 */
public final class FrameReceiver implements ControlledFragmentHandler {
    private final FrameListener listener;
    private final FrameCodec.FrameBlock block = new FrameCodec.FrameBlock();
    private final FrameCodec.FramesDeferred deferred = new FrameCodec.FramesDeferred();
    private final FrameCodec.EndOfStream endOfStream = new FrameCodec.EndOfStream();

    public FrameReceiver(FrameListener listener) {
        this.listener = listener;
    }

    @Override
    public Action onFragment(DirectBuffer buffer, int offset, int length, Header header) {
        if ((header.flags() & FrameDescriptor.UNFRAGMENTED) != FrameDescriptor.UNFRAGMENTED) {
            listener.onMalformed("fragmented message of " + length + " bytes: a row block must fit one MTU");
            return Action.CONTINUE;
        }
        int template;
        try {
            template = FrameCodec.templateId(buffer, offset, length);
        } catch (RuntimeException e) {
            listener.onMalformed(e.getMessage());
            return Action.CONTINUE;
        }
        switch (template) {
            case FrameCodec.TEMPLATE_FRAME_BLOCK -> {
                if (length < FrameCodec.FrameBlock.HEADER_LENGTH) {
                    listener.onMalformed("frame block of " + length + " bytes is shorter than its header");
                    return Action.CONTINUE;
                }
                block.wrap(buffer, offset);
                long expected = FrameCodec.FrameBlock.HEADER_LENGTH + (long) block.rowCount() * block.width() * 2;
                if (block.rowCount() <= 0 || block.width() <= 0 || expected != length) {
                    listener.onMalformed("frame block of sensor " + block.sensorIndex() + " frame " + block.frameSequence()
                        + " is " + length + " bytes, its header (" + block.rowCount() + " rows of " + block.width()
                        + " px) says " + expected);
                    return Action.CONTINUE;
                }
                return listener.onBlock(block, buffer) ? Action.CONTINUE : Action.ABORT;
            }
            case FrameCodec.TEMPLATE_FRAMES_DEFERRED -> {
                deferred.wrap(buffer, offset);
                listener.onDeferred(deferred.firstSequence(), deferred.lastSequence(), deferred.fate());
                return Action.CONTINUE;
            }
            case FrameCodec.TEMPLATE_END_OF_STREAM -> {
                endOfStream.wrap(buffer, offset);
                listener.onEndOfStream(endOfStream.framesPublished(), endOfStream.lastSequence());
                return Action.CONTINUE;
            }
            default -> {
                listener.onMalformed("unknown template id " + template);
                return Action.CONTINUE;
            }
        }
    }
}
