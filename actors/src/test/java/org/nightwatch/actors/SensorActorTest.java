package org.nightwatch.actors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nightwatch.camera.aeron.FrameSender;
import org.nightwatch.protocol.SensorId;

/**
 * {@link SensorActor} on its own, with an {@link ActorTestKit} on manual time, a clock moved by hand, and a probe for
 * the observatory: a real embedded Aeron media driver and ingest agent bring it the frames a camera sends. The sensor
 * shows its state as the control room reads it (idle, observing, stalled when the frames stop, done), logs the stall,
 * reports its books to the observatory as they change, and tells it once, when all it was sent is stacked.
 */
class SensorActorTest {
    static final SensorId SENSOR = SensorId.of(3);
    static final int FPV = TestNight.FPV;

    ActorTestKit kit;
    ManualTime time;
    TestNight night;
    /** The clock frames are stamped with and stalls measured by, in nanoseconds: moved by the test. */
    final AtomicLong clock = new AtomicLong(1_000_000_000L);

    @BeforeEach
    void start() {
        kit = ActorTestKit.create(ManualTime.config().withFallback(ConfigFactory.load()));
        time = ManualTime.get(kit.system());
        night = new TestNight(SENSOR.index() + 1, "", null, null, clock::get); // stall-after: the default 3 s
    }

    /** Half a second on the sensor's timer (one tick) and on the clock. */
    private void tick() {
        clock.addAndGet(500_000_000L);
        time.timePasses(Duration.ofMillis(500));
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
        assertEquals(SensorState.IDLE, status(sensor).state(), "the state is the sensor's own reading, taken at its tick");
        tick();
        assertEquals(SensorState.OBSERVING, status(sensor).state());
        // the observatory is told as the sensor changes, with its books
        assertEquals(0, reportIn(observatory, SensorState.OBSERVING, 2L * FPV).lost());
        assertEquals(2, night.stacked.size(), "two visits stacked and handed on");

        // the camera stops without ending its stream: past 3 s, the sensor says it stalled, in its state and its log
        for (int i = 0; i < 5; i++) {
            tick();
        }
        assertEquals(SensorState.OBSERVING, status(sensor).state(), "3 s without a frame: not stalled yet");
        LoggingTestKit.warn("stalled: no frame for PT3S").withOccurrences(1).expect(kit.system(), () -> {
            tick();
            tick();
            return null;
        });
        assertEquals(SensorState.STALLED, status(sensor).state());
        assertEquals(2, reportIn(observatory, SensorState.STALLED, 2L * FPV).visitsStacked());
        tick();
        tick();
        observatory.expectNoMessage(Duration.ofMillis(100)); // once, though ticks go on

        await().atMost(Duration.ofSeconds(10)).until(() -> sender.sendEndOfStream(SENSOR.index(), 2 * FPV, 2 * FPV - 1));
        assertEquals(SensorState.DONE, ((ObservatoryActor.SensorReported) observatory.receiveMessage(Duration.ofSeconds(10))).report().state(),
            "its last report says done");
        ObservatoryActor.Command drained = observatory.receiveMessage(Duration.ofSeconds(10));
        assertEquals(new ObservatoryActor.SensorDrained(SENSOR), drained);
        SensorActor.Status done = status(sensor);
        assertEquals(SensorState.DONE, done.state());
        assertEquals(2L * FPV, done.framesReceived());
        assertEquals(0, done.framesLost());
        tick();
        tick();
        observatory.expectNoMessage(Duration.ofMillis(100)); // told once, though ticks go on
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSensorWhoseStreamHasEndedIsNotStalledWhileItsLastVisitIsStillInTheStages() {
        java.util.concurrent.CompletableFuture<Void> release = new java.util.concurrent.CompletableFuture<>();
        night.close();
        // the stage after stacking holds the visit until released, as a slow difference imager at the night's end would
        night = new TestNight(SENSOR.index() + 1, "", v -> release.join(), null, clock::get);
        TestProbe<ObservatoryActor.Command> observatory = kit.createTestProbe();
        ActorRef<SensorActor.Command> sensor = kit.spawn(SensorActor.create(SENSOR, night.context, observatory.getRef()), "sensor-03");
        FrameSender sender = night.camera(SENSOR);
        for (long seq = 0; seq < FPV; seq++) {
            TestNight.send(sender, SENSOR, seq);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> sender.sendEndOfStream(SENSOR.index(), FPV, FPV - 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> night.context.ledger(SENSOR).ended());
        tick();
        assertEquals(SensorState.OBSERVING, status(sensor).state());
        for (int i = 0; i < 10; i++) {
            tick(); // 5 s without a frame, none due
        }
        assertEquals(SensorState.OBSERVING, status(sensor).state(), "its stream ended: draining, not stalled");
        release.complete(null);
        await().atMost(Duration.ofSeconds(10)).until(() -> status(sensor).state() == SensorState.DONE);
        assertEquals(1, night.stacked.size());
    }
}
