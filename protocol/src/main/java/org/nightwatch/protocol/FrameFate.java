package org.nightwatch.protocol;

/**
 * Where a published frame ended. Every frame a camera publishes ends in exactly one of these,
 * so that {@code published == stacked + lost + deferred} holds for every sensor and the night.
 */
public enum FrameFate {
    /** Accumulated whole into a visit stack that reached the sink. */
    STACKED(Kind.STACKED),
    /** Some row blocks never arrived (publisher died mid-frame, image lost). */
    LOST_INCOMPLETE(Kind.LOST),
    /** Arrived after its visit had been closed and handed on. */
    LOST_LATE(Kind.LOST),
    /** Never seen by the receiver: a gap in the frame sequence not covered by a deferral notice. */
    LOST_MISSING(Kind.LOST),
    /** The header contradicted the sensor's contract (wrong size, wrong sensor, bad version). */
    LOST_INVALID(Kind.LOST),
    /** Its sensor actor failed while the frame's visit was being assembled. */
    LOST_SENSOR_RESTART(Kind.LOST),
    /** The camera could not hand it to the real-time path in time (back-pressure at the source); recorded if the night records. */
    DEFERRED_AT_SOURCE(Kind.DEFERRED),
    /** The real-time path had no stack buffer for its visit; recorded if the night records. */
    DEFERRED_NO_BUFFER(Kind.DEFERRED),
    /** A stage (stacking, difference imaging, scoring, a sink) failed on its visit; the reason is in the gap. */
    LOST_STAGE_FAILED(Kind.LOST),
    /**
     * Its visit did not get through the stages before the visit deadline (a stage stalled), or was still held
     * when a night that had stopped making progress was closed.
     */
    LOST_STALLED(Kind.LOST),
    /**
     * Stacked, but the night was over capacity: its visit's sums were spooled to disk and are differenced,
     * scored and alerted by the catch-up path when capacity frees (its alerts come late and say so).
     */
    DEFERRED_SPOOLED(Kind.DEFERRED),
    /** Its visit was to be spooled for catch-up and the write failed (the reason is in the gaps). */
    LOST_SPOOL_FAILED(Kind.LOST),
    /**
     * A night on a cluster: the frame was in the hands of a worker node when that node was lost (killed, cut off), before
     * it was accounted there; the sensor went on on another node from the next frame that node received.
     */
    LOST_NODE_DOWN(Kind.LOST),
    /**
     * A night on a cluster: the sensor moved to another node (a worker joined, the cluster rebalanced), and the frame
     * was in its visit being assembled when the first node let go, or on its way while neither node was subscribed.
     */
    LOST_HANDOVER(Kind.LOST);

    /** The three accounting columns of the night summary. */
    public enum Kind { STACKED, LOST, DEFERRED }

    private final Kind kind;

    FrameFate(Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** Wire code used in deferral notices (the ordinal: new fates are only ever added at the end). */
    public int code() {
        return ordinal();
    }

    public static FrameFate fromCode(int code) {
        FrameFate[] v = values();
        if (code < 0 || code >= v.length) {
            throw new IllegalArgumentException("unknown frame fate code " + code);
        }
        return v[code];
    }
}
