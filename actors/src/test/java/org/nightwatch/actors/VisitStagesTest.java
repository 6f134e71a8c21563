package org.nightwatch.actors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nightwatch.camera.aeron.FrameSender;
import org.nightwatch.protocol.FrameFate;
import org.nightwatch.protocol.SensorId;

/**
 * A sensor's visit pipeline runs its steps as stages of their own: while one visit is still in a later stage (here
 * its sinks, held on purpose), the sensor's next visit is already stacked, and the visits still leave in order.
 */
class VisitStagesTest {
    private static final SensorId SENSOR = SensorId.of(0);
    private final ActorTestKit kit = ActorTestKit.create();
    private TestNight night;

    @AfterEach
    void stop() {
        kit.shutdownTestKit();
        if (night != null) {
            night.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSensorsNextVisitStacksWhileItsLastIsInALaterStage() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        AtomicInteger stackings = new AtomicInteger();
        List<Long> sunk = new CopyOnWriteArrayList<>();
        night = new TestNight(1, "", v -> {
            if (v.visit().visitId() == 0) {
                try {
                    assertTrue(hold.await(30, TimeUnit.SECONDS), "the first visit's sink was let go");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            sunk.add(v.visit().visitId());
        }, r -> {
            stackings.incrementAndGet();
            ForkJoinPool.commonPool().execute(r);
        }, System::nanoTime);
        TestProbe<ObservatoryActor.Command> observatory = kit.createTestProbe();
        kit.spawn(SensorActor.create(SENSOR, night.context, observatory.getRef()), "sensor-00");
        FrameSender sender = night.camera(SENSOR);
        for (long seq = 0; seq < 2 * TestNight.FPV; seq++) {
            TestNight.send(sender, SENSOR, seq);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> stackings.get() == 2);
        assertTrue(sunk.isEmpty(), "visit 1 was stacked while visit 0 was still in its sinks");
        assertEquals(0, night.context.ledger(SENSOR).count(FrameFate.STACKED), "neither is accounted before it leaves the stages");

        hold.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> sunk.size() == 2);
        assertEquals(List.of(0L, 1L), sunk, "the visits leave the stages in order");
        await().atMost(Duration.ofSeconds(10))
            .until(() -> night.context.ledger(SENSOR).count(FrameFate.STACKED) == 2L * TestNight.FPV);
        assertEquals(0, night.context.pool().inUse(), "both buffers went back");
    }
}
