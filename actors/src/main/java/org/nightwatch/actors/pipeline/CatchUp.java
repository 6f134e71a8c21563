package org.nightwatch.actors.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.nightwatch.actors.diff.DiffStage;
import org.nightwatch.actors.ingest.ClosedVisit;
import org.nightwatch.actors.ingest.SensorLedger;
import org.nightwatch.actors.ingest.StackBuffer;
import org.nightwatch.actors.ingest.StackBufferPool;
import org.nightwatch.actors.ingest.VisitSpool;
import org.nightwatch.protocol.SensorId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catch-up path: takes the spool's visits, oldest first, one at a time, and runs each through the
 * night's stages (stack, difference, score, sinks) on a stream of its own, when capacity frees: while the
 * camera sends, only when no live visit waits for difference imaging and the buffer pool has room to
 * spare (live visits come first); after the camera stops, at once. A caught-up visit's file is removed;
 * its alerts are late, and how late is counted here and carried to the scheduler.
 *
 * <p>Its streams keep ledgers of their own: the night's books counted these frames deferred when they
 * were spooled, and what becomes of them here is reported beside the books ({@link Totals}).
 */
public final class CatchUp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CatchUp.class);

    /**
     * @param caughtUp      visits differenced, scored and handed to the sinks
     * @param failed        visits that could not be read back or failed a stage (their reasons in {@code problems})
     * @param pending       visits still on disk
     * @param latenessMsP50 a caught-up visit's last frame to the end of its catch-up, median
     * @param latenessMsMax the same, the largest
     */
    public record Totals(long caughtUp, long failed, int pending, double latenessMsP50, double latenessMsMax, List<String> problems) {
    }

    private final VisitSpool spool;
    private final StackBufferPool pool;
    private final DiffStage diff;
    private final int reserve;
    private final Function<SensorLedger, VisitPipeline> pipelines;
    private final Map<SensorId, SensorLedger> ledgers = new HashMap<>();
    private final Map<SensorId, VisitPipeline> streams = new HashMap<>();
    private final AtomicLong caughtUp = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final List<Long> latenessMs = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Thread thread;
    private volatile boolean cameraDone;
    private volatile boolean closed;
    private volatile boolean busy;

    /**
     * @param pipelines makes a sensor's catch-up stream around its ledger (the night's stages and executors)
     * @param reserve   while the camera sends, catch up only with more free stack buffers than this
     */
    public CatchUp(VisitSpool spool, StackBufferPool pool, DiffStage diff, int reserve, Function<SensorLedger, VisitPipeline> pipelines) {
        this.spool = spool;
        this.pool = pool;
        this.diff = diff;
        this.reserve = reserve;
        this.pipelines = pipelines;
        this.thread = new Thread(this::loop, "catch-up");
        this.thread.setDaemon(true);
        this.thread.setPriority(Thread.MIN_PRIORITY);
    }

    public CatchUp start() {
        thread.start();
        return this;
    }

    /** The camera has stopped: catch up at full speed. */
    public void cameraDone() {
        cameraDone = true;
    }

    /** Whether everything spooled so far has been caught up (or given up). */
    public boolean drained() {
        return spool.pendingCount() == 0 && !busy;
    }

    private boolean mayRun() {
        if (cameraDone) {
            return true;
        }
        boolean diffIdle = diff == null || diff.waiting() == 0;
        return diffIdle && pool.capacity() - pool.inUse() > reserve;
    }

    private void loop() {
        while (!closed) {
            if (spool.peekPending() == null || !mayRun()) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                continue;
            }
            StackBuffer b = pool.tryAcquire();
            if (b == null) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                continue;
            }
            busy = true;
            VisitSpool.Spooled s = spool.nextPending();
            try {
                if (s == null) {
                    pool.release(b);
                    continue;
                }
                one(s, b);
            } finally {
                busy = false;
            }
        }
    }

    private void one(VisitSpool.Spooled s, StackBuffer b) {
        ClosedVisit v;
        try {
            v = spool.restore(s, b);
        } catch (RuntimeException e) {
            pool.release(b);
            fail(s.sensor() + " visit " + s.visitId() + ": the spooled visit could not be read back: " + e.getMessage());
            spool.done(s);
            return;
        }
        SensorLedger ledger;
        VisitPipeline stream;
        synchronized (this) {
            ledger = ledgers.computeIfAbsent(s.sensor(), SensorLedger::new);
            stream = streams.computeIfAbsent(s.sensor(), k -> pipelines.apply(ledgers.get(k)));
        }
        long before = ledger.visitsStacked().get();
        long lostBefore = ledger.count(org.nightwatch.protocol.FrameFate.Kind.LOST);
        if (!stream.offer(v)) {
            pool.release(b);
            fail(s.sensor() + " visit " + s.visitId() + ": its catch-up stream did not take it");
            spool.done(s);
            return;
        }
        // the stream settles the visit once (stacked, or lost with its stage), within the visit deadline
        while (ledger.visitsStacked().get() == before && ledger.count(org.nightwatch.protocol.FrameFate.Kind.LOST) == lostBefore
            && !closed) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        if (ledger.visitsStacked().get() > before) {
            caughtUp.incrementAndGet();
            synchronized (this) {
                latenessMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - v.closedNanos()));
            }
        } else {
            fail(s.sensor() + " visit " + s.visitId() + ": " + ledger.lastProblem());
        }
        spool.done(s);
    }

    private synchronized void fail(String why) {
        failed.incrementAndGet();
        if (problems.size() < 100) {
            problems.add(why);
        }
        LOG.error("catch-up: {}", why);
    }

    public synchronized Totals totals() {
        long[] l = latenessMs.stream().mapToLong(Long::longValue).sorted().toArray();
        double p50 = l.length == 0 ? Double.NaN : l[l.length / 2];
        double max = l.length == 0 ? Double.NaN : l[l.length - 1];
        return new Totals(caughtUp.get(), failed.get(), spool.pendingCount() + (busy ? 1 : 0), p50, max, List.copyOf(problems));
    }

    /** Stops taking visits (what is still on disk stays there for a resumed night) and ends the streams. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            streams.values().forEach(VisitPipeline::complete);
        }
    }
}
