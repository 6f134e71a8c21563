package org.nightwatch.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.actors.SensorActor;
import org.nightwatch.actors.ingest.SensorLedger;
import org.nightwatch.camera.source.Pacing;
import org.nightwatch.night.NightOptions;
import org.nightwatch.night.NightRunner;
import org.nightwatch.night.NightSummary;
import org.nightwatch.protocol.FrameFate;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.protocol.SurveyMode;

/** A sensor actor that fails mid-visit is restarted; the other 83 carry on; the gap is reported. */
class SensorSupervisionSystemTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aSensorKilledMidVisitIsRestartedAndTheOthersCarryOn() throws Exception {
        SensorId victim = SensorId.of(5);
        try (NightRunner runner = new NightRunner(Nights.config(dir, ""),
            NightOptions.simulate(84, 2, SurveyMode.HIGH_CADENCE, Pacing.MAX).withPrepared(4).build())) {
            CompletableFuture<NightSummary> night = Nights.runInBackground(runner);
            ActorRef<SensorActor.Command> sensor = Nights.sensorActor(runner, victim);
            assertEquals("sensor-05", sensor.path().name());
            SensorLedger ledger = runner.ledger(victim);
            await().atMost(Duration.ofSeconds(60)).until(() -> ledger.framesReceived().get() >= 3);
            sensor.tell(new SensorActor.Fail("drill: killed mid-visit"));

            NightSummary s = night.get(180, TimeUnit.SECONDS);
            assertEquals(1, ledger.restarts().get());
            assertTrue(ledger.count(FrameFate.LOST_SENSOR_RESTART) > 0, "the visit being assembled is lost");
            assertTrue(ledger.gaps().stream().anyMatch(g -> g.fate() == FrameFate.LOST_SENSOR_RESTART),
                "and the gap is reported");
            assertTrue(s.gaps().stream().anyMatch(g -> g.sensor().equals("sensor-05") && g.fate().equals("lost_sensor_restart")));
            assertTrue(ledger.count(FrameFate.STACKED) > 0, "the restarted sensor stacks again");
            for (int i = 0; i < 84; i++) {
                if (i == victim.index()) {
                    continue;
                }
                SensorLedger other = runner.ledger(SensorId.of(i));
                assertEquals(24, other.count(FrameFate.STACKED), "sensor " + i + " carried on");
                assertEquals(0, other.count(FrameFate.Kind.LOST), "sensor " + i + " lost nothing");
            }
            assertEquals(84 * 24, s.framesPublished());
            assertTrue(s.accounted(), "every frame of the night is stacked, lost or deferred");
            assertEquals(1, s.sensorRestarts());
        }
    }
}
