package org.nightwatch.camera.fits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files that are not what a reader expects: refused at once, naming the file, before anything blocks or is allocated. */
class HostileFilesTest {
    @TempDir
    Path dir;

    private Path fifo(String name) throws Exception {
        Path f = dir.resolve(name);
        Process p = new ProcessBuilder("mkfifo", f.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo " + f);
        return f;
    }

    @Test
    void aFifoOrADirectoryIsRefusedAtOnceNotWaitedOn() throws Exception {
        // a visit file that is a FIFO once made replay wait forever: opening it blocks until something writes
        Path visit = fifo("visit-000000.fits");
        Path image = fifo("image.fits");
        Path manifest = fifo("night.json");
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (Runnable r : new Runnable[] {() -> new VisitCubeReader(2000, 1128).readShape(visit),
                () -> new VisitCubeReader(2000, 1128).read(visit), () -> VisitCubeReader.readKeywords(visit),
                () -> ImageFits.read(image), () -> NightManifest.read(manifest)}) {
                FitsFormatException e = assertThrows(FitsFormatException.class, r::run);
                assertTrue(e.getMessage().contains("not a regular file") && e.getMessage().contains(dir.toString()), e.getMessage());
            }
        });
        Path folder = Files.createDirectory(dir.resolve("ref.fits"));
        FitsFormatException e = assertThrows(FitsFormatException.class, () -> ImageFits.read(folder));
        assertEquals(folder + ": a directory, not a file", e.getMessage(), "not 'Junk detected where header was expected'");
    }

    /** A header claiming {@code w x h} BITPIX -32 pixels, with a sparse file of that size behind it. */
    private Path claiming(long w, long h) throws Exception {
        StringBuilder b = new StringBuilder();
        for (String card : new String[] {"SIMPLE  =                    T", "BITPIX  =                  -32", "NAXIS   =                    2",
            String.format("NAXIS1  = %20d", w), String.format("NAXIS2  = %20d", h), "END"}) {
            b.append(String.format("%-80s", card));
        }
        while (b.length() % 2880 != 0) {
            b.append(' ');
        }
        Path f = dir.resolve(w + "x" + h + ".fits");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.write(b.toString().getBytes(StandardCharsets.US_ASCII));
            raf.setLength(b.length() + w * h * 4); // sparse: no disk, and no time, spent on it
        }
        return f;
    }

    @Test
    void anImageLargerThanTheJobCanHoldIsRefusedBeforeAnythingIsAllocated() throws Exception {
        long most = ImageFits.maxPixels();
        // 46341 x 46341 overflows an int; 100000 x 100000 once ran into 5.6 GB; and one just above what this heap holds
        long side = (long) Math.ceil(Math.sqrt(most + 1.0));
        for (long[] wh : new long[][] {{46341, 46341}, {100000, 100000}, {side, side}}) {
            Path f = claiming(wh[0], wh[1]);
            FitsFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(FitsFormatException.class, () -> ImageFits.read(f)));
            assertTrue(e.getMessage().startsWith(f + ": NAXIS1 x NAXIS2 = " + wh[0] + " x " + wh[1]) && e.getMessage().contains("can hold"),
                e.getMessage());
        }
    }
}
