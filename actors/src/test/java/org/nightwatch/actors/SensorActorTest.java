package org.nightwatch.actors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nightwatch.actors.ingest.IngestAgent;
import org.nightwatch.actors.ingest.SensorLedger;
import org.nightwatch.actors.ingest.StackBufferPool;
import org.nightwatch.actors.ingest.VisitAssembler;
import org.nightwatch.actors.pipeline.NightStats;
import org.nightwatch.actors.pipeline.StackedVisit;
import org.nightwatch.camera.CameraSettings;
import org.nightwatch.camera.aeron.AeronTransport;
import org.nightwatch.camera.aeron.FrameSender;
import org.nightwatch.protocol.FrameHeader;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.workers.stack.StackKernel;

/**
 * {@link SensorActor} on its own, with an {@link ActorTestKit} and a probe for the observatory: a real
 * embedded Aeron media driver and ingest agent bring it the frames a camera sends. The sensor shows its
 * state as the control room reads it (idle, observing, stalled when the frames stop, done), logs the
 * stall, and tells the observatory once, when all it was sent is stacked.
 */
class SensorActorTest {
    static final int W = 64;
    static final int H = 48;
    static final int FPV = 4;
    static final SensorId SENSOR = SensorId.of(3);

    ActorTestKit kit;
    AeronTransport transport;
    AgentRunner runner;

    @BeforeEach
    void start() {
        kit = ActorTestKit.create();
        transport = AeronTransport.start(new CameraSettings.Aeron(true, "", "aeron:ipc", 1 << 20, 65504, 4 << 20,
            Duration.ofSeconds(10), Duration.ofMillis(1)));
    }

    @AfterEach
    void stop() {
        kit.shutdownTestKit();
        if (runner != null) {
            runner.close();
        }
        transport.close();
    }

    private SensorActor.Status status(ActorRef<SensorActor.Command> sensor) {
        TestProbe<SensorActor.Status> p = kit.createTestProbe();
        sensor.tell(new SensorActor.GetStatus(p.getRef()));
        return p.receiveMessage(Duration.ofSeconds(5));
    }

    private static UnsafeBuffer frame(long seq) {
        ByteBuffer bb = ByteBuffer.allocateDirect(W * H * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < W * H; i++) {
            bb.putShort((short) (1000 + seq + i % 7));
        }
        return new UnsafeBuffer(bb);
    }

    private static void send(FrameSender sender, long seq) {
        sender.begin(new FrameHeader(SENSOR.index(), seq, seq / FPV, (int) (seq % FPV), FPV, seq * 500_000_000L, 500_000_000L, W, H,
            30, 40), frame(seq));
        while (sender.busy()) {
            sender.sendSome(16);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSensorShowsItsStateAndTellsTheObservatoryOnceAllItWasSentIsStacked() {
        // the deployment's settings, with a short stall so that the test does not wait for the real one
        ActorsSettings settings = ActorsSettings.from(ConfigFactory.parseString("nightwatch.actors.stall-after = 2 s")
            .withFallback(ConfigFactory.load()));
        IngestAgent agent = new IngestAgent("ingest-test", 4);
        runner = new AgentRunner(new SleepingIdleStrategy(100_000), Throwable::printStackTrace, null, agent);
        AgentRunner.startOnThread(runner);
        List<SensorLedger> ledgers = new ArrayList<>();
        for (int i = 0; i <= SENSOR.index(); i++) {
            ledgers.add(new SensorLedger(SensorId.of(i)));
        }
        List<StackedVisit> stacked = new CopyOnWriteArrayList<>();
        NightContext night = new NightContext(transport, List.of(agent), new StackBufferPool(W, H, 2), ledgers, StackKernel.best(),
            v -> stacked.add(v), new NightStats(), settings, W, H, VisitAssembler.WhenFull.WAIT, ForkJoinPool.commonPool(),
            ForkJoinPool.commonPool(), null, null, null, null);
        TestProbe<ObservatoryActor.Command> observatory = kit.createTestProbe();
        ActorRef<SensorActor.Command> sensor = kit.spawn(SensorActor.create(SENSOR, night, observatory.getRef()), "sensor-03");
        assertEquals(SensorState.IDLE, status(sensor).state(), "subscribed, no frame yet");

        FrameSender sender = new FrameSender(transport.addPublication(SENSOR), W, H);
        await().atMost(Duration.ofSeconds(10)).until(sender::isConnected);
        for (long seq = 0; seq < 2 * FPV; seq++) {
            send(sender, seq);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> status(sensor).framesStacked() == 2 * FPV);
        // the state is the sensor's own reading, taken every 500 ms: observing within a tick
        await().atMost(Duration.ofSeconds(2)).until(() -> status(sensor).state() == SensorState.OBSERVING);
        assertEquals(2, stacked.size(), "two visits stacked and handed on");

        // the camera stops without ending its stream: the sensor says it stalled, in its state and its log
        LoggingTestKit.warn("stalled").withOccurrences(1).expect(kit.system(), () -> {
            await().atMost(Duration.ofSeconds(10)).until(() -> status(sensor).state() == SensorState.STALLED);
            return null;
        });
        observatory.expectNoMessage(Duration.ofMillis(200));

        await().atMost(Duration.ofSeconds(10)).until(() -> sender.sendEndOfStream(SENSOR.index(), 2 * FPV, 2 * FPV - 1));
        ObservatoryActor.Command drained = observatory.receiveMessage(Duration.ofSeconds(10));
        assertEquals(new ObservatoryActor.SensorDrained(SENSOR), drained);
        SensorActor.Status done = status(sensor);
        assertEquals(SensorState.DONE, done.state());
        assertEquals(2L * FPV, done.framesReceived());
        assertEquals(0, done.framesLost());
        observatory.expectNoMessage(Duration.ofMillis(700)); // told once, though ticks go on
    }
}
