package org.nightwatch.tools.train;

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

    /** A simulated set, with the settings that made it. */
    public static void write(Path dir, List<TrainingSetBuilder.Sample> samples, TrainingSetBuilder.Settings settings) {
        write(dir, samples, "settings", settings);
    }

    /** A set with its provenance under {@code provenanceKey} in the manifest (settings of a simulation, a night's labels...). */
    public static void write(Path dir, List<TrainingSetBuilder.Sample> samples, String provenanceKey, Object provenance) {
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
            m.put(provenanceKey, provenance);
            m.put("counts", TrainingSetBuilder.counts(samples));
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("manifest.json").toFile(), m);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training set into " + dir, e);
        }
    }

    /**
     * A training set read back.
     *
     * @param labels     as given for training (label noise included)
     * @param trueLabels before label noise
     * @param rows       each sample's index in labels.csv, kept through {@link #subset} so that scores join back to it
     */
    public record Loaded(Path dir, List<float[]> cutouts, int[] labels, int[] trueLabels, List<String> types, double[] snr, int[] rows) {
        public int size() {
            return cutouts.size();
        }

        /**
         * Sets one after another (a simulated set and a recorded night's, say), under the first's directory; each
         * sample keeps its row in its own labels.csv.
         */
        public static Loaded concat(List<Loaded> sets) {
            if (sets.isEmpty()) {
                throw new IllegalArgumentException("no training set");
            }
            int n = sets.stream().mapToInt(Loaded::size).sum();
            List<float[]> c = new java.util.ArrayList<>(n);
            int[] l = new int[n];
            int[] t = new int[n];
            List<String> ty = new java.util.ArrayList<>(n);
            double[] s = new double[n];
            int[] r = new int[n];
            int k = 0;
            for (Loaded x : sets) {
                c.addAll(x.cutouts());
                ty.addAll(x.types());
                System.arraycopy(x.labels(), 0, l, k, x.size());
                System.arraycopy(x.trueLabels(), 0, t, k, x.size());
                System.arraycopy(x.snr(), 0, s, k, x.size());
                System.arraycopy(x.rows(), 0, r, k, x.size());
                k += x.size();
            }
            return new Loaded(sets.get(0).dir(), c, l, t, ty, s, r);
        }

        /** The samples with a real/bogus label (kept-apart ones left out). */
        public Loaded labelled() {
            return where(false);
        }

        /** The kept-apart samples (variables, moving objects): no real/bogus label, usable without one. */
        public Loaded keptApart() {
            return where(true);
        }

        private Loaded where(boolean apart) {
            List<Integer> keep = new java.util.ArrayList<>();
            for (int i = 0; i < size(); i++) {
                if ((trueLabels[i] == TrainingSetBuilder.APART) == apart) {
                    keep.add(i);
                }
            }
            return subset(keep);
        }

        public Loaded subset(List<Integer> idx) {
            List<float[]> c = new java.util.ArrayList<>(idx.size());
            int[] l = new int[idx.size()];
            int[] t = new int[idx.size()];
            List<String> ty = new java.util.ArrayList<>(idx.size());
            double[] s = new double[idx.size()];
            int[] r = new int[idx.size()];
            for (int k = 0; k < idx.size(); k++) {
                int i = idx.get(k);
                c.add(cutouts.get(i));
                l[k] = labels[i];
                t[k] = trueLabels[i];
                ty.add(types.get(i));
                s[k] = snr[i];
                r[k] = rows[i];
            }
            return new Loaded(dir, c, l, t, ty, s, r);
        }
    }

    /** Reads a set written by {@link #write} (or by anything writing the same files), naming the file at fault. */
    public static Loaded read(Path dir) {
        Path npy = dir.resolve("cutouts.npy");
        Path csv = dir.resolve("labels.csv");
        try {
            byte[] b = Files.readAllBytes(npy);
            if (b.length < 10 || (b[0] & 0xFF) != 0x93 || b[1] != 'N' || b[6] != 1) {
                throw new IllegalArgumentException(npy + ": not a NumPy 1.x file");
            }
            int hl = (b[8] & 0xFF) | (b[9] & 0xFF) << 8;
            String header = new String(b, 10, hl, StandardCharsets.US_ASCII);
            if (!header.contains("'<f4'") || header.contains("'fortran_order': True")) {
                throw new IllegalArgumentException(npy + ": expected little-endian float32 in C order, header " + header.trim());
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\((\\d+), 3, " + Candidate.CUTOUT + ", " + Candidate.CUTOUT + "\\)")
                .matcher(header);
            if (!m.find()) {
                throw new IllegalArgumentException(npy + ": expected shape (N, 3, " + Candidate.CUTOUT + ", " + Candidate.CUTOUT + "), header "
                    + header.trim());
            }
            int n = Integer.parseInt(m.group(1));
            int per = 3 * Candidate.CUTOUT * Candidate.CUTOUT;
            if (b.length - 10 - hl != (long) n * per * 4) {
                throw new IllegalArgumentException(npy + ": " + (b.length - 10 - hl) + " bytes of data for " + n + " cutouts");
            }
            ByteBuffer bb = ByteBuffer.wrap(b, 10 + hl, n * per * 4).order(ByteOrder.LITTLE_ENDIAN);
            List<float[]> cut = new java.util.ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                float[] c = new float[per];
                bb.asFloatBuffer().get(c);
                bb.position(bb.position() + per * 4);
                cut.add(c);
            }
            List<String> lines = Files.readAllLines(csv);
            if (lines.isEmpty() || !lines.get(0).startsWith("index,label,true_label,type,snr")) {
                throw new IllegalArgumentException(csv + ": expected the header " + LABELS_HEADER);
            }
            if (lines.size() - 1 != n) {
                throw new IllegalArgumentException(csv + ": " + (lines.size() - 1) + " rows for " + n + " cutouts in " + npy);
            }
            int[] labels = new int[n];
            int[] truth = new int[n];
            List<String> types = new java.util.ArrayList<>(n);
            double[] snr = new double[n];
            int[] rows = new int[n];
            for (int i = 0; i < n; i++) {
                String[] f = lines.get(i + 1).split(",", -1);
                try {
                    rows[i] = Integer.parseInt(f[0]);
                    labels[i] = Integer.parseInt(f[1]);
                    truth[i] = Integer.parseInt(f[2]);
                    types.add(f[3]);
                    snr[i] = Double.parseDouble(f[4]);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(csv + " line " + (i + 2) + ": " + e.getMessage(), e);
                }
            }
            return new Loaded(dir, cut, labels, truth, types, snr, rows);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the training set in " + dir, e);
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
