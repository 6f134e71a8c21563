package org.nightwatch.actors;

import java.util.Locale;

/** The lifecycle of a sensor, as its actor knows it and the control room shows it. */
public enum SensorState {
    /** Subscribed, no frame yet. */
    IDLE,
    /** Frames arriving. */
    OBSERVING,
    /** Frames arriving, and some of its frames were deferred (no stack buffer free in time). */
    DEFERRED,
    /** Restarted after a fault (the visit then being assembled was lost); frames arriving again. */
    FAULT,
    /** No frame for longer than {@code stall-after} while the night is on. */
    STALLED,
    /** Its stream ended and everything it sent is stacked or accounted. */
    DONE;

    /** The name the control room and the summary use. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
