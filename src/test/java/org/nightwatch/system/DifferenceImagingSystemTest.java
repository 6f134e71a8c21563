package org.nightwatch.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.actors.diff.VisitDiff;
import org.nightwatch.actors.pipeline.CandidateCsvSink;
import org.nightwatch.camera.fits.ImageFits;
import org.nightwatch.camera.fits.NightLayout;
import org.nightwatch.camera.source.Pacing;
import org.nightwatch.night.DeploymentConfig;
import org.nightwatch.night.NightOptions;
import org.nightwatch.night.NightRunner;
import org.nightwatch.night.NightSummary;
import org.nightwatch.protocol.Candidate;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.protocol.SurveyMode;
import org.nightwatch.workers.diff.DiffFlag;

/**
 * Difference imaging in the running pipeline: a simulated night whose fields are revisited, with
 * transients, variables, moving objects and trails injected, differenced against the references the
 * simulator rendered into the night's layout. One of the two fields has no reference yet.
 */
class DifferenceImagingSystemTest {
    private static final int SENSORS = 2;
    private static final int VISITS = 6;
    private static final int FPV = 12;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void injectedTransientsBecomeCandidatesAndAFieldWithoutReferenceIsFlaggedWhileTheNightGoesOn() throws Exception {
        Path model = Nights.DEFAULT_MODEL;
        DeploymentConfig cfg = Nights.config(dir, """
            nightwatch.camera.sim.survey { fields = 2, fields-without-reference = 1, transients = 30, trail-chance = 0.5 }
            nightwatch.actors.classifier.model = "%s"
            """.formatted(model));
        Path out = dir.resolve("night-out");
        Map<String, VisitDiff> diffs = new ConcurrentHashMap<>();
        NightSummary s;
        try (NightRunner runner = new NightRunner(cfg, NightOptions.simulate(SENSORS, VISITS, SurveyMode.HIGH_CADENCE,
                Pacing.MAX).withDiff(out).withSink(v -> diffs.put(v.visit().sensor().index() + "/" + v.visit().visitId(), v.diff()))
            .build())) {
            s = runner.run(null);
        }

        // the night went on: every frame stacked, every visit through the difference stage
        assertTrue(s.accounted());
        assertEquals((long) SENSORS * VISITS * FPV, s.framesStacked());
        assertEquals(SENSORS * VISITS, diffs.size());
        var d = s.differenceImaging();
        assertNotNull(d);
        // field 0 (visits 0, 2, 4) has references; field 1 (visits 1, 3, 5) has none
        assertEquals(SENSORS * VISITS / 2, d.visitsDifferenced());
        assertEquals(SENSORS * VISITS / 2, d.flags().get("no_reference"));
        // each sensor's one reference is read and prepared once, then served from the library to its field's revisits
        assertEquals(SENSORS, d.referencesRead());
        assertTrue(d.referencesReused() >= SENSORS * (VISITS / 2 - 1), "reused " + d.referencesReused());
        NightLayout sky = new NightLayout(out.resolve("sky"));
        Path missing = sky.referenceFile(SensorId.of(0), 1);
        assertTrue(d.firstProblems().stream().anyMatch(p -> p.startsWith("sensor-00 visit 1: no reference for sensor-00 field 1")
            && p.contains(missing.toString())), d.firstProblems().toString());
        for (int v = 1; v < VISITS; v += 2) {
            VisitDiff vd = diffs.get("0/" + v);
            assertTrue(vd.has(DiffFlag.NO_REFERENCE));
            assertTrue(vd.candidates().isEmpty());
        }

        // the references are in the recorded-night layout, with their WCS and photometric keywords
        ImageFits.Image ref = ImageFits.read(sky.referenceFile(SensorId.of(1), 0));
        assertNotNull(ref.wcs());
        assertEquals(180, ref.nCombine());
        assertTrue(ref.seeing() > 1.5);
        assertFalse(Files.exists(missing));

        // the difference images are clean: noise as propagated
        assertTrue(d.noiseRatioMedian() > 0.9 && d.noiseRatioMedian() < 1.05, "residual noise " + d.noiseRatioMedian());

        // injected transients of field 0 come out as positive candidates of the visits where they are bright
        List<Map<String, String>> truth = Csv.read(sky.truth());
        List<Map<String, String>> cands = Csv.read(out.resolve("candidates.csv"));
        assertEquals(CandidateCsvSink.HEADER, Files.readAllLines(out.resolve("candidates.csv")).get(0));
        int bright = 0;
        int brightFound = 0;
        int brightScoredReal = 0;
        int faint = 0;
        int faintFound = 0;
        for (Map<String, String> t : truth) {
            if (!t.get("kind").equals("transient") || !t.get("field").equals("0")) {
                continue;
            }
            for (int v = 0; v < VISITS; v += 2) {
                double snr = expectedSnr(t, v, FPV);
                if (snr < 5) {
                    continue;
                }
                boolean found = false;
                boolean scoredReal = false;
                for (Map<String, String> c : cands) {
                    if (c.get("sensor").equals(t.get("sensor")) && Integer.parseInt(c.get("visit")) == v
                        && Integer.parseInt(c.get("sign")) > 0 && arcsec(c, t) < 2.5) {
                        found = true;
                        scoredReal = Double.parseDouble(c.get("score")) >= 0.5;
                        break;
                    }
                }
                if (snr >= 10) {
                    bright++;
                    brightFound += found ? 1 : 0;
                    brightScoredReal += scoredReal ? 1 : 0;
                } else {
                    faint++;
                    faintFound += found ? 1 : 0;
                }
            }
        }
        assertTrue(bright >= 40, "only " + bright + " transient-visits at S/N >= 10 were injected");
        assertTrue(brightFound >= 0.95 * bright, "recall at S/N >= 10: " + brightFound + " of " + bright);
        assertTrue(faintFound >= 0.5 * faint, "recall at S/N 5-10: " + faintFound + " of " + faint);
        // the committed model, trained on simulated pairs, calls the transients of a whole night real
        assertTrue(brightScoredReal >= 0.9 * brightFound, brightScoredReal + " of " + brightFound + " found transients scored real");

        // candidates carry stable, unique ids, sky positions and their 29 x 29 x 3 cutouts
        Set<String> ids = new HashSet<>();
        for (VisitDiff vd : diffs.values()) {
            for (Candidate c : vd.candidates()) {
                assertTrue(ids.add(c.id()), "duplicate id " + c.id());
                assertEquals(3 * 29 * 29, c.cutout().length);
                assertTrue(Double.isFinite(c.ra()) && Double.isFinite(c.dec()));
                assertTrue(c.mjd() > 50000);
                assertTrue(c.score() >= 0 && c.score() <= 1, "every candidate is scored: " + c.id());
                assertEquals(d.model(), c.modelVersion());
            }
        }
        // star residuals (flagged dipoles next to bright stars) are called bogus
        long residuals = cands.stream().filter(c -> c.get("flags").contains("dipole|near_bright_star")).count();
        long residualsReal = cands.stream().filter(c -> c.get("flags").contains("dipole|near_bright_star")
            && Double.parseDouble(c.get("score")) >= 0.5).count();
        assertTrue(residuals > 20 && residualsReal <= 0.05 * residuals, residualsReal + " of " + residuals + " star residuals scored real");
        assertEquals(d.candidates(), d.scored());
        assertEquals(cands.size(), ids.size());
        assertEquals(d.candidates(), ids.size());
    }

    /** The S/N a transient of truth.csv should have on visit {@code v}'s difference. */
    static double expectedSnr(Map<String, String> t, int v, int fpv) {
        double peak = Double.parseDouble(t.get("snr_peak"));
        if (t.get("subtype").equals("steady")) {
            return peak;
        }
        double time = (v + 0.5) * fpv * 0.5;
        double dt = time - Double.parseDouble(t.get("t_peak_s"));
        double rise = Double.parseDouble(t.get("rise_s"));
        double decay = Double.parseDouble(t.get("decay_s"));
        return peak * (dt < 0 ? Math.exp(-0.5 * dt * dt / (rise * rise)) : Math.exp(-dt / decay));
    }

    static double arcsec(Map<String, String> a, Map<String, String> b) {
        double dec = Math.toRadians(Double.parseDouble(b.get("dec")));
        double dra = (Double.parseDouble(a.get("ra")) - Double.parseDouble(b.get("ra"))) * Math.cos(dec);
        double ddec = Double.parseDouble(a.get("dec")) - Double.parseDouble(b.get("dec"));
        return Math.hypot(dra, ddec) * 3600;
    }

    /** A plain CSV reader for the files the pipeline writes (no quoting). */
    static final class Csv {
        static List<Map<String, String>> read(Path file) throws IOException {
            List<String> lines = Files.readAllLines(file);
            String[] head = lines.get(0).split(",", -1);
            List<Map<String, String>> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                Map<String, String> m = new HashMap<>();
                for (int i = 0; i < head.length; i++) {
                    m.put(head[i], i < f.length ? f[i] : "");
                }
                rows.add(m);
            }
            return rows;
        }
    }
}
