package org.nightwatch.camera.fits;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The readers of recorded nights under mutated input: the visit cube (shape, pixels, checksums), any 2-D
 * image (references and calibration frames are read by it) and night.json. Each input is a committed seed
 * from {@code src/test/resources/fuzz/seeds} (written by nightwatch, by astropy, a night.json) with one to
 * six mutations: flipped bits, interesting bytes, truncation, an inserted block, and, aware of the format,
 * a header card or JSON field set to a value no camera writes (0, -1, 2^31, 1E309, NaN, 'oops', a date that
 * is not one), blanked or copied over another.
 *
 * <p>Every input must either read or fail with the project's own {@link FitsFormatException} naming the
 * file: never another exception (an index out of bounds, a NumberFormatException, an OutOfMemoryError),
 * never longer than {@link #HANG} (a hang), and never allocating more than {@link #allocationBound} (a size
 * in a header read before it was checked). An input that broke this once is kept in
 * {@code fuzz/regressions} and read on every run. jqwik prints the failing input's seed and mutations, and
 * shrinks them, when one fails.
 */
class ReadersFuzzTest {
    /** The longest any one input may take before it counts as a hang. */
    static final Duration HANG = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Allocation allowed for reading an input of {@code size} bytes: 16 bytes for each of its bytes and 8 MiB. */
    static long allocationBound(long size) {
        return 16 * size + (8L << 20);
    }

    private static Path work;
    private static final AtomicLong inputs = new AtomicLong();
    private static final AtomicLong refused = new AtomicLong();
    private static long startNanos;

    /** nom-tam-fits logs each damaged header it meets with a stack trace: thousands here. Held: JUL keeps loggers weakly. */
    private static final java.util.logging.Logger FITS_LOG = java.util.logging.Logger.getLogger("nom.tam");

    @BeforeContainer
    static void start() throws IOException {
        FITS_LOG.setLevel(java.util.logging.Level.OFF);
        work = Files.createTempDirectory("nightwatch-fuzz");
        startNanos = System.nanoTime();
    }

    @AfterContainer
    static void report() throws IOException {
        double s = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf(Locale.ROOT, "fuzz: %d inputs in %.1f s (%.0f a second): %d refused naming the file, %d read%n",
            inputs.get(), s, inputs.get() / s, refused.get(), inputs.get() - refused.get());
        try (Stream<Path> w = Files.walk(work)) {
            for (Path p : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ properties

    @Property(tries = 3000)
    void aMutatedFitsFileReadsOrFailsNamingIt(@ForAll("fitsInputs") Input input) {
        check(input);
    }

    @Property(tries = 1500)
    void aMutatedNightJsonReadsOrFailsNamingIt(@ForAll("manifestInputs") Input input) {
        check(input);
    }

    @Example
    void theSeedsReadAndEveryRegressionReadsOrFailsNamingIt() throws IOException {
        for (Path seed : files("seeds")) {
            Kind kind = Kind.of(seed);
            Path f = work.resolve("seed-" + seed.getFileName());
            Files.write(f, Files.readAllBytes(seed));
            kind.read(f); // a seed itself reads cleanly (a small image may be refused as too small to measure: that is its own error)
        }
        for (Path regression : files("regressions")) {
            check(new Input(regression.getFileName().toString(), Kind.of(regression), Files.readAllBytes(regression), List.of()));
        }
    }

    // ----------------------------------------------------------------------------------------- the check

    private static void check(Input input) {
        byte[] bytes = input.bytes();
        Path f = work.resolve("input-" + input.kind().name().toLowerCase(Locale.ROOT) + input.kind().suffix);
        try {
            Files.write(f, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        inputs.incrementAndGet();
        try {
            checkRead(input, f, bytes);
        } catch (RuntimeException | Error e) {
            keep(input, bytes);
            throw e;
        }
    }

    /**
     * Keeps a failing input as {@code target/fuzz-failures/KIND-HASH}, ready to be copied into
     * {@code src/test/resources/fuzz/regressions} once fixed.
     */
    private static void keep(Input input, byte[] bytes) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "fuzz-failures"));
            String name = (input.kind() == Kind.VISIT ? "visit-" : input.kind() == Kind.MANIFEST ? "night-" : "image-")
                + Integer.toHexString(Arrays.hashCode(bytes)) + input.kind().suffix;
            Files.write(dir.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void checkRead(Input input, Path f, byte[] bytes) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTimeoutPreemptively(HANG, () -> {
            long before = threads.getCurrentThreadAllocatedBytes();
            try {
                input.kind().read(f);
            } catch (FitsFormatException e) {
                refused.incrementAndGet();
                assertTrue(e.getMessage().startsWith(f + ": "), "the error names the file: " + e.getMessage());
                assertTrue(e.getMessage().indexOf('\n') < 0, "one line: " + e.getMessage());
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated <= allocationBound(bytes.length), "allocated " + allocated + " bytes reading " + bytes.length);
        }, () -> input + " took longer than " + HANG);
    }

    /** What reads each kind of seed, as a replay or {@code subtract} reads it. */
    enum Kind {
        VISIT(".fits") {
            @Override
            void read(Path f) throws IOException {
                VisitCubeReader reader = new VisitCubeReader(0, 0);
                VisitCubeReader.Shape shape = reader.readShape(f);
                try (FileChannel ch = FileChannel.open(f)) {
                    VisitCubeReader.verify(ch, f, shape, ByteBuffer.allocate(4096));
                    short[] frame = new short[shape.width() * shape.height()];
                    for (int k = 0; k < shape.frames(); k++) {
                        VisitCubeReader.readFrame(ch, f, shape, k, ByteBuffer.allocate((int) shape.frameBytes()), frame);
                    }
                }
                reader.read(f);
            }
        },
        IMAGE(".fits") {
            @Override
            void read(Path f) {
                ImageFits.requireMeasurable(ImageFits.read(f));
            }
        },
        MANIFEST(".json") {
            @Override
            void read(Path f) {
                NightManifest.read(f);
            }
        };

        final String suffix;

        Kind(String suffix) {
            this.suffix = suffix;
        }

        abstract void read(Path f) throws IOException;

        static Kind of(Path file) {
            String n = file.getFileName().toString();
            return n.endsWith(".json") ? MANIFEST : n.startsWith("visit") ? VISIT : IMAGE;
        }
    }

    // ------------------------------------------------------------------------------------------ the inputs

    /** A seed and the mutations applied to it, in order: what jqwik prints for a failing input. */
    record Input(String seed, Kind kind, byte[] original, List<Mutation> mutations) {
        byte[] bytes() {
            byte[] b = original.clone();
            for (Mutation m : mutations) {
                b = m.apply(b);
            }
            return b;
        }

        @Override
        public String toString() {
            return seed + " " + mutations;
        }
    }

    interface Mutation {
        byte[] apply(byte[] b);
    }

    record FlipBit(double at, int bit) implements Mutation {
        public byte[] apply(byte[] b) {
            if (b.length > 0) {
                b[index(at, b.length)] ^= (byte) (1 << bit);
            }
            return b;
        }
    }

    record SetByte(double at, int value) implements Mutation {
        public byte[] apply(byte[] b) {
            if (b.length > 0) {
                b[index(at, b.length)] = (byte) value;
            }
            return b;
        }
    }

    record Truncate(double at) implements Mutation {
        public byte[] apply(byte[] b) {
            return Arrays.copyOf(b, index(at, b.length + 1));
        }
    }

    /** Inserts {@code blocks} FITS blocks of {@code fill} bytes at a block boundary. */
    record InsertBlocks(double at, int blocks, int fill) implements Mutation {
        public byte[] apply(byte[] b) {
            int pos = Math.min(b.length, index(at, b.length / 2880 + 1) * 2880);
            byte[] out = new byte[b.length + blocks * 2880];
            System.arraycopy(b, 0, out, 0, pos);
            Arrays.fill(out, pos, pos + blocks * 2880, (byte) fill);
            System.arraycopy(b, pos, out, pos + blocks * 2880, b.length - pos);
            return out;
        }
    }

    /** Sets the value of the {@code card}-th keyword card (of any header in the file) to {@code value}. */
    record CardValue(int card, String value) implements Mutation {
        public byte[] apply(byte[] b) {
            int at = valueCard(b, card);
            if (at >= 0) {
                byte[] text = String.format("%-70s", String.format("%20s", value)).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(text, 0, b, at + 10, 70);
            }
            return b;
        }
    }

    /** Blanks the {@code card}-th keyword card: the keyword is gone. */
    record BlankCard(int card) implements Mutation {
        public byte[] apply(byte[] b) {
            int at = valueCard(b, card);
            if (at >= 0) {
                Arrays.fill(b, at, at + 80, (byte) ' ');
            }
            return b;
        }
    }

    /** Copies the {@code from}-th keyword card over the {@code to}-th: a keyword twice, another gone, the order changed. */
    record CopyCard(int from, int to) implements Mutation {
        public byte[] apply(byte[] b) {
            int a = valueCard(b, from);
            int c = valueCard(b, to);
            if (a >= 0 && c >= 0) {
                System.arraycopy(b, a, b, c, 80);
            }
            return b;
        }
    }

    /** Sets (or, with a null value, removes) a field of night.json, nested ones included. */
    record JsonField(String path, String value) implements Mutation {
        public byte[] apply(byte[] b) {
            try {
                JsonNode root = JSON.readTree(b);
                if (!(root instanceof ObjectNode o)) {
                    return b;
                }
                String[] parts = path.split("\\.");
                ObjectNode parent = o;
                for (int i = 0; i < parts.length - 1; i++) {
                    if (!(parent.get(parts[i]) instanceof ObjectNode next)) {
                        return b;
                    }
                    parent = next;
                }
                String key = parts[parts.length - 1];
                if (value == null) {
                    parent.remove(key);
                } else {
                    parent.set(key, JSON.readTree(value));
                }
                return JSON.writeValueAsBytes(o);
            } catch (IOException e) {
                return b; // an earlier mutation made it unparseable: nothing to set
            }
        }
    }

    private static int index(double at, int length) {
        return Math.min(length - 1, (int) (at * length));
    }

    /** The offset of the n-th (modulo their count) 80-byte card that has a value ("KEYWORD = "), or -1. */
    static int valueCard(byte[] b, int n) {
        List<Integer> cards = new ArrayList<>();
        for (int at = 0; at + 80 <= b.length; at += 80) {
            if (b[at + 8] == '=' && b[at + 9] == ' ' && b[at] >= 'A' && b[at] <= 'Z') {
                cards.add(at);
            }
        }
        return cards.isEmpty() ? -1 : cards.get(Math.floorMod(n, cards.size()));
    }

    static final String[] CARD_VALUES = {"0", "-1", "1", "2", "3", "8", "16", "-32", "-64", "64", "2147483647", "2147483648",
        "-2147483648", "4294967308", "9223372036854775807", "99999999999999999999", "46341", "100000", "32768", "65536", "1E308",
        "1E309", "-1E-309", "1D2", "NaN", "Inf", "0.0", "-0.0", "95.0", "-91", "1E-12", "T", "F", "'oops'", "''", "'T'",
        "'2026-13-45T25:61:00'", "'RA---SIN'", "'IMAGE'", "'BINTABLE'", "/ a comment"};
    static final int[] BYTES = {0, 0xFF, ' ', '=', '\'', '/', 'E', 'D', '-', '9', '.', 0x7F, 0x80, '\n'};
    static final String[] JSON_FIELDS = {"format_version", "site", "site.name", "site.latitude_deg", "site.longitude_deg",
        "site.height_m", "date", "survey_mode", "frames_per_visit", "frame_rate_hz", "width", "height", "sensors", "simulated", "extra"};
    static final String[] JSON_VALUES = {"0", "-1", "1", "99", "1e9", "2147483648", "9223372036854775808", "1e400", "-0.0", "0.5",
        "\"x\"", "\"\"", "null", "true", "[]", "{}", "[0,0]", "[-1]", "[100]", "[null]", "[\"a\"]", "\"2026-02-30\"", "\"all-sky\"",
        "\"2026-10-15T00:00:00\"", "[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34]"};

    @Provide
    Arbitrary<Input> fitsInputs() {
        Arbitrary<Mutation> m = Arbitraries.oneOf(byteMutations(),
            Combinators.combine(Arbitraries.integers().between(0, 60), Arbitraries.of(CARD_VALUES)).as(CardValue::new),
            Arbitraries.integers().between(0, 60).map(BlankCard::new),
            Combinators.combine(Arbitraries.integers().between(0, 60), Arbitraries.integers().between(0, 60)).as(CopyCard::new));
        return inputs(seeds().stream().filter(p -> Kind.of(p) != Kind.MANIFEST).toList(), m);
    }

    @Provide
    Arbitrary<Input> manifestInputs() {
        Arbitrary<Mutation> field = Combinators.combine(Arbitraries.of(JSON_FIELDS),
            Arbitraries.of(JSON_VALUES).injectNull(0.1)).as(JsonField::new);
        return inputs(seeds().stream().filter(p -> Kind.of(p) == Kind.MANIFEST).toList(),
            Arbitraries.oneOf(field, field, field, byteMutations()));
    }

    private static Arbitrary<Mutation> byteMutations() {
        Arbitrary<Double> at = Arbitraries.doubles().between(0, 1);
        return Arbitraries.oneOf(
            Combinators.combine(at, Arbitraries.integers().between(0, 7)).as(FlipBit::new),
            Combinators.combine(at, Arbitraries.of(Arrays.stream(BYTES).boxed().toList())).as(SetByte::new),
            at.map(Truncate::new),
            Combinators.combine(at, Arbitraries.integers().between(1, 3), Arbitraries.of(0, (int) ' ', 0xFF)).as(InsertBlocks::new));
    }

    private static Arbitrary<Input> inputs(List<Path> seeds, Arbitrary<Mutation> mutation) {
        List<Input> originals = new ArrayList<>();
        for (Path s : seeds) {
            try {
                originals.add(new Input(s.getFileName().toString(), Kind.of(s), Files.readAllBytes(s), List.of()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Combinators.combine(Arbitraries.of(originals), mutation.list().ofMinSize(1).ofMaxSize(6))
            .as((o, ms) -> new Input(o.seed(), o.kind(), o.original(), ms));
    }

    private static List<Path> seeds() {
        return files("seeds");
    }

    private static List<Path> files(String folder) {
        try {
            Path dir = Path.of(ReadersFuzzTest.class.getResource("/fuzz/" + folder).toURI());
            try (Stream<Path> s = Files.list(dir)) {
                List<Path> out = new ArrayList<>();
                for (Iterator<Path> it = s.sorted().iterator(); it.hasNext(); ) {
                    Path p = it.next();
                    if (!p.getFileName().toString().endsWith(".md")) {
                        out.add(p);
                    }
                }
                return out;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
