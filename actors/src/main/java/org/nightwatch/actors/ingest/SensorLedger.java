package org.nightwatch.actors.ingest;

import java.util.ArrayDeque;
import java.util.ArrayList;
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

    /**
     * A ledger's books at one moment, as they travel to another machine: every counter, and the gaps kept. A ledger on the
     * machine that keeps the night's books is rebuilt from these ({@link #mirror}).
     *
     * @param fates            frames by fate, indexed by {@link FrameFate#ordinal()}
     * @param visitsToScheduler visits handed to the scheduler
     */
    public record Books(List<Long> fates, long duplicates, long malformed, long backPressuredPolls, long visitsStacked,
                        long visitsFlagged, long visitsDeferred, long restarts, long framesReceived, long published, boolean ended,
                        long visitsToScheduler, List<Gap> gaps) {
        /** The sum of several machines' books of one sensor (a sensor that moved during the night). */
        public static Books sum(java.util.Collection<Books> all) {
            long[] f = new long[FrameFate.values().length];
            long dup = 0, mal = 0, bp = 0, vs = 0, vf = 0, vd = 0, re = 0, rx = 0, vts = 0;
            long pub = -1;
            boolean end = false;
            List<Gap> g = new ArrayList<>();
            for (Books b : all) {
                for (int i = 0; i < Math.min(f.length, b.fates().size()); i++) {
                    f[i] += b.fates().get(i);
                }
                dup += b.duplicates();
                mal += b.malformed();
                bp += b.backPressuredPolls();
                vs += b.visitsStacked();
                vf += b.visitsFlagged();
                vd += b.visitsDeferred();
                re += b.restarts();
                rx += b.framesReceived();
                vts += b.visitsToScheduler();
                pub = Math.max(pub, b.published());
                end |= b.ended();
                g.addAll(b.gaps());
            }
            return new Books(java.util.Arrays.stream(f).boxed().toList(), dup, mal, bp, vs, vf, vd, re, rx, pub, end, vts, List.copyOf(g));
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
    private final AtomicLong visitsToScheduler = new AtomicLong();
    private final ArrayDeque<Gap> gaps = new ArrayDeque<>();
    private long gapsDropped;
    private volatile long published = -1;
    private volatile boolean ended;
    private volatile long lastBlockNanos;
    private volatile String lastProblem;
    private volatile float skyLevel = Float.NaN;

    /**
     * A sensor taken over from another machine mid-night: the stream is taken from the first frame that arrives, and the
     * frames before it are not counted here (the machine that had the sensor counted what it accounted; the night's books
     * count the rest as lost with that machine).
     */
    private volatile boolean joinsMidStream;

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

    /** This sensor's stream is taken from the first frame that arrives here (a sensor that may move between machines). */
    public void joinMidStream() {
        joinsMidStream = true;
    }

    boolean joinsMidStream() {
        return joinsMidStream;
    }

    /**
     * The sensor comes back to this machine after it went on elsewhere: its stream is taken again from the first frame
     * that arrives, and nothing between is counted here. Called before the sensor's new incarnation registers.
     */
    public synchronized void rejoin() {
        if (joinsMidStream) {
            highestSeq = -1;
            missing.clear();
        }
    }

    /** Visits handed to the scheduler (scored, or with nothing to score). */
    public AtomicLong visitsToScheduler() {
        return visitsToScheduler;
    }

    /** The books now, to send to the machine that keeps the night's. */
    public synchronized Books books() {
        List<Long> f = new ArrayList<>(fates.length());
        for (int i = 0; i < fates.length(); i++) {
            f.add(fates.get(i));
        }
        return new Books(List.copyOf(f), duplicates.get(), malformed.get(), backPressuredPolls.get(), visitsStacked.get(),
            visitsFlagged.get(), visitsDeferred.get(), restarts.get(), framesReceived.get(), published, ended, visitsToScheduler.get(),
            List.copyOf(gaps));
    }

    /** Makes this ledger say what {@code b} says: the books of a sensor kept on another machine. */
    public synchronized void mirror(Books b) {
        for (int i = 0; i < fates.length(); i++) {
            fates.set(i, i < b.fates().size() ? b.fates().get(i) : 0);
        }
        duplicates.set(b.duplicates());
        malformed.set(b.malformed());
        backPressuredPolls.set(b.backPressuredPolls());
        visitsStacked.set(b.visitsStacked());
        visitsFlagged.set(b.visitsFlagged());
        visitsDeferred.set(b.visitsDeferred());
        restarts.set(b.restarts());
        framesReceived.set(b.framesReceived());
        visitsToScheduler.set(b.visitsToScheduler());
        published = b.published();
        ended = b.ended();
        gaps.clear();
        gaps.addAll(b.gaps());
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
