package org.nightwatch.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(1 << 16));

    @Test
    void frameBlockRoundTripsEveryField() {
        FrameHeader h = new FrameHeader(83, 123_456_789_012L, 4242, 17, 18,
            1_795_000_000_123_456_789L, 500_000_000L, 2000, 1128, 359.999999, -89.5, 31_207);
        int offset = 40; // not at zero: decoders must honour the offset
        new FrameCodec.FrameBlock().wrapForEncode(buffer, offset).header(h).rows(1120, 8);

        assertEquals(FrameCodec.TEMPLATE_FRAME_BLOCK, FrameCodec.templateId(buffer, offset, FrameCodec.FrameBlock.HEADER_LENGTH));
        FrameCodec.FrameBlock block = new FrameCodec.FrameBlock().wrap(buffer, offset);
        assertEquals(h, block.toHeader());
        assertEquals(1120, block.firstRow());
        assertEquals(8, block.rowCount());
        assertEquals(offset + 88, block.pixelOffset());
        assertEquals(8 * 2000 * 2, block.pixelBytes());
    }

    @Test
    void versionOneBlocksHaveNoField() {
        FrameHeader h = new FrameHeader(3, 7, 0, 7, 18, 0, 500_000_000L, 2000, 1128, 10, 20, 5);
        new FrameCodec.FrameBlock().wrapForEncode(buffer, 0).header(h).rows(0, 16);
        buffer.putShort(6, (short) 1, FrameCodec.BYTE_ORDER); // as a version-1 sender wrote it
        FrameCodec.FrameBlock block = new FrameCodec.FrameBlock().wrap(buffer, 0);
        assertEquals(FrameCodec.TEMPLATE_FRAME_BLOCK, FrameCodec.templateId(buffer, 0, FrameCodec.FrameBlock.HEADER_LENGTH));
        assertEquals(-1, block.fieldId());
        assertEquals(7, block.frameSequence());
    }

    @Test
    void blocksFitAnMtuAndCoverTheFrame() {
        int rows = FrameCodec.FrameBlock.rowsPerBlock(2000, 1128, 65504 - 32);
        assertEquals(16, rows);
        assertTrue(FrameCodec.FrameBlock.messageLength(2000, rows) <= 65504 - 32);
        assertThrows(IllegalArgumentException.class, () -> FrameCodec.FrameBlock.rowsPerBlock(40000, 10, 65472));
    }

    @Test
    void deferralAndEndOfStreamRoundTrip() {
        int len = FrameCodec.FramesDeferred.encode(buffer, 0, 7, 100, 117, FrameFate.DEFERRED_AT_SOURCE);
        assertEquals(FrameCodec.TEMPLATE_FRAMES_DEFERRED, FrameCodec.templateId(buffer, 0, len));
        FrameCodec.FramesDeferred d = new FrameCodec.FramesDeferred().wrap(buffer, 0);
        assertEquals(7, d.sensorIndex());
        assertEquals(100, d.firstSequence());
        assertEquals(117, d.lastSequence());
        assertEquals(FrameFate.DEFERRED_AT_SOURCE, d.fate());

        len = FrameCodec.EndOfStream.encode(buffer, 64, 3, 360, 359);
        assertEquals(FrameCodec.TEMPLATE_END_OF_STREAM, FrameCodec.templateId(buffer, 64, len));
        FrameCodec.EndOfStream e = new FrameCodec.EndOfStream().wrap(buffer, 64);
        assertEquals(3, e.sensorIndex());
        assertEquals(360, e.framesPublished());
        assertEquals(359, e.lastSequence());
    }

    @Test
    void newerVersionAndForeignSchemaAreRefusedByName() {
        FrameCodec.EndOfStream.encode(buffer, 0, 1, 1, 0);
        buffer.putShort(6, (short) (FrameCodec.SCHEMA_VERSION + 1), FrameCodec.BYTE_ORDER);
        var e = assertThrows(FrameCodec.UnsupportedVersionException.class, () -> FrameCodec.templateId(buffer, 0, 32));
        assertTrue(e.getMessage().contains("version " + (FrameCodec.SCHEMA_VERSION + 1)), e.getMessage());

        buffer.putShort(4, (short) 0x1234, FrameCodec.BYTE_ORDER);
        e = assertThrows(FrameCodec.UnsupportedVersionException.class, () -> FrameCodec.templateId(buffer, 0, 32));
        assertTrue(e.getMessage().contains("0x1234"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FrameCodec.templateId(buffer, 0, 4));
    }

    @Test
    void sensorNamesAndStreamsFollowTheContract() {
        SensorId s = SensorId.parse("sensor-07");
        assertEquals(7, s.index());
        assertEquals("sensor-07", s.name());
        assertEquals(1007, s.streamId());
        assertThrows(IllegalArgumentException.class, () -> SensorId.of(100));
        assertThrows(IllegalArgumentException.class, () -> SensorId.parse("sensor-x"));
        assertEquals(SurveyMode.HIGH_CADENCE, SurveyMode.parse("high-cadence"));
        assertEquals(18, SurveyMode.parse("ALL_SKY").framesPerVisit());
        assertThrows(IllegalArgumentException.class, () -> SurveyMode.parse("deep"));
    }
}
