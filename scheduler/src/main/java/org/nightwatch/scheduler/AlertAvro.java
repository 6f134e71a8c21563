package org.nightwatch.scheduler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import nom.tam.fits.BasicHDU;
import nom.tam.fits.Fits;
import nom.tam.fits.FitsException;
import nom.tam.fits.Header;
import nom.tam.fits.HeaderCard;
import nom.tam.fits.ImageHDU;
import nom.tam.util.FitsOutputStream;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.nightwatch.protocol.Alert;
import org.nightwatch.protocol.Candidate;
import org.nightwatch.protocol.PastDetection;

/**
 * Alerts as Avro packets, the form ZTF's and Rubin's brokers consume: the schema is
 * {@code org/nightwatch/protocol/alert-v1.avsc} (in protocol), each cutout channel a gzip-compressed FITS
 * file of one 29 x 29 float32 image. Two encodings:
 * <ul>
 *   <li>{@link #writeFile}: an Avro object container file holding one alert and its schema, as ZTF
 *       distributes them; readable by any Avro library without further information;</li>
 *   <li>{@link #encode}: Avro single-object encoding (a two-byte marker, the schema's 64-bit
 *       fingerprint, then the binary record) for message streams, so that a reader can tell which
 *       schema a message was written with.</li>
 * </ul>
 */
public final class AlertAvro {
    /**
     * Classpath location of the schema of {@link Alert#SCHEMA_VERSION} 3. Version 2's differs from it in
     * documentation only (the meaning of x and y), so its messages carry the same fingerprint and are told apart
     * by their {@code schema_version}.
     */
    public static final String SCHEMA_RESOURCE = "/org/nightwatch/protocol/alert-v3.avsc";
    /** The schema of version 1 (without {@code late_s}): messages written with it are still read. */
    public static final String SCHEMA_V1_RESOURCE = "/org/nightwatch/protocol/alert-v1.avsc";
    public static final String PUBLISHER = "nightwatch 0.1.0";

    private static final Schema SCHEMA = load(SCHEMA_RESOURCE);
    private static final Schema CANDIDATE = SCHEMA.getField("candidate").schema();
    private static final Schema DETECTION = SCHEMA.getField("history").schema().getElementType();
    private static final Schema WINDOW = nonNull(SCHEMA.getField("window").schema());
    private static final Schema CUTOUT = nonNull(SCHEMA.getField("cutout_reference").schema());
    private static final Schema STATE = SCHEMA.getField("state").schema();
    private static final String[] CUTOUT_FIELDS = {"cutout_reference", "cutout_new", "cutout_difference"};
    /**
     * The container files' sync marker. Any 16 bytes will do for files of one block; a fixed marker (the
     * schema's fingerprint, twice) spares a random one per file and makes the same alert the same file.
     */
    private static final byte[] SYNC = sync();
    private static final BinaryMessageEncoder<GenericRecord> ENCODER = new BinaryMessageEncoder<>(GenericData.get(), SCHEMA);
    private static final BinaryMessageDecoder<GenericRecord> DECODER = decoder();

    private static BinaryMessageDecoder<GenericRecord> decoder() {
        BinaryMessageDecoder<GenericRecord> d = new BinaryMessageDecoder<>(GenericData.get(), SCHEMA);
        d.addSchema(load(SCHEMA_V1_RESOURCE)); // version 1 messages resolve to version 3, late_s 0
        return d;
    }

    private AlertAvro() {
    }

    public static Schema schema() {
        return SCHEMA;
    }

    private static Schema load(String resource) {
        try (InputStream in = AlertAvro.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the alert schema " + resource + " is not on the classpath");
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the alert schema " + resource, e);
        }
    }

    private static byte[] sync() {
        long f = org.apache.avro.SchemaNormalization.parsingFingerprint64(SCHEMA);
        return ByteBuffer.allocate(16).putLong(f).putLong(~f).array();
    }

    private static Schema nonNull(Schema union) {
        return union.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst().orElseThrow();
    }

    /** The alert as a record of the schema; cutouts only when the candidate carries one. */
    public static GenericRecord record(Alert a) {
        GenericRecord r = new GenericData.Record(SCHEMA);
        r.put("schema_version", Alert.SCHEMA_VERSION);
        r.put("publisher", PUBLISHER);
        r.put("alert_id", a.id());
        r.put("object_id", a.objectId());
        r.put("state", new GenericData.EnumSymbol(STATE, a.state().wire()));
        r.put("kind", a.kind());
        r.put("reason", a.reason());
        r.put("rank", a.rank());
        r.put("rank_score", a.rankScore());
        r.put("score_parts", new LinkedHashMap<>(a.parts()));
        r.put("score_weights", new LinkedHashMap<>(a.weights()));
        r.put("host", a.host());
        r.put("late_s", a.lateS());
        Candidate c = a.candidate();
        GenericRecord cr = new GenericData.Record(CANDIDATE);
        cr.put("candidate_id", c.id());
        cr.put("sensor", c.sensor());
        cr.put("visit", c.visit());
        cr.put("field", c.field());
        cr.put("mjd", c.mjd());
        cr.put("x", c.x() + 1); // FITS 1-based, as every output (version 3)
        cr.put("y", c.y() + 1);
        cr.put("ra", c.ra());
        cr.put("dec", c.dec());
        cr.put("flux", c.flux());
        cr.put("flux_err", c.fluxErr());
        cr.put("snr", c.snr());
        cr.put("mag", c.mag());
        cr.put("mag_err", c.magErr());
        cr.put("fwhm", c.fwhm());
        cr.put("elongation", c.elongation());
        cr.put("sign", c.sign());
        cr.put("flags", c.flags());
        String names = org.nightwatch.protocol.DetectionFlag.names(c.flags());
        cr.put("flag_names", names.isEmpty() ? List.of() : Arrays.asList(names.split("\\|")));
        cr.put("score", c.score());
        cr.put("model", c.modelVersion());
        r.put("candidate", cr);
        List<GenericRecord> history = new ArrayList<>(a.history().size());
        for (PastDetection d : a.history()) {
            GenericRecord dr = new GenericData.Record(DETECTION);
            dr.put("candidate_id", d.candidateId());
            dr.put("sensor", d.sensor());
            dr.put("visit", d.visit());
            dr.put("mjd", d.mjd());
            dr.put("ra", d.ra());
            dr.put("dec", d.dec());
            dr.put("flux", d.flux());
            dr.put("flux_err", d.fluxErr());
            dr.put("snr", d.snr());
            dr.put("mag", d.mag());
            dr.put("mag_err", d.magErr());
            dr.put("sign", d.sign());
            dr.put("flags", d.flags());
            dr.put("score", d.score());
            history.add(dr);
        }
        r.put("history", history);
        if (a.window() != null) {
            GenericRecord w = new GenericData.Record(WINDOW);
            w.put("start_mjd", a.window().startMjd());
            w.put("end_mjd", a.window().endMjd());
            w.put("best_mjd", a.window().bestMjd());
            w.put("min_airmass", a.window().minAirmass());
            w.put("moon_separation_deg", a.window().moonSepDeg());
            r.put("window", w);
        }
        if (c.cutout() != null) {
            byte[][] stamps = stamps(c);
            for (int ch = 0; ch < 3; ch++) {
                GenericRecord cut = new GenericData.Record(CUTOUT);
                cut.put("file_name", fileSafe(c.id()) + "_" + Candidate.CHANNELS[ch] + ".fits.gz");
                cut.put("stamp_data", ByteBuffer.wrap(stamps[ch]));
                r.put(CUTOUT_FIELDS[ch], cut);
            }
        }
        return r;
    }

    /**
     * The compressed stamps of each candidate's cutout, by the cutout itself (an array: by identity), for as long as
     * the candidate is held: an alert goes to the stream and to the files, each packing its own record, and the
     * stamps were a third of what both cost at a visit's close.
     */
    private static final Map<float[], byte[][]> STAMPS = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private static byte[][] stamps(Candidate c) {
        float[] cutout = c.cutout();
        // the stream and the files take the same alert at once: one thread makes the stamps, the other waits for them
        synchronized (cutout) {
            byte[][] made = STAMPS.get(cutout);
            if (made == null) {
                made = makeStamps(c);
                STAMPS.put(cutout, made);
            }
            return made;
        }
    }

    /**
     * The candidate's three cutout channels, each a gzip-compressed FITS file of one 29 x 29 float32 image with the
     * candidate's identity and place in its header. One header serves the three: only its CHANNEL card differs.
     */
    static byte[][] makeStamps(Candidate c) {
        int side = Candidate.CUTOUT;
        float[][] img = new float[side][side];
        try (Fits fits = new Fits()) {
            BasicHDU<?> hdu = Fits.makeHDU(img); // the HDU writes whatever img holds when it is written
            Header h = hdu.getHeader();
            HeaderCard channel = h.addValue("CHANNEL", Candidate.CHANNELS[0], "reference (PSF-matched), new or difference");
            h.addValue("CANDID", c.id(), "nightwatch candidate id");
            h.addValue("SENSOR", c.sensor(), "sensor index");
            h.addValue("VISIT", c.visit(), "visit id");
            h.addValue("MJD-OBS", c.mjd(), "[d] middle of the visit, UTC");
            h.addValue("CANDRA", c.ra(), "[deg] candidate RA (ICRS) at the stamp centre");
            h.addValue("CANDDEC", c.dec(), "[deg] candidate Dec (ICRS) at the stamp centre");
            h.addValue("CENTERX", c.x() + 1, "[px] position on the new stack, FITS 1-based");
            h.addValue("CENTERY", c.y() + 1, "[px] position on the new stack, FITS 1-based");
            h.addValue("BUNIT", "adu/frame", "background-subtracted");
            fits.addHDU(hdu);
            byte[][] made = new byte[3][];
            for (int ch = 0; ch < 3; ch++) {
                for (int y = 0; y < side; y++) {
                    System.arraycopy(c.cutout(), (ch * side + y) * side, img[y], 0, side);
                }
                channel.setValue(Candidate.CHANNELS[ch]); // in place: the card keeps its place in the header
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
                try (FitsOutputStream out = new FitsOutputStream(new FastGzip(bytes))) {
                    fits.write(out);
                }
                made[ch] = bytes.toByteArray();
            }
            return made;
        } catch (FitsException | IOException e) {
            throw new IllegalStateException("candidate " + c.id() + ": cannot write its cutouts as FITS", e);
        }
    }

    /** gzip at the fastest level: noisy float32 pixels compress little more at higher levels, at several times the cost. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(java.io.OutputStream out) throws IOException {
            super(out, 8192);
            def.setLevel(java.util.zip.Deflater.BEST_SPEED);
        }
    }

    /** The 29 x 29 pixels, row-major, of a gzip-compressed FITS stamp. */
    public static float[] readStamp(byte[] gzipFits) {
        try (Fits fits = new Fits(new GZIPInputStream(new ByteArrayInputStream(gzipFits)))) {
            ImageHDU hdu = (ImageHDU) fits.readHDU();
            float[][] img = (float[][]) hdu.getKernel();
            float[] out = new float[img.length * img[0].length];
            for (int y = 0; y < img.length; y++) {
                System.arraycopy(img[y], 0, out, y * img[0].length, img[0].length);
            }
            return out;
        } catch (FitsException | IOException | ClassCastException e) {
            throw new IllegalArgumentException("not a gzip-compressed FITS cutout: " + e.getMessage(), e);
        }
    }

    /** The alert a record of the schema holds (the inverse of {@link #record}). */
    public static Alert alert(GenericRecord r) {
        int version = (Integer) r.get("schema_version");
        if (version < 1 || version > Alert.SCHEMA_VERSION) {
            throw new IllegalArgumentException("alert " + r.get("alert_id") + ": schema_version " + version + ", this build reads 1 to "
                + Alert.SCHEMA_VERSION);
        }
        GenericRecord c = (GenericRecord) r.get("candidate");
        float[] cutout = null;
        if (r.get("cutout_reference") != null) {
            int n = Candidate.CUTOUT * Candidate.CUTOUT;
            cutout = new float[3 * n];
            for (int ch = 0; ch < 3; ch++) {
                ByteBuffer b = (ByteBuffer) ((GenericRecord) r.get(CUTOUT_FIELDS[ch])).get("stamp_data");
                byte[] bytes = new byte[b.remaining()];
                b.duplicate().get(bytes);
                System.arraycopy(readStamp(bytes), 0, cutout, ch * n, n);
            }
        }
        Candidate cand = new Candidate(str(c.get("candidate_id")), (Integer) c.get("sensor"), (Long) c.get("visit"), (Integer) c.get("field"),
            d(c, "mjd"), d(c, "x") - Alert.pixelOrigin(version), d(c, "y") - Alert.pixelOrigin(version), d(c, "ra"), d(c, "dec"), d(c, "flux"), d(c, "flux_err"), d(c, "snr"), d(c, "mag"),
            d(c, "mag_err"), d(c, "fwhm"), d(c, "elongation"), (Integer) c.get("sign"), (Integer) c.get("flags"), cutout, d(c, "score"),
            str(c.get("model")));
        List<PastDetection> history = new ArrayList<>();
        for (Object o : (List<?>) r.get("history")) {
            GenericRecord h = (GenericRecord) o;
            history.add(new PastDetection(str(h.get("candidate_id")), (Integer) h.get("sensor"), (Long) h.get("visit"), d(h, "mjd"), d(h, "ra"),
                d(h, "dec"), d(h, "flux"), d(h, "flux_err"), d(h, "snr"), d(h, "mag"), d(h, "mag_err"), (Integer) h.get("sign"),
                (Integer) h.get("flags"), d(h, "score")));
        }
        GenericRecord w = (GenericRecord) r.get("window");
        Alert.Window window = w == null ? null
            : new Alert.Window(d(w, "start_mjd"), d(w, "end_mjd"), d(w, "best_mjd"), d(w, "min_airmass"), d(w, "moon_separation_deg"));
        return new Alert(str(r.get("alert_id")), str(r.get("object_id")),
            Alert.State.valueOf(r.get("state").toString().toUpperCase(Locale.ROOT)), str(r.get("kind")), str(r.get("reason")),
            (Integer) r.get("rank"), d(r, "rank_score"), doubles(r.get("score_parts")), doubles(r.get("score_weights")), cand, history,
            window, str(r.get("host")), r.getSchema().getField("late_s") != null && r.get("late_s") != null ? d(r, "late_s") : 0);
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    private static double d(GenericRecord r, String field) {
        return (Double) r.get(field);
    }

    private static Map<String, Double> doubles(Object map) {
        Map<String, Double> m = new LinkedHashMap<>();
        ((Map<?, ?>) map).forEach((k, v) -> m.put(k.toString(), (Double) v));
        return m;
    }

    /** Avro single-object encoding of the alert, for message streams. */
    public static byte[] encode(Alert a) {
        try {
            ByteBuffer b = ENCODER.encode(record(a));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("alert " + a.id() + " cannot be encoded as Avro", e);
        }
    }

    /** The alert of a single-object-encoded message; refuses one written with another schema. */
    public static Alert decode(byte[] message) {
        try {
            return alert(DECODER.decode(message));
        } catch (IOException | AvroRuntimeException e) {
            throw new IllegalArgumentException("not a nightwatch alert message of schema version " + Alert.SCHEMA_VERSION + ": "
                + e.getMessage(), e);
        }
    }

    /** An Avro object container file holding the alert and its schema; written whole, then renamed into place. */
    public static void writeFile(Path file, Alert a) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.write(tmp, containerFile(a));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The bytes of an Avro object container file holding the alert and its schema. */
    public static byte[] containerFile(Alert a) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 << 10);
        try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(SCHEMA))) {
            w.create(SCHEMA, bytes, SYNC);
            w.append(record(a));
        } catch (IOException e) {
            throw new UncheckedIOException("alert " + a.id() + " cannot be written as an Avro file", e);
        }
        return bytes.toByteArray();
    }

    /** The records of an Avro container file, read with the schema it carries. */
    public static List<GenericRecord> readRecords(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            List<GenericRecord> out = new ArrayList<>();
            try (DataFileReader<GenericRecord> r = new DataFileReader<>(new SeekableByteArrayInput(bytes), new GenericDatumReader<>())) {
                r.forEach(out::add);
            }
            return out;
        } catch (IOException | AvroRuntimeException e) {
            throw new IllegalArgumentException(file + ": not an Avro alert file: " + e.getMessage(), e);
        }
    }

    /** A file name for an alert id: characters other than letters, digits, '.', '-' and '_' become '_'. */
    public static String fileSafe(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
