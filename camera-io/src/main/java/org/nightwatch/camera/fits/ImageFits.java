package org.nightwatch.camera.fits;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
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
    private ImageFits() {
    }

    /**
     * @param gain      GAIN (e-/ADU) or NaN when absent; likewise readNoise (RDNOISE), saturate (SATURATE),
     *                  seeing (SEEING, FWHM px); nCombine (NCOMBINE) is 1 when absent
     * @param wcs       the TAN WCS, or null when the header has none
     */
    public record Image(Path file, int width, int height, float[] pixels, double gain, double readNoise, double saturate,
                        int nCombine, double seeing, VisitMetadata.TanWcs wcs, Map<String, String> keywords) {
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
            try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 20);
                 FitsInputStream in = new FitsInputStream(raw)) {
                Header h = header(file, in);
                if (!h.containsKey("SIMPLE")) {
                    throw new FitsFormatException(file, "not a FITS file: no SIMPLE keyword");
                }
                long offset = h.getSize();
                if ((int) FitsKeys.requireLong(h, file, "NAXIS") == 0) {
                    // empty primary: the image is in the first extension
                    h = header(file, in);
                    String x = h.getStringValue("XTENSION");
                    if (x == null || !x.trim().equals("IMAGE")) {
                        throw new FitsFormatException(file, "the primary HDU is empty and the first extension is "
                            + (x == null ? "missing" : x.trim()) + ", not an IMAGE");
                    }
                    offset += h.getSize();
                }
                return image(file, h, in, size - offset);
            }
        } catch (NoSuchFileException e) {
            throw new FitsFormatException(file, "no such file");
        } catch (IOException e) {
            throw new FitsFormatException(file, "cannot read", e);
        }
    }

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

    private static Image image(Path file, Header h, InputStream in, long available) throws IOException {
        int bitpix = (int) FitsKeys.requireLong(h, file, "BITPIX");
        int naxis = (int) FitsKeys.requireLong(h, file, "NAXIS");
        if (naxis < 2) {
            throw new FitsFormatException(file, "NAXIS = " + naxis + ", an image has 2 axes");
        }
        long w = FitsKeys.requireLong(h, file, "NAXIS1");
        long hh = FitsKeys.requireLong(h, file, "NAXIS2");
        if (w <= 0 || hh <= 0) {
            throw new FitsFormatException(file, "empty image (" + w + "x" + hh + ")");
        }
        // in long, before anything is allocated: 46341 x 46341 overflows an int, and a sparse file of 100000 x
        // 100000 once ran for half a minute into 5.6 GB before failing with an index out of bounds
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
        if (width <= 0 || height <= 0) {
            throw new FitsFormatException(file, "empty image (" + width + "x" + height + ")");
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
        double bzero = h.getDoubleValue("BZERO", 0);
        double bscale = h.getDoubleValue("BSCALE", 1);
        boolean hasBlank = h.containsKey("BLANK") && bitpix > 0;
        long blank = h.getLongValue("BLANK", 0);
        float[] px = new float[width * height];
        DataInputStream din = new DataInputStream(in);
        byte[] row = new byte[width * bytes];
        ByteBuffer bb = ByteBuffer.wrap(row).order(ByteOrder.BIG_ENDIAN);
        for (int y = 0; y < height; y++) {
            try {
                din.readFully(row);
            } catch (EOFException e) {
                throw new FitsFormatException(file, "truncated: data ends in row " + (y + 1) + " of " + height);
            }
            bb.clear();
            int base = y * width;
            for (int x = 0; x < width; x++) {
                double v;
                long iv = 0;
                switch (bitpix) {
                    case 8 -> iv = bb.get() & 0xFF;
                    case 16 -> iv = bb.getShort();
                    case 32 -> iv = bb.getInt();
                    default -> { }
                }
                if (bitpix == -32) {
                    v = bb.getFloat();
                } else if (bitpix == -64) {
                    v = bb.getDouble();
                } else {
                    v = hasBlank && iv == blank ? Double.NaN : iv;
                }
                px[base + x] = (float) (bzero + bscale * v);
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
        if (h.containsKey("CTYPE1") && h.getStringValue("CTYPE1").trim().startsWith("RA---TAN")) {
            wcs = FitsKeys.readWcs(h, file);
        }
        return new Image(file, width, height, px, number(h, file, "GAIN"), number(h, file, "RDNOISE"), number(h, file, "SATURATE"),
            (int) Math.max(1, h.getLongValue("NCOMBINE", 1)), number(h, file, "SEEING"), wcs, keys);
    }

    private static double number(Header h, Path file, String key) {
        if (!h.containsKey(key)) {
            return Double.NaN;
        }
        try {
            return h.getDoubleValue(key);
        } catch (RuntimeException e) {
            throw new FitsFormatException(file, key + " = '" + h.getStringValue(key) + "' is not a number");
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

    /** Adds keywords in order: numbers, booleans, and anything else as a string. */
    static void addAll(Header h, Map<String, Object> keywords) throws FitsException {
        for (Map.Entry<String, Object> e : keywords.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Number n) {
                h.addValue(e.getKey(), n, "");
            } else if (v instanceof Boolean b) {
                h.addValue(e.getKey(), b, "");
            } else {
                h.addValue(e.getKey(), String.valueOf(v), "");
            }
        }
    }

    /** Writes {@code h} (from {@link #floatHeader}) and the pixels, big-endian floats padded to a FITS block. */
    static void writeFloat(Path file, Header h, int width, int height, float[] pixels) throws FitsException {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            ByteArrayOutputStream headerBytes = new ByteArrayOutputStream(5760);
            try (FitsOutputStream out = new FitsOutputStream(headerBytes)) {
                h.write(out);
            }
            long dataLength = (long) width * height * 4;
            ByteBuffer data = ByteBuffer.allocate((int) dataLength + FitsUtil.padding(dataLength)).order(ByteOrder.BIG_ENDIAN);
            data.asFloatBuffer().put(pixels, 0, width * height);
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
