package org.nightwatch.actors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nightwatch.camera.aeron.FrameSender;
import org.nightwatch.protocol.SensorId;

/**
 * {@link SensorActor} on its own, with an {@link ActorTestKit} and a probe for the observatory: a real
 * embedded Aeron media driver and ingest agent bring it the frames a camera sends. The sensor shows its
 * state as the control room reads it (idle, observing, stalled when the frames stop, done), logs the
 * stall, and tells the observatory once, when all it was sent is stacked.
 */
class SensorActorTest {
    static final SensorId SENSOR = SensorId.of(3);
    static final int FPV = TestNight.FPV;

    ActorTestKit kit;
    TestNight night;

    @BeforeEach
    void start() {
        kit = ActorTestKit.create();
        // a short stall, so that the test does not wait for the deployment's
        night = new TestNight(SENSOR.index() + 1, "nightwatch.actors.stall-after = 2 s");
    }

    @AfterEach
    void stop() {
        kit.shutdownTestKit();
        night.close();
    }

    private SensorActor.Status status(ActorRef<SensorActor.Command> sensor) {
        return TestNight.status(kit, sensor);
    }

    /** The first report the observatory was sent in {@code state} with {@code stacked} frames (earlier ones are passed over). */
    private static SensorReport reportIn(TestProbe<ObservatoryActor.Command> observatory, SensorState state, long stacked) {
        List<ObservatoryActor.Command> got = observatory.fishForMessage(Duration.ofSeconds(10), m ->
            m instanceof ObservatoryActor.SensorReported r && r.report().state() == state && r.report().stacked() == stacked
                ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
        return ((ObservatoryActor.SensorReported) got.get(got.size() - 1)).report();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSensorShowsItsStateAndTellsTheObservatoryOnceAllItWasSentIsStacked() {
        TestProbe<ObservatoryActor.Command> observatory = kit.createTestProbe();
        ActorRef<SensorActor.Command> sensor = kit.spawn(SensorActor.create(SENSOR, night.context, observatory.getRef()), "sensor-03");
        assertEquals(SensorState.IDLE, status(sensor).state(), "subscribed, no frame yet");

        FrameSender sender = night.camera(SENSOR);
        for (long seq = 0; seq < 2 * FPV; seq++) {
            TestNight.send(sender, SENSOR, seq);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> status(sensor).framesStacked() == 2 * FPV);
        // the state is the sensor's own reading, taken every 500 ms: observing within a tick
        await().atMost(Duration.ofSeconds(2)).until(() -> status(sensor).state() == SensorState.OBSERVING);
        // the observatory is told as the sensor changes, with its books
        assertEquals(0, reportIn(observatory, SensorState.OBSERVING, 2L * FPV).lost());
        assertEquals(2, night.stacked.size(), "two visits stacked and handed on");

        // the camera stops without ending its stream: the sensor says it stalled, in its state and its log
        LoggingTestKit.warn("stalled").withOccurrences(1).expect(kit.system(), () -> {
            await().atMost(Duration.ofSeconds(10)).until(() -> status(sensor).state() == SensorState.STALLED);
            return null;
        });
        assertEquals(2, reportIn(observatory, SensorState.STALLED, 2L * FPV).visitsStacked());
        observatory.expectNoMessage(Duration.ofMillis(700)); // once, though ticks go on

        await().atMost(Duration.ofSeconds(10)).until(() -> sender.sendEndOfStream(SENSOR.index(), 2 * FPV, 2 * FPV - 1));
        assertEquals(SensorState.DONE, ((ObservatoryActor.SensorReported) observatory.receiveMessage(Duration.ofSeconds(10))).report().state(),
            "its last report says done");
        ObservatoryActor.Command drained = observatory.receiveMessage(Duration.ofSeconds(10));
        assertEquals(new ObservatoryActor.SensorDrained(SENSOR), drained);
        SensorActor.Status done = status(sensor);
        assertEquals(SensorState.DONE, done.state());
        assertEquals(2L * FPV, done.framesReceived());
        assertEquals(0, done.framesLost());
        observatory.expectNoMessage(Duration.ofMillis(700)); // told once, though ticks go on
    }
}
