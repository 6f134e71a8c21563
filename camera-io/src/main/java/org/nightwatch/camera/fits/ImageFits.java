package org.nightwatch.camera.fits;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import nom.tam.fits.FitsException;
import nom.tam.fits.FitsUtil;
import nom.tam.fits.Header;
import nom.tam.fits.TruncatedFileException;
import nom.tam.fits.header.Standard;
import nom.tam.util.FitsInputStream;
import nom.tam.util.FitsOutputStream;

/**
 * Any 2-D FITS image, as users bring them to {@code nightwatch subtract} and as references are stored:
 * BITPIX 8, 16, 32, -32 or -64, BZERO/BSCALE applied, BLANK and non-finite values as NaN, in the primary
 * HDU or (when the primary is empty, as astropy often writes) the first IMAGE extension. The photometric
 * keywords GAIN, RDNOISE, SATURATE, NCOMBINE and SEEING and a TAN WCS are read when present. Problems are
 * {@link FitsFormatException}s naming the file and the keyword.
 */
public final class ImageFits {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private ImageFits() {
    }

    /**
     * @param gain      GAIN (e-/ADU) or NaN when absent; likewise readNoise (RDNOISE), saturate (SATURATE),
     *                  seeing (SEEING, FWHM px); nCombine (NCOMBINE) is 1 when absent
     * @param wcs       the TAN WCS, or null when the header has none
     * @param dataSum   the FITS checksum of the data as read (without padding), for DATASUM
     */
    public record Image(Path file, int width, int height, float[] pixels, double gain, double readNoise, double saturate,
                        int nCombine, double seeing, VisitMetadata.TanWcs wcs, Map<String, String> keywords, long dataSum) {
    }

    /** Bytes of heap a pixel of an image costs through difference imaging (its planes: images, variances, masks, work). */
    static final long BYTES_PER_PIXEL = 160;

    /** The largest image, in pixels, that this JVM's heap holds through difference imaging (and a Java array can hold). */
    public static long maxPixels() {
        return Math.min(Integer.MAX_VALUE - 8L, Runtime.getRuntime().maxMemory() / BYTES_PER_PIXEL);
    }

    public static Image read(Path file) {
        try {
            long size = InputFiles.regularSize(file);
            // the headers through nom-tam-fits from a small buffer; the data unit by positioned reads of the channel in
            // large pieces (through a 1 MiB stream buffer and a row at a time, a reference took three times as long)
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                 InputStream raw = new BufferedInputStream(java.nio.channels.Channels.newInputStream(ch), HEADER_BUFFER);
                 FitsInputStream in = new FitsInputStream(raw, HEADER_BUFFER)) {
                byte[] first = new byte[9];
                raw.mark(first.length);
                int got = raw.readNBytes(first, 0, first.length);
                raw.reset();
                if (got < first.length || !new String(first, java.nio.charset.StandardCharsets.US_ASCII).equals("SIMPLE  =")) {
                    throw new FitsFormatException(file, got == 0 ? "an empty file, not a FITS image"
                        : "not a FITS file: it does not begin with the card SIMPLE = T");
                }
                Header h = header(file, in);
                long offset = h.getSize();
                long hduStart = 0;
                if ((int) FitsKeys.requireLong(h, file, "NAXIS") == 0) {
                    hduStart = offset;
                    // empty primary: the image is in the first extension
                    h = header(file, in);
                    String x = h.getStringValue("XTENSION");
                    if (x == null || !x.trim().equals("IMAGE")) {
                        throw new FitsFormatException(file, "the primary HDU is empty and the first extension is "
                            + (x == null ? "missing" : x.trim()) + ", not an IMAGE");
                    }
                    offset += h.getSize();
                }
                Image im = image(file, h, ch, offset, size - offset);
                verify(file, h, ch, hduStart, offset - hduStart, im);
                return im;
            }
        } catch (NoSuchFileException e) {
            throw new FitsFormatException(file, "no such file");
        } catch (IOException e) {
            throw new FitsFormatException(file, "cannot read", e);
        }
    }

    /** The stream buffer the headers are parsed from: a few header blocks. */
    private static final int HEADER_BUFFER = 16 * 2880;
    /** The piece of a data unit read at a time, per reading thread, outside the heap (the channel reads into it directly). */
    private static final int DATA_PIECE = 1 << 20;
    private static final ThreadLocal<ByteBuffer> PIECE = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(DATA_PIECE));

    private static Header header(Path file, FitsInputStream in) {
        try {
            Header h = new Header(in);
            if (h.getNumberOfCards() == 0) {
                throw new FitsFormatException(file, "truncated or not a FITS file: no header");
            }
            return h;
        } catch (TruncatedFileException e) {
            throw new FitsFormatException(file, "truncated or not a FITS file: no complete header", e);
        } catch (IOException e) {
            throw new FitsFormatException(file, "cannot read the header", e);
        }
    }

    private static Image image(Path file, Header h, FileChannel ch, long dataStart, long available) throws IOException {
        int bitpix = (int) FitsKeys.requireLong(h, file, "BITPIX");
        int naxis = (int) FitsKeys.requireLong(h, file, "NAXIS");
        if (naxis < 2) {
            throw new FitsFormatException(file, "NAXIS = " + naxis + ", an image has 2 axes");
        }
        // each side in range first, so that their product cannot overflow a long (NAXIS1 = 2^63 - 1 once did, and
        // passed the size check negative); then the product in long, before anything is allocated: 46341 x 46341
        // overflows an int, and a sparse file of 100000 x 100000 once ran for half a minute into 5.6 GB
        long w = FitsKeys.requireLong(h, file, "NAXIS1", 1, Integer.MAX_VALUE);
        long hh = FitsKeys.requireLong(h, file, "NAXIS2", 1, Integer.MAX_VALUE);
        long most = maxPixels();
        if (w * hh > most) {
            throw new FitsFormatException(file, "NAXIS1 x NAXIS2 = " + w + " x " + hh + " = " + w * hh + " pixels, more than this job can hold ("
                + most + " with a heap of " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB, at about " + BYTES_PER_PIXEL
                + " bytes a pixel through difference imaging; NIGHTWATCH_HEAP sets the heap)");
        }
        int width = (int) w;
        int height = (int) hh;
        for (int a = 3; a <= naxis; a++) {
            long n = FitsKeys.requireLong(h, file, "NAXIS" + a);
            if (n != 1) {
                throw new FitsFormatException(file, "NAXIS" + a + " = " + n + ": a cube, not a 2-D image (stack it first)");
            }
        }
        int bytes = switch (bitpix) {
            case 8 -> 1;
            case 16 -> 2;
            case 32, -32 -> 4;
            case -64 -> 8;
            default -> throw new FitsFormatException(file, "BITPIX = " + bitpix + " is not an image type this reader knows (8, 16, 32, -32, -64)");
        };
        long need = (long) width * height * bytes;
        if (available < need) {
            throw new FitsFormatException(file, "truncated: the image needs " + need + " bytes of data, the file has " + Math.max(0, available));
        }
        double bzero = FitsKeys.optionalDouble(h, file, "BZERO", 0);
        double bscale = FitsKeys.optionalDouble(h, file, "BSCALE", 1);
        if (bscale == 0) {
            throw new FitsFormatException(file, "keyword BSCALE = 0: every pixel would read as BZERO");
        }
        boolean hasBlank = h.containsKey("BLANK") && bitpix > 0;
        long blank = hasBlank ? FitsKeys.requireLong(h, file, "BLANK") : 0;
        float[] px = new float[width * height];
        int rowBytes = width * bytes;
        // whole rows a piece, a multiple of 4 of them so that every piece but the last starts on a checksum word
        int rows = Math.max(1, DATA_PIECE / rowBytes);
        rows = rows >= 4 ? rows & ~3 : rows;
        ByteBuffer piece = (long) rows * rowBytes <= DATA_PIECE ? PIECE.get() : ByteBuffer.allocateDirect(rowBytes);
        piece.order(ByteOrder.BIG_ENDIAN);
        long dataSum = 0;
        for (int y = 0; y < height; y += rows) {
            int n = Math.min(rows, height - y);
            piece.clear().limit(n * rowBytes);
            long at = dataStart + (long) y * rowBytes;
            while (piece.hasRemaining()) {
                if (ch.read(piece, at + piece.position()) < 0) {
                    throw new FitsFormatException(file, "truncated: data ends in row " + (y + piece.position() / rowBytes + 1) + " of " + height);
                }
            }
            piece.flip();
            dataSum = DataSum.plus(dataSum, DataSum.of(piece, (long) y * rowBytes));
            for (int k = 0; k < n; k++) {
                piece.position(k * rowBytes);
                decodeRow(piece, bitpix, bzero, bscale, hasBlank, blank, px, (y + k) * width, width);
            }
        }
        Map<String, String> keys = new LinkedHashMap<>();
        for (var it = h.iterator(); it.hasNext();) {
            var card = it.next();
            if (card.getKey() != null && card.getValue() != null) {
                keys.put(card.getKey(), card.getValue());
            }
        }
        VisitMetadata.TanWcs wcs = null;
        String ctype1 = FitsKeys.rawValue(h, "CTYPE1");
        if (ctype1 != null && ctype1.trim().startsWith("RA---TAN")) {
            wcs = FitsKeys.readWcs(h, file);
        }
        long nCombine = h.containsKey(FitsKeys.NCOMBINE) ? FitsKeys.requireLong(h, file, FitsKeys.NCOMBINE) : 1;
        if (nCombine < 1 || nCombine > 1_000_000) {
            throw new FitsFormatException(file, "keyword NCOMBINE = " + nCombine + ": the number of frames combined is at least 1");
        }
        // GAIN = 0, -2 or 'fast' were once all reported as "has no GAIN": a wrong value is an error, only an absent one a default
        return new Image(file, width, height, px, FitsKeys.optionalPositive(h, file, FitsKeys.GAIN, false),
            FitsKeys.optionalPositive(h, file, FitsKeys.RDNOISE, true), FitsKeys.optionalPositive(h, file, FitsKeys.SATURATE, false),
            (int) nCombine, FitsKeys.optionalPositive(h, file, "SEEING", false), wcs, keys, dataSum);
    }

    /**
     * One row of big-endian data into floats: {@code BZERO + BSCALE * value}, NaN for BLANK. The common
     * cases go through the buffer's bulk views (one call a row, not one a pixel; a 2000 x 1128 reference
     * read in about a third of the time).
     */
    private static void decodeRow(ByteBuffer bb, int bitpix, double bzero, double bscale, boolean hasBlank, long blank, float[] px,
                                  int base, int width) {
        boolean identity = bzero == 0 && bscale == 1;
        if (bitpix == -32) {
            bb.asFloatBuffer().get(px, base, width);
            if (!identity) {
                for (int x = 0; x < width; x++) {
                    px[base + x] = (float) (bzero + bscale * px[base + x]);
                }
            }
            return;
        }
        if (bitpix == 16 && !hasBlank) {
            // unsigned 16-bit camera data is BZERO = 32768 over signed shorts: exact in float either way
            java.nio.ShortBuffer sb = bb.asShortBuffer();
            for (int x = 0; x < width; x++) {
                px[base + x] = (float) (bzero + bscale * sb.get(x));
            }
            return;
        }
        for (int x = 0; x < width; x++) {
            double v;
            long iv = 0;
            switch (bitpix) {
                case 8 -> iv = bb.get() & 0xFF;
                case 16 -> iv = bb.getShort();
                case 32 -> iv = bb.getInt();
                default -> { }
            }
            if (bitpix == -64) {
                v = bb.getDouble();
            } else {
                v = hasBlank && iv == blank ? Double.NaN : iv;
            }
            px[base + x] = (float) (bzero + bscale * v);
        }
    }

    /**
     * Checks the image against its DATASUM and CHECKSUM when its header has them (the padding after the
     * data is zeros, as the standard has it, or its bytes are read too): a damaged reference or calibration
     * frame is refused, naming the file.
     */
    private static void verify(Path file, Header h, FileChannel ch, long hduStart, long headerLength, Image im) throws IOException {
        String datasum = FitsKeys.rawValue(h, "DATASUM");
        String checksum = FitsKeys.rawValue(h, "CHECKSUM");
        if (datasum == null && checksum == null) {
            return;
        }
        long dataLength = (long) im.width() * im.height() * Math.abs((int) FitsKeys.requireLong(h, file, "BITPIX")) / 8;
        long sum = im.dataSum();
        int pad = FitsUtil.padding(dataLength);
        long padAt = hduStart + headerLength + dataLength;
        if (pad > 0 && ch.size() > padAt) {
            ByteBuffer p = ByteBuffer.allocate((int) Math.min(pad, ch.size() - padAt));
            while (p.hasRemaining() && ch.read(p, padAt + p.position()) >= 0) {
                // read the padding
            }
            sum = DataSum.plus(sum, DataSum.of(p.flip(), dataLength));
        }
        long headerSum = 0;
        if (checksum != null) {
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            while (header.hasRemaining() && ch.read(header, hduStart + header.position()) >= 0) {
                // read the header as written
            }
            headerSum = DataSum.of(header.flip(), 0);
        }
        DataSum.check(file, datasum, checksum, headerSum, sum);
    }

    /** The smallest side, px, of an image difference imaging can work on: a star stamp, a kernel and a background cell fit in it. */
    public static final int MIN_SIDE = 64;

    /**
     * Refuses an image that difference imaging cannot measure, naming the file and what is wrong with it: too
     * small, no or few finite pixels, constant, or clipped (a quarter of its pixels at its minimum or maximum,
     * as an 8-bit conversion or a zeroed frame leaves it). Each of these once ran the whole pipeline to 40
     * negative "detections" or an error about the output file instead of the input.
     */
    public static void requireMeasurable(Image im) {
        Path file = im.file();
        if (im.width() < MIN_SIDE || im.height() < MIN_SIDE) {
            throw new FitsFormatException(file, "the image is " + im.width() + "x" + im.height() + " px; difference imaging needs at least "
                + MIN_SIDE + "x" + MIN_SIDE);
        }
        float[] px = im.pixels();
        long finite = 0;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        // a vector at a time (a reference is read at most visits of a survey night: this ran at a tenth of its read)
        FloatVector lo = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
        FloatVector hi = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (int bound = F.loopBound(px.length); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, px, i);
            VectorMask<Float> ok = v.test(VectorOperators.IS_FINITE);
            finite += ok.trueCount();
            lo = lo.lanewise(VectorOperators.MIN, v, ok);
            hi = hi.lanewise(VectorOperators.MAX, v, ok);
        }
        min = lo.reduceLanes(VectorOperators.MIN);
        max = hi.reduceLanes(VectorOperators.MAX);
        for (; i < px.length; i++) {
            float v = px[i];
            if (Float.isFinite(v)) {
                finite++;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (finite == 0) {
            throw new FitsFormatException(file, "no pixel has a finite value (all NaN, infinite or BLANK)");
        }
        if (finite * 2 < px.length) {
            throw new FitsFormatException(file, String.format(java.util.Locale.ROOT,
                "only %.1f%% of the pixels have a finite value (the rest NaN, infinite or BLANK)", 100.0 * finite / px.length));
        }
        if (min == max) {
            throw new FitsFormatException(file, "every pixel is " + min + ": a constant image has no sky to measure");
        }
        long atMin = 0;
        long atMax = 0;
        i = 0;
        for (int bound = F.loopBound(px.length); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, px, i);
            atMin += v.compare(VectorOperators.EQ, min).trueCount();
            atMax += v.compare(VectorOperators.EQ, max).trueCount();
        }
        for (; i < px.length; i++) {
            float v = px[i];
            if (v == min) {
                atMin++;
            } else if (v == max) {
                atMax++;
            }
        }
        long most = Math.max(atMin, atMax);
        if (most * 4 > finite) {
            throw new FitsFormatException(file, String.format(java.util.Locale.ROOT,
                "%.1f%% of the pixels sit at the image's %s, %s: the image is clipped, and its sky's noise cannot be measured",
                100.0 * most / finite, atMax >= atMin ? "maximum" : "minimum", atMax >= atMin ? max : min));
        }
    }

    /**
     * Writes a BITPIX = -32 image with the given keywords (numbers, booleans, strings, in order) and an
     * optional TAN WCS.
     */
    public static void write(Path file, int width, int height, float[] pixels, Map<String, Object> keywords, VisitMetadata.TanWcs wcs) {
        try {
            Header h = floatHeader(width, height);
            addAll(h, keywords);
            if (wcs != null) {
                FitsKeys.addWcs(h, wcs);
            }
            writeFloat(file, h, width, height, pixels);
        } catch (FitsException e) {
            throw new IllegalStateException("cannot format the header of " + file, e);
        }
    }

    /** A header with the mandatory cards of a BITPIX = -32 2-D image, for callers to add their keywords to. */
    static Header floatHeader(int width, int height) throws FitsException {
        Header h = new Header();
        h.addValue(Standard.SIMPLE, true);
        h.addValue(Standard.BITPIX, -32);
        h.addValue(Standard.NAXIS, 2);
        h.addValue(Standard.NAXISn.n(1), width);
        h.addValue(Standard.NAXISn.n(2), height);
        return h;
    }

    /** Adds keywords in order: numbers (not finite ones: FITS cannot say NaN), booleans, and anything else but null as a string. */
    static void addAll(Header h, Map<String, Object> keywords) throws FitsException {
        for (Map.Entry<String, Object> e : keywords.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Number n) {
                if (Double.isFinite(n.doubleValue())) { // FITS has no NaN: a value not measured is left out
                    h.addValue(e.getKey(), n, "");
                }
            } else if (v instanceof Boolean b) {
                h.addValue(e.getKey(), b, "");
            } else if (v != null) {
                h.addValue(e.getKey(), String.valueOf(v), "");
            }
        }
    }

    /**
     * Writes {@code h} (from {@link #floatHeader}) with the data's DATASUM and the HDU's CHECKSUM, and the
     * pixels, big-endian floats padded to a FITS block.
     */
    static void writeFloat(Path file, Header h, int width, int height, float[] pixels) throws FitsException {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            long dataLength = (long) width * height * 4;
            ByteBuffer data = ByteBuffer.allocate((int) dataLength + FitsUtil.padding(dataLength)).order(ByteOrder.BIG_ENDIAN);
            data.asFloatBuffer().put(pixels, 0, width * height);
            nom.tam.fits.utilities.FitsCheckSum.setDatasum(h, DataSum.of(data, 0));
            ByteArrayOutputStream headerBytes = new ByteArrayOutputStream(5760);
            try (FitsOutputStream out = new FitsOutputStream(headerBytes)) {
                h.write(out);
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(headerBytes.toByteArray()));
                while (data.hasRemaining()) {
                    ch.write(data);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Keywords in writing order, for {@link #write}. */
    public static Map<String, Object> keywords(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

}
