package org.nightwatch.camera.fits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VisitCubeRoundTripTest {
    static final int W = 64;
    static final int H = 40;

    @TempDir
    Path dir;

    static VisitMetadata meta() {
        return new VisitMetadata(7, 42, 42, Instant.parse("2026-11-22T12:00:00.250Z"), 0.5, 2.0, 1.2, 2.0, 60000,
            VisitMetadata.TanWcs.centred(150.25, 35.5, W, H, 1.19));
    }

    static short[][] frames(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        short[][] f = new short[n][W * H];
        for (short[] fr : f) {
            for (int i = 0; i < fr.length; i++) {
                fr[i] = (short) r.nextInt(65536);
            }
        }
        f[0][0] = 0;
        f[0][1] = (short) 65535;
        f[0][2] = (short) 32768;
        return f;
    }

    private Path write(short[][] frames, int declared) {
        Path file = dir.resolve("sensor-07/visit-000042.fits");
        try (VisitCubeWriter w = VisitCubeWriter.create(file, meta(), W, H, declared)) {
            for (short[] f : frames) {
                w.writeFrame(f);
            }
        }
        return file;
    }

    @Test
    void framesAndKeywordsSurviveTheRoundTrip() {
        short[][] in = frames(3, 1);
        Path file = write(in, 3);
        VisitCube cube = new VisitCubeReader(W, H).read(file);
        assertEquals(3, cube.frames().length);
        for (int k = 0; k < 3; k++) {
            assertArrayEquals(in[k], cube.frames()[k]);
        }
        assertEquals(meta(), cube.meta());
    }

    @Test
    void pixelsAreStoredAsUnsignedSixteenBitThroughBzero() throws IOException {
        Path file = write(frames(1, 2), 1);
        byte[] bytes = Files.readAllBytes(file);
        String header = new String(bytes, 0, 2880, StandardCharsets.US_ASCII);
        assertTrue(header.contains("BITPIX  =                   16"), header);
        assertTrue(header.contains("BZERO   =                32768"), header);
        assertTrue(header.contains("NAXIS3  =                    1"), header);
        assertTrue(header.contains("CTYPE1  = 'RA---TAN'"), header);
        assertEquals(0, bytes.length % 2880, "FITS files are whole 2880-byte records");
        int dataStart = headerLength(bytes);
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, 6); // big-endian
        assertEquals(-32768, data.getShort());   // 0     - 32768
        assertEquals(32767, data.getShort());    // 65535 - 32768
        assertEquals(0, data.getShort());        // 32768 - 32768
    }

    @Test
    void aVisitCutShortKeepsTheFramesItHas() {
        short[][] in = frames(2, 3);
        Path file = write(in, 18);
        VisitCube cube = new VisitCubeReader(W, H).read(file);
        assertEquals(2, cube.frames().length);
        assertArrayEquals(in[1], cube.frames()[1]);
    }

    @Test
    void truncatedFileIsRefusedNamingTheFile() throws IOException {
        Path file = write(frames(3, 4), 3);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() - 6000);
        }
        FitsFormatException e = assertThrows(FitsFormatException.class, () -> new VisitCubeReader(W, H).read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void corruptFileIsRefusedNamingTheFile() throws IOException {
        Path file = dir.resolve("sensor-01/visit-000001.fits");
        Files.createDirectories(file.getParent());
        byte[] junk = new byte[8000];
        new SplittableRandom(5).nextBytes(junk);
        Files.write(file, junk);
        FitsFormatException e = assertThrows(FitsFormatException.class, () -> new VisitCubeReader(W, H).read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());

        Path empty = dir.resolve("empty.fits");
        Files.write(empty, new byte[0]);
        e = assertThrows(FitsFormatException.class, () -> new VisitCubeReader(W, H).read(empty));
        assertTrue(e.getMessage().startsWith(empty.toString()), e.getMessage());
    }

    @Test
    void wrongDimensionsAndMissingKeywordsAreNamed() throws IOException {
        Path file = write(frames(1, 6), 1);
        FitsFormatException e = assertThrows(FitsFormatException.class, () -> new VisitCubeReader(2000, 1128).read(file));
        assertTrue(e.getMessage().contains("64x40"), e.getMessage());

        byte[] bytes = Files.readAllBytes(file);
        String header = new String(bytes, 0, headerLength(bytes), StandardCharsets.US_ASCII);
        int at = header.indexOf("NFRAMES ");
        byte[] blanked = bytes.clone();
        for (int i = at; i < at + 80; i++) {
            blanked[i] = ' ';
        }
        Path noKey = dir.resolve("nokey.fits");
        Files.write(noKey, blanked);
        e = assertThrows(FitsFormatException.class, () -> new VisitCubeReader(W, H).read(noKey));
        assertTrue(e.getMessage().contains("NFRAMES") && e.getMessage().startsWith(noKey.toString()), e.getMessage());
    }

    /** A copy of {@code file} with the card of {@code key} replaced by {@code card} (blank: removed). */
    private Path withCard(Path file, String key, String card, String name) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String header = new String(bytes, 0, headerLength(bytes), StandardCharsets.US_ASCII);
        int at = header.indexOf(String.format("%-8s=", key));
        byte[] edited = bytes.clone();
        byte[] text = String.format("%-80s", card).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, edited, at, 80);
        Path out = dir.resolve(name);
        Files.write(out, edited);
        return out;
    }

    @Test
    void photometricKeywordsMayBeMissingButNeverWrong() throws IOException {
        Path file = write(frames(1, 7), 1);
        Path noGain = withCard(file, "GAIN", "", "nogain.fits");
        VisitMetadata m = new VisitCubeReader(W, H).readShape(noGain).meta();
        assertTrue(Double.isNaN(m.gain()), "a file without GAIN says so (the configuration's stands in): " + m.gain());
        assertEquals(2.0, m.readNoise());
        assertEquals(60000, m.saturate());
        Path zeroNoise = withCard(file, "RDNOISE", "RDNOISE =                  0.0", "zeronoise.fits");
        assertEquals(0.0, new VisitCubeReader(W, H).readShape(zeroNoise).meta().readNoise(), "no read noise is a value");

        String[][] wrong = {{"GAIN", "0"}, {"GAIN", "-2"}, {"GAIN", "'fast'"}, {"SATURATE", "0"}, {"RDNOISE", "-1.5"}};
        for (int i = 0; i < wrong.length; i++) {
            Path bad = withCard(file, wrong[i][0], String.format("%-8s= %20s", wrong[i][0], wrong[i][1]), "bad" + i + ".fits");
            FitsFormatException e = assertThrows(FitsFormatException.class, () -> new VisitCubeReader(W, H).readShape(bad),
                wrong[i][0] + " = " + wrong[i][1]);
            assertTrue(e.getMessage().startsWith(bad.toString()) && e.getMessage().contains(wrong[i][0]), e.getMessage());
        }
    }

    @Test
    void missingFileIsNamed() {
        Path file = dir.resolve("nowhere.fits");
        FitsFormatException e = assertThrows(FitsFormatException.class, () -> new VisitCubeReader(W, H).read(file));
        assertTrue(e.getMessage().contains("nowhere.fits"), e.getMessage());
    }

    static int headerLength(byte[] bytes) {
        for (int card = 0; card * 80 < bytes.length; card++) {
            if (new String(bytes, card * 80, 8, StandardCharsets.US_ASCII).equals("END     ")) {
                int end = (card + 1) * 80;
                return (end + 2879) / 2880 * 2880;
            }
        }
        throw new AssertionError("no END card");
    }
}
