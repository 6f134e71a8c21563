package org.nightwatch.camera.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.camera.fits.ImageFits;
import org.nightwatch.camera.fits.NightLayout;
import org.nightwatch.camera.fits.VisitMetadata;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.protocol.SensorPlacement;

class SimulatedSurveyTest {
    private static final int W = 400;
    private static final int H = 300;
    private static final SensorPlacement S0 = new SensorPlacement(SensorId.of(0), 0.5, -0.25, 0, 0);
    private static final SensorPlacement S1 = new SensorPlacement(SensorId.of(1), 1.2, -0.25, 0, 1);

    @TempDir
    Path dir;

    private static SimulatedSurvey survey(int stars, int transients, double fast, int variables, int moving) {
        SkySimulator sim = new SkySimulator(W, H, 1.2, 2.0, 60000, 7);
        SimulatedSurvey.Settings s = new SimulatedSurvey.Settings(2, 0, transients, fast, 10, 10, variables, moving, 0, 1.5, 0.85,
            180, 0);
        return new SimulatedSurvey(sim, s, 2.5, stars, 18, 0.5, 8, 1.19, 3);
    }

    /** Electrons above the sky in a box around (x, y) of a scene, hot pixels excluded by the dark. */
    private static double excess(short[] e, float[] dark, double x, double y, int half) {
        double sum = 0;
        for (int yy = (int) y - half; yy <= (int) y + half; yy++) {
            for (int xx = (int) x - half; xx <= (int) x + half; xx++) {
                int i = yy * W + xx;
                if (dark[i] <= SkySimulator.BIAS_ADU + 0.5f) {
                    sum += (e[i] & 0xFFFF) - SkySimulator.SKY_ELECTRONS;
                }
            }
        }
        return sum;
    }

    @Test
    void visitsCycleThroughFieldsAndRenderTheSameSkyEveryTime() {
        SimulatedSurvey a = survey(200, 3, 0.5, 2, 1);
        SimulatedSurvey b = survey(200, 3, 0.5, 2, 1);
        assertEquals(0, a.fieldOf(0));
        assertEquals(1, a.fieldOf(1));
        assertEquals(0, a.fieldOf(4));
        assertArrayEquals(a.renderVisit(1, 5).electrons(), b.renderVisit(1, 5).electrons());
        assertArrayEquals(a.renderReference(1, 1), b.renderReference(1, 1));
        assertEquals(a.sources(List.of(0, 1)), b.sources(List.of(0, 1)));
        double[] j = a.jitter(3);
        assertTrue(Math.abs(j[0]) <= 1.5 && Math.abs(j[1]) <= 1.5);
        assertFalse(a.jitter(3)[0] == a.jitter(5)[0], "each visit has its own jitter");
        double[] p0 = SimulatedSurvey.pointing(S0, 0);
        double[] p1 = SimulatedSurvey.pointing(S0, 1);
        assertEquals(7.5, p1[0] - p0[0], 1e-9);
    }

    @Test
    void aTransientIsInTheVisitAtItsFluxAndNotInTheReference() {
        SimulatedSurvey s = survey(0, 1, 0.0, 0, 0);
        SimulatedSurvey.Source t = s.sources(List.of(0)).stream().filter(x -> x.field() == 0).findFirst().orElseThrow();
        assertEquals(SimulatedSurvey.Kind.TRANSIENT, t.kind());
        float[] dark = new SkySimulator(W, H, 1.2, 2.0, 60000, 7).darkFrame();
        double[] j = s.jitter(2);
        double got = excess(s.renderVisit(0, 2).electrons(), dark, t.x() + j[0], t.y() + j[1], 8);
        assertEquals(t.peakElectrons(), got, 0.03 * t.peakElectrons() + 60, "flux of a steady transient in a visit");
        // the reference has no transient: its pixels there are sky (ADU, bias included) within the noise
        float[] ref = s.renderReference(0, 0);
        double sum = 0;
        for (int yy = (int) t.y() - 3; yy <= (int) t.y() + 3; yy++) {
            for (int xx = (int) t.x() - 3; xx <= (int) t.x() + 3; xx++) {
                sum += (ref[yy * W + xx] - SkySimulator.BIAS_ADU) * 1.2 - SkySimulator.SKY_ELECTRONS;
            }
        }
        assertEquals(0, sum, 0.2 * t.peakElectrons());
    }

    @Test
    void fastTransientsRiseAndFadeDuringTheNight() {
        SimulatedSurvey s = survey(0, 6, 1.0, 0, 0);
        for (SimulatedSurvey.Source t : s.sources(List.of(0))) {
            assertEquals("fast", t.subtype());
            double peak = t.electronsAt(t.tPeak());
            assertEquals(t.peakElectrons(), peak, 1e-9);
            assertTrue(t.electronsAt(t.tPeak() - 2 * t.rise()) < 0.2 * peak);
            assertTrue(t.electronsAt(t.tPeak() + t.decay()) < 0.4 * peak);
        }
    }

    @Test
    void movingObjectsMoveAndVariablesVaryAboutTheirMean() {
        SimulatedSurvey s = survey(300, 0, 0, 4, 2);
        List<SimulatedSurvey.Source> src = s.sources(List.of(0));
        long moving = src.stream().filter(x -> x.kind() == SimulatedSurvey.Kind.MOVING).count();
        assertEquals(4, moving); // 2 per field, 2 fields
        for (SimulatedSurvey.Source m : src) {
            if (m.kind() == SimulatedSurvey.Kind.MOVING) {
                assertTrue(Math.hypot(m.xAt(1000) - m.xAt(0), m.yAt(1000) - m.yAt(0)) >= 4.9);
            }
            if (m.kind() == SimulatedSurvey.Kind.VARIABLE) {
                double lo = Double.MAX_VALUE;
                double hi = -Double.MAX_VALUE;
                for (double t = 0; t < m.period(); t += m.period() / 50) {
                    lo = Math.min(lo, m.electronsAt(t));
                    hi = Math.max(hi, m.electronsAt(t));
                }
                assertTrue(lo < 0 && hi > 0, "a variable is sometimes fainter, sometimes brighter than its reference");
            }
        }
    }

    @Test
    void referencesTruthAndDarksAreWrittenInTheNightLayout() throws Exception {
        SimulatedSurvey s = survey(200, 4, 0.5, 2, 1);
        NightLayout layout = new NightLayout(dir);
        s.writeSky(layout, List.of(S0, S1), 2);
        s.writeTruth(layout.truth(), List.of(S0, S1));
        ImageFits.Image ref = ImageFits.read(layout.referenceFile(SensorId.of(1), 1));
        assertEquals(W, ref.width());
        assertEquals(180, ref.nCombine());
        assertEquals(1.2, ref.gain(), 1e-9);
        assertEquals(2.5 * 0.85, ref.seeing(), 1e-6);
        VisitMetadata.TanWcs wcs = ref.wcs();
        assertNotNull(wcs);
        assertEquals(SimulatedSurvey.pointing(S1, 1)[0], wcs.crval1(), 1e-9);
        assertTrue(Files.exists(SimulatedSurvey.darkFile(dir, SensorId.of(0))));

        List<String> lines = Files.readAllLines(layout.truth());
        assertTrue(lines.get(0).startsWith("id,kind,subtype,sensor,field,visit_first,visit_last,ra,dec,x,y,mag_peak"));
        List<String[]> rows = lines.subList(1, lines.size()).stream().map(l -> l.split(",", -1)).toList();
        assertEquals(2 * 2 * 4, rows.stream().filter(r -> r[1].equals("transient")).count());
        assertEquals(2 * 2 * 2, rows.stream().filter(r -> r[1].equals("variable")).count());
        assertEquals(2 * 2, rows.stream().filter(r -> r[1].equals("moving")).count());
        for (String[] r : rows) {
            if (!r[1].equals("transient") || r[5].equals("-1")) {
                continue;
            }
            int field = Integer.parseInt(r[4]);
            assertEquals(field, Integer.parseInt(r[5]) % 2, "first visit is a visit of the transient's field");
            // ra, dec and x, y (FITS 1-based on the field grid) agree through the field's WCS
            SensorPlacement p = r[3].equals("0") ? S0 : S1;
            double[] px = s.wcs(p, field).skyToPixel(Double.parseDouble(r[7]), Double.parseDouble(r[8]));
            assertEquals(Double.parseDouble(r[9]), px[0] + 1, 0.01, String.join(",", r));
            assertEquals(Double.parseDouble(r[10]), px[1] + 1, 0.01);
            assertEquals(10.0, Double.parseDouble(r[12]), 0.01);
        }
        assertTrue(lines.stream().allMatch(l -> l.split(",", -1).length == lines.get(0).split(",").length),
            String.format(Locale.ROOT, "every row has the header's %d columns", lines.get(0).split(",").length));
    }

    @Test
    void fieldsWithoutReferenceGetNone() {
        SkySimulator sim = new SkySimulator(W, H, 1.2, 2.0, 60000, 7);
        SimulatedSurvey s = new SimulatedSurvey(sim, new SimulatedSurvey.Settings(3, 0, 1, 0, 10, 10, 0, 0, 0, 1.5, 0.85, 180, 1),
            2.5, 50, 18, 0.5, 6, 1.19, 3);
        NightLayout layout = new NightLayout(dir);
        s.writeSky(layout, List.of(S0), 2);
        assertTrue(Files.exists(layout.referenceFile(SensorId.of(0), 1)));
        assertFalse(Files.exists(layout.referenceFile(SensorId.of(0), 2)));
        assertFalse(s.hasReference(2));
    }
}
