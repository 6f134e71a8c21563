package org.nightwatch.camera.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.nightwatch.protocol.FrameCodec;
import org.nightwatch.protocol.FrameFate;
import org.nightwatch.protocol.FrameHeader;

/**
 * Sends one sensor's frames as row blocks on its exclusive publication, in Aeron's style: a
 * non-blocking {@link #sendSome} that returns how many blocks went out, with back-pressure and a
 * missing subscriber counted, never thrown. Each block is written straight into the term buffer with
 * {@code tryClaim}: one copy from the frame to the log, none after.
 *
 * <p>Not thread-safe: one sending thread owns it.
 */
public final class FrameSender {
    private final ExclusivePublication publication;
    private final BufferClaim claim = new BufferClaim();
    private final FrameCodec.FrameBlock codec = new FrameCodec.FrameBlock();
    private final UnsafeBuffer control = new UnsafeBuffer(new byte[64]);
    private final int rowsPerBlock;

    private FrameHeader header;
    private DirectBuffer pixels;
    private int nextRow;
    private int rowBytes;

    private long framesSent;
    private long blocksSent;
    private long backPressured;
    private long notConnected;
    private long adminActions;

    public FrameSender(ExclusivePublication publication, int width, int height) {
        this.publication = publication;
        // a block is one unfragmented message: within both the MTU and the term length / 8 rule
        this.rowsPerBlock = FrameCodec.FrameBlock.rowsPerBlock(width, height,
            Math.min(publication.maxPayloadLength(), publication.maxMessageLength()));
    }

    /** Starts sending a frame; {@code pixels} holds height x width uint16 little-endian, row-major. */
    public void begin(FrameHeader header, DirectBuffer pixels) {
        if (busy()) {
            throw new IllegalStateException("frame " + this.header.frameSequence() + " is still being sent");
        }
        int need = header.width() * header.height() * 2;
        if (pixels.capacity() < need) {
            throw new IllegalArgumentException("frame buffer of " + pixels.capacity() + " bytes, frame needs " + need);
        }
        this.header = header;
        this.pixels = pixels;
        this.nextRow = 0;
        this.rowBytes = header.width() * 2;
    }

    /** Whether a frame is part-way through sending. */
    public boolean busy() {
        return header != null;
    }

    /** The frame being sent, or null. */
    public FrameHeader current() {
        return header;
    }

    /**
     * Sends up to {@code maxBlocks} blocks of the current frame.
     *
     * @return blocks sent (0 when back-pressured or not connected: see the counters)
     */
    public int sendSome(int maxBlocks) {
        int sent = 0;
        while (header != null && sent < maxBlocks) {
            int rows = Math.min(rowsPerBlock, header.height() - nextRow);
            int length = FrameCodec.FrameBlock.HEADER_LENGTH + rows * rowBytes;
            long result = publication.tryClaim(length, claim);
            if (result < 0) {
                count(result);
                break;
            }
            MutableDirectBuffer b = claim.buffer();
            int off = claim.offset();
            codec.wrapForEncode(b, off).header(header).rows(nextRow, rows);
            b.putBytes(off + FrameCodec.FrameBlock.HEADER_LENGTH, pixels, nextRow * rowBytes, rows * rowBytes);
            claim.commit();
            sent++;
            blocksSent++;
            nextRow += rows;
            if (nextRow >= header.height()) {
                header = null;
                pixels = null;
                framesSent++;
            }
        }
        return sent;
    }

    /** Drops the frame part-way (the sender is shutting down); the receiver will count it incomplete. */
    public void abandon() {
        header = null;
        pixels = null;
    }

    /** Tells the receiver that frames first..last went to disk instead. @return true if sent */
    public boolean sendDeferred(int sensorIndex, long first, long last, FrameFate fate) {
        int len = FrameCodec.FramesDeferred.encode(control, 0, sensorIndex, first, last, fate);
        return offerControl(len);
    }

    /** Tells the receiver the stream ends. @return true if sent */
    public boolean sendEndOfStream(int sensorIndex, long framesPublished, long lastSequence) {
        int len = FrameCodec.EndOfStream.encode(control, 0, sensorIndex, framesPublished, lastSequence);
        return offerControl(len);
    }

    private boolean offerControl(int len) {
        long result = publication.offer(control, 0, len);
        if (result < 0) {
            count(result);
            return false;
        }
        return true;
    }

    private void count(long result) {
        if (result == Publication.BACK_PRESSURED) {
            backPressured++;
        } else if (result == Publication.NOT_CONNECTED) {
            notConnected++;
        } else if (result == Publication.ADMIN_ACTION) {
            adminActions++;
        } else {
            throw new IllegalStateException("publication " + publication.channel() + " stream "
                + publication.streamId() + " can no longer send: " + Publication.errorString(result));
        }
    }

    public boolean isConnected() {
        return publication.isConnected();
    }

    public int rowsPerBlock() {
        return rowsPerBlock;
    }

    public long framesSent() {
        return framesSent;
    }

    public long blocksSent() {
        return blocksSent;
    }

    /** Offers refused because the subscriber was behind. */
    public long backPressured() {
        return backPressured;
    }

    /** Offers refused because no subscriber was connected. */
    public long notConnected() {
        return notConnected;
    }

    public long adminActions() {
        return adminActions;
    }

    public void close() {
        publication.close();
    }
}
