package org.nightwatch.actors.ingest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nightwatch.actors.pipeline.NightStats;
import org.nightwatch.actors.pipeline.StackStage;
import org.nightwatch.actors.pipeline.VisitPipeline;
import org.nightwatch.camera.CameraSettings;
import org.nightwatch.camera.aeron.AeronTransport;
import org.nightwatch.camera.aeron.FrameSender;
import org.nightwatch.protocol.FrameFate;
import org.nightwatch.protocol.FrameHeader;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.workers.stack.StackKernel;

/**
 * A camera that misbehaves, through the real path: an embedded media driver, the ingest agent on its
 * own thread, the visit assembler and the stacking stream. Full-size frames arrive out of order,
 * duplicated and with one missing; the stacks and the accounting must come out right.
 */
class IngestOverAeronTest {
    static final int W = 2000;
    static final int H = 1128;
    static final SensorId SENSOR = SensorId.of(11);

    AeronTransport transport;
    ActorSystem<Void> system;
    AgentRunner runner;

    @BeforeEach
    void start() {
        transport = AeronTransport.start(new CameraSettings.Aeron(true, "", "aeron:ipc", 1 << 20, 65504, 4 << 20,
            Duration.ofSeconds(10), Duration.ofMillis(1)));
        system = ActorSystem.create(Behaviors.empty(), "ingest-test");
    }

    @AfterEach
    void stop() {
        if (runner != null) {
            runner.close();
        }
        system.terminate();
        transport.close();
    }

    static int pixel(long seq, int i) {
        return (int) ((seq * 1000 + i * 13) & 0xFFFF);
    }

    static DirectBuffer frame(long seq) {
        ByteBuffer bb = ByteBuffer.allocateDirect(W * H * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < W * H; i++) {
            bb.putShort((short) pixel(seq, i));
        }
        return new UnsafeBuffer(bb);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void outOfOrderDuplicatedAndMissingFramesAreStackedAndAccountedRight() {
        StackBufferPool pool = new StackBufferPool(W, H, 4);
        SensorLedger ledger = new SensorLedger(SENSOR);
        List<float[]> stacks = new CopyOnWriteArrayList<>();
        List<String> flags = new CopyOnWriteArrayList<>();
        VisitPipeline pipeline = VisitPipeline.start(Materializer.matFromSystem(system), 4, Duration.ofMinutes(1),
            new VisitPipeline.Stages(new StackStage(StackKernel.best()), ForkJoinPool.commonPool(), null, null, null, v -> {
                stacks.add(v.image().clone());
                flags.add(v.flags().toString());
            }, ForkJoinPool.commonPool()), ledger, pool, new NightStats());
        VisitAssembler assembler = new VisitAssembler(SENSOR, W, H, pool, StackKernel.best(), ledger,
            VisitAssembler.WhenFull.WAIT, pipeline, TimeUnit.SECONDS.toNanos(10), System::nanoTime);
        IngestAgent agent = new IngestAgent("ingest-test", 4);
        runner = new AgentRunner(new SleepingIdleStrategy(100_000), Throwable::printStackTrace, null, agent);
        AgentRunner.startOnThread(runner);
        agent.register(transport.addSubscription(SENSOR), assembler);

        FrameSender sender = new FrameSender(transport.addPublication(SENSOR), W, H);
        await().atMost(Duration.ofSeconds(10)).until(sender::isConnected);
        // visits of 4 frames; 3 before 2, 2 twice, 4 never sent
        long[] order = {0, 1, 3, 2, 2, 5, 6, 7};
        for (long seq : order) {
            sender.begin(new FrameHeader(SENSOR.index(), seq, seq / 4, (int) (seq % 4), 4, seq * 500_000_000L,
                500_000_000L, W, H, 30, 40), frame(seq));
            while (sender.busy()) {
                sender.sendSome(16);
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> sender.sendEndOfStream(SENSOR.index(), 8, 7));
        pipeline.completion().toCompletableFuture().join();

        assertEquals(1, ledger.duplicates().get(), "frame 2 sent twice");
        assertEquals(1, ledger.count(FrameFate.LOST_MISSING), "frame 4 never sent");
        assertEquals(7, ledger.count(FrameFate.STACKED));
        assertEquals(8, ledger.accounted(), "every published frame accounted once");
        assertEquals(8, ledger.published());
        assertEquals(2, stacks.size());
        assertEquals("[]", flags.get(0));
        assertTrue(flags.get(1).contains("MISSING_FRAMES"), flags.get(1));
        for (int i : new int[] {0, 1, 12345, W * H - 1}) {
            float mean0 = (pixel(0, i) + pixel(1, i) + pixel(2, i) + pixel(3, i)) / 4f;
            float mean1 = (pixel(5, i) + pixel(6, i) + pixel(7, i)) / 3f;
            assertEquals(mean0, stacks.get(0)[i], 1e-3f, "visit 0 pixel " + i);
            assertEquals(mean1, stacks.get(1)[i], 1e-3f, "visit 1 pixel " + i);
        }
        assertEquals(0, pool.inUse(), "every stack buffer went back to the pool");
    }
}
