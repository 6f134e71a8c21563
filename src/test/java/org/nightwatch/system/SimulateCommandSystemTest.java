package org.nightwatch.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.night.cli.NightwatchCli;
import picocli.CommandLine;

/** {@code nightwatch simulate ... --report FILE} as a user runs it, through the real command line. */
class SimulateCommandSystemTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void simulateWritesTheSummaryReport() throws Exception {
        Path report = dir.resolve("report.json");
        Path record = dir.resolve("night");
        int code = NightwatchCli.commandLine().execute("simulate", "--config", Nights.DEPLOYMENT.toString(),
            "--http-port", "0", "--sensors", "2", "--visits", "1", "--mode", "high-cadence", "--speed", "max", "--record", record.toString(),
            "--out", dir.resolve("out").toString(), "--report", report.toString());
        assertEquals(0, code);
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        for (String key : new String[] {"sensors", "frames_published", "frames_stacked", "frames_lost", "frames_deferred",
            "visits_stacked", "realtime_factor", "peak_heap_mb"}) {
            assertTrue(json.has(key), "report has " + key + ": " + json);
        }
        assertEquals(2, json.get("sensors").asInt());
        assertEquals(24, json.get("frames_published").asLong());
        assertEquals(24, json.get("frames_stacked").asLong());
        assertEquals(2, json.get("visits_stacked").asLong());
        assertTrue(json.get("visit_latency_ms").has("p50") && json.get("visit_latency_ms").has("p99"));
        assertTrue(json.get("realtime_factor").asDouble() > 0);
        assertTrue(Files.exists(record.resolve("night.json")));
        assertTrue(Files.exists(record.resolve("sensor-01/visit-000000.fits")));
        // differenced against the references the simulator put into the recorded night, with its truth
        assertEquals(2, json.get("difference_imaging").get("visits_differenced").asLong());
        assertTrue(json.get("difference_imaging").get("candidates").asLong() > 0);
        assertTrue(Files.exists(record.resolve("references/sensor-01/field-00000.fits")));
        assertTrue(Files.exists(record.resolve("truth.csv")));
        assertTrue(Files.readAllLines(dir.resolve("out/candidates.csv")).size() > 1);
    }

    @Test
    void badArgumentsGetAClearErrorAndANonZeroExit() {
        StringWriter err = new StringWriter();
        CommandLine cli = NightwatchCli.commandLine();
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("nightwatch: " + ex.getMessage());
            return 2;
        });
        int code = cli.execute("simulate", "--config", Nights.DEPLOYMENT.toString(), "--mode", "deep", "--visits", "1");
        assertEquals(2, code);
        assertTrue(err.toString().contains("unknown survey mode 'deep'"), err.toString());
    }
}
