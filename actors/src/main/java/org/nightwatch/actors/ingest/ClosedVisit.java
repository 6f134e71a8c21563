package org.nightwatch.actors.ingest;

import java.util.BitSet;
import java.util.EnumSet;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.protocol.VisitKey;

/**
 * A visit whose frames have all been accumulated (or will never come), handed from the ingest thread to
 * its sensor's stacking stream. It owns a pooled buffer until it is stacked and sunk, or abandoned.
 *
 * <p>Its life: {@code queued -> started -> finished | stalled}, or {@code queued -> abandoned}. Each move is
 * made under the visit's lock, so a visit is settled (accounted stacked or lost) exactly once whoever gets
 * there first: the stream, the visit deadline, a failing sensor or a night that is being closed.
 *
 * <p>A started visit's buffer goes back once the visit is settled and its work does not hold the buffer:
 * the work holds it while it stacks, differences and sinks, and lets go while the visit's candidates are
 * scored ({@link #letGo}, {@link #reclaim}). So a visit that stalls in scoring returns its buffer at once,
 * while one that stalls in difference imaging keeps it until that work lets go: a buffer still being read
 * is never handed to another visit.
 */
public final class ClosedVisit {
    private enum State { QUEUED, STARTED, ABANDONED, FINISHED, STALLED }

    private final SensorId sensor;
    private final long visitId;
    private final int framesPerVisit;
    private final BitSet frames;
    private final StackBuffer buffer;
    private final long firstFrameStartNs;
    private final long exposureNs;
    private final double raDeg;
    private final double decDeg;
    private final int fieldId;
    private final EnumSet<VisitFlag> flags;
    private final long closedNanos;
    private State state = State.QUEUED;
    private boolean workHolds;
    private boolean released;
    private volatile String stage = "waiting to be stacked";
    private volatile long startedNanos;

    ClosedVisit(SensorId sensor, long visitId, int framesPerVisit, BitSet frames, StackBuffer buffer,
                long firstFrameStartNs, long exposureNs, double raDeg, double decDeg, int fieldId, EnumSet<VisitFlag> flags,
                long closedNanos) {
        this.fieldId = fieldId;
        this.sensor = sensor;
        this.visitId = visitId;
        this.framesPerVisit = framesPerVisit;
        this.frames = frames;
        this.buffer = buffer;
        this.firstFrameStartNs = firstFrameStartNs;
        this.exposureNs = exposureNs;
        this.raDeg = raDeg;
        this.decDeg = decDeg;
        this.flags = flags;
        this.closedNanos = closedNanos;
    }

    /** Claims the visit for stacking (its work now holds the buffer); false if it was abandoned. */
    public synchronized boolean tryStart() {
        if (state != State.QUEUED) {
            return false;
        }
        state = State.STARTED;
        workHolds = true;
        startedNanos = System.nanoTime();
        return true;
    }

    /** Claims the visit for abandonment (the caller releases the buffer); false if stacking already started. */
    public synchronized boolean tryAbandon() {
        if (state != State.QUEUED) {
            return false;
        }
        state = State.ABANDONED;
        return true;
    }

    /** Settles a started visit as done (stacked, or failed with its reason); false if it was settled already. */
    public synchronized boolean tryFinish() {
        if (state != State.STARTED) {
            return false;
        }
        state = State.FINISHED;
        return true;
    }

    /** Settles a started visit as stalled; false if it was settled already. */
    public synchronized boolean tryStall() {
        if (state != State.STARTED) {
            return false;
        }
        state = State.STALLED;
        return true;
    }

    /** The work no longer reads the buffer (it scores, or it ended). True: the caller releases the buffer now. */
    public synchronized boolean letGo() {
        workHolds = false;
        return releasable();
    }

    /** The work wants the buffer again (for its sinks): false if the visit was settled meanwhile, and the work must stop. */
    public synchronized boolean reclaim() {
        if (state != State.STARTED) {
            return false;
        }
        workHolds = true;
        return true;
    }

    /** After settling: true if the caller releases the buffer now (the work does not hold it). */
    public synchronized boolean releasable() {
        if (released || workHolds || (state != State.FINISHED && state != State.STALLED)) {
            return false;
        }
        released = true;
        return true;
    }

    /** The stage the visit is in, for the reason when it stalls. */
    public String stage() {
        return stage;
    }

    public void stage(String now) {
        stage = now;
        int i = TIMELINE.indexOf(now);
        if (i >= 0) {
            marks[i] = System.nanoTime();
        }
    }

    /**
     * The stages a visit passes through after its last frame, in order: {@link #stage(String)} with one of
     * these names notes when the visit entered it, for the night's per-visit timeline.
     */
    public static final java.util.List<String> TIMELINE = java.util.List.of("stacking", "waiting for difference imaging",
        "difference imaging", "classification", "sinks");
    private final long[] marks = new long[TIMELINE.size()];

    /** System.nanoTime() when the visit entered stage {@code i} of {@link #TIMELINE}, or 0 if it did not. */
    public long mark(int i) {
        return marks[i];
    }

    /** System.nanoTime() when its stacking began (0: not yet). */
    public long startedNanos() {
        return startedNanos;
    }

    public SensorId sensor() {
        return sensor;
    }

    public long visitId() {
        return visitId;
    }

    public VisitKey key() {
        return new VisitKey(sensor, visitId);
    }

    public int framesPerVisit() {
        return framesPerVisit;
    }

    /** Frame indexes that arrived whole. */
    public BitSet frames() {
        return (BitSet) frames.clone();
    }

    public int framesStacked() {
        return frames.cardinality();
    }

    public StackBuffer buffer() {
        return buffer;
    }

    public long firstFrameStartNs() {
        return firstFrameStartNs;
    }

    public long exposureNs() {
        return exposureNs;
    }

    /** The survey field of the visit, -1 when its frames did not say. */
    public int fieldId() {
        return fieldId;
    }

    public double raDeg() {
        return raDeg;
    }

    public double decDeg() {
        return decDeg;
    }

    public EnumSet<VisitFlag> flags() {
        return EnumSet.copyOf(flags);
    }

    /** System.nanoTime() when the visit was closed (its last frame received). */
    public long closedNanos() {
        return closedNanos;
    }

    @Override
    public String toString() {
        return key() + " (" + framesStacked() + "/" + framesPerVisit + " frames" + (flags.isEmpty() ? "" : ", " + flags) + ")";
    }
}
