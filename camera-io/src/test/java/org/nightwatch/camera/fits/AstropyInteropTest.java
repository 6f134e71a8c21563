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

    private static String python(String script, String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("/usr/bin/python3", "-c", script));
        cmd.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python3 finished");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /**
     * The DATASUM and CHECKSUM nightwatch writes are the standard's, as astropy verifies them: on a visit
     * whose rows came as blocks in any order with an abandoned frame between (as the recorder writes them), on
     * one cut short of its declared frames, on an odd width, and on a float image; and nightwatch verifies
     * the image astropy writes, refusing it once one bit of its data is changed.
     */
    @Test
    void checksumsAgreeWithAstropyBothWays() throws Exception {
        int w = 63;
        int h = 17;
        java.util.Random r = new java.util.Random(5);
        Path rows = inRowBlocks(dir.resolve("rows.fits"), w, h, r);
        Path even = inRowBlocks(dir.resolve("rows-even.fits"), 2000, 33, r); // rows that fill whole 32-bit words, as a sensor's do
        Path image = dir.resolve("image.fits");
        float[] px = new float[w * h];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) r.nextGaussian() * 100;
        }
        ImageFits.write(image, w, h, px, ImageFits.keywords("GAIN", 1.5), null);
        String verify = String.join("\n", "import sys, warnings", "from astropy.io import fits",
            "warnings.simplefilter('error')",
            "for f in sys.argv[1:]:",
            "    with fits.open(f, checksum=True) as hl:",
            "        print(hl[0].header['NAXIS'], hl[0].verify_datasum(), hl[0].verify_checksum())");
        assertEquals("3 1 1\n3 1 1\n2 1 1", python(verify, rows.toString(), even.toString(), image.toString()));

        for (Path f : new Path[] {rows, even}) {
            VisitCubeReader.Shape shape = new VisitCubeReader(0, 0).readShape(f);
            assertEquals(3, shape.frames());
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f)) {
                assertTrue(VisitCubeReader.verify(ch, f, shape, java.nio.ByteBuffer.allocate(1000)), "our own sums verify: " + f);
            }
        }

        Path theirs = dir.resolve("theirs-image.fits");
        python(String.join("\n", "import sys, numpy as np", "from astropy.io import fits",
            "d = (np.arange(7 * 9) * 37 % 65536).astype(np.float32).reshape(7, 9)",
            "fits.PrimaryHDU(d).writeto(sys.argv[1], checksum=True)"), theirs.toString());
        assertEquals(7, ImageFits.read(theirs).height(), "astropy's sums verify here");
        byte[] img = java.nio.file.Files.readAllBytes(dir.resolve("theirs-image.fits"));
        img[img.length - 2880 + 8] ^= 0x01;
        java.nio.file.Files.write(dir.resolve("theirs-image.fits"), img);
        FitsFormatException e = org.junit.jupiter.api.Assertions.assertThrows(FitsFormatException.class,
            () -> ImageFits.read(dir.resolve("theirs-image.fits")));
        assertTrue(e.getMessage().startsWith(dir.resolve("theirs-image.fits") + ": DATASUM = "), e.getMessage());
    }

    /**
     * A visit of 4 declared frames written as the spool writes one: blocks of 4 rows in shuffled order, frame 1's
     * first attempt abandoned half way, and only 3 frames ended (the header is rewritten and the data cut).
     */
    private static Path inRowBlocks(Path file, int w, int h, java.util.Random r) {
        try (VisitCubeWriter out = VisitCubeWriter.create(file, VisitCubeRoundTripTest.meta(), w, h, 4)) {
            for (int f = 0; f < 3; f++) {
                for (int attempt = 0; attempt < (f == 1 ? 2 : 1); attempt++) {
                    java.util.List<Integer> order = new java.util.ArrayList<>();
                    for (int b = 0; b < h; b += 4) {
                        order.add(b);
                    }
                    java.util.Collections.shuffle(order, r);
                    for (int b : (f == 1 && attempt == 0) ? order.subList(0, 2) : order) {
                        int n = Math.min(4, h - b);
                        org.agrona.concurrent.UnsafeBuffer buf = new org.agrona.concurrent.UnsafeBuffer(new byte[n * w * 2]);
                        for (int i = 0; i < n * w; i++) {
                            buf.putShort(2 * i, (short) r.nextInt(65536), java.nio.ByteOrder.LITTLE_ENDIAN);
                        }
                        out.writeRowsLe(buf, 0, b, n);
                    }
                    if (!(f == 1 && attempt == 0)) {
                        out.endFrame();
                    }
                }
            }
        }
        return file;
    }
}
