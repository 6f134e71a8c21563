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
 * NAXIS3 and NFRAMES in place (the header keeps its size) and truncates the data.
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
    private int written;
    private boolean closed;

    private VisitCubeWriter(Path file, VisitMetadata meta, int width, int height, int frames) throws IOException {
        this.file = file;
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
            return new VisitCubeWriter(file, meta, width, height, frames);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create visit file " + file, e);
        }
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
            if (written < declaredFrames) {
                byte[] header = headerBytes(written);
                if (header.length != headerLength) {
                    throw new IllegalStateException("rewritten header changed size");
                }
                channel.write(ByteBuffer.wrap(header), 0);
                channel.truncate(headerLength + dataLength);
            }
            int pad = FitsUtil.padding(dataLength);
            channel.write(ByteBuffer.allocate(pad), headerLength + dataLength);
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot finish visit file " + file, e);
        }
    }

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
