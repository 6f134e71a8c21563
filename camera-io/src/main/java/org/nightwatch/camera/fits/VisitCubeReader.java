package org.nightwatch.camera.fits;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import nom.tam.fits.Header;
import nom.tam.fits.TruncatedFileException;
import nom.tam.util.FitsInputStream;

/**
 * Reads a visit file of the recorded-night layout, whoever wrote it (the recorder, astropy, cfitsio).
 * Every problem is a {@link FitsFormatException} naming the file: not FITS, truncated, wrong BITPIX or
 * BZERO, wrong dimensions, a missing keyword.
 */
public final class VisitCubeReader {
    private final int expectedWidth;
    private final int expectedHeight;

    /** @param expectedWidth expected NAXIS1, or 0 to accept any; likewise height */
    public VisitCubeReader(int expectedWidth, int expectedHeight) {
        this.expectedWidth = expectedWidth;
        this.expectedHeight = expectedHeight;
    }

    /**
     * The metadata and shape of a visit file, checked as {@link #read} checks them (including that the
     * file is long enough for its data), without reading the pixels.
     */
    public Shape readShape(Path file) {
        long fileSize = size(file);
        try (InputStream raw = Files.newInputStream(file); FitsInputStream in = new FitsInputStream(raw)) {
            return shape(file, in, fileSize);
        } catch (IOException e) {
            throw new FitsFormatException(file, "cannot read", e);
        }
    }

    /** Every keyword of a visit file's header, values as written (strings unquoted), without reading the pixels. */
    public static java.util.Map<String, String> readKeywords(Path file) {
        InputFiles.regularSize(file);
        try (InputStream raw = Files.newInputStream(file); FitsInputStream in = new FitsInputStream(raw)) {
            Header h = new Header(in);
            java.util.Map<String, String> k = new java.util.LinkedHashMap<>();
            for (var it = h.iterator(); it.hasNext(); ) {
                var card = it.next();
                if (card.getKey() != null && card.getValue() != null) {
                    k.put(card.getKey(), card.getValue());
                }
            }
            return k;
        } catch (IOException e) {
            throw new FitsFormatException(file, "cannot read its header", e);
        }
    }

    /**
     * A visit file's metadata and dimensions.
     *
     * @param dataOffset bytes from the start of the file to the first pixel (the header's length)
     */
    public record Shape(VisitMetadata meta, int width, int height, int frames, long dataOffset, Checksums checksums) {
        public long frameBytes() {
            return (long) width * height * 2;
        }
    }

    /**
     * The FITS checksum keywords of a file, as written (null when absent).
     *
     * @param datasum  DATASUM, the data's sum as an unsigned decimal
     * @param checksum CHECKSUM, the 16-character encoding that makes the whole HDU sum to -0
     */
    public record Checksums(String datasum, String checksum) {
        public boolean present() {
            return datasum != null || checksum != null;
        }
    }

    /**
     * Verifies a visit file against its DATASUM and CHECKSUM by reading it through {@code ch} (the data
     * then sits in the page cache for the frames' reads); a file without them passes unverified. Returns
     * false when it has none; a mismatch is a {@link FitsFormatException} naming the file and the keyword.
     */
    public static boolean verify(java.nio.channels.FileChannel ch, Path file, Shape shape, java.nio.ByteBuffer scratch) {
        Checksums c = shape.checksums();
        if (!c.present()) {
            return false;
        }
        try {
            java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate((int) shape.dataOffset());
            readFully(ch, file, header, 0);
            long headerSum = nom.tam.fits.utilities.FitsCheckSum.checksum(header.flip());
            long dataLength = shape.frameBytes() * shape.frames();
            long padded = dataLength + nom.tam.fits.FitsUtil.padding(dataLength);
            long end = Math.min(padded, ch.size() - shape.dataOffset());
            long sum = 0;
            for (long at = 0; at < end; ) {
                int n = (int) Math.min(scratch.capacity() & ~3, end - at);
                scratch.clear().limit(n);
                readFully(ch, file, scratch, shape.dataOffset() + at);
                sum = DataSum.plus(sum, DataSum.of(scratch.flip(), at));
                at += n;
            }
            DataSum.check(file, c.datasum(), c.checksum(), headerSum, sum);
            return true;
        } catch (IOException e) {
            throw new FitsFormatException(file, "cannot read", e);
        }
    }

    private static void readFully(java.nio.channels.FileChannel ch, Path file, java.nio.ByteBuffer into, long pos) throws IOException {
        while (into.hasRemaining()) {
            if (ch.read(into, pos + into.position()) < 0) {
                throw new FitsFormatException(file, "truncated");
            }
        }
    }

    /**
     * Reads frame {@code k} of a visit file whose {@link #readShape shape} is known into {@code into}
     * (uint16 bit patterns), without reading the rest: a replay of many sensors holds one frame per sensor,
     * not whole cubes.
     */
    public static void readFrame(java.nio.channels.FileChannel ch, Path file, Shape shape, int k, java.nio.ByteBuffer scratch, short[] into) {
        if (k < 0 || k >= shape.frames()) {
            throw new FitsFormatException(file, "no frame " + k + " (it has " + shape.frames() + ")");
        }
        scratch.clear().limit((int) shape.frameBytes());
        long pos = shape.dataOffset() + k * shape.frameBytes();
        try {
            while (scratch.hasRemaining()) {
                int n = ch.read(scratch, pos + scratch.position());
                if (n < 0) {
                    throw new FitsFormatException(file, "truncated: data ends in frame " + k);
                }
            }
        } catch (IOException e) {
            throw new FitsFormatException(file, "cannot read frame " + k, e);
        }
        scratch.flip();
        java.nio.ShortBuffer sb = scratch.order(java.nio.ByteOrder.BIG_ENDIAN).asShortBuffer();
        sb.get(into, 0, shape.width() * shape.height());
        for (int i = 0; i < into.length; i++) {
            into[i] ^= (short) 0x8000; // stored signed with BZERO = 32768 -> uint16 bit pattern
        }
    }

    public VisitCube read(Path file) {
        long fileSize = size(file);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 20);
             FitsInputStream in = new FitsInputStream(raw)) {
            Shape sh = shape(file, in, fileSize);
            int width = sh.width();
            int height = sh.height();
            int frames = sh.frames();
            VisitMetadata meta = sh.meta();
            short[][] data = new short[frames][width * height];
            for (short[] frame : data) {
                int got = 0;
                while (got < frame.length) {
                    int n = in.read(frame, got, frame.length - got);
                    if (n <= 0) {
                        throw new FitsFormatException(file, "truncated: data ends early");
                    }
                    got += n;
                }
                for (int i = 0; i < frame.length; i++) {
                    frame[i] ^= (short) 0x8000; // stored signed with BZERO = 32768 -> uint16 bit pattern
                }
            }
            return new VisitCube(meta, width, height, data);
        } catch (IOException e) {
            throw new FitsFormatException(file, "cannot read", e);
        }
    }

    private static long size(Path file) {
        return InputFiles.regularSize(file);
    }

    private Shape shape(Path file, FitsInputStream in, long fileSize) throws IOException {
        Header h;
        try {
            h = new Header(in);
        } catch (TruncatedFileException e) {
            throw new FitsFormatException(file, "truncated or not a FITS file: no complete header", e);
        } catch (IOException e) {
            throw new FitsFormatException(file, "not a FITS file: no FITS header (" + e.getMessage() + ")", e);
        }
        if (h.getNumberOfCards() == 0 || !h.containsKey("SIMPLE")) {
            throw new FitsFormatException(file, "not a FITS file: no SIMPLE keyword");
        }
        int bitpix = (int) FitsKeys.requireLong(h, file, "BITPIX");
        int naxis = (int) FitsKeys.requireLong(h, file, "NAXIS");
        if (bitpix != 16) {
            throw new FitsFormatException(file, "BITPIX = " + bitpix + ", a visit file is 16 (unsigned through BZERO)");
        }
        if (naxis != 3 && naxis != 2) {
            throw new FitsFormatException(file, "NAXIS = " + naxis + ", a visit file is a cube (NAXIS = 3)");
        }
        // in range before any int: NAXIS3 = 2^32 + 12 once read as 12
        int width = (int) FitsKeys.requireLong(h, file, "NAXIS1", 1, Integer.MAX_VALUE);
        int height = (int) FitsKeys.requireLong(h, file, "NAXIS2", 1, Integer.MAX_VALUE);
        int frames = naxis == 3 ? (int) FitsKeys.requireLong(h, file, "NAXIS3", 1, NightManifest.MAX_FRAMES_PER_VISIT) : 1;
        if ((long) width * height > ImageFits.maxPixels()) {
            throw new FitsFormatException(file, "frames of " + width + "x" + height + " pixels, more than this job can hold");
        }
        if ((expectedWidth > 0 && width != expectedWidth) || (expectedHeight > 0 && height != expectedHeight)) {
            throw new FitsFormatException(file, "frames are " + width + "x" + height + ", the sensor has "
                + expectedWidth + "x" + expectedHeight);
        }
        double bzero = FitsKeys.optionalDouble(h, file, "BZERO", 0);
        double bscale = FitsKeys.optionalDouble(h, file, "BSCALE", 1);
        if (bzero != 32768 || bscale != 1) {
            throw new FitsFormatException(file, "BZERO = " + bzero + ", BSCALE = " + bscale
                + ": unsigned 16-bit needs BZERO = 32768, BSCALE = 1");
        }
        long nframesKey = FitsKeys.requireLong(h, file, FitsKeys.NFRAMES);
        if (nframesKey != frames) {
            throw new FitsFormatException(file, "NFRAMES = " + nframesKey + " but NAXIS3 = " + frames);
        }
        VisitMetadata meta = new VisitMetadata(
            (int) FitsKeys.requireLong(h, file, FitsKeys.SENSOR),
            FitsKeys.requireLong(h, file, FitsKeys.VISIT),
            h.containsKey(FitsKeys.FIELD) ? FitsKeys.requireLong(h, file, FitsKeys.FIELD) : -1,
            parseDate(file, FitsKeys.require(h, file, FitsKeys.DATE_OBS).getValue()),
            FitsKeys.requireDouble(h, file, FitsKeys.EXPTIME),
            FitsKeys.requireDouble(h, file, FitsKeys.FRAMERAT),
            FitsKeys.optionalPositive(h, file, FitsKeys.GAIN, false),
            FitsKeys.optionalPositive(h, file, FitsKeys.RDNOISE, true),
            FitsKeys.optionalPositive(h, file, FitsKeys.SATURATE, false),
            FitsKeys.readWcs(h, file));
        long need = h.getSize() + (long) width * height * frames * 2;
        if (fileSize < need) {
            throw new FitsFormatException(file, "truncated: " + fileSize + " bytes, header and data need " + need);
        }
        return new Shape(meta, width, height, frames, h.getSize(), new Checksums(FitsKeys.rawValue(h, "DATASUM"),
            FitsKeys.rawValue(h, "CHECKSUM")));
    }

    private static Instant parseDate(Path file, String text) {
        String t = text.trim();
        try {
            return t.endsWith("Z") ? Instant.parse(t) : LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new FitsFormatException(file, "DATE-OBS = '" + t + "' is not an ISO-8601 UTC time");
        }
    }
}
