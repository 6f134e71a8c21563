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
import java.util.Map;
import nom.tam.fits.FitsException;
import nom.tam.fits.FitsUtil;
import nom.tam.fits.Header;
import nom.tam.fits.header.Standard;
import nom.tam.util.FitsOutputStream;

/** Writes a stacked visit (mean ADU per frame) as a BITPIX=-32 image with the visit's keywords. */
public final class StackFitsWriter {
    private StackFitsWriter() {
    }

    /**
     * @param image  height * width floats, row-major
     * @param extra  further keywords (NCOMBINE, flags), written in order
     */
    public static void write(Path file, VisitMetadata meta, int width, int height, float[] image, Map<String, Object> extra) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Header h = new Header();
            h.addValue(Standard.SIMPLE, true);
            h.addValue(Standard.BITPIX, -32);
            h.addValue(Standard.NAXIS, 2);
            h.addValue(Standard.NAXISn.n(1), width);
            h.addValue(Standard.NAXISn.n(2), height);
            h.addValue(FitsKeys.SENSOR, meta.sensor(), "sensor index");
            h.addValue(FitsKeys.VISIT, meta.visit(), "visit id");
            h.addValue(FitsKeys.FIELD, meta.field(), "field id");
            h.addValue(FitsKeys.DATE_OBS, VisitCubeWriter.DATE_OBS.format(meta.dateObs()), "UTC start of the first frame");
            h.addValue(FitsKeys.EXPTIME, meta.exptime(), "[s] exposure of each frame");
            h.addValue(FitsKeys.GAIN, meta.gain(), "[e-/ADU]");
            h.addValue(FitsKeys.RDNOISE, meta.readNoise(), "[e-] read noise of one frame");
            h.addValue(FitsKeys.SATURATE, meta.saturate(), "[ADU] saturation of one frame");
            h.addValue("BUNIT", "adu/frame", "mean of the stacked frames");
            FitsKeys.addWcs(h, meta.wcs());
            for (Map.Entry<String, Object> e : extra.entrySet()) {
                Object v = e.getValue();
                if (v instanceof Number n) {
                    h.addValue(e.getKey(), n, "");
                } else if (v instanceof Boolean b) {
                    h.addValue(e.getKey(), b, "");
                } else {
                    h.addValue(e.getKey(), String.valueOf(v), "");
                }
            }
            ByteArrayOutputStream headerBytes = new ByteArrayOutputStream(5760);
            try (FitsOutputStream out = new FitsOutputStream(headerBytes)) {
                h.write(out);
            }
            long dataLength = (long) width * height * 4;
            ByteBuffer data = ByteBuffer.allocate((int) dataLength + FitsUtil.padding(dataLength)).order(ByteOrder.BIG_ENDIAN);
            data.asFloatBuffer().put(image, 0, width * height);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(headerBytes.toByteArray()));
                while (data.hasRemaining()) {
                    ch.write(data);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write stack " + file, e);
        } catch (FitsException e) {
            throw new IllegalStateException("cannot format the header of " + file, e);
        }
    }
}
