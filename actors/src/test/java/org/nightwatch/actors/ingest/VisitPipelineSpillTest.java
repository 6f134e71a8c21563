package org.nightwatch.actors.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.workers.stack.StackKernel;
import org.nightwatch.actors.pipeline.NightStats;
import org.nightwatch.actors.pipeline.StackStage;
import org.nightwatch.actors.pipeline.VisitPipeline;
import org.nightwatch.protocol.FrameFate;
import org.nightwatch.protocol.SensorId;

/**
 * A sensor's stream says it has drained only when its books are whole. The books a sensor reports when it drains are
 * its last on a cluster (the camera's node keeps the night's books from them), so a visit spilled to the spool at the
 * end of the stream, whose write was still running when the stream ended, was once missing from them: a night of one
 * worker ended "UNACCOUNTED: 4".
 */
class VisitPipelineSpillTest {
    private static final int W = 2000;
    private static final int H = 1128;
    private static final SensorId SENSOR = SensorId.of(3);

    @TempDir
    Path dir;

    private final ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "spill-test");

    @AfterEach
    void stop() {
        system.terminate();
    }

    private static ClosedVisit visit(StackBufferPool pool, long visitId, int frames) {
        StackBuffer b = pool.tryAcquire();
        java.util.Arrays.fill(b.sums, 1000f * frames);
        java.util.Arrays.fill(b.rowCoverage, (short) frames);
        BitSet got = new BitSet();
        got.set(0, frames);
        return new ClosedVisit(SENSOR, visitId, 12, got, b, 1_700_000_000_000_000_000L + visitId * 6_000_000_000L, 500_000_000L, 151.25,
            20.5, 1, frames < 12 ? EnumSet.of(VisitFlag.MISSING_FRAMES) : EnumSet.noneOf(VisitFlag.class), System.nanoTime());
    }

    @Test
    @Timeout(60)
    void aStreamThatEndsWhileItsLastVisitIsBeingSpooledDrainsOnlyOnceThatVisitIsInItsBooks() throws Exception {
        StackBufferPool pool = new StackBufferPool(W, H, 2);
        SensorLedger ledger = new SensorLedger(SENSOR);
        CountDownLatch sinkMayGo = new CountDownLatch(1);
        try (VisitSpool spool = new VisitSpool(dir.resolve("spool"), 1L << 30, 1, W, H,
            new VisitSpool.CameraKeywords(1.19, 3.1, 60000, 1.19))) {
            VisitPipeline pipeline = VisitPipeline.start(Materializer.matFromSystem(system), 4, Duration.ofMinutes(1),
                new VisitPipeline.Stages(new StackStage(StackKernel.best()), ForkJoinPool.commonPool(), null, null, null, v -> {
                    try {
                        sinkMayGo.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, ForkJoinPool.commonPool()), ledger, pool, new NightStats(), spool);
            // the first visit is held in the sink; the second, with no buffer left free, goes to the spool
            assertTrue(pipeline.offer(visit(pool, 1, 12)));
            assertTrue(pipeline.offer(visit(pool, 2, 4)));
            pipeline.complete();
            sinkMayGo.countDown();
            pipeline.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
            // read at once, as the sensor's last report is: nothing may still be on its way into the books
            assertEquals(12, ledger.count(FrameFate.STACKED), ledger.gaps().toString());
            assertEquals(4, ledger.count(FrameFate.DEFERRED_SPOOLED), "the spilled visit's 4 frames, deferred and spooled: " + ledger.gaps());
            assertEquals(16, ledger.accounted());
            assertEquals(0, pool.inUse(), "both buffers went back");
            assertEquals(1, spool.pendingCount());
        }
    }
}
