package org.nightwatch.actors.pipeline;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
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
import org.nightwatch.protocol.FrameFate;

/**
 * One sensor's stream: closed visits in (from the ingest thread, through a bounded queue) -> stack (on
 * the stacking executor) -> difference imaging (on the diff executor, when the night has a
 * {@link DiffStage}) -> sink (on the I/O executor) -> accounting and buffer release.
 * Visits of a sensor are stacked one at a time and in order; the shared executors bound how many run at
 * once across sensors.
 *
 * <p>A visit's buffer is released and its frames accounted exactly once: by the stream when it is
 * processed, or by {@link #abandonQueued()} when the sensor fails with the visit still queued.
 */
public final class VisitPipeline implements VisitHandoff {
    private final BoundedSourceQueue<ClosedVisit> queue;
    private final UniqueKillSwitch killSwitch;
    private final CompletionStage<Done> completion;
    private final Set<ClosedVisit> inFlight = ConcurrentHashMap.newKeySet();
    private final SensorLedger ledger;
    private final StackBufferPool pool;

    private VisitPipeline(Materializer mat, int capacity, Stages stages, SensorLedger ledger, StackBufferPool pool,
                          NightStats stats) {
        this.ledger = ledger;
        this.pool = pool;
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

    public static VisitPipeline start(Materializer mat, int capacity, Stages stages, SensorLedger ledger,
                                      StackBufferPool pool, NightStats stats) {
        return new VisitPipeline(mat, capacity, stages, ledger, pool, stats);
    }

    private CompletionStage<Done> process(ClosedVisit v, Stages st, NightStats stats) {
        if (!v.tryStart()) {
            return CompletableFuture.completedFuture(Done.getInstance());
        }
        CompletableFuture<StackedVisit> stacked = CompletableFuture.supplyAsync(() -> st.stack().run(v), st.stackExecutor())
            .thenApply(s -> {
                stats.recordVisitLatency(System.nanoTime() - v.closedNanos());
                return s;
            });
        if (st.diff() != null) {
            stacked = stacked.thenApplyAsync(s -> {
                VisitDiff d = st.diff().run(s);
                stats.recordDiff(v, d, System.nanoTime() - v.closedNanos());
                return s.withDiff(d);
            }, st.diffExecutor());
            if (st.classifier() != null) {
                ClassifierStage c = st.classifier();
                stacked = stacked.thenCompose(s -> c.score(s.diff().candidates())
                    .thenApply(scored -> {
                        stats.recordScored(scored);
                        return s.withDiff(s.diff().withCandidates(scored));
                    }).toCompletableFuture());
            }
        }
        return stacked
            .thenApplyAsync(s -> {
                st.sink().accept(s);
                return s;
            }, st.sinkExecutor())
            .handle((s, error) -> {
                inFlight.remove(v);
                int frames = v.framesStacked();
                if (error == null) {
                    ledger.account(FrameFate.STACKED, frames);
                    ledger.visitsStacked().incrementAndGet();
                    ledger.skyLevel(s.skyLevel());
                    if (!s.flags().isEmpty()) {
                        ledger.visitsFlagged().incrementAndGet();
                    }
                    pool.release(v.buffer());
                    return Done.getInstance();
                }
                ledger.account(FrameFate.LOST_SENSOR_RESTART, frames);
                ledger.gap(-1, -1, FrameFate.LOST_SENSOR_RESTART, "visit " + v.visitId() + ": " + rootMessage(error));
                pool.release(v.buffer());
                throw new StageFailure(v + " could not be stacked: " + rootMessage(error), error);
            });
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName();
    }

    /** A stage failed on a visit; the stream fails and the sensor actor restarts it. */
    public static final class StageFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StageFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public boolean offer(ClosedVisit visit) {
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
