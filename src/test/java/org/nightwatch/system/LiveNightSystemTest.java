package org.nightwatch.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.camera.aeron.FreePorts;
import org.nightwatch.camera.source.Pacing;
import org.nightwatch.night.DeploymentConfig;
import org.nightwatch.night.NightOptions;
import org.nightwatch.night.NightRunner;
import org.nightwatch.night.NightSummary;
import org.nightwatch.protocol.SurveyMode;

/**
 * The live night: a camera in a JVM of its own ({@code nightwatch camera}, as the telescope's acquisition computers are)
 * publishes a night's frames over UDP on a multi-destination channel, and {@code observe} (every role but the camera)
 * takes them. Every frame the camera published is accounted, and the alerts are those of the same night simulated in
 * one process.
 */
class LiveNightSystemTest {
    private static final int SENSORS = 2;
    private static final int VISITS = 6;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 400, unit = TimeUnit.SECONDS)
    void framesFromACameraInAnotherProcessOverUdpGiveTheAlertsOfTheSameNightInOneProcess() throws Exception {
        String channel = FreePorts.frameChannel();
        DeploymentConfig cfg = Nights.config(dir, """
            nightwatch.camera.sim.survey { fields = 2, transients = 12, variables = 6, moving = 2 }
            nightwatch.actors.classifier.model = "%s"
            """.formatted(Nights.DEFAULT_MODEL));
        Path site = dir.resolve("test-site.conf");

        // the camera: its own JVM, its own media driver, sending as fast as the night takes the frames
        Process camera = Nights.cli(dir, List.of(), List.of("camera", "--config", site.toString(), "--channel", channel,
            "--sensors", String.valueOf(SENSORS), "--visits", String.valueOf(VISITS), "--mode", "high-cadence", "--speed", "max",
            "--night-start", AlertStreamSystemTest.NIGHT.toString(), "--out", dir.resolve("camera").toString())).start();
        List<String> said = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> waiting = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(camera.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    said.add(line);
                    if (line.contains("waiting for every sensor's receiver")) {
                        waiting.complete(null);
                    }
                }
            } catch (java.io.IOException e) {
                waiting.completeExceptionally(e);
            }
            waiting.completeExceptionally(new AssertionError("the camera ended before it was ready:\n" + String.join("\n", said)));
        }, "camera-output");
        reader.start();
        NightSummary observed;
        try {
            // its references are written before it waits for receivers: the observer reads them
            waiting.get(120, TimeUnit.SECONDS);
            NightOptions o = NightOptions.simulate(SENSORS, 0, SurveyMode.HIGH_CADENCE, Pacing.MAX)
                .withCamera(dir.resolve("camera").resolve("sky"), null).withDiff(dir.resolve("observed")).build();
            try (NightRunner r = new NightRunner(cfg.with("nightwatch.camera.aeron.channel", channel), o)) {
                observed = r.run(null);
            }
            assertTrue(camera.waitFor(60, TimeUnit.SECONDS), "the camera ends after its last end-of-stream");
        } finally {
            camera.destroyForcibly();
            reader.join(10_000);
        }
        String camLog = String.join("\n", said);
        assertEquals(0, camera.exitValue(), camLog);
        long due = (long) SENSORS * VISITS * cfg.framesPerVisit(SurveyMode.HIGH_CADENCE);
        assertTrue(camLog.contains("camera: " + SENSORS + " sensors, " + due + " frames published (0 deferred at the camera)"), camLog);
        assertEquals(due, observed.framesPublished(), "what the camera published, as its end-of-stream said it\n" + observed.toText());
        assertEquals(due, observed.framesStacked(), observed.toText());
        assertTrue(observed.accounted(), observed.toText());
        assertEquals((long) SENSORS * VISITS, observed.differenceImaging().visitsDifferenced(), observed.toText());

        // the same night in one process
        NightSummary single;
        try (NightRunner r = new NightRunner(cfg, NightOptions.simulate(SENSORS, VISITS, SurveyMode.HIGH_CADENCE, Pacing.MAX)
            .withDiff(dir.resolve("single")).withNightStart(AlertStreamSystemTest.NIGHT).build())) {
            single = r.run(null);
        }
        List<String> expected = Nights.alertLines(dir.resolve("single"));
        assertTrue(expected.size() >= 5, "alerts in the night: " + expected);
        assertEquals(single.differenceImaging().candidates(), observed.differenceImaging().candidates());
        assertEquals(expected, Nights.alertLines(dir.resolve("observed")), "the same alerts with the same scores");
    }
}
