package org.nightwatch.actors.pipeline;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.nightwatch.actors.classify.ClassifierStage;
import org.nightwatch.actors.diff.DiffStage;
import org.nightwatch.actors.diff.VisitDiff;
import org.nightwatch.actors.ingest.ClosedVisit;
import org.nightwatch.actors.ingest.SensorLedger;
import org.nightwatch.actors.ingest.StackBufferPool;
import org.nightwatch.actors.ingest.VisitHandoff;
import org.nightwatch.actors.ingest.VisitSpool;
import org.nightwatch.protocol.FrameFate;

/**
 * One sensor's stream: closed visits in (from the ingest thread, through a bounded queue) -> stack (on
 * the stacking executor) -> difference imaging (on the diff executor, when the night has a
 * {@link DiffStage}) -> sink (on the I/O executor) -> accounting and buffer release.
 * Visits of a sensor are stacked one at a time and in order; the shared executors bound how many run at
 * once across sensors.
 *
 * <p>A visit's buffer is released and its frames accounted exactly once: by the stream when it is
 * processed (stacked, or lost with the stage that failed), by the visit deadline when a stage holds it
 * too long (lost, stalled: the stream goes on with the next visit), by {@link #abandonQueued()} when the
 * sensor fails with the visit still queued, or by {@link #forceClose} when the night is closed around it.
 * A stage's failure costs its visit, never the stream.
 */
public final class VisitPipeline implements VisitHandoff {
    private final BoundedSourceQueue<ClosedVisit> queue;
    private final UniqueKillSwitch killSwitch;
    private final CompletionStage<Done> completion;
    private final Set<ClosedVisit> inFlight = ConcurrentHashMap.newKeySet();
    private final SensorLedger ledger;
    private final StackBufferPool pool;
    private final Duration deadline;
    private final VisitSpool spool;
    private final EarlyStarts early;

    private VisitPipeline(Materializer mat, int capacity, Duration deadline, Stages stages, SensorLedger ledger, StackBufferPool pool,
                          NightStats stats, VisitSpool spool, EarlyStarts early) {
        this.spool = spool;
        this.early = early;
        this.ledger = ledger;
        this.pool = pool;
        this.deadline = deadline;
        Pair<Pair<BoundedSourceQueue<ClosedVisit>, UniqueKillSwitch>, CompletionStage<Done>> m =
            Source.<ClosedVisit>queue(capacity)
                .viaMat(KillSwitches.single(), Keep.both())
                .mapAsync(1, v -> process(v, stages, stats))
                .toMat(Sink.ignore(), Keep.both())
                .run(mat);
        this.queue = m.first().first();
        this.killSwitch = m.first().second();
        this.completion = m.second();
    }

    /**
     * The stages of the stream and where each runs.
     *
     * @param diff         difference imaging after stacking, or null (stacking only)
     * @param diffExecutor where it runs (ignored without one)
     * @param classifier   scores the candidates after difference imaging, batched across sensors; or null
     */
    public record Stages(StackStage stack, Executor stackExecutor, DiffStage diff, Executor diffExecutor, ClassifierStage classifier,
                         VisitSink sink, Executor sinkExecutor) {
    }

    /**
     * @param capacity visits that may wait for the stream
     * @param deadline the longest a visit may take from the start of its stacking through its sinks; after it
     *                 the visit is counted lost (stalled) and the stream goes on with the next
     */
    public static VisitPipeline start(Materializer mat, int capacity, Duration deadline, Stages stages, SensorLedger ledger,
                                      StackBufferPool pool, NightStats stats) {
        return new VisitPipeline(mat, capacity, deadline, stages, ledger, pool, stats, null, null);
    }

    /**
     * As {@link #start}, with a spool: a visit that would wait behind this sensor's previous one while the
     * buffer pool runs low is spooled to disk for the catch-up path instead of holding its buffer in the queue.
     */
    public static VisitPipeline start(Materializer mat, int capacity, Duration deadline, Stages stages, SensorLedger ledger,
                                      StackBufferPool pool, NightStats stats, VisitSpool spool) {
        return new VisitPipeline(mat, capacity, deadline, stages, ledger, pool, stats, spool, null);
    }

    /** As above, with difference imaging begun on each visit's partial stack ({@link EarlyStarts}; null: not). */
    public static VisitPipeline start(Materializer mat, int capacity, Duration deadline, Stages stages, SensorLedger ledger,
                                      StackBufferPool pool, NightStats stats, VisitSpool spool, EarlyStarts early) {
        return new VisitPipeline(mat, capacity, deadline, stages, ledger, pool, stats, spool, early);
    }

    @Override
    public int earlyAt(int framesPerVisit) {
        return early != null ? early.earlyAt(framesPerVisit) : 0;
    }

    @Override
    public float[] earlyPlane() {
        return early != null ? early.plane() : null;
    }

    @Override
    public void early(org.nightwatch.actors.ingest.PartialVisit partial) {
        if (early != null) {
            early.begin(partial);
        }
    }

    @Override
    public VisitSpool.FramesOnDisk spoolFrames(org.nightwatch.protocol.SensorId sensor, long visitId, int framesPerVisit, int fieldId,
                                               double raDeg, double decDeg, long firstStartNs, long exposureNs) {
        return spool == null ? null
            : spool.framesOnDisk(sensor, visitId, framesPerVisit, fieldId, raDeg, decDeg, firstStartNs, exposureNs);
    }

    private CompletionStage<Done> process(ClosedVisit v, Stages st, NightStats stats) {
        if (!v.tryStart()) {
            return CompletableFuture.completedFuture(Done.getInstance());
        }
        CompletableFuture<StackedVisit> work;
        try {
            work = stages(v, st, stats);
        } catch (RuntimeException | Error e) {
            work = CompletableFuture.failedFuture(e); // an executor that refused the work: the visit fails, the stream goes on
        }
        // the buffer returns once the work has let go of it and the visit is settled, whichever comes second. The
        // visit is settled after the work lets go (not beside it, as two callbacks of one future): the stream's element,
        // and so the stream's completion, then never runs ahead of a buffer's return. A visit past its deadline is
        // settled by the timeout while its work still runs, and the work's end returns the buffer later.
        CompletableFuture<StackedVisit> letGo = work.whenComplete((s, e) -> {
            if (v.letGo()) {
                pool.release(v.buffer());
            }
        });
        return letGo.copy().orTimeout(deadline.toNanos(), TimeUnit.NANOSECONDS)
            .handle((s, error) -> {
                settle(v, s, error);
                return Done.getInstance();
            });
    }

    /** Stack -> difference -> score -> sinks, each on its executor; {@link ClosedVisit#stage} says where the visit is. */
    private CompletableFuture<StackedVisit> stages(ClosedVisit v, Stages st, NightStats stats) {
        CompletableFuture<StackedVisit> stacked = CompletableFuture.supplyAsync(() -> {
            v.stage("stacking");
            return st.stack().run(v);
        }, st.stackExecutor()).thenApply(s -> {
            if (!v.flags().contains(org.nightwatch.actors.ingest.VisitFlag.CAUGHT_UP)) {
                stats.recordVisitLatency(System.nanoTime() - v.closedNanos());
            }
            v.stage("waiting for difference imaging");
            if (st.diff() != null) {
                st.diff().noteWaiting();
            }
            return s;
        });
        if (st.diff() != null) {
            stacked = stacked.thenApplyAsync(s -> {
                v.stage("difference imaging");
                VisitDiff d = st.diff().run(s.visit(), s.image(), early != null ? early.take(v.sensor(), v.visitId()) : null);
                stats.recordDiff(v, d, System.nanoTime() - v.closedNanos());
                v.stage("classification");
                return s.withDiff(d);
            }, st.diffExecutor());
            if (st.classifier() != null) {
                ClassifierStage c = st.classifier();
                stacked = stacked.thenCompose(s -> {
                    // scoring reads the cutouts, not the buffer: a visit that stalls here gives its buffer back at once
                    if (v.letGo()) {
                        pool.release(v.buffer());
                    }
                    return c.score(s.diff().candidates()).thenApply(scored -> {
                        stats.recordScored(scored);
                        return s.withDiff(s.diff().withCandidates(scored));
                    }).toCompletableFuture();
                });
            }
        }
        return stacked.thenApplyAsync(s -> {
            if (!v.reclaim()) {
                // counted lost (stalled) while it was scored, and its buffer may be another visit's by now
                throw new java.util.concurrent.CancellationException("settled while it was scored");
            }
            v.stage("sinks");
            st.sink().accept(s);
            stats.recordTimeline(v, System.nanoTime());
            return s;
        }, st.sinkExecutor());
    }

    /** Accounts a started visit once: stacked, lost because a stage failed, or lost because it missed its deadline. */
    private void settle(ClosedVisit v, StackedVisit s, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof TimeoutException) {
            if (v.tryStall()) {
                inFlight.remove(v);
                lose(v, FrameFate.LOST_STALLED, "visit " + v.visitId() + ": still in " + v.stage() + " " + deadline.toSeconds()
                    + " s after its stacking began (visit deadline)");
                if (v.releasable()) {
                    pool.release(v.buffer());
                }
            }
            return;
        }
        if (!v.tryFinish()) {
            return; // settled as stalled already (the night was closed); the work's end returned the buffer
        }
        inFlight.remove(v);
        if (cause == null) {
            ledger.account(FrameFate.STACKED, v.framesStacked());
            ledger.visitsStacked().incrementAndGet();
            ledger.skyLevel(s.skyLevel());
            if (!s.flags().isEmpty()) {
                ledger.visitsFlagged().incrementAndGet();
            }
        } else {
            lose(v, FrameFate.LOST_STAGE_FAILED, "visit " + v.visitId() + ": " + v.stage() + " failed: " + rootMessage(cause));
        }
        if (v.releasable()) {
            pool.release(v.buffer());
        }
    }

    private void lose(ClosedVisit v, FrameFate fate, String why) {
        ledger.account(fate, v.framesStacked());
        ledger.gap(-1, -1, fate, why);
        ledger.problem(ledger.sensor() + ": " + why);
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() != null ? c.getClass().getSimpleName() + ": " + c.getMessage() : c.getClass().getSimpleName();
    }

    @Override
    public boolean offer(ClosedVisit visit) {
        if (spool != null && spool.shouldSpill(pool, inFlight.size()) && spool.spill(visit, ledger, pool)) {
            return true;
        }
        inFlight.add(visit);
        QueueOfferResult r;
        try {
            r = queue.offer(visit);
        } catch (RuntimeException e) {
            r = QueueOfferResult.dropped();
        }
        if (r != QueueOfferResult.enqueued()) {
            inFlight.remove(visit);
            return false;
        }
        return true;
    }

    @Override
    public void complete() {
        queue.complete();
    }

    /** Completes when the stream has stacked everything it was given and stopped (or failed). */
    public CompletionStage<Done> completion() {
        return completion;
    }

    /**
     * The night is being closed with this sensor's visits still held (a stage that never lets go): every
     * visit still queued or in a stage is counted lost with {@code why}, and the stream is torn down. The
     * buffers of visits whose work still runs go back when it lets go.
     */
    public void forceClose(String why) {
        for (ClosedVisit v : inFlight) {
            if (v.tryAbandon()) {
                inFlight.remove(v);
                lose(v, FrameFate.LOST_STALLED, "visit " + v.visitId() + " waiting to be stacked: " + why);
                pool.release(v.buffer());
            } else if (v.tryStall()) {
                inFlight.remove(v);
                lose(v, FrameFate.LOST_STALLED, "visit " + v.visitId() + " still in " + v.stage() + ": " + why);
                if (v.releasable()) {
                    pool.release(v.buffer());
                }
            }
        }
        killSwitch.shutdown();
    }

    /** Tears the stream down (the sensor actor is stopping). */
    public void shutdown() {
        killSwitch.shutdown();
    }

    /** Accounts as lost, and releases, the visits still waiting in the queue. */
    public void abandonQueued() {
        for (ClosedVisit v : inFlight) {
            if (v.tryAbandon()) {
                inFlight.remove(v);
                ledger.account(FrameFate.LOST_SENSOR_RESTART, v.framesStacked());
                ledger.gap(-1, -1, FrameFate.LOST_SENSOR_RESTART, "visit " + v.visitId() + " was waiting to be stacked");
                pool.release(v.buffer());
            }
        }
    }

    /** Visits handed to the stream and not yet finished. */
    public int inFlight() {
        return inFlight.size();
    }
}
