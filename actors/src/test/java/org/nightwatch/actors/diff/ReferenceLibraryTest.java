package org.nightwatch.actors.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.camera.fits.NightLayout;
import org.nightwatch.camera.sim.SimulatedSurvey;
import org.nightwatch.camera.sim.SkySimulator;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.protocol.SensorPlacement;
import org.nightwatch.workers.diff.Calibration;
import org.nightwatch.workers.diff.DiffSettings;
import org.nightwatch.workers.diff.DifferenceImager;

class ReferenceLibraryTest {
    private static final int W = 600;
    private static final int H = 400;
    private static final SensorPlacement S0 = new SensorPlacement(SensorId.of(0), 0, 0, 0, 0);

    @TempDir
    Path dir;

    private final DifferenceImager imager = new DifferenceImager(DiffSettings.defaults(), W, H);

    private SimulatedSurvey survey() {
        return new SimulatedSurvey(new SkySimulator(W, H, 1.2, 2.0, 60000, 5),
            new SimulatedSurvey.Settings(3, 5, 2, 0, 10, 20, 1, 0, 0, 1, 0.85, 180, 0), 2.5, 300, 18, 0.5, 6, 1.19, 9);
    }

    @Test
    void aReferenceIsPreparedOnceAndReusedUntilEvicted() {
        survey().writeSky(new NightLayout(dir), List.of(S0), 1);
        AtomicInteger prepared = new AtomicInteger();
        ReferenceLibrary lib = new ReferenceLibrary(dir, null, 2, 8, false);
        var first = lib.get(S0.sensor(), 0, in -> {
            prepared.incrementAndGet();
            return imager.prepare(in);
        });
        assertTrue(first.prepared().stars().size() > 20, "stars found on the reference");
        assertNotNull(first.wcs());
        assertSame(first, lib.get(S0.sensor(), 0, in -> {
            throw new AssertionError("prepared twice");
        }));
        assertEquals(1, prepared.get());
        lib.get(S0.sensor(), 1, imager::prepare);
        lib.get(S0.sensor(), 2, imager::prepare); // evicts field 0, the least recently used
        lib.get(S0.sensor(), 0, imager::prepare);
        assertEquals(4, lib.loads());
        assertEquals(1, lib.hits());
        assertNotNull(lib.calibration(S0.sensor()).badPixels(), "hot pixels from the dark frame");
        assertNull(lib.calibration(S0.sensor()).dark(), "the dark is only masked unless configured");
    }

    @Test
    void missingOrCorruptReferencesAreRefusedNamingTheFile() throws Exception {
        ReferenceLibrary lib = new ReferenceLibrary(dir, null, 4, 8, false);
        Path expected = new NightLayout(dir).referenceFile(SensorId.of(3), 7);
        var missing = assertThrows(ReferenceLibrary.MissingReference.class, () -> lib.get(SensorId.of(3), 7, imager::prepare));
        assertTrue(missing.getMessage().contains("no reference for sensor-03 field 7") && missing.getMessage().contains(expected.toString()),
            missing.getMessage());

        Files.createDirectories(expected.getParent());
        Files.write(expected, "SIMPLE  =                    T / truncated, no END".getBytes());
        var corrupt = assertThrows(ReferenceLibrary.MissingReference.class, () -> lib.get(SensorId.of(3), 7, imager::prepare));
        assertTrue(corrupt.getMessage().startsWith("reference " + expected + " cannot be read"), corrupt.getMessage());

        org.nightwatch.camera.fits.ImageFits.write(expected, W, H, new float[W * H], java.util.Map.of(), null); // all zeros
        var constant = assertThrows(ReferenceLibrary.MissingReference.class, () -> lib.get(SensorId.of(3), 7, imager::prepare));
        assertTrue(constant.getMessage().contains(expected + ": every pixel is 0.0"), constant.getMessage());

        var noField = assertThrows(ReferenceLibrary.MissingReference.class, () -> lib.get(SensorId.of(3), -1, imager::prepare));
        assertTrue(noField.getMessage().contains("no field id"));
        assertEquals(0, lib.loads(), "a reference that could not be read is not counted as read");
        assertSame(Calibration.Frames.NONE, lib.calibration(SensorId.of(3)), "no calibration frames: none applied, no error");
    }

    @Test
    void calibrationIsAppliedWholeOrRefusedWholeNamingTheFile() throws Exception {
        float[] flat = new float[W * H];
        java.util.Arrays.fill(flat, 1.02f);
        float[] dark = new float[W * H];
        java.util.Random r = new java.util.Random(4);
        for (int i = 0; i < dark.length; i++) {
            dark[i] = (float) (100 + 3 * r.nextGaussian());
        }
        dark[W * 7 + 9] = 5000; // one hot pixel
        Path good = writeCalibration(1, dark, flat);
        ReferenceLibrary lib = new ReferenceLibrary(dir, null, 4, 8, true);
        Calibration.Frames f = lib.calibration(SensorId.of(1));
        assertEquals(1.02f, f.flat()[123], 0f, "a flat passing its checks is applied");
        assertEquals(1, f.badPixels()[W * 7 + 9], "the dark's hot pixel is masked");
        assertNull(lib.refusedCalibration(SensorId.of(1)));

        // a truncated dark next to a good flat: neither is applied (it once ran with the flat and no mask:
        // 52 candidates a visit became 1,140), and the reason names the file
        byte[] whole = Files.readAllBytes(good.resolve("dark.fits"));
        for (int s = 2; s <= 5; s++) {
            writeCalibration(s, dark, flat);
        }
        Path d2 = dir.resolve("calibration/sensor-02/dark.fits");
        Files.write(d2, java.util.Arrays.copyOf(whole, whole.length / 2));
        float[] light = dark.clone(); // a light frame, or another camera's dark: a tenth of it 'hot'
        for (int i = 0; i < light.length; i += 10) {
            light[i] = 3000;
        }
        Path d3 = writeCalibration(3, light, flat).resolve("dark.fits");
        float[] raw = flat.clone(); // a flat not normalised
        java.util.Arrays.fill(raw, 21000f);
        Path f4 = writeCalibration(4, dark, raw).resolve("flat.fits");
        float[] holes = flat.clone();
        java.util.Arrays.fill(holes, 0, W * H / 10, 0f);
        Path f5 = writeCalibration(5, dark, holes).resolve("flat.fits");
        String[][] cases = {{"2", d2 + ": truncated"}, {"3", d3 + ": flags 10.0% of the pixels as hot"},
            {"4", f4 + ": its median is 21000.0; a flat field is normalised to about 1"}, {"5", f5 + ": 10.0% of its pixels are zero"}};
        for (String[] c : cases) {
            SensorId s = SensorId.of(Integer.parseInt(c[0]));
            assertSame(Calibration.Frames.NONE, lib.calibration(s), "nothing of sensor " + c[0] + "'s calibration is applied");
            assertTrue(lib.refusedCalibration(s).startsWith(c[1]), lib.refusedCalibration(s));
        }
    }

    private Path writeCalibration(int sensor, float[] dark, float[] flat) {
        Path cal = dir.resolve("calibration/sensor-0" + sensor);
        org.nightwatch.camera.fits.ImageFits.write(cal.resolve("dark.fits"), W, H, dark, java.util.Map.of(), null);
        org.nightwatch.camera.fits.ImageFits.write(cal.resolve("flat.fits"), W, H, flat, java.util.Map.of(), null);
        return cal;
    }

    @Test
    void aMakerFillsInMissingReferences() {
        SimulatedSurvey s = survey();
        NightLayout layout = new NightLayout(dir);
        ReferenceLibrary lib = new ReferenceLibrary(dir, (sensor, field) -> s.writeReference(layout, S0, field), 4, 8, false);
        assertTrue(Files.notExists(layout.referenceFile(S0.sensor(), 2)));
        lib.get(S0.sensor(), 2, imager::prepare);
        assertTrue(Files.exists(layout.referenceFile(S0.sensor(), 2)));
    }
}
