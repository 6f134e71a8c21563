package org.nightwatch.actors;

/** The lifecycle of a sensor as the control room shows it. */
public enum SensorState {
    /** Subscribed, no frame yet. */
    IDLE,
    /** Frames arriving. */
    OBSERVING,
    /** No frame for longer than {@code stall-after} while the night is on. */
    STALLED,
    /** Its stream ended and everything it sent is stacked or accounted. */
    DONE
}
