package org.nightwatch.camera.source;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.nightwatch.protocol.FrameHeader;

/**
 * A reusable frame buffer travelling from the camera's renderer to its sender: pixels as uint16
 * little-endian in direct memory (what the sender copies into the Aeron log), the header and the
 * time the frame is due.
 */
public final class FrameSlot {
    private final ByteBuffer owned;
    private final ShortBuffer ownedShorts;
    private final UnsafeBuffer ownedView;
    private DirectBuffer pixels;
    FrameHeader header;
    long dueNs;

    FrameSlot(int width, int height) {
        owned = ByteBuffer.allocateDirect(width * height * 2).order(ByteOrder.LITTLE_ENDIAN);
        ownedShorts = owned.asShortBuffer();
        ownedView = new UnsafeBuffer(owned);
        pixels = ownedView;
    }

    /** Copies rendered pixels (uint16 bit patterns) into this slot's own buffer. */
    public void load(short[] rendered) {
        ownedShorts.clear();
        ownedShorts.put(rendered, 0, ownedShorts.capacity());
        pixels = ownedView;
    }

    /** Points the slot at prepared pixels shared with other slots (read-only use, no copy). */
    public void share(DirectBuffer prepared) {
        pixels = prepared;
    }

    public DirectBuffer pixels() {
        return pixels;
    }

    public FrameHeader header() {
        return header;
    }

    public long dueNs() {
        return dueNs;
    }
}
