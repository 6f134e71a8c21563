package org.nightwatch.actors.ingest;

import java.util.BitSet;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.protocol.VisitKey;

/**
 * A visit whose frames have all been accumulated (or will never come), handed from the ingest thread to
 * its sensor's stacking stream. It owns a pooled buffer until it is stacked and sunk, or abandoned.
 *
 * <p>Exactly one of {@link #tryStart()} and {@link #tryAbandon()} wins, so a visit is accounted once
 * (stacked or lost) and its buffer released once, even when its sensor fails while it waits.
 */
public final class ClosedVisit {
    private static final int QUEUED = 0;
    private static final int STARTED = 1;
    private static final int ABANDONED = 2;

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
    private final AtomicInteger state = new AtomicInteger(QUEUED);

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

    /** Claims the visit for stacking; false if it was abandoned. */
    public boolean tryStart() {
        return state.compareAndSet(QUEUED, STARTED);
    }

    /** Claims the visit for abandonment; false if stacking already started (it will finish). */
    public boolean tryAbandon() {
        return state.compareAndSet(QUEUED, ABANDONED);
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
