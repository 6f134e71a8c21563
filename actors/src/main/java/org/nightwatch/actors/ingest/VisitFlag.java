package org.nightwatch.actors.ingest;

/** Why a stacked visit deserves a second look; carried into the stack's FITS header and the report. */
public enum VisitFlag {
    /** Fewer frames than the visit should have: stacked from what arrived. */
    MISSING_FRAMES,
    /** Some rows hold data of a frame that did not arrive whole, or lack some frames. */
    PARTIAL_ROWS,
    /** Closed because its sensor went quiet, not because its last frame or the next visit arrived. */
    CLOSED_ON_TIMEOUT,
    /** Closed because its sensor's stream ended. */
    CLOSED_AT_END,
    /** Spooled while the night was over capacity and processed later by the catch-up path: its alerts are late. */
    CAUGHT_UP
}
