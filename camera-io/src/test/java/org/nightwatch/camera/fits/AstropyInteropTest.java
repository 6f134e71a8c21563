package org.nightwatch.camera.fits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our visit files open correctly in astropy (Debian's python3-astropy), as astronomers will open them:
 * unsigned 16-bit through BZERO, the cube's shape, the keywords and a TAN WCS that astropy accepts.
 */
class AstropyInteropTest {
    @TempDir
    Path dir;

    @Test
    void astropyReadsTheVisitCubeAsUnsigned16BitWithItsWcs() throws Exception {
        short[][] frames = VisitCubeRoundTripTest.frames(3, 11);
        Path file = dir.resolve("visit-000042.fits");
        try (VisitCubeWriter w = VisitCubeWriter.create(file, VisitCubeRoundTripTest.meta(), VisitCubeRoundTripTest.W,
            VisitCubeRoundTripTest.H, 3)) {
            for (short[] f : frames) {
                w.writeFrame(f);
            }
        }
        String script = String.join("\n",
            "import sys",
            "from astropy.io import fits",
            "from astropy.wcs import WCS",
            "with fits.open(sys.argv[1]) as h:",
            "    d = h[0].data; hd = h[0].header",
            "    w = WCS(hd, naxis=2)",
            "    c = w.pixel_to_world((hd['NAXIS1'] - 1) / 2, (hd['NAXIS2'] - 1) / 2)",
            "    print(d.dtype.kind, d.dtype.itemsize, d.shape, int(d[0, 0, 0]), int(d[0, 0, 1]), int(d[0, 0, 2]), int(d[2, 39, 63]),",
            "          hd['SENSOR'], hd['VISIT'], hd['NFRAMES'], hd['DATE-OBS'], '%.6f %.6f' % (c.ra.deg, c.dec.deg))");
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", script, file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python3 finished");
        assertEquals(0, p.exitValue(), out);
        int last = frames[2][39 * 64 + 63] & 0xFFFF;
        assertEquals("u 2 (3, 40, 64) 0 65535 32768 " + last + " 7 42 3 2026-11-22T12:00:00.250 150.250000 35.500000", out);
    }
}
