package org.nightwatch.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.actors.SensorActor;
import org.nightwatch.actors.SensorState;
import org.nightwatch.actors.ingest.SensorLedger;
import org.nightwatch.camera.source.Pacing;
import org.nightwatch.night.NightOptions;
import org.nightwatch.night.NightRunner;
import org.nightwatch.night.NightSummary;
import org.nightwatch.protocol.FrameFate;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.protocol.SurveyMode;

/**
 * A sensor that stops sending part-way through a visit: shown stalled (by its actor, and in the control room's mosaic
 * through the observatory), its visit stacked and flagged, the night goes on and ends.
 */
class SensorFailureSystemTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aSensorThatStopsSendingIsShownStalledAndTheNightEnds() throws Exception {
        SensorId broken = SensorId.of(2);
        try (NightRunner runner = new NightRunner(Nights.config(dir, "nightwatch.actors.visit-timeout = 2 s\nnightwatch.actors.stall-after = 300 ms"),
            NightOptions.simulate(4, 3, SurveyMode.HIGH_CADENCE, Pacing.MAX).withPrepared(4)
                .withSensorDyingAfter(broken.index(), 17).withControlRoom(0).build())) {
            CompletableFuture<NightSummary> night = Nights.runInBackground(runner);
            ActorRef<SensorActor.Command> sensor = Nights.sensorActor(runner, broken);
            await().atMost(Duration.ofSeconds(60)).until(() -> AskPattern.<SensorActor.Command, SensorActor.Status>ask(
                    sensor, SensorActor.GetStatus::new, Duration.ofSeconds(5), runner.system().scheduler())
                .toCompletableFuture().get().state() == SensorState.STALLED);
            // the operator sees it: the mosaic shows what the sensor told the observatory
            HttpClient http = HttpClient.newHttpClient();
            URI sensors = URI.create(runner.controlRoom().url() + "api/sensors");
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                JsonNode rows = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(sensors).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
                for (JsonNode r : rows) {
                    if (r.get("sensor").asText().equals(broken.name())) {
                        return r.get("state").asText().equals("stalled");
                    }
                }
                return false;
            });

            NightSummary s = night.get(60, TimeUnit.SECONDS);
            SensorLedger ledger = runner.ledger(broken);
            assertEquals(18, ledger.count(FrameFate.STACKED), "all 18 frames it read out are stacked");
            assertEquals(0, ledger.count(FrameFate.Kind.LOST));
            assertEquals(2, ledger.visitsStacked().get(), "visit 0 whole, visit 1 from the 6 frames it sent");
            assertEquals(1, ledger.visitsFlagged().get(), "the cut-short visit is flagged");
            for (int i : new int[] {0, 1, 3}) {
                assertEquals(36, runner.ledger(SensorId.of(i)).count(FrameFate.STACKED), "sensor " + i + " carried on");
            }
            assertEquals(3 * 36 + 18, s.framesPublished());
            assertTrue(s.accounted());
            assertEquals(Map.of("done", 4L), s.sensorStates(), "every sensor drained by the end, the broken one closed");
        }
    }
}
