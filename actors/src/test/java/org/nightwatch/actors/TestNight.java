package org.nightwatch.actors;

import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.nightwatch.actors.ingest.IngestAgent;
import org.nightwatch.actors.ingest.SensorLedger;
import org.nightwatch.actors.ingest.StackBufferPool;
import org.nightwatch.actors.ingest.VisitAssembler;
import org.nightwatch.actors.pipeline.NightStats;
import org.nightwatch.actors.pipeline.StackedVisit;
import org.nightwatch.actors.pipeline.VisitSink;
import org.nightwatch.camera.CameraSettings;
import org.nightwatch.camera.aeron.AeronTransport;
import org.nightwatch.camera.aeron.FrameSender;
import org.nightwatch.protocol.FrameHeader;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.workers.stack.StackKernel;

/**
 * What the actors' tests run a night's actors on: a real embedded Aeron media driver, an ingest agent on its
 * own thread, small 64x48 frames of 4 to a visit, stacking only, and the stacked visits collected. The
 * deployment's settings apply, with {@code overrides} (HOCON) on top.
 */
final class TestNight implements AutoCloseable {
    static final int W = 64;
    static final int H = 48;
    static final int FPV = 4;

    final AeronTransport transport = AeronTransport.start(new CameraSettings.Aeron(true, "", "aeron:ipc", 1 << 20, 65504, 4 << 20,
        Duration.ofSeconds(10), Duration.ofMillis(1)));
    final List<StackedVisit> stacked = new CopyOnWriteArrayList<>();
    final NightContext context;
    private final AgentRunner runner;
    /**
     * The night's own threads for stacking and sinks, ended with it. Not the JVM's common pool: that has one thread on a
     * 2-core machine and is shared with every test class of the module, so one task left waiting there by another test
     * would starve this night's stacking (a sensor test once waited 10 s for two 4-frame visits in a CI-sized run).
     */
    private final java.util.concurrent.ExecutorService stages = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-night-stages");
        t.setDaemon(true);
        return t;
    });

    TestNight(int sensors, String overrides) {
        this(sensors, overrides, null, null, System::nanoTime);
    }

    /**
     * As above, with the stacked visits also handed to {@code sink} (null: none), stacking run on {@code stackExecutor}
     * (null: the night's own threads), and frames stamped and stalls measured by {@code clock}.
     */
    TestNight(int sensors, String overrides, VisitSink sink, java.util.concurrent.Executor stackExecutor,
              java.util.function.LongSupplier clock) {
        IngestAgent agent = new IngestAgent("ingest-test", 4);
        runner = new AgentRunner(new SleepingIdleStrategy(100_000), Throwable::printStackTrace, null, agent);
        AgentRunner.startOnThread(runner);
        List<SensorLedger> ledgers = new ArrayList<>();
        for (int i = 0; i < sensors; i++) {
            ledgers.add(new SensorLedger(SensorId.of(i)));
        }
        ActorsSettings settings = ActorsSettings.from(ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load()));
        context = new NightContext(transport, List.of(agent), new StackBufferPool(W, H, 2 * sensors), ledgers, StackKernel.best(),
            v -> {
                stacked.add(v);
                if (sink != null) {
                    sink.accept(v);
                }
            }, new NightStats(), settings, W, H, VisitAssembler.WhenFull.WAIT, stackExecutor != null ? stackExecutor : stages,
            stages, null, null, null, null, clock);
    }

    /** A camera's stream for {@code sensor}, connected. */
    FrameSender camera(SensorId sensor) {
        FrameSender sender = new FrameSender(transport.addPublication(sensor), W, H);
        await().atMost(Duration.ofSeconds(10)).until(sender::isConnected);
        return sender;
    }

    /** Sends frame {@code seq} of {@code sensor} whole. */
    static void send(FrameSender sender, SensorId sensor, long seq) {
        ByteBuffer bb = ByteBuffer.allocateDirect(W * H * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < W * H; i++) {
            bb.putShort((short) (1000 + seq + i % 7));
        }
        sender.begin(new FrameHeader(sensor.index(), seq, seq / FPV, (int) (seq % FPV), FPV, seq * 500_000_000L, 500_000_000L, W, H,
            30, 40), new UnsafeBuffer(bb));
        while (sender.busy()) {
            sender.sendSome(16);
        }
    }

    /** What {@code sensor} says of itself, as the control room asks it. */
    static SensorActor.Status status(org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit kit,
                                     org.apache.pekko.actor.typed.ActorRef<SensorActor.Command> sensor) {
        org.apache.pekko.actor.testkit.typed.javadsl.TestProbe<SensorActor.Status> p = kit.createTestProbe();
        sensor.tell(new SensorActor.GetStatus(p.getRef()));
        return p.receiveMessage(Duration.ofSeconds(5));
    }

    @Override
    public void close() {
        runner.close();
        transport.close();
        stages.shutdownNow();
    }
}
