package org.nightwatch.camera.fits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Images with values that are wrong rather than damaged, each of which once ran through {@code subtract} to
 * exit 0 with a wrong answer or to an error about the output file: refused by {@link ImageFits#read} or
 * {@link ImageFits#requireMeasurable} with one line naming the file and the keyword or property at fault.
 * The files are written card by card, as another tool would, not by nightwatch's writer.
 */
class HostileImagesTest {
    static final int W = 128;
    static final int H = 96;

    @TempDir
    static Path dir;

    /** A FITS file of the given cards (each "KEY = value" or a full card) and big-endian data, padded to 2880. */
    static Path fits(String name, List<String> cards, byte[] data) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String c : cards) {
            b.append(String.format("%-80s", c));
        }
        b.append(String.format("%-80s", "END"));
        while (b.length() % 2880 != 0) {
            b.append(' ');
        }
        byte[] header = b.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[header.length + data.length + (2880 - data.length % 2880) % 2880];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(data, 0, all, header.length, data.length);
        Path f = dir.resolve(name);
        Files.write(f, all);
        return f;
    }

    static String card(String key, Object value) {
        String v = value instanceof String s ? "'" + s + "'" : String.valueOf(value);
        return String.format("%-8s= %20s", key, v);
    }

    /** A sky of 500 ADU with Poisson-like noise and a few stars, as BITPIX -32. */
    static float[] sky(long seed) {
        Random r = new Random(seed);
        float[] px = new float[W * H];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) (500 + 22 * r.nextGaussian());
        }
        for (int s = 0; s < 12; s++) {
            double x0 = 8 + r.nextDouble() * (W - 16);
            double y0 = 8 + r.nextDouble() * (H - 16);
            for (int y = (int) y0 - 6; y <= y0 + 6; y++) {
                for (int x = (int) x0 - 6; x <= x0 + 6; x++) {
                    px[y * W + x] += (float) (3000 * Math.exp(-((x - x0) * (x - x0) + (y - y0) * (y - y0)) / 8));
                }
            }
        }
        return px;
    }

    static byte[] floats(float[] px) {
        ByteBuffer b = ByteBuffer.allocate(px.length * 4);
        b.asFloatBuffer().put(px);
        return b.array();
    }

    static List<String> image(int bitpix, String... extra) {
        List<String> c = new ArrayList<>(List.of(card("SIMPLE", "T").replace("'T'", "T"), card("BITPIX", bitpix), card("NAXIS", 2),
            card("NAXIS1", W), card("NAXIS2", H)));
        c.addAll(List.of(extra));
        return c;
    }

    static String[] wcs(double cd11, double cd22, double crval2) {
        return new String[] {card("CTYPE1", "RA---TAN"), card("CTYPE2", "DEC--TAN"), card("CRVAL1", 150.0), card("CRVAL2", crval2),
            card("CRPIX1", 64.5), card("CRPIX2", 48.5), card("CD1_1", cd11), card("CD1_2", 0.0), card("CD2_1", 0.0), card("CD2_2", cd22)};
    }

    static Arguments refused(String name, List<String> cards, byte[] data, String expected) {
        return Arguments.of(name, cards, data, expected);
    }

    static Stream<Arguments> wrongValues() {
        byte[] good = floats(sky(1));
        byte[] u16 = new byte[W * H * 2];
        float[] s = sky(2);
        for (int i = 0; i < s.length; i++) {
            short v = (short) (Math.round(s[i]) - 32768);
            u16[2 * i] = (byte) (v >> 8);
            u16[2 * i + 1] = (byte) v;
        }
        // 8-bit, clipped: the sky sat above 255 and the conversion flattened it, leaving a few pixels below
        byte[] clipped = new byte[W * H];
        for (int i = 0; i < s.length; i++) {
            clipped[i] = (byte) Math.min(255, Math.max(0, Math.round(s[i]) - 230));
        }
        float[] nanMost = sky(3);
        for (int i = 0; i < nanMost.length * 3 / 4; i++) {
            nanMost[i] = Float.NaN;
        }
        float[] infinities = filled(7f);
        for (int i = 0; i < infinities.length; i += 5) {
            infinities[i] = i % 2 == 0 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
        }
        // 67 x 65: the one pixel that differs lies past the last whole vector, where the scan goes on pixel by pixel
        float[] oddTail = new float[67 * 65];
        java.util.Arrays.fill(oddTail, 7f);
        oddTail[oddTail.length - 1] = 9f;
        return Stream.of(
            refused("constant-among-infinities", image(-32), floats(infinities), "every pixel is 7.0"),
            refused("clipped-tail", List.of(card("SIMPLE", "T").replace("'T'", "T"), card("BITPIX", -32), card("NAXIS", 2), card("NAXIS1", 67),
                card("NAXIS2", 65)), floats(oddTail), "sit at the image's minimum, 7.0: the image is clipped"),
            refused("cd-zero", image(-32, wcs(0, 0, 2)), good, "it is singular"),
            refused("crval2-95", image(-32, wcs(-2.8e-4, 2.8e-4, 95)), good, "keyword CRVAL2 = 95.0: a declination lies between -90 and +90"),
            refused("bscale-zero", image(16, card("BZERO", 32768), card("BSCALE", 0)), u16, "keyword BSCALE = 0: every pixel would read as BZERO"),
            refused("bscale-oops", image(16, card("BZERO", 32768), card("BSCALE", "oops")), u16, "keyword BSCALE = 'oops' is not a number"),
            refused("blank-text", image(16, card("BLANK", "none")), u16, "keyword BLANK = 'none' is not an integer"),
            refused("gain-zero", image(-32, card("GAIN", 0.0)), good, "keyword GAIN = 0.0: must be a positive number"),
            refused("gain-negative", image(-32, card("GAIN", -2.0)), good, "keyword GAIN = -2.0: must be a positive number"),
            refused("gain-fast", image(-32, card("GAIN", "fast")), good, "keyword GAIN = 'fast' is not a number"),
            refused("rdnoise-negative", image(-32, card("RDNOISE", -1.0)), good, "keyword RDNOISE = -1.0: must be a non-negative number"),
            refused("saturate-zero", image(-32, card("SATURATE", 0.0)), good, "keyword SATURATE = 0.0: must be a positive number"),
            refused("ncombine-zero", image(-32, card("NCOMBINE", 0)), good, "keyword NCOMBINE = 0"),
            refused("all-zero", image(-32), new byte[W * H * 4], "every pixel is 0.0: a constant image has no sky to measure"),
            refused("all-nan", image(-32), floats(filled(Float.NaN)), "no pixel has a finite value"),
            refused("constant", image(-32), floats(filled(7f)), "every pixel is 7.0"),
            refused("mostly-nan", image(-32), floats(nanMost), "only 25.0% of the pixels have a finite value"),
            refused("clipped-8bit", image(8), clipped, "sit at the image's maximum, 255.0: the image is clipped"),
            refused("tiny", List.of(card("SIMPLE", "T").replace("'T'", "T"), card("BITPIX", -32), card("NAXIS", 2), card("NAXIS1", 5),
                card("NAXIS2", 5)), new byte[100], "the image is 5x5 px; difference imaging needs at least 64x64"),
            refused("a-row", List.of(card("SIMPLE", "T").replace("'T'", "T"), card("BITPIX", -32), card("NAXIS", 2), card("NAXIS1", 256),
                card("NAXIS2", 1)), new byte[1024], "the image is 256x1 px"));
    }

    static float[] filled(float v) {
        float[] px = new float[W * H];
        java.util.Arrays.fill(px, v);
        return px;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongValues")
    void aWrongValueIsRefusedNamingTheFileAndTheKeyword(String name, List<String> cards, byte[] data, String expected) throws Exception {
        Path f = fits(name + ".fits", cards, data);
        FitsFormatException e = assertThrows(FitsFormatException.class, () -> ImageFits.requireMeasurable(ImageFits.read(f)));
        assertTrue(e.getMessage().startsWith(f + ": "), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(expected), "says what is wrong: " + e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'), "one line");
    }

    @Test
    void theSameImageWithHonestValuesIsRead() throws Exception {
        Path f = fits("honest.fits", image(-32, concat(wcs(-2.8e-4, 2.8e-4, 2), card("GAIN", 1.7), card("RDNOISE", 0.0),
            card("SATURATE", 60000.0), card("BSCALE", "1.0D0"))), floats(sky(1)));
        ImageFits.Image im = ImageFits.read(f);
        ImageFits.requireMeasurable(im);
        assertEquals(1.7, im.gain());
        assertEquals(0.0, im.readNoise(), "a read noise of 0 is allowed (a simulated or photon-counting camera)");
        assertEquals(2.0, im.wcs().crval2());
    }

    @Test
    void textAndAFileCutInItsHeaderAreNotFitsNamingTheFile() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.fits"), "hello\n".repeat(100));
        FitsFormatException e = assertThrows(FitsFormatException.class, () -> ImageFits.read(text));
        assertEquals(text + ": not a FITS file: it does not begin with the card SIMPLE = T", e.getMessage());
        Path empty = Files.write(dir.resolve("empty.fits"), new byte[0]);
        e = assertThrows(FitsFormatException.class, () -> ImageFits.read(empty));
        assertEquals(empty + ": an empty file, not a FITS image", e.getMessage());
        byte[] whole = Files.readAllBytes(fits("whole.fits", image(-32), floats(sky(1))));
        Path cut = Files.write(dir.resolve("cut.fits"), java.util.Arrays.copyOf(whole, 2879));
        e = assertThrows(FitsFormatException.class, () -> ImageFits.read(cut));
        assertTrue(e.getMessage().startsWith(cut + ": truncated"), e.getMessage());
    }

    static String[] concat(String[] a, String... b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
