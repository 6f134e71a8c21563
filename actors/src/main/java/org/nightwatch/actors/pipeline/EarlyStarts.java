package org.nightwatch.actors.pipeline;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.nightwatch.actors.diff.DiffStage;
import org.nightwatch.actors.ingest.PartialVisit;
import org.nightwatch.protocol.SensorId;

/**
 * Difference imaging begun before a visit closes: when a sensor's visit has {@code fraction} of its
 * frames, its partial stack goes to the diff executor, where registration, the PSF-matching kernel and
 * the reference's convolution are done while the last frames still arrive; at the close only the
 * subtraction and detection are left ({@link DiffStage#run(org.nightwatch.actors.ingest.ClosedVisit, float[], DiffStage.Begun)}). Sensors read
 * out in step, so without this every visit's whole difference waits for the close and the visits queue
 * for the imagers; with it the work is spread over the visit.
 *
 * <p>One begun visit per sensor at a time; work not taken when its visit closes (not done yet, or the
 * visit was spooled or lost) gives its planes back. Planes are bounded: when none is free the visit is
 * differenced whole at its close, as without early starts.
 */
public final class EarlyStarts {
    private final DiffStage diff;
    private final Executor executor;
    private final double fraction;
    private final int maxPlanes;
    private final int pixels;
    private final BlockingQueue<float[]> planes = new LinkedBlockingQueue<>();
    private final AtomicInteger created = new AtomicInteger();
    private final ConcurrentHashMap<Integer, Work> bySensor = new ConcurrentHashMap<>();
    private final AtomicLong begun = new AtomicLong();
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();

    private static final class Work {
        final long visitId;
        final CompletableFuture<DiffStage.Begun> result = new CompletableFuture<>();
        final AtomicBoolean settled = new AtomicBoolean();

        Work(long visitId) {
            this.visitId = visitId;
        }
    }

    /**
     * @param fraction  begin when a visit has this fraction of its frames (0: never)
     * @param maxPlanes partial stacks held at once (9 MB each)
     */
    public EarlyStarts(DiffStage diff, Executor executor, double fraction, int maxPlanes, int width, int height) {
        this.diff = diff;
        this.executor = executor;
        this.fraction = fraction;
        this.maxPlanes = maxPlanes;
        this.pixels = width * height;
    }

    /** After how many frames of {@code framesPerVisit} the difference begins (0: it does not). */
    public int earlyAt(int framesPerVisit) {
        if (fraction <= 0 || maxPlanes <= 0 || framesPerVisit < 3) {
            return 0;
        }
        return (int) Math.max(1, Math.min(framesPerVisit - 1, Math.round(framesPerVisit * fraction)));
    }

    /**
     * A plane for a partial stack, or null when all are in use or live visits are waiting for a difference
     * imager: early work is extra work (the partial stack is calibrated and measured once more), worth it
     * only on capacity that would otherwise idle. Any thread.
     */
    public float[] plane() {
        if (diff.waiting() > 0) {
            skipped.incrementAndGet();
            return null;
        }
        float[] p = planes.poll();
        if (p != null) {
            return p;
        }
        if (created.incrementAndGet() > maxPlanes) {
            created.decrementAndGet();
            return null;
        }
        return new float[pixels];
    }

    /** Begins the difference of {@code p} on the diff executor; a sensor's earlier begun visit is dropped. */
    public void begin(PartialVisit p) {
        Work w = new Work(p.visitId());
        Work old = bySensor.put(p.sensor().index(), w);
        if (old != null) {
            drop(old);
        }
        begun.incrementAndGet();
        try {
            executor.execute(() -> {
                DiffStage.Begun b = null;
                try {
                    if (!w.settled.get()) {
                        b = diff.early(p);
                    }
                } catch (RuntimeException e) {
                    b = null; // the visit is differenced whole at its close
                } finally {
                    planes.add(p.mean());
                }
                w.result.complete(b);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            planes.add(p.mean());
            w.result.complete(null);
        }
    }

    /**
     * The begun work of a closing visit if it is done, or null (the visit is differenced whole; work still
     * running gives its planes back when it ends).
     */
    public DiffStage.Begun take(SensorId sensor, long visitId) {
        Work w = bySensor.get(sensor.index());
        if (w == null || w.visitId != visitId) {
            return null;
        }
        bySensor.remove(sensor.index(), w);
        if (!w.settled.compareAndSet(false, true)) {
            return null;
        }
        DiffStage.Begun b = w.result.getNow(null);
        if (b == null) {
            w.result.thenAccept(diff::release);
            return null;
        }
        used.incrementAndGet();
        return b;
    }

    private void drop(Work w) {
        if (w.settled.compareAndSet(false, true)) {
            w.result.thenAccept(diff::release);
        }
    }

    /** Visits whose difference was begun early, and of them, finished from that start. */
    public long begun() {
        return begun.get();
    }

    public long used() {
        return used.get();
    }
}
