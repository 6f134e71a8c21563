package org.nightwatch.actors.ingest;

import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.nightwatch.protocol.FrameFate;
import org.nightwatch.protocol.SensorId;

/**
 * Where every frame of one sensor ended, for the whole night, across restarts of its actor.
 *
 * <p>Counters are written by the ingest thread and the stacking stage and may be read by anyone (as
 * Aeron's counters are). The sequence bookkeeping ({@code highestSeq}, the missing ranges) belongs to
 * whichever {@link VisitAssembler} is current, always on the ingest thread: an assembler that is
 * abandoned hands it to the next one.
 */
public final class SensorLedger {
    /** A run of frames that did not reach a stack, with why; kept for the control room and report. */
    public record Gap(long firstSequence, long lastSequence, FrameFate fate, String detail) {
        public long frames() {
            return lastSequence - firstSequence + 1;
        }
    }

    private static final int MAX_GAPS = 256;

    private final SensorId sensor;
    private final AtomicLongArray fates = new AtomicLongArray(FrameFate.values().length);
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong backPressuredPolls = new AtomicLong();
    private final AtomicLong visitsStacked = new AtomicLong();
    private final AtomicLong visitsFlagged = new AtomicLong();
    private final AtomicLong visitsDeferred = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    private final AtomicLong framesReceived = new AtomicLong();
    private final ArrayDeque<Gap> gaps = new ArrayDeque<>();
    private long gapsDropped;
    private volatile long published = -1;
    private volatile boolean ended;
    private volatile long lastBlockNanos;
    private volatile String lastProblem;
    private volatile float skyLevel = Float.NaN;

    // ingest-thread state, handed from one assembler incarnation to the next
    long highestSeq = -1;
    final SequenceRanges missing = new SequenceRanges();

    public SensorLedger(SensorId sensor) {
        this.sensor = sensor;
    }

    public SensorId sensor() {
        return sensor;
    }

    public void account(FrameFate fate, long frames) {
        if (frames > 0) {
            fates.addAndGet(fate.ordinal(), frames);
        }
    }

    public long count(FrameFate fate) {
        return fates.get(fate.ordinal());
    }

    public long count(FrameFate.Kind kind) {
        long n = 0;
        for (FrameFate f : FrameFate.values()) {
            if (f.kind() == kind) {
                n += fates.get(f.ordinal());
            }
        }
        return n;
    }

    /** Frames accounted in any way. */
    public long accounted() {
        long n = 0;
        for (int i = 0; i < fates.length(); i++) {
            n += fates.get(i);
        }
        return n;
    }

    public synchronized void gap(long first, long last, FrameFate fate, String detail) {
        if (gaps.size() == MAX_GAPS) {
            gaps.pollFirst();
            gapsDropped++;
        }
        gaps.addLast(new Gap(first, last, fate, detail));
    }

    public synchronized List<Gap> gaps() {
        return new ArrayList<>(gaps);
    }

    public synchronized long gapsDropped() {
        return gapsDropped;
    }

    public void problem(String text) {
        lastProblem = text;
    }

    /** The last thing wrong with this sensor's input, naming the frame and field, or null. */
    public String lastProblem() {
        return lastProblem;
    }

    /** Median sky of the sensor's last stacked visit, ADU per frame; NaN before one. */
    public float skyLevel() {
        return skyLevel;
    }

    public void skyLevel(float level) {
        skyLevel = level;
    }

    public AtomicLong duplicates() {
        return duplicates;
    }

    public AtomicLong malformed() {
        return malformed;
    }

    /** Polls that left a block in the stream because no stack buffer was free. */
    public AtomicLong backPressuredPolls() {
        return backPressuredPolls;
    }

    public AtomicLong visitsStacked() {
        return visitsStacked;
    }

    /** Visits stacked with a flag (missing frames, partial rows, closed on a time-out). */
    public AtomicLong visitsFlagged() {
        return visitsFlagged;
    }

    public AtomicLong visitsDeferred() {
        return visitsDeferred;
    }

    public AtomicLong restarts() {
        return restarts;
    }

    /** Frames whose first block arrived (whatever became of them). */
    public AtomicLong framesReceived() {
        return framesReceived;
    }

    void endOfStream(long framesPublished) {
        published = framesPublished;
        ended = true;
    }

    /** Frames the camera said it published (from its end-of-stream), or -1 before that. */
    public long published() {
        return published;
    }

    public boolean ended() {
        return ended;
    }

    void touched(long nanos) {
        lastBlockNanos = nanos;
    }

    /** System.nanoTime() of the last block received, 0 if none. */
    public long lastBlockNanos() {
        return lastBlockNanos;
    }
}
