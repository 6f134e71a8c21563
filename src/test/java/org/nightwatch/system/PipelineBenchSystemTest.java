package org.nightwatch.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.night.cli.NightwatchCli;

/**
 * {@code nightwatch bench pipeline} as a user runs it: the whole pipeline on prepared frames, paced at
 * the camera's rate, and a report that says what the night cost and how late its alerts came.
 */
class PipelineBenchSystemTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void benchPipelineReportsCapacityLatencyAndCostOfAWholeNight() throws Exception {
        Path report = dir.resolve("pipeline.json");
        Path out = dir.resolve("out");
        Nights.config(dir, "nightwatch.actors.classifier.model = \"" + Nights.DEFAULT_MODEL + "\"");
        Path config = dir.resolve("test-site.conf");
        // two sensors sharing one prepared sky at two positions; three high-cadence visits of 12 frames
        int code = NightwatchCli.commandLine().execute("bench", "pipeline", "--config", config.toString(),
            "--sensors", "2", "--visits", "3", "--mode", "high-cadence", "--skies", "1", "--warmup-visits", "0",
            "--out", out.toString(), "--report", report.toString());
        assertEquals(0, code, "the night's books balance");
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        for (String key : new String[] {"realtime_factor", "visits_deferred", "visit_to_alert_ms", "cpu_ms_per_sensor_visit",
            "peak_heap_mb"}) {
            assertTrue(json.has(key), "report has " + key + ": " + json);
        }
        assertEquals(6, json.get("sensor_visits_stacked").asLong(), "every sensor-visit stacked and differenced");
        assertEquals(0, json.get("visits_deferred").asLong(), "two sensors fit in real time");
        assertEquals(6, json.get("visits_begun_early").asLong(), "every visit's difference began on its partial stack (8 of 12 frames)");
        JsonNode lat = json.get("visit_to_alert_ms");
        assertTrue(lat.get("p50").asDouble() > 0 && lat.get("p50").asDouble() <= lat.get("p99").asDouble(), lat.toString());
        JsonNode stages = json.get("cpu_ms_per_sensor_visit").get("difference_imaging");
        for (String s : new String[] {"difference_imaging_cpu", "calibrate_wall", "kernel_fit_wall", "convolve_wall", "detect_wall"}) {
            assertTrue(stages.get(s).asDouble() > 0, s + " measured: " + stages);
        }
        JsonNode roles = json.get("cpu_ms_per_sensor_visit").get("by_role");
        assertTrue(roles.get("difference-imaging").asDouble() > 0 && roles.get("ingest").asDouble() > 0, roles.toString());
        assertTrue(json.get("peak_heap_mb").asDouble() > 0);
        // the same sky at two positions: two sets of objects, and revisits of the one field raise alerts
        JsonNode sched = json.get("night").get("scheduler");
        assertTrue(sched.get("live_alerts").asInt() > 0, "transients seen on a revisit are alerted: " + sched);
        assertTrue(Files.exists(out.resolve("sky/references/sensor-01/field-00000.fits")), "each sensor has its own reference");
    }
}
