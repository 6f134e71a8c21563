package org.nightwatch.actors.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nightwatch.protocol.Candidate;
import org.nightwatch.protocol.DetectionFlag;

/**
 * A training set on disk, readable from Java and from Python: {@code cutouts.npy} (float32, shape
 * N x 3 x 29 x 29, channels reference, new, difference; background-subtracted ADU per frame, not
 * normalised), {@code labels.csv} (one row per cutout, in order) and {@code manifest.json} (format
 * version, how it was made, counts).
 */
public final class TrainingSetFiles {
    public static final int FORMAT_VERSION = 1;
    public static final String LABELS_HEADER = "index,label,true_label,type,snr,pair,x,y,flags,flipped";

    private TrainingSetFiles() {
    }

    public static void write(Path dir, List<TrainingSetBuilder.Sample> samples, TrainingSetBuilder.Settings settings) {
        try {
            Files.createDirectories(dir);
            writeNpy(dir.resolve("cutouts.npy"), samples);
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(dir.resolve("labels.csv"), StandardCharsets.UTF_8))) {
                w.println(LABELS_HEADER);
                int i = 0;
                for (TrainingSetBuilder.Sample s : samples) {
                    w.printf(Locale.ROOT, "%d,%d,%d,%s,%.3f,%d,%.3f,%.3f,%s,%b%n", i++, s.label(), s.trueLabel(), s.type(), s.snr(),
                        s.pair(), s.x() + 1, s.y() + 1, DetectionFlag.names(s.flags()), s.flipped());
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("format_version", FORMAT_VERSION);
            m.put("cutouts", Map.of("file", "cutouts.npy", "shape", List.of(samples.size(), 3, Candidate.CUTOUT, Candidate.CUTOUT),
                "dtype", "float32", "channels", List.of(Candidate.CHANNELS), "units", "ADU per frame, background-subtracted"));
            m.put("labels", Map.of("file", "labels.csv", "real", TrainingSetBuilder.REAL, "bogus", TrainingSetBuilder.BOGUS,
                "kept_apart", TrainingSetBuilder.APART));
            m.put("settings", settings);
            m.put("counts", TrainingSetBuilder.counts(samples));
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("manifest.json").toFile(), m);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training set into " + dir, e);
        }
    }

    /** NumPy format 1.0: magic, header length, a Python dict literal padded to 64 bytes, raw little-endian data. */
    static void writeNpy(Path file, List<TrainingSetBuilder.Sample> samples) throws IOException {
        int per = 3 * Candidate.CUTOUT * Candidate.CUTOUT;
        String dict = String.format(Locale.ROOT, "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, 3, %d, %d), }",
            samples.size(), Candidate.CUTOUT, Candidate.CUTOUT);
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            out.write(header.length() & 0xFF);
            out.write(header.length() >> 8);
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            ByteBuffer b = ByteBuffer.allocate(per * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (TrainingSetBuilder.Sample s : samples) {
                b.clear();
                b.asFloatBuffer().put(s.cutout(), 0, per);
                out.write(b.array());
            }
        }
    }
}
