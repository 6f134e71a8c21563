package org.nightwatch.actors.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
import org.apache.pekko.stream.javadsl.Flow;
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
 * One sensor's stream, one stream stage a step: closed visits in (from the ingest thread, through a bounded queue)
 * -> {@code stack} (on the stacking executor) -> {@code difference} (difference imaging on the diff executor, when the
 * night has a {@link DiffStage}, and scoring right after it on the same thread when the classifier scores on its
 * callers' threads) -> {@code score} (a classifier batching across sensors) -> {@code sinks} (on the
 * I/O executor) -> {@code settle} (accounting and buffer release). Each stage takes one visit of the sensor at a time,
 * in order, so a sensor's next visit stacks while its last is differenced; the shared executors bound how many run at
 * once across sensors. Each stage is a named flow (its name is the step's), and each visit's time in each step is
 * the night's timeline ({@link NightStats#recordTimeline}).
 *
 * <p>A visit's buffer is released and its frames accounted exactly once: by the stream when it is
 * processed (stacked, or lost with the stage that failed), by the visit deadline when its work in the stages
 * takes too long (lost, stalled: the stream goes on with the next visit; the time a visit waits between stages for
 * the one ahead of it does not count), by {@link #abandonQueued()} when the
 * sensor fails with the visit still queued, or by {@link #forceClose} when the night is closed around it.
 * A stage's failure costs its visit, never the stream.
 */
public final class VisitPipeline implements VisitHandoff {
    private final BoundedSourceQueue<ClosedVisit> queue;
    private final java.util.concurrent.atomic.AtomicBoolean completed = new java.util.concurrent.atomic.AtomicBoolean();
    private final UniqueKillSwitch killSwitch;
    /** The stream's end, once every visit it spilled is accounted too. */
    private final CompletableFuture<Done> completion = new CompletableFuture<>();
    private final Set<ClosedVisit> inFlight = ConcurrentHashMap.newKeySet();
    /** Visits given to the spool whose frames are not in the books yet (the write runs on the spool's thread). */
    private final java.util.concurrent.atomic.AtomicInteger spilling = new java.util.concurrent.atomic.AtomicInteger();
    /** The stream's own end: null while it runs, then {@code Done} or its failure. */
    private volatile Object streamEnd;
    private final SensorLedger ledger;
    private final StackBufferPool pool;
    private final Duration deadline;
    private final VisitSpool spool;
    private final EarlyStarts early;
    /** Started visits between two stages: their work holds their buffers, and no stage is working on them. */
    private final Set<Work> between = new HashSet<>();
    private boolean terminated;

    private VisitPipeline(Materializer mat, int capacity, Duration deadline, Stages stages, SensorLedger ledger, StackBufferPool pool,
                          NightStats stats, VisitSpool spool, EarlyStarts early) {
        this.spool = spool;
        this.early = early;
        this.ledger = ledger;
        this.pool = pool;
        this.deadline = deadline;
        Source<Work, Pair<BoundedSourceQueue<ClosedVisit>, UniqueKillSwitch>> visits = Source.<ClosedVisit>queue(capacity)
            .viaMat(KillSwitches.single(), Keep.both())
            .map(this::begin)
            .via(step("stack", w -> stack(w, stages, stats)));
        if (stages.diff() != null) {
            // a classifier that scores on its callers' threads scores right after difference imaging, on the imager's
            // thread (no thread of its own): then the difference stage scores too; a batching one is a stage of its own
            ClassifierStage c = stages.classifier();
            boolean scoresHere = c != null && c.scoresOnCallersThreads();
            visits = visits.via(step("difference", w -> difference(w, stages, scoresHere ? c : null, stats)));
            if (c != null && !scoresHere) {
                visits = visits.via(step("score", w -> score(w, c, stages.diffExecutor(), stats)));
            }
        }
        Pair<Pair<BoundedSourceQueue<ClosedVisit>, UniqueKillSwitch>, CompletionStage<Done>> m = visits
            .via(step("sinks", w -> sinks(w, stages, stats)))
            .via(Flow.<Work>create().map(w -> {
                settle(w);
                return Done.getInstance();
            }).named("settle"))
            .toMat(Sink.ignore(), Keep.both())
            .run(mat);
        this.queue = m.first().first();
        this.killSwitch = m.first().second();
        // a stream that stops (its sensor restarts, or the night is closed) leaves the visits between its stages
        // to no one: they are settled here, and their buffers go back
        m.second().whenComplete((d, e) -> {
            List<Work> left;
            synchronized (this) {
                terminated = true;
                left = new ArrayList<>(between);
                between.clear();
            }
            left.forEach(this::stopped);
            streamEnd = e != null ? e : Done.getInstance();
            completeWhenAccounted();
        });
    }

    /**
     * The sensor's stream has drained only when its books are whole: a visit spilled near the end is still being
     * written, and its frames are counted when the write ends. The books a sensor reports when it drains are its last
     * (another node keeps the night's books from them).
     */
    private void completeWhenAccounted() {
        Object end = streamEnd;
        if (end == null || spilling.get() > 0) {
            return;
        }
        if (end instanceof Throwable t) {
            completion.completeExceptionally(t);
        } else {
            completion.complete(Done.getInstance());
        }
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

    /**
     * A visit on its way through the stages: its stack once made, the failure of the stage that failed (the rest are
     * then skipped), whether it was settled while in a stage (its deadline, or the night's close), and the time its
     * work has taken so far, against its deadline. Handed from stage to stage, one at a time.
     */
    private static final class Work {
        final ClosedVisit visit;
        final boolean started;
        StackedVisit stacked;
        Throwable failure;
        boolean settled;
        long workNanos;

        Work(ClosedVisit v) {
            this.visit = v;
            this.started = v.tryStart(); // false: abandoned while queued, and accounted there
        }

        boolean skips() {
            return !started || settled || failure != null;
        }
    }

    /** A step's work for a visit: its future, and whether the work reads the visit's buffer. */
    private record StepWork(CompletableFuture<StackedVisit> work, boolean readsBuffer) {
    }

    /** A visit enters the stream: it is claimed for its stages (a visit abandoned while queued was accounted there). */
    private Work begin(ClosedVisit v) {
        Work w = new Work(v);
        if (w.started) {
            between(w);
        }
        return w;
    }

    /** The visit waits for its next stage; when the stream has stopped there is none, and it is settled now. */
    private void between(Work w) {
        synchronized (this) {
            if (!terminated) {
                between.add(w);
                return;
            }
        }
        stopped(w);
    }

    /**
     * The stream stopped with this visit started and not through its stages (the sensor restarted, or the night was
     * closed): it is counted lost unless it was settled already, and its work lets go of its buffer.
     */
    private void stopped(Work w) {
        ClosedVisit v = w.visit;
        w.settled = true;
        if (v.tryStall()) {
            inFlight.remove(v);
            lose(v, FrameFate.LOST_SENSOR_RESTART, "visit " + v.visitId() + ": its sensor's stream stopped while it was in " + v.stage());
        }
        letGo(v);
    }

    /** One named stage of the stream: a visit at a time, its work bounded by what is left of its deadline. */
    private Flow<Work, Work, org.apache.pekko.NotUsed> step(String name, java.util.function.Function<Work, StepWork> run) {
        return Flow.<Work>create().mapAsync(1, w -> {
            synchronized (this) {
                between.remove(w);
            }
            if (w.skips()) {
                if (w.started && !w.settled) {
                    between(w); // failed: on to settle, which counts it lost
                }
                return CompletableFuture.completedFuture(w);
            }
            StepWork sw;
            long t0 = System.nanoTime();
            try {
                sw = run.apply(w);
            } catch (RuntimeException | Error e) {
                sw = new StepWork(CompletableFuture.failedFuture(e), false); // an executor that refused the work
            }
            if (sw == null) {
                return CompletableFuture.completedFuture(w); // settled meanwhile: nothing to do
            }
            StepWork done = sw;
            long left = deadline.toNanos() - w.workNanos;
            return done.work().copy().orTimeout(Math.max(1, left), TimeUnit.NANOSECONDS).handle((s, error) -> {
                w.workNanos += System.nanoTime() - t0;
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof TimeoutException) {
                    stall(w);
                    if (done.readsBuffer()) {
                        // the buffer goes back when this step's work lets go of it, not before
                        done.work().whenComplete((x, y) -> letGo(w.visit));
                    }
                    return w;
                }
                if (cause != null) {
                    w.failure = cause;
                } else {
                    w.stacked = s;
                }
                between(w);
                return w;
            });
        }).named(name);
    }

    /** The work lets go of the visit's buffer; when the visit is settled already, the buffer goes back now (true). */
    private boolean letGo(ClosedVisit v) {
        if (v.letGo()) {
            pool.release(v.buffer());
            return true;
        }
        return false;
    }

    /** Before a step that reads the buffer: false (and the buffer let go) when the visit was settled meanwhile. */
    private boolean reclaim(Work w) {
        if (w.visit.reclaim()) {
            return true;
        }
        w.settled = true;
        letGo(w.visit);
        return false;
    }

    private StepWork stack(Work w, Stages st, NightStats stats) {
        ClosedVisit v = w.visit;
        return new StepWork(CompletableFuture.supplyAsync(() -> {
            v.stage("stacking");
            StackedVisit s = st.stack().run(v);
            if (!v.flags().contains(org.nightwatch.actors.ingest.VisitFlag.CAUGHT_UP)) {
                stats.recordVisitLatency(System.nanoTime() - v.closedNanos());
            }
            v.stage("waiting for difference imaging");
            if (st.diff() != null) {
                st.diff().noteWaiting();
            }
            return s;
        }, st.stackExecutor()), true);
    }

    /** Difference imaging, and then scoring on the same thread when the classifier scores on its callers' ({@code scoreHere}). */
    private StepWork difference(Work w, Stages st, ClassifierStage scoreHere, NightStats stats) {
        if (!reclaim(w)) {
            return null;
        }
        ClosedVisit v = w.visit;
        StackedVisit s = w.stacked;
        return new StepWork(CompletableFuture.supplyAsync(() -> {
            v.stage("difference imaging");
            VisitDiff d = st.diff().run(v, s.image(), early != null ? early.take(v.sensor(), v.visitId()) : null);
            stats.recordDiff(v, d, System.nanoTime() - v.closedNanos());
            v.stage("classification");
            if (scoreHere == null) {
                return s.withDiff(d);
            }
            // scoring reads the cutouts, not the buffer: a visit that stalls in it gives its buffer back at once
            if (letGo(v)) {
                throw new java.util.concurrent.CancellationException("settled while it was differenced");
            }
            List<org.nightwatch.protocol.Candidate> scored = scoreHere.score(d.candidates()).toCompletableFuture().join();
            stats.recordScored(scored);
            return s.withDiff(d.withCandidates(scored));
        }, st.diffExecutor()), true);
    }

    private StepWork score(Work w, ClassifierStage c, java.util.concurrent.Executor executor, NightStats stats) {
        ClosedVisit v = w.visit;
        // scoring reads the cutouts, not the buffer: a visit that stalls here gives its buffer back at once
        if (letGo(v)) {
            w.settled = true;
            return null;
        }
        StackedVisit s = w.stacked;
        // handed in from a difference imager's thread, as the classifier expects: scoring on the callers' threads runs
        // there (never on the stream's own thread), and a batch is joined from there
        return new StepWork(CompletableFuture.supplyAsync(() -> c.score(s.diff().candidates()), executor)
            .thenCompose(f -> f).thenApply(scored -> {
                stats.recordScored(scored);
                return s.withDiff(s.diff().withCandidates(scored));
            }), false);
    }

    private StepWork sinks(Work w, Stages st, NightStats stats) {
        if (!reclaim(w)) {
            return null; // counted lost (stalled) while it was scored, and its buffer may be another visit's by now
        }
        ClosedVisit v = w.visit;
        StackedVisit s = w.stacked;
        return new StepWork(CompletableFuture.supplyAsync(() -> {
            v.stage("sinks");
            st.sink().accept(s);
            stats.recordTimeline(v, System.nanoTime());
            return s;
        }, st.sinkExecutor()), true);
    }

    /** A visit's work took its whole deadline: it is counted lost (stalled) now, and the stream goes on with the next. */
    private void stall(Work w) {
        ClosedVisit v = w.visit;
        w.settled = true;
        if (v.tryStall()) {
            inFlight.remove(v);
            lose(v, FrameFate.LOST_STALLED, "visit " + v.visitId() + ": still in " + v.stage() + " " + deadline.toSeconds()
                + " s of work after its stacking began (visit deadline)");
            if (v.releasable()) {
                pool.release(v.buffer());
            }
        }
    }

    /**
     * The end of the stages: a visit not settled on the way is accounted once, stacked or lost with the stage that
     * failed, and its buffer goes back (its work has let go of it).
     */
    private void settle(Work w) {
        synchronized (this) {
            between.remove(w);
        }
        if (!w.started || w.settled) {
            return; // abandoned while queued, or settled in a stage: accounted there, the buffer returned by its work's end
        }
        ClosedVisit v = w.visit;
        if (letGo(v)) {
            return; // settled as stalled already (the night was closed)
        }
        if (!v.tryFinish()) {
            return;
        }
        inFlight.remove(v);
        if (w.failure == null) {
            StackedVisit s = w.stacked;
            ledger.account(FrameFate.STACKED, v.framesStacked());
            ledger.visitsStacked().incrementAndGet();
            ledger.skyLevel(s.skyLevel());
            if (!s.flags().isEmpty()) {
                ledger.visitsFlagged().incrementAndGet();
            }
        } else {
            lose(v, FrameFate.LOST_STAGE_FAILED, "visit " + v.visitId() + ": " + v.stage() + " failed: " + rootMessage(w.failure));
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
        if (spool != null && spool.shouldSpill(pool, inFlight.size())) {
            spilling.incrementAndGet();
            if (spool.spill(visit, ledger, pool, () -> {
                spilling.decrementAndGet();
                completeWhenAccounted();
            })) {
                return true;
            }
            spilling.decrementAndGet();
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

    /**
     * Ends the stream once what it was given is through. Once only: a catch-up stream is completed when its work is done
     * and again when the night closes, and Pekko's queue refuses a second completion (a worker that had spooled visits
     * exited with "The queue has already been completed").
     */
    @Override
    public void complete() {
        if (completed.compareAndSet(false, true)) {
            queue.complete();
        }
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
