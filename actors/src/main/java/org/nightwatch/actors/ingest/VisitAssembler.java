package org.nightwatch.actors.ingest;

import java.util.BitSet;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;
import org.agrona.DirectBuffer;
import org.nightwatch.camera.aeron.FrameListener;
import org.nightwatch.protocol.FrameCodec;
import org.nightwatch.protocol.FrameFate;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.workers.stack.StackKernel;

/**
 * Assembles one sensor's frames into visits and accumulates each block of rows straight from the
 * transport buffer into the visit's stack: no frame is ever copied whole. Gaps, duplicates and
 * out-of-order frames are found by frame sequence; every frame is accounted exactly once in the
 * sensor's {@link SensorLedger} (stacked frames by the stacking stage, everything else here).
 *
 * <p>Rules:
 * <ul>
 *   <li>a frame is stacked only if all its rows arrived; otherwise it is lost (incomplete);</li>
 *   <li>a frame that arrives after a gap fills it if its visit is still open, and is lost (late) if not;</li>
 *   <li>a sequence already seen is a duplicate: counted, never stacked twice;</li>
 *   <li>a visit closes when all its frames arrived, when a later visit begins, when the stream ends, or
 *       when the sensor has been quiet for the visit time-out; it is stacked from what arrived and flagged;</li>
 *   <li>when no stack buffer is free, {@link WhenFull#WAIT} leaves the block in the stream (back-pressure,
 *       nothing lost) and {@link WhenFull#DEFER} writes the visit's frames to the spool as they arrive, for the
 *       catch-up path ({@link VisitHandoff#spoolFrames}), or, with no spool or no room in it, defers the whole
 *       visit unprocessed (counted; the recorder has it when the night is recorded).</li>
 * </ul>
 * Runs on the ingest thread only; allocates per visit, never per frame or block.
 */
public final class VisitAssembler implements FrameListener {
    /** What to do with a new visit when every stack buffer is in use. */
    public enum WhenFull { WAIT, DEFER }

    /**
     * At real-time pace, the longest a new visit waits for a stack buffer that is on its way back (a visit being
     * spooled) before its frames go to the spool instead: half a frame at 2 frames/s. Waiting is cheaper than
     * writing the frames, but a burst of spills (every sensor closes its visit at once) can keep buffers away for
     * seconds, and a sensor that waits that long makes the camera defer frames that no one then processes.
     */
    static final long PROMISED_WAIT_NS = 250_000_000L;

    /** A sequence jump larger than this is a corrupt header, not a gap. */
    static final long MAX_SEQUENCE_JUMP = 1_000_000;

    private final SensorId sensor;
    private final int width;
    private final int height;
    private final StackBufferPool pool;
    private final StackKernel kernel;
    private final SensorLedger ledger;
    private final WhenFull whenFull;
    private final VisitHandoff handoff;
    private final long visitTimeoutNs;
    private final LongSupplier clock;
    private final BitSet rowsSeen;
    private byte[] scratch = new byte[1 << 16];

    private OpenVisit cur;
    private long lastClosedVisitId = Long.MIN_VALUE;
    private long fSeq = -1;
    private int fIndex;
    private int fRows;
    private boolean fSkip;
    private boolean fComplete;
    private boolean ended;
    /** When the visit now waiting for a promised buffer began to wait (-1: none waits). */
    private long waitingSinceNs = -1;

    private static final class OpenVisit {
        final long visitId;
        final int framesPerVisit;
        final StackBuffer buffer;
        /** Where the frames go when no buffer was free (null: a buffer, or deferred unprocessed). */
        VisitSpool.FramesOnDisk disk;
        final BitSet frames = new BitSet();
        long firstStartNs = Long.MAX_VALUE;
        long exposureNs;
        double raDeg;
        double decDeg;
        int fieldId;
        long lastNanos;
        boolean partialRows;

        OpenVisit(long visitId, int framesPerVisit, StackBuffer buffer, long now) {
            this.visitId = visitId;
            this.framesPerVisit = framesPerVisit;
            this.buffer = buffer;
            this.lastNanos = now;
        }

        boolean deferred() {
            return buffer == null && disk == null;
        }
    }

    public VisitAssembler(SensorId sensor, int width, int height, StackBufferPool pool, StackKernel kernel,
                          SensorLedger ledger, WhenFull whenFull, VisitHandoff handoff, long visitTimeoutNs,
                          LongSupplier clock) {
        this.sensor = sensor;
        this.width = width;
        this.height = height;
        this.pool = pool;
        this.kernel = kernel;
        this.ledger = ledger;
        this.whenFull = whenFull;
        this.handoff = handoff;
        this.visitTimeoutNs = visitTimeoutNs;
        this.clock = clock;
        this.rowsSeen = new BitSet(height);
    }

    public SensorId sensor() {
        return sensor;
    }

    public SensorLedger ledger() {
        return ledger;
    }

    /** Whether this sensor's stream has ended (end-of-stream received or {@link #finish} called). */
    public boolean ended() {
        return ended;
    }

    // ------------------------------------------------------------------ blocks

    @Override
    public boolean onBlock(FrameCodec.FrameBlock b, DirectBuffer buffer) {
        if (ended) {
            long seq = b.frameSequence();
            if (seq > ledger.highestSeq && seq - ledger.highestSeq <= MAX_SEQUENCE_JUMP) {
                // the night closed this sensor's stream before the frame arrived (it was still in transport)
                ledger.framesReceived().incrementAndGet();
                lateAfterEnd(ledger.highestSeq + 1, seq, "arrived after the sensor's stream was closed");
            } else if (seq != fSeq) {
                ledger.malformed().incrementAndGet();
                ledger.problem(sensor + ": frame " + seq + " after the end of the stream");
            }
            fSeq = seq;
            return true;
        }
        long now = clock.getAsLong();
        ledger.touched(now);
        long seq = b.frameSequence();
        if (ledger.highestSeq < 0 && ledger.joinsMidStream()) {
            if (seq > 0) {
                ledger.highestSeq = seq - 1; // taken over mid-stream: the frames before were another machine's
            }
            if (b.firstRow() != 0) {
                // joined part-way through a frame: its first rows went to the machine that had the sensor, which counted
                // the frame when it let go (or, lost with its machine, it is counted with what that machine held); here it
                // is not counted again, and the stream is taken from the next frame
                ledger.highestSeq = seq;
                fSeq = seq;
                fSkip = true;
                fComplete = false;
                return true;
            }
        }
        if (seq == fSeq) {
            if (fComplete && !fSkip) {
                // all rows arrived already: a second copy of the same frame
                ledger.duplicates().incrementAndGet();
                fSkip = true;
            }
            if (!fSkip) {
                addRows(b, buffer, now);
            }
            return true;
        }

        String problem = validate(b);
        boolean seen = seq <= ledger.highestSeq && !ledger.missing.contains(seq);
        if (problem == null && !seen) {
            boolean newVisit = cur == null || b.visitId() > cur.visitId;
            boolean late = cur != null ? b.visitId() < cur.visitId : b.visitId() <= lastClosedVisitId;
            if (newVisit && !late) {
                finishFrameInProgress(FrameFate.LOST_INCOMPLETE, now);
                if (cur != null) {
                    closeVisit(EnumSet.noneOf(VisitFlag.class));
                }
                StackBuffer sb = pool.tryAcquire();
                if (sb == null && (whenFull == WhenFull.WAIT || pool.promised() > 0 && !waitedTooLong(now))) {
                    // at real-time pace too when buffers are on their way back (visits being spooled): a short wait
                    ledger.backPressuredPolls().incrementAndGet();
                    return false; // left in the stream; asked again when a buffer is free
                }
                waitingSinceNs = -1;
                cur = new OpenVisit(b.visitId(), b.framesPerVisit(), sb, now);
                if (sb == null) {
                    cur.disk = handoff.spoolFrames(sensor, b.visitId(), b.framesPerVisit(), b.fieldId(), b.raDeg(), b.decDeg(),
                        b.startTimeNs() - (long) b.frameIndex() * b.exposureNs(), b.exposureNs());
                    if (cur.disk == null) {
                        ledger.visitsDeferred().incrementAndGet();
                        ledger.problem(sensor + ": visit " + b.visitId() + " deferred, no stack buffer free and no room in a spool");
                    }
                }
            } else if (!late && cur != null && b.framesPerVisit() != cur.framesPerVisit) {
                problem = sensor + " frame " + seq + ": framesPerVisit " + b.framesPerVisit() + ", visit "
                    + cur.visitId + " has " + cur.framesPerVisit;
            } else if (!late && cur != null && cur.frames.get(b.frameIndex())) {
                problem = sensor + " frame " + seq + ": frame index " + b.frameIndex() + " of visit " + cur.visitId
                    + " arrived before under another sequence";
            }
        }

        finishFrameInProgress(FrameFate.LOST_INCOMPLETE, now);
        fSeq = seq;
        fRows = 0;
        fComplete = false;
        fSkip = true;
        rowsSeen.clear();
        if (seen) {
            ledger.duplicates().incrementAndGet();
            return true;
        }
        ledger.framesReceived().incrementAndGet();
        noteSequence(seq, seq >= 0 && seq - ledger.highestSeq <= MAX_SEQUENCE_JUMP);
        if (problem != null) {
            ledger.account(FrameFate.LOST_INVALID, 1);
            ledger.gap(seq, seq, FrameFate.LOST_INVALID, problem);
            ledger.problem(problem);
            return true;
        }
        if (cur == null || b.visitId() < cur.visitId) {
            ledger.account(FrameFate.LOST_LATE, 1);
            ledger.gap(seq, seq, FrameFate.LOST_LATE, "visit " + b.visitId() + " was already closed");
            return true;
        }
        if (cur.deferred()) {
            ledger.account(FrameFate.DEFERRED_NO_BUFFER, 1);
            ledger.gap(seq, seq, FrameFate.DEFERRED_NO_BUFFER, "visit " + cur.visitId + " deferred: no stack buffer");
            return true;
        }
        fSkip = false;
        fIndex = b.frameIndex();
        cur.firstStartNs = Math.min(cur.firstStartNs, b.startTimeNs() - (long) b.frameIndex() * b.exposureNs());
        cur.exposureNs = b.exposureNs();
        cur.raDeg = b.raDeg();
        cur.decDeg = b.decDeg();
        cur.fieldId = b.fieldId();
        addRows(b, buffer, now);
        return true;
    }

    /** Whether the visit asking for a buffer has waited {@link #PROMISED_WAIT_NS} already (and starts the wait if not). */
    private boolean waitedTooLong(long now) {
        if (waitingSinceNs < 0) {
            waitingSinceNs = now;
        }
        return now - waitingSinceNs > PROMISED_WAIT_NS;
    }

    private String validate(FrameCodec.FrameBlock b) {
        long seq = b.frameSequence();
        if (b.sensorIndex() != sensor.index()) {
            return sensor + " stream: frame " + seq + " says sensor " + b.sensorIndex();
        }
        if (b.width() != width || b.height() != height) {
            return sensor + " frame " + seq + ": " + b.width() + "x" + b.height() + " pixels, the sensor has " + width + "x" + height;
        }
        if (b.framesPerVisit() < 1 || b.framesPerVisit() > StackKernel.MAX_FRAMES) {
            return sensor + " frame " + seq + ": framesPerVisit " + b.framesPerVisit() + " outside 1.." + StackKernel.MAX_FRAMES;
        }
        if (b.frameIndex() < 0 || b.frameIndex() >= b.framesPerVisit()) {
            return sensor + " frame " + seq + ": frameIndex " + b.frameIndex() + " outside 0.." + (b.framesPerVisit() - 1);
        }
        if (b.firstRow() < 0 || b.firstRow() + b.rowCount() > height) {
            return sensor + " frame " + seq + ": rows " + b.firstRow() + ".." + (b.firstRow() + b.rowCount() - 1) + " outside the sensor";
        }
        if (b.exposureNs() <= 0) {
            return sensor + " frame " + seq + ": exposureNs " + b.exposureNs();
        }
        if (seq < 0 || seq - ledger.highestSeq > MAX_SEQUENCE_JUMP) {
            return sensor + " frame " + seq + ": frameSequence jumps from " + ledger.highestSeq + " to " + seq;
        }
        return null;
    }

    /** Tracks gaps; a wildly jumping (corrupt) sequence is not trusted to open a gap. */
    private void noteSequence(long seq, boolean plausible) {
        if (seq > ledger.highestSeq) {
            if (plausible) {
                ledger.missing.add(ledger.highestSeq + 1, seq - 1);
                ledger.highestSeq = seq;
            }
        } else {
            ledger.missing.remove(seq, seq);
        }
    }

    private void addRows(FrameCodec.FrameBlock b, DirectBuffer buffer, long now) {
        int first = b.firstRow();
        int rows = b.rowCount();
        if (b.width() != width || first < 0 || first + rows > height) {
            ledger.malformed().incrementAndGet();
            ledger.problem(sensor + " frame " + fSeq + ": block of rows " + first + "+" + rows + " does not fit the sensor");
            return;
        }
        int again = rowsSeen.nextSetBit(first);
        if (again >= 0 && again < first + rows) {
            ledger.malformed().incrementAndGet();
            ledger.problem(sensor + " frame " + fSeq + ": row " + again + " sent twice");
            return;
        }
        StackBuffer sb = cur.buffer;
        if (sb != null) {
            int bytes = rows * width * 2;
            if (scratch.length < bytes) {
                scratch = new byte[bytes];
            }
            kernel.accumulateLe(buffer, b.pixelOffset(), rows * width, sb.sums, first * width, scratch);
            for (int r = first; r < first + rows; r++) {
                sb.rowCoverage[r]++;
            }
        } else {
            cur.disk.rows(buffer, b.pixelOffset(), first, rows);
        }
        rowsSeen.set(first, first + rows);
        fRows += rows;
        cur.lastNanos = now;
        if (fRows == height) {
            fComplete = true;
            cur.frames.set(fIndex);
            if (cur.disk != null) {
                cur.disk.frameDone(fIndex);
            }
            int n = cur.frames.cardinality();
            if (n == cur.framesPerVisit) {
                closeVisit(EnumSet.noneOf(VisitFlag.class));
            } else if (sb != null && n == handoff.earlyAt(cur.framesPerVisit)) {
                beginEarly(cur, n);
            }
        }
    }

    /**
     * Hands the visit's partial stack (the mean of its first {@code n} frames) to the early path, while its
     * last frames still arrive: copied here, between frames, so that it is whole.
     */
    private void beginEarly(OpenVisit v, int n) {
        float[] plane = handoff.earlyPlane();
        if (plane == null) {
            return;
        }
        StackBuffer sb = v.buffer;
        for (int y = 0; y < height; y++) {
            int c = sb.rowCoverage[y];
            int base = y * width;
            if (c == 0) {
                java.util.Arrays.fill(plane, base, base + width, Float.NaN);
            } else {
                System.arraycopy(sb.sums, base, plane, base, width);
                kernel.scale(plane, base, width, 1.0f / c);
            }
        }
        handoff.early(new PartialVisit(sensor, v.visitId, v.fieldId, v.raDeg, v.decDeg, n, plane));
    }

    /** A frame part-way through when another begins, the visit closes or the stream ends. */
    private void finishFrameInProgress(FrameFate fate, long now) {
        if (fSeq >= 0 && !fSkip && !fComplete) {
            ledger.account(fate, 1);
            ledger.gap(fSeq, fSeq, fate, fRows + " of " + height + " rows arrived");
            if (cur != null) {
                cur.partialRows = true;
            }
        }
        fSkip = true;
    }

    private void closeVisit(EnumSet<VisitFlag> flags) {
        OpenVisit v = cur;
        cur = null;
        lastClosedVisitId = Math.max(lastClosedVisitId, v.visitId);
        if (v.deferred()) {
            return;
        }
        int stacked = v.frames.cardinality();
        if (stacked < v.framesPerVisit) {
            flags.add(VisitFlag.MISSING_FRAMES);
        }
        if (v.disk != null) {
            // whole frames only: the rows of one that never completed are not in the file (the frame is counted lost)
            v.disk.close(flags, v.lastNanos, ledger);
            return;
        }
        if (v.partialRows) {
            flags.add(VisitFlag.PARTIAL_ROWS);
        }
        if (stacked == 0 && !v.partialRows) {
            pool.release(v.buffer);
            return;
        }
        ClosedVisit closed = new ClosedVisit(sensor, v.visitId, v.framesPerVisit, v.frames, v.buffer,
            v.firstStartNs, v.exposureNs, v.raDeg, v.decDeg, v.fieldId, flags, v.lastNanos);
        if (!handoff.offer(closed)) {
            ledger.account(FrameFate.LOST_SENSOR_RESTART, stacked);
            ledger.gap(-1, -1, FrameFate.LOST_SENSOR_RESTART, "visit " + v.visitId + ": its stream could not take it");
            pool.release(v.buffer);
        }
    }

    // ------------------------------------------------------------------ control messages

    @Override
    public void onDeferred(long first, long last, FrameFate fate) {
        if (last < first || fate.kind() != FrameFate.Kind.DEFERRED) {
            ledger.malformed().incrementAndGet();
            ledger.problem(sensor + ": deferral notice " + first + ".." + last + " (" + fate + ") is not valid");
            return;
        }
        if (ledger.highestSeq < 0 && first > 0 && ledger.joinsMidStream()) {
            ledger.highestSeq = first - 1; // taken over mid-stream: the frames before were another machine's
        }
        long hi = ledger.highestSeq;
        long n = ledger.missing.remove(first, Math.min(last, hi));
        long newFirst = Math.max(first, hi + 1);
        if (newFirst <= last) {
            ledger.missing.add(hi + 1, newFirst - 1);
            n += last - newFirst + 1;
            ledger.highestSeq = last;
        }
        ledger.account(fate, n);
        if (n > 0) {
            ledger.gap(first, last, fate, "deferred by the camera");
        }
    }

    @Override
    public void onEndOfStream(long framesPublished, long lastSequence) {
        if (!ended) {
            endStream(lastSequence, "never received");
            ledger.endOfStream(framesPublished);
        } else if (lastSequence > ledger.highestSeq && lastSequence - ledger.highestSeq <= MAX_SEQUENCE_JUMP) {
            // the stream was closed early (the night was closed): what the camera sent after that is lost
            lateAfterEnd(ledger.highestSeq + 1, lastSequence, "sent after the sensor's stream was closed, never received");
        }
    }

    /** Frames {@code first..last} reached (or were due at) a stream that had already ended: lost, counted once. */
    private void lateAfterEnd(long first, long last, String detail) {
        ledger.highestSeq = last;
        ledger.account(FrameFate.LOST_LATE, last - first + 1);
        ledger.gap(first, last, FrameFate.LOST_LATE, detail);
    }

    @Override
    public void onMalformed(String reason) {
        ledger.malformed().incrementAndGet();
        ledger.problem(sensor + ": " + reason);
    }

    // ------------------------------------------------------------------ time and lifecycle

    /** Called by the ingest thread now and then: closes a visit whose sensor has gone quiet. */
    public void onIdle(long now) {
        if (cur != null && now - cur.lastNanos > visitTimeoutNs) {
            finishFrameInProgress(FrameFate.LOST_INCOMPLETE, now);
            closeVisit(EnumSet.of(VisitFlag.CLOSED_ON_TIMEOUT));
        }
    }

    /** The night ends without an end-of-stream from this sensor: close and account what is open. */
    public void finish() {
        if (!ended) {
            endStream(ledger.highestSeq, "the sensor stopped sending");
        }
    }

    /** Closes what is open, counts every sequence up to {@code lastSequence} not seen as missing, ends the stream. */
    private void endStream(long lastSequence, String missingDetail) {
        finishFrameInProgress(FrameFate.LOST_INCOMPLETE, clock.getAsLong());
        if (cur != null) {
            closeVisit(EnumSet.of(VisitFlag.CLOSED_AT_END));
        }
        if (ledger.highestSeq < 0 && ledger.joinsMidStream()) {
            ledger.highestSeq = lastSequence; // taken over after the last frame: every frame was another machine's
        }
        if (lastSequence > ledger.highestSeq) {
            ledger.missing.add(ledger.highestSeq + 1, lastSequence);
            ledger.highestSeq = lastSequence;
        }
        resolveMissing(missingDetail);
        ended = true;
        handoff.complete();
    }

    /**
     * The sensor's actor failed: the visit being assembled and the frame in progress are lost; its buffer
     * goes back to the pool. Sequence bookkeeping stays in the ledger for the next incarnation.
     */
    public void abandon() {
        letGo(FrameFate.LOST_SENSOR_RESTART, "the sensor actor restarted");
    }

    /**
     * The sensor goes on on another machine: the visit being assembled is lost to the handover, and the stream ends here
     * once the visits already closed have gone through the stages.
     */
    public void handOver() {
        if (!ended) {
            letGo(FrameFate.LOST_HANDOVER, "the sensor moved to another node");
            handoff.complete();
        }
    }

    private void letGo(FrameFate fate, String why) {
        if (fSeq >= 0 && !fSkip && !fComplete) {
            ledger.account(fate, 1);
            ledger.gap(fSeq, fSeq, fate, "mid-frame when " + why);
        }
        fSkip = true;
        if (cur != null) {
            OpenVisit v = cur;
            cur = null;
            int frames = v.frames.cardinality();
            if (frames > 0) {
                ledger.account(fate, frames);
                ledger.gap(-1, -1, fate, "visit " + v.visitId + ": " + frames + " frames assembled when " + why);
            }
            if (v.buffer != null) {
                pool.release(v.buffer);
            }
            if (v.disk != null) {
                v.disk.abandon();
            }
        }
        ended = true;
    }

    private void resolveMissing(String detail) {
        for (Iterator<Map.Entry<Long, Long>> it = ledger.missing.drain(); it.hasNext(); ) {
            Map.Entry<Long, Long> e = it.next();
            ledger.account(FrameFate.LOST_MISSING, e.getValue() - e.getKey() + 1);
            ledger.gap(e.getKey(), e.getValue(), FrameFate.LOST_MISSING, detail);
        }
    }
}
