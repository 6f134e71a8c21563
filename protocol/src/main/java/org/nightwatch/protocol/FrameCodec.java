package org.nightwatch.protocol;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Versioned wire format of the frame transport (ARCHITECTURE section 4.1), as flyweights over Agrona
 * buffers in the style of SBE: an 8-byte message header (block length, template id, schema id,
 * version) followed by a fixed body. All fields are little-endian.
 *
 * <p>A full frame (2000 x 1128 uint16, 4.5 MB) is sent as consecutive <em>row blocks</em>, each one
 * unfragmented Aeron message: header, then {@code rowCount} rows of pixels, uint16 little-endian,
 * row-major. Keeping each block within one MTU means no reassembly copy at the receiver, which can
 * accumulate pixels straight from the term buffer. Templates:
 * <ul>
 *   <li>{@link FrameBlock} (1): one block of rows of one frame, with the whole frame header;</li>
 *   <li>{@link FramesDeferred} (2): frames a camera could not hand to the real-time path in time,
 *       recorded on disk instead, so the receiver accounts for the gap as deferred, not lost;</li>
 *   <li>{@link EndOfStream} (3): the sensor's stream ends cleanly, with how many frames it published.</li>
 * </ul>
 * Decoders refuse another schema id or a newer version with {@link UnsupportedVersionException}.
 */
public final class FrameCodec {
    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;
    /** 'NW'. */
    public static final int SCHEMA_ID = 0x4E57;
    /** Version 2 added the field id (bytes 84-87 of a frame block, reserved and zero in version 1). */
    public static final int SCHEMA_VERSION = 2;
    public static final int MESSAGE_HEADER_LENGTH = 8;

    public static final int TEMPLATE_FRAME_BLOCK = 1;
    public static final int TEMPLATE_FRAMES_DEFERRED = 2;
    public static final int TEMPLATE_END_OF_STREAM = 3;

    private FrameCodec() {
    }

    /** A message whose schema id or version this build does not read. */
    public static final class UnsupportedVersionException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UnsupportedVersionException(String message) {
            super(message);
        }
    }

    /** Reads the template id after checking schema and version; the message body starts at offset + 8. */
    public static int templateId(DirectBuffer buffer, int offset, int length) {
        if (length < MESSAGE_HEADER_LENGTH) {
            throw new IllegalArgumentException("message of " + length + " bytes is shorter than its header");
        }
        int schema = buffer.getShort(offset + 4, BYTE_ORDER) & 0xFFFF;
        int version = buffer.getShort(offset + 6, BYTE_ORDER) & 0xFFFF;
        if (schema != SCHEMA_ID) {
            throw new UnsupportedVersionException(String.format("schema id 0x%04x is not nightwatch's 0x%04x", schema, SCHEMA_ID));
        }
        if (version > SCHEMA_VERSION) {
            throw new UnsupportedVersionException("frame schema version " + version + " is newer than " + SCHEMA_VERSION);
        }
        return buffer.getShort(offset + 2, BYTE_ORDER) & 0xFFFF;
    }

    static void writeMessageHeader(MutableDirectBuffer buffer, int offset, int blockLength, int templateId) {
        buffer.putShort(offset, (short) blockLength, BYTE_ORDER);
        buffer.putShort(offset + 2, (short) templateId, BYTE_ORDER);
        buffer.putShort(offset + 4, (short) SCHEMA_ID, BYTE_ORDER);
        buffer.putShort(offset + 6, (short) SCHEMA_VERSION, BYTE_ORDER);
    }

    /**
     * One block of rows of one frame. Body layout (offset from the start of the message):
     * <pre>
     *  8 frameSequence  i64   per sensor, strictly increasing
     * 16 visitId        i64
     * 24 startTimeNs    i64   UTC, ns since the epoch, start of the exposure
     * 32 exposureNs     i64
     * 40 raDeg          f64   sensor centre
     * 48 decDeg         f64
     * 56 sensorIndex    i32
     * 60 frameIndex     i32   0-based index within the visit
     * 64 framesPerVisit i32
     * 68 width          i32
     * 72 height         i32
     * 76 firstRow       i32
     * 80 rowCount       i32
     * 84 fieldId        i32   since version 2 (-1: not known)
     * 88 pixels         uint16[rowCount * width]
     * </pre>
     */
    public static final class FrameBlock {
        public static final int BLOCK_LENGTH = 80;
        public static final int HEADER_LENGTH = MESSAGE_HEADER_LENGTH + BLOCK_LENGTH;

        private DirectBuffer buffer;
        private MutableDirectBuffer mutable;
        private int offset;

        /** Wraps a received message for reading (after {@link FrameCodec#templateId} said FRAME_BLOCK). */
        public FrameBlock wrap(DirectBuffer buffer, int offset) {
            this.buffer = buffer;
            this.mutable = null;
            this.offset = offset;
            return this;
        }

        /** Wraps a buffer for writing and writes the message header. */
        public FrameBlock wrapForEncode(MutableDirectBuffer buffer, int offset) {
            this.buffer = buffer;
            this.mutable = buffer;
            this.offset = offset;
            writeMessageHeader(buffer, offset, BLOCK_LENGTH, TEMPLATE_FRAME_BLOCK);
            return this;
        }

        /** Bytes of a message holding {@code rows} rows of {@code width} pixels. */
        public static int messageLength(int width, int rows) {
            return HEADER_LENGTH + rows * width * 2;
        }

        /** The largest number of rows whose block fits in {@code maxPayload} bytes. */
        public static int rowsPerBlock(int width, int height, int maxPayload) {
            int rows = (maxPayload - HEADER_LENGTH) / (width * 2);
            if (rows < 1) {
                throw new IllegalArgumentException("a row of " + width + " pixels does not fit a " + maxPayload + "-byte message");
            }
            return Math.min(rows, height);
        }

        public int pixelOffset() {
            return offset + HEADER_LENGTH;
        }

        public int pixelBytes() {
            return rowCount() * width() * 2;
        }

        public long frameSequence() { return buffer.getLong(offset + 8, BYTE_ORDER); }
        public long visitId() { return buffer.getLong(offset + 16, BYTE_ORDER); }
        public long startTimeNs() { return buffer.getLong(offset + 24, BYTE_ORDER); }
        public long exposureNs() { return buffer.getLong(offset + 32, BYTE_ORDER); }
        public double raDeg() { return buffer.getDouble(offset + 40, BYTE_ORDER); }
        public double decDeg() { return buffer.getDouble(offset + 48, BYTE_ORDER); }
        public int sensorIndex() { return buffer.getInt(offset + 56, BYTE_ORDER); }
        public int frameIndex() { return buffer.getInt(offset + 60, BYTE_ORDER); }
        public int framesPerVisit() { return buffer.getInt(offset + 64, BYTE_ORDER); }
        public int width() { return buffer.getInt(offset + 68, BYTE_ORDER); }
        public int height() { return buffer.getInt(offset + 72, BYTE_ORDER); }
        public int firstRow() { return buffer.getInt(offset + 76, BYTE_ORDER); }
        public int rowCount() { return buffer.getInt(offset + 80, BYTE_ORDER); }
        /** The survey field, or -1 when not known (always for a version-1 message). */
        public int fieldId() {
            int version = buffer.getShort(offset + 6, BYTE_ORDER) & 0xFFFF;
            return version >= 2 ? buffer.getInt(offset + 84, BYTE_ORDER) : -1;
        }

        /** Writes every frame-level field of {@code h}; rows are set with {@link #rows}. */
        public FrameBlock header(FrameHeader h) {
            mutable.putLong(offset + 8, h.frameSequence(), BYTE_ORDER);
            mutable.putLong(offset + 16, h.visitId(), BYTE_ORDER);
            mutable.putLong(offset + 24, h.startTimeNs(), BYTE_ORDER);
            mutable.putLong(offset + 32, h.exposureNs(), BYTE_ORDER);
            mutable.putDouble(offset + 40, h.raDeg(), BYTE_ORDER);
            mutable.putDouble(offset + 48, h.decDeg(), BYTE_ORDER);
            mutable.putInt(offset + 56, h.sensorIndex(), BYTE_ORDER);
            mutable.putInt(offset + 60, h.frameIndex(), BYTE_ORDER);
            mutable.putInt(offset + 64, h.framesPerVisit(), BYTE_ORDER);
            mutable.putInt(offset + 68, h.width(), BYTE_ORDER);
            mutable.putInt(offset + 72, h.height(), BYTE_ORDER);
            mutable.putInt(offset + 84, h.fieldId(), BYTE_ORDER);
            return this;
        }

        public FrameBlock rows(int firstRow, int rowCount) {
            mutable.putInt(offset + 76, firstRow, BYTE_ORDER);
            mutable.putInt(offset + 80, rowCount, BYTE_ORDER);
            return this;
        }

        /** An immutable copy of the frame-level fields (not for the hot path: it allocates). */
        public FrameHeader toHeader() {
            return new FrameHeader(sensorIndex(), frameSequence(), visitId(), frameIndex(), framesPerVisit(),
                startTimeNs(), exposureNs(), width(), height(), raDeg(), decDeg(), fieldId());
        }
    }

    /**
     * Frames {@code firstSequence..lastSequence} of a sensor that were not sent in real time and went
     * to disk instead. Body: 8 firstSequence i64, 16 lastSequence i64, 24 sensorIndex i32, 28 fate code i32.
     */
    public static final class FramesDeferred {
        public static final int BLOCK_LENGTH = 24;
        public static final int LENGTH = MESSAGE_HEADER_LENGTH + BLOCK_LENGTH;
        private DirectBuffer buffer;
        private int offset;

        public FramesDeferred wrap(DirectBuffer buffer, int offset) {
            this.buffer = buffer;
            this.offset = offset;
            return this;
        }

        public static int encode(MutableDirectBuffer b, int offset, int sensorIndex, long firstSequence,
                                 long lastSequence, FrameFate fate) {
            writeMessageHeader(b, offset, BLOCK_LENGTH, TEMPLATE_FRAMES_DEFERRED);
            b.putLong(offset + 8, firstSequence, BYTE_ORDER);
            b.putLong(offset + 16, lastSequence, BYTE_ORDER);
            b.putInt(offset + 24, sensorIndex, BYTE_ORDER);
            b.putInt(offset + 28, fate.code(), BYTE_ORDER);
            return LENGTH;
        }

        public long firstSequence() { return buffer.getLong(offset + 8, BYTE_ORDER); }
        public long lastSequence() { return buffer.getLong(offset + 16, BYTE_ORDER); }
        public int sensorIndex() { return buffer.getInt(offset + 24, BYTE_ORDER); }
        public FrameFate fate() { return FrameFate.fromCode(buffer.getInt(offset + 28, BYTE_ORDER)); }
    }

    /**
     * The sensor's stream ends: no frame with a sequence above {@code lastSequence} follows.
     * Body: 8 framesPublished i64, 16 lastSequence i64, 24 sensorIndex i32, 28 reserved i32.
     */
    public static final class EndOfStream {
        public static final int BLOCK_LENGTH = 24;
        public static final int LENGTH = MESSAGE_HEADER_LENGTH + BLOCK_LENGTH;
        private DirectBuffer buffer;
        private int offset;

        public EndOfStream wrap(DirectBuffer buffer, int offset) {
            this.buffer = buffer;
            this.offset = offset;
            return this;
        }

        public static int encode(MutableDirectBuffer b, int offset, int sensorIndex, long framesPublished, long lastSequence) {
            writeMessageHeader(b, offset, BLOCK_LENGTH, TEMPLATE_END_OF_STREAM);
            b.putLong(offset + 8, framesPublished, BYTE_ORDER);
            b.putLong(offset + 16, lastSequence, BYTE_ORDER);
            b.putInt(offset + 24, sensorIndex, BYTE_ORDER);
            b.putInt(offset + 28, 0, BYTE_ORDER);
            return LENGTH;
        }

        public long framesPublished() { return buffer.getLong(offset + 8, BYTE_ORDER); }
        public long lastSequence() { return buffer.getLong(offset + 16, BYTE_ORDER); }
        public int sensorIndex() { return buffer.getInt(offset + 24, BYTE_ORDER); }
    }
}
