package org.nightwatch.camera.fits;

import java.nio.file.Path;
import java.util.Map;
import nom.tam.fits.FitsException;
import nom.tam.fits.Header;

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
            Header h = ImageFits.floatHeader(width, height);
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
            ImageFits.addAll(h, extra);
            ImageFits.writeFloat(file, h, width, height, image);
        } catch (FitsException e) {
            throw new IllegalStateException("cannot format the header of " + file, e);
        }
    }
}
