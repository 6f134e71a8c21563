package org.nightwatch.actors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nightwatch.camera.aeron.FrameSender;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.protocol.SurveyMode;

/**
 * {@link Guardian} on its own, with an {@link ActorTestKit}: it spawns a sensor actor per sensor under
 * restart-with-backoff. A sensor that fails is restarted, counted, and takes its camera's frames again. The
 * other sensor does not notice, and the night still ends when both have drained.
 */
class GuardianTest {
    static final SensorId A = SensorId.of(0);
    static final SensorId B = SensorId.of(1);

    ActorTestKit kit;
    TestNight night;

    @BeforeEach
    void start() {
        kit = ActorTestKit.create();
        night = new TestNight(2, "nightwatch.actors { restart-min-backoff = 100 ms, restart-max-backoff = 1 s }");
    }

    @AfterEach
    void stop() {
        kit.shutdownTestKit();
        night.close();
    }

    private ActorRef<SensorActor.Command> sensor(ActorRef<Guardian.Command> guardian, SensorId id) {
        TestProbe<ActorRef<SensorActor.Command>> p = kit.createTestProbe();
        guardian.tell(new Guardian.GetSensor(id, p.getRef()));
        return p.receiveMessage(Duration.ofSeconds(5));
    }

    private SensorActor.Status status(ActorRef<SensorActor.Command> sensor) {
        return TestNight.status(kit, sensor);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aFailedSensorIsRestartedAndTakesItsFramesAgainWhileTheOtherGoesOn() {
        ObservatoryActorTest.RecordingControl control = new ObservatoryActorTest.RecordingControl();
        ActorRef<Guardian.Command> guardian = kit.spawn(Guardian.create(night.context, List.of(A, B), control), "guardian");
        TestProbe<ActorRef<ObservatoryActor.Command>> o = kit.createTestProbe();
        guardian.tell(new Guardian.GetObservatory(o.getRef()));
        ActorRef<ObservatoryActor.Command> observatory = o.receiveMessage(Duration.ofSeconds(5));
        assertNotNull(observatory);
        TestProbe<ObservatoryActor.NightEnded> ended = kit.createTestProbe();
        observatory.tell(new ObservatoryActor.StartNight(SurveyMode.HIGH_CADENCE, ended.getRef()));
        await().atMost(Duration.ofSeconds(5)).until(() -> control.calls.contains("start " + SurveyMode.HIGH_CADENCE));

        FrameSender camA = night.camera(A);
        FrameSender camB = night.camera(B);
        for (long seq = 0; seq < TestNight.FPV; seq++) {
            TestNight.send(camA, A, seq);
            TestNight.send(camB, B, seq);
        }
        ActorRef<SensorActor.Command> a = sensor(guardian, A);
        await().atMost(Duration.ofSeconds(10)).until(() -> status(a).framesStacked() == TestNight.FPV
            && status(sensor(guardian, B)).framesStacked() == TestNight.FPV);

        // a fault in sensor 0: supervision restarts it (said in the log) and counts it; sensor 1 goes on
        LoggingTestKit.warn("restarting").withOccurrences(1).expect(kit.system(), () -> {
            a.tell(new SensorActor.Fail("drill"));
            await().atMost(Duration.ofSeconds(10)).until(() -> status(a).restarts() == 1);
            return null;
        });
        // the restarted sensor subscribes again and stacks the next visit from its camera
        await().atMost(Duration.ofSeconds(10)).until(camA::isConnected);
        for (long seq = TestNight.FPV; seq < 2 * TestNight.FPV; seq++) {
            TestNight.send(camA, A, seq);
            TestNight.send(camB, B, seq);
        }
        // each sensor stacks on its own, so the other's second visit may land a moment later: await both
        await().atMost(Duration.ofSeconds(10)).until(() -> status(a).framesStacked() == 2 * TestNight.FPV
            && status(sensor(guardian, B)).framesStacked() == 2 * TestNight.FPV);
        SensorActor.Status b = status(sensor(guardian, B));
        assertEquals(2L * TestNight.FPV, b.framesStacked());
        assertEquals(0, b.restarts(), "the other sensor did not notice");

        // both streams end: the observatory hears both drained and ends the night
        for (SensorId id : List.of(A, B)) {
            FrameSender cam = id == A ? camA : camB;
            await().atMost(Duration.ofSeconds(10)).until(() -> cam.sendEndOfStream(id.index(), 2 * TestNight.FPV, 2 * TestNight.FPV - 1));
        }
        assertNotNull(ended.receiveMessage(Duration.ofSeconds(10)), "the night ends when both sensors have drained");
        assertEquals(4, night.stacked.size(), "two visits of each sensor stacked");
    }
}
