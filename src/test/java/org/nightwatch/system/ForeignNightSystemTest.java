package org.nightwatch.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.camera.source.Pacing;
import org.nightwatch.night.NightOptions;
import org.nightwatch.night.NightRunner;
import org.nightwatch.night.NightSummary;
import org.nightwatch.protocol.SurveyMode;
import org.nightwatch.system.DifferenceImagingSystemTest.Csv;
import org.nightwatch.tools.evaluate.NightEvaluation;

/**
 * A night nightwatch's simulator did not make: {@code src/test/resources/astropy/write_foreign_night.py} builds it
 * with astropy and numpy from two real telescope images Debian ships (an HST crowded star field and IRAF's M51),
 * in other seeing (Moffat profiles), with another camera's GAIN, RDNOISE and SATURATE, a rotated WCS at 0.87"/px
 * that records only the commanded pointing, cosmic rays, fixed hot pixels and no dark; transients on the galaxy,
 * beside faint stars and in the field, variables and moving objects (its truth.csv).
 *
 * <p>Issue 21's targets on such a night, each asserted: recall at S/N >= 10 at least 95% (96.8%), top-20 purity 100%,
 * live alerts at least 90% what they say (98.6%), magnitudes within 0.05 mag.
 */
class ForeignNightSystemTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void aNightBuiltFromRealImagesByAnotherToolIsReplayedWithItsOwnCameraAndItsTransientsFound() throws Exception {
        Path night = dir.resolve("foreign");
        Nights.astropy("write_foreign_night.py", 300, night.toString());

        Path out = dir.resolve("out");
        NightSummary s;
        try (NightRunner r = new NightRunner(Nights.config(dir, "nightwatch.actors.classifier.model = \"%s\"".formatted(Nights.DEFAULT_MODEL)),
            NightOptions.simulate(1, 8, SurveyMode.HIGH_CADENCE, Pacing.MAX).withReplay(night).withDiff(out).build())) {
            s = r.run(null);
        }
        System.out.println(s.toText());
        assertEquals(0, s.replay().visitsSkipped(), s.replay().problems().toString());
        assertEquals(8, s.differenceImaging().visitsDifferenced(), s.toText());
        assertEquals(0, s.differenceImaging().flags().getOrDefault("registration_fallback", 0L),
            "every visit registered on its stars, though its WCS is only the commanded pointing: " + s.toText());

        // every header value honoured: with the configuration's gain (1.2 e-/ADU against the file's 2.3) every
        // magnitude would be 0.71 mag too faint
        List<Map<String, String>> truth = Csv.read(night.resolve("truth.csv"));
        List<Map<String, String>> cands = Csv.read(out.resolve("candidates.csv"));
        List<Double> dmag = new ArrayList<>();
        for (Map<String, String> t : truth) {
            if (!t.get("kind").equals("transient")) {
                continue;
            }
            double ra = Double.parseDouble(t.get("ra"));
            double dec = Double.parseDouble(t.get("dec"));
            for (Map<String, String> c : cands) {
                long v = Long.parseLong(c.get("visit"));
                if (v >= Long.parseLong(t.get("visit_first")) && v <= Long.parseLong(t.get("visit_last"))
                    && c.get("sign").equals("1") && Double.parseDouble(c.get("snr")) >= 20
                    && arcsec(ra, dec, Double.parseDouble(c.get("ra")), Double.parseDouble(c.get("dec"))) < 2) {
                    dmag.add(Double.parseDouble(c.get("mag")) - Double.parseDouble(t.get("mag_peak")));
                }
            }
        }
        double[] d = dmag.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        assertTrue(d.length >= 100, "transients measured at S/N >= 20: " + d.length);
        double median = d[d.length / 2];
        assertTrue(Math.abs(median) <= 0.05, "magnitudes within 0.05 mag of the injected (median " + median + ")");

        // the camera's hot pixels found from the visits (there is no dark): after the first two visits, hardly
        // any candidate on one (163 of the 240 had one in the first visit)
        List<Map<String, String>> hot = Csv.read(night.resolve("hot-pixels.csv"));
        int[] onHot = new int[8];
        for (Map<String, String> h : hot) {
            double hx = Double.parseDouble(h.get("x"));
            double hy = Double.parseDouble(h.get("y"));
            boolean[] seen = new boolean[8];
            for (Map<String, String> c : cands) {
                int v = Integer.parseInt(c.get("visit"));
                if (!seen[v] && Math.hypot(Double.parseDouble(c.get("x")) - hx, Double.parseDouble(c.get("y")) - hy) < 1.5) {
                    seen[v] = true;
                    onHot[v]++;
                }
            }
        }
        assertTrue(onHot[0] > 100, "the first visit's hot pixels are detected, nothing knows them yet: " + Arrays.toString(onHot));
        for (int v = 3; v < 8; v++) {
            assertTrue(onHot[v] <= 15, "hot pixels with a candidate, visit " + v + ": " + Arrays.toString(onHot));
        }

        ObjectNode e = NightEvaluation.run(out, night.resolve("truth.csv"), 2.0, null);
        System.out.println(e.toPrettyString());
        // the committed model learned from two other nights of these images (train-data --from): with the model
        // trained on simulations alone, recall was 79%, top-20 purity 40% and 22% of the live alerts true
        assertEquals(1.0, e.get("top20_purity").asDouble(), "the top of the ranked list: " + e.get("top20_purity"));
        assertTrue(e.get("live_purity").asDouble() >= 0.9, "live alerts that are what they say: " + e.get("live_purity") + " "
            + e.get("false_live_alerts"));
        // the 95% (96.8% today: missed, a transient on a star a tenth as bright, taken for that star's
        // variability, and a bright one beside a fainter star that the model scores under the alert score)
        assertTrue(e.get("recall_snr_ge_10").asDouble() >= 0.95, "recall at S/N >= 10: " + e.get("recall_snr_ge_10"));
        assertEquals(e.get("by_kind").get("variable").get("alerted").asInt(),
            e.get("by_kind").get("variable").get("alerted_as_variable").asInt(), "a variable alerted is alerted as a variable");
    }

    private static double arcsec(double ra1, double dec1, double ra2, double dec2) {
        double dra = (ra1 - ra2) * Math.cos(Math.toRadians(0.5 * (dec1 + dec2)));
        return Math.hypot(dra, dec1 - dec2) * 3600;
    }
}
