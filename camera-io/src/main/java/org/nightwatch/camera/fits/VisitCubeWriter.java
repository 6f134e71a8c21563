package org.nightwatch.camera.fits;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import nom.tam.fits.FitsException;
import nom.tam.fits.FitsUtil;
import nom.tam.fits.Header;
import nom.tam.fits.header.Standard;
import nom.tam.util.FitsOutputStream;

/**
 * Writes one sensor-visit as a FITS cube (ARCHITECTURE section 4.2) frame by frame as the frames are
 * read out, so a visit is never held in memory whole: primary HDU, BITPIX=16 with BZERO=32768
 * (unsigned 16-bit), NAXIS3 = frames. If fewer frames arrive than declared, {@link #close()} rewrites
 * NAXIS3 and NFRAMES in place (the header keeps its size) and truncates the data. The header carries the
 * FITS DATASUM and CHECKSUM of what was written, summed as the rows go out, so that a replay can tell a
 * damaged file from a night's sky.
 *
 * <p>The header is formatted by nom-tam-fits; pixel data is streamed big-endian as FITS requires.
 */
public final class VisitCubeWriter implements AutoCloseable {
    static final DateTimeFormatter DATE_OBS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private final Path file;
    private final VisitMetadata meta;
    private final int width;
    private final int height;
    private final int declaredFrames;
    private final FileChannel channel;
    private final ByteBuffer frameBytes;
    private final int headerLength;
    private final java.util.LinkedHashMap<String, Object> extra;
    private short[] rowShorts;
    private byte[] rowBytes;
    private int written;
    private boolean closed;
    /** DATASUM of the frames ended so far, and of each row of the plane being assembled (rows come in any order). */
    private long dataSum;
    private long[] rowSums;

    private VisitCubeWriter(Path file, VisitMetadata meta, int width, int height, int frames, java.util.Map<String, Object> extra)
        throws IOException {
        this.file = file;
        this.extra = new java.util.LinkedHashMap<>(extra);
        this.meta = meta;
        this.width = width;
        this.height = height;
        this.declaredFrames = frames;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
        byte[] header = headerBytes(frames);
        this.headerLength = header.length;
        channel.write(ByteBuffer.wrap(header));
        this.frameBytes = ByteBuffer.allocateDirect(width * height * 2).order(ByteOrder.BIG_ENDIAN);
    }

    /** Creates the file (and its directory) and writes the header for {@code frames} frames. */
    public static VisitCubeWriter create(Path file, VisitMetadata meta, int width, int height, int frames) {
        try {
            return new VisitCubeWriter(file, meta, width, height, frames, java.util.Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create visit file " + file, e);
        }
    }

    /**
     * As {@link #create}, with keywords of the writer's own after the layout's: their values may change
     * ({@link #keyword}) until {@link #close}, which writes them; each must fit on one card (strings of at most
     * 68 characters), so that the header keeps its size.
     */
    public static VisitCubeWriter create(Path file, VisitMetadata meta, int width, int height, int frames,
                                         java.util.Map<String, Object> extraKeywords) {
        try {
            return new VisitCubeWriter(file, meta, width, height, frames, extraKeywords);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create visit file " + file, e);
        }
    }

    /** Sets one of the keywords given at {@link #create(Path, VisitMetadata, int, int, int, java.util.Map) create}. */
    public void keyword(String key, Object value) {
        if (!extra.containsKey(key)) {
            throw new IllegalArgumentException(file + ": keyword " + key + " was not declared when the file was created");
        }
        extra.put(key, value);
    }

    /**
     * Writes rows {@code firstRow ..} of the frame being assembled (the next plane, {@link #framesWritten()}),
     * from little-endian uint16 as the frame transport carries them: frames that arrive as blocks of rows are
     * written as they come, never held whole. {@link #endFrame} moves on to the next plane; rows of a frame
     * that never completes are overwritten by the next.
     */
    public void writeRowsLe(org.agrona.DirectBuffer src, int srcIndex, int firstRow, int rows) {
        if (written >= declaredFrames) {
            throw new IllegalStateException(file + ": all " + declaredFrames + " frames already written");
        }
        if (firstRow < 0 || rows < 0 || firstRow + rows > height) {
            throw new IllegalArgumentException(file + ": rows " + firstRow + "+" + rows + " outside 0.." + (height - 1));
        }
        int n = rows * width;
        if (rowShorts == null || rowShorts.length < n) {
            rowShorts = new short[n];
            rowBytes = new byte[2 * n];
        }
        // bulk copies and one plain loop (the JIT vectorises it) rather than a call per pixel: the ingest thread
        // writes these while it takes every other sensor's frames
        src.getBytes(srcIndex, rowBytes, 0, 2 * n);
        ByteBuffer.wrap(rowBytes, 0, 2 * n).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(rowShorts, 0, n);
        for (int i = 0; i < n; i++) {
            rowShorts[i] ^= (short) 0x8000; // uint16 -> signed with BZERO = 32768
        }
        frameBytes.clear();
        frameBytes.asShortBuffer().put(rowShorts, 0, n);
        long pos = headerLength + ((long) written * height + firstRow) * width * 2;
        if (rowSums == null) {
            rowSums = new long[height];
        }
        for (int r = 0; r < rows; r++) {
            frameBytes.limit((r + 1) * width * 2).position(r * width * 2);
            rowSums[firstRow + r] = DataSum.of(frameBytes, pos - headerLength + (long) r * width * 2);
        }
        frameBytes.limit(2 * n).position(0);
        try {
            while (frameBytes.hasRemaining()) {
                pos += channel.write(frameBytes, pos);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write rows " + firstRow + "+" + rows + " of frame " + written + " to " + file, e);
        }
    }

    /** The frame whose rows {@link #writeRowsLe} wrote is whole: it stays, and the next rows go to the next plane. */
    public void endFrame() {
        if (written >= declaredFrames) {
            throw new IllegalStateException(file + ": all " + declaredFrames + " frames already written");
        }
        if (rowSums != null) {
            for (int r = 0; r < height; r++) {
                dataSum = DataSum.plus(dataSum, rowSums[r]);
            }
            java.util.Arrays.fill(rowSums, 0); // the next plane starts as zeros on disk
        }
        written++;
    }

    /** Appends one frame: {@code height * width} uint16 bit patterns, row-major. */
    public void writeFrame(short[] pixels) {
        if (written >= declaredFrames) {
            throw new IllegalStateException(file + ": all " + declaredFrames + " frames already written");
        }
        if (pixels.length < width * height) {
            throw new IllegalArgumentException(file + ": frame of " + pixels.length + " pixels, expected " + width * height);
        }
        frameBytes.clear();
        int n = width * height;
        for (int i = 0; i < n; i++) {
            frameBytes.putShort((short) (pixels[i] ^ 0x8000)); // uint16 -> signed with BZERO = 32768
        }
        frameBytes.flip();
        dataSum = DataSum.plus(dataSum, DataSum.of(frameBytes, (long) written * width * height * 2));
        try {
            while (frameBytes.hasRemaining()) {
                channel.write(frameBytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write frame " + written + " to " + file, e);
        }
        written++;
    }

    public int framesWritten() {
        return written;
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (written == 0) {
                channel.close();
                Files.deleteIfExists(file);
                return;
            }
            long dataLength = (long) written * width * height * 2;
            // always rewritten: DATASUM and CHECKSUM are known only now
            byte[] header = headerBytes(written);
            if (header.length != headerLength) {
                throw new IllegalStateException("rewritten header changed size");
            }
            channel.write(ByteBuffer.wrap(header), 0);
            channel.truncate(headerLength + dataLength);
            int pad = FitsUtil.padding(dataLength);
            channel.write(ByteBuffer.allocate(pad), headerLength + dataLength);
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot finish visit file " + file, e);
        }
    }

    /** The header for {@code frames} frames, with DATASUM and CHECKSUM of the frames written so far (reserved at creation). */
    private byte[] headerBytes(int frames) {
        try {
            Header h = new Header();
            h.addValue(Standard.SIMPLE, true);
            h.addValue(Standard.BITPIX, 16);
            h.addValue(Standard.NAXIS, 3);
            h.addValue(Standard.NAXISn.n(1), width);
            h.addValue(Standard.NAXISn.n(2), height);
            h.addValue(Standard.NAXISn.n(3), frames);
            h.addValue(Standard.EXTEND, true);
            h.addValue(Standard.BZERO, 32768);
            h.addValue(Standard.BSCALE, 1);
            h.addValue(FitsKeys.SENSOR, meta.sensor(), "sensor index");
            h.addValue(FitsKeys.VISIT, meta.visit(), "visit id");
            h.addValue(FitsKeys.FIELD, meta.field(), "field id");
            h.addValue(FitsKeys.DATE_OBS, DATE_OBS.format(meta.dateObs()), "UTC start of the first frame");
            h.addValue("TIMESYS", "UTC", "");
            h.addValue(FitsKeys.EXPTIME, meta.exptime(), "[s] exposure of each frame");
            h.addValue(FitsKeys.NFRAMES, frames, "frames in this visit");
            h.addValue(FitsKeys.FRAMERAT, meta.frameRate(), "[Hz] frame rate");
            h.addValue(FitsKeys.GAIN, meta.gain(), "[e-/ADU]");
            h.addValue(FitsKeys.RDNOISE, meta.readNoise(), "[e-] read noise");
            h.addValue(FitsKeys.SATURATE, meta.saturate(), "[ADU] saturation level");
            FitsKeys.addWcs(h, meta.wcs());
            h.addValue("ORIGIN", "nightwatch", "");
            for (java.util.Map.Entry<String, Object> e : extra.entrySet()) {
                if (e.getValue() instanceof String str && str.length() > 68) {
                    throw new IllegalArgumentException(file + ": " + e.getKey() + " is longer than one card holds");
                }
            }
            ImageFits.addAll(h, extra);
            nom.tam.fits.utilities.FitsCheckSum.setDatasum(h, dataSum);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(2880 * 2);
            try (FitsOutputStream out = new FitsOutputStream(bytes)) {
                h.write(out);
            }
            return bytes.toByteArray();
        } catch (FitsException | IOException e) {
            throw new IllegalStateException("cannot format the header of " + file, e);
        }
    }
}
