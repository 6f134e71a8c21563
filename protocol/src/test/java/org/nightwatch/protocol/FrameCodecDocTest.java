package org.nightwatch.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * {@code protocol/FRAME_CODEC.md} is what camera software outside nightwatch is written from: each field its tables
 * name is where they say, with the type they say, in messages {@link FrameCodec} encodes.
 */
class FrameCodecDocTest {
    private record Field(int offset, String type) {
    }

    /** The fields of the table under the heading that starts with {@code heading}. */
    private static Map<String, Field> table(String doc, String heading) {
        int at = doc.indexOf("\n## " + heading);
        assertTrue(at >= 0, "FRAME_CODEC.md has a section '" + heading + "'");
        int end = doc.indexOf("\n## ", at + 4);
        Map<String, Field> fields = new LinkedHashMap<>();
        for (String line : doc.substring(at, end < 0 ? doc.length() : end).split("\n")) {
            String[] cells = line.split("\\|");
            if (cells.length >= 4 && cells[1].trim().matches("\\d+")) {
                fields.put(cells[2].trim(), new Field(Integer.parseInt(cells[1].trim()), cells[3].trim()));
            }
        }
        assertTrue(!fields.isEmpty(), "a table under '" + heading + "'");
        return fields;
    }

    private static Object read(UnsafeBuffer b, Field f) {
        return switch (f.type()) {
            case "u16" -> b.getShort(f.offset(), FrameCodec.BYTE_ORDER) & 0xFFFF;
            case "i32" -> b.getInt(f.offset(), FrameCodec.BYTE_ORDER);
            case "i64" -> b.getLong(f.offset(), FrameCodec.BYTE_ORDER);
            case "f64" -> b.getDouble(f.offset(), FrameCodec.BYTE_ORDER);
            default -> throw new AssertionError("type " + f.type() + " in FRAME_CODEC.md");
        };
    }

    private static void assertDocumented(Map<String, Field> table, UnsafeBuffer b, Map<String, Object> values) {
        for (Map.Entry<String, Object> e : values.entrySet()) {
            Field f = table.get(e.getKey());
            assertTrue(f != null, "FRAME_CODEC.md documents " + e.getKey());
            assertEquals(e.getValue(), read(b, f), e.getKey() + " at offset " + f.offset() + " as " + f.type());
        }
    }

    @Test
    void everyDocumentedFieldIsWhereTheCodecPutsIt() throws IOException {
        String doc = Files.readString(Path.of("FRAME_CODEC.md"), StandardCharsets.UTF_8);
        Map<String, Field> header = table(doc, "Every message");

        UnsafeBuffer b = new UnsafeBuffer(ByteBuffer.allocateDirect(1 << 16));
        FrameHeader h = new FrameHeader(42, 123456789012L, 987654321L, 7, 12, 1_760_000_000_123_456_789L, 500_000_000L, 2000, 1128,
            150.25, -20.5, 3);
        FrameCodec.FrameBlock block = new FrameCodec.FrameBlock().wrapForEncode(b, 0).header(h).rows(16, 16);
        assertDocumented(header, b, Map.of("blockLength", FrameCodec.FrameBlock.BLOCK_LENGTH, "templateId", FrameCodec.TEMPLATE_FRAME_BLOCK,
            "schemaId", FrameCodec.SCHEMA_ID, "version", FrameCodec.SCHEMA_VERSION));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("frameSequence", h.frameSequence());
        fields.put("visitId", h.visitId());
        fields.put("startTimeNs", h.startTimeNs());
        fields.put("exposureNs", h.exposureNs());
        fields.put("raDeg", h.raDeg());
        fields.put("decDeg", h.decDeg());
        fields.put("sensorIndex", h.sensorIndex());
        fields.put("frameIndex", h.frameIndex());
        fields.put("framesPerVisit", h.framesPerVisit());
        fields.put("width", h.width());
        fields.put("height", h.height());
        fields.put("firstRow", 16);
        fields.put("rowCount", 16);
        fields.put("fieldId", h.fieldId());
        Map<String, Field> frame = table(doc, "Template 1");
        assertDocumented(frame, b, fields);
        assertEquals(FrameCodec.FrameBlock.HEADER_LENGTH, frame.get("pixels").offset(), "the pixels follow the header");
        assertEquals(block.pixelOffset(), frame.get("pixels").offset());
        assertTrue(doc.contains("`" + FrameCodec.FrameBlock.HEADER_LENGTH + " + rowCount x width x 2`"), "the message length");

        UnsafeBuffer d = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
        FrameCodec.FramesDeferred.encode(d, 0, 42, 100, 117, FrameFate.DEFERRED_AT_SOURCE);
        assertDocumented(header, d, Map.of("blockLength", FrameCodec.FramesDeferred.BLOCK_LENGTH, "templateId",
            FrameCodec.TEMPLATE_FRAMES_DEFERRED));
        assertDocumented(table(doc, "Template 2"), d, Map.of("firstSequence", 100L, "lastSequence", 117L, "sensorIndex", 42,
            "fate", FrameFate.DEFERRED_AT_SOURCE.code()));
        assertTrue(doc.contains(FrameFate.DEFERRED_AT_SOURCE.code() + " `deferred_at_source`"), "the fate code it names");

        UnsafeBuffer e = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
        FrameCodec.EndOfStream.encode(e, 0, 42, 1000, 999);
        assertDocumented(header, e, Map.of("blockLength", FrameCodec.EndOfStream.BLOCK_LENGTH, "templateId", FrameCodec.TEMPLATE_END_OF_STREAM));
        assertDocumented(table(doc, "Template 3"), e, Map.of("framesPublished", 1000L, "lastSequence", 999L, "sensorIndex", 42,
            "reserved", 0));
        assertTrue(doc.contains("stream id `" + SensorId.STREAM_ID_BASE + " + i`"), "the stream of sensor i");
    }
}
