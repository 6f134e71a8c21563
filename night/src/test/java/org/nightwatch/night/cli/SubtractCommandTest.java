package org.nightwatch.night.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.camera.fits.ImageFits;

/**
 * {@code nightwatch subtract} on a pair nightwatch did not write: made by Debian's python3-astropy with
 * the script in test resources (float32 reference without GAIN/SATURATE, uint16 new image through BZERO,
 * both with a TAN WCS and a sub-pixel offset). The transient the script adds must be in CANDS.csv at its
 * FITS 1-based position.
 */
class SubtractCommandTest {
    @Test
    void subtractsAPairWrittenByAstropy(@TempDir Path dir) throws Exception {
        Path script = Path.of(getClass().getResource("/astropy/make_pair.py").toURI());
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), dir.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python3 finished");
        String pyOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "astropy wrote the pair: " + pyOut);

        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        int rc;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            rc = NightwatchCli.commandLine().execute("subtract", "--ref", dir.resolve("ref.fits").toString(),
                "--new", dir.resolve("new.fits").toString(), "--out", dir.resolve("diff.fits").toString(),
                "--candidates", dir.resolve("cands.csv").toString());
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, out);
        assertTrue(out.contains("has no GAIN: assuming 1"), "defaults are said: " + out);
        assertTrue(out.contains("has no SATURATE"), out);
        assertTrue(out.contains("stars matched"), "registered by stars: " + out);

        List<String> lines = Files.readAllLines(dir.resolve("cands.csv"));
        assertEquals("x,y,ra,dec,flux,flux_err,snr,fwhm,elongation,sign,flags", lines.get(0));
        boolean found = false;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            double x = Double.parseDouble(f[0]);
            double y = Double.parseDouble(f[1]);
            if (Math.hypot(x - 301.0, y - 222.0) < 1.0 && Double.parseDouble(f[6]) > 20 && f[9].equals("1")) {
                found = true;
                assertEquals(150.0, Double.parseDouble(f[2]), 0.2, "RA from the WCS");
            }
        }
        assertTrue(found, "the transient at (301, 222) is a candidate:\n" + String.join("\n", lines));
        assertTrue(lines.size() - 1 < 40, "few false detections on a clean pair: " + (lines.size() - 1));
        ImageFits.Image diff = ImageFits.read(dir.resolve("diff.fits"));
        assertEquals(800, diff.width());
        assertTrue(diff.wcs() != null, "the difference keeps the new image's WCS");
    }

    @Test
    void imagesOfDifferentSizesAreRefusedByName(@TempDir Path dir) {
        ImageFits.write(dir.resolve("a.fits"), 100, 80, new float[100 * 80], ImageFits.keywords(), null);
        ImageFits.write(dir.resolve("b.fits"), 120, 80, new float[120 * 80], ImageFits.keywords(), null);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int rc;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            rc = NightwatchCli.commandLine().execute("subtract", "--ref", dir.resolve("a.fits").toString(),
                "--new", dir.resolve("b.fits").toString());
        } finally {
            System.setErr(old);
        }
        assertEquals(2, rc);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("a.fits is 100x80 but"), err.toString(StandardCharsets.UTF_8));
    }
}
