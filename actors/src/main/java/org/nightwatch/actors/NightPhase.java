package org.nightwatch.actors;

import java.util.Locale;

/**
 * Where the night is, owned by the {@link ObservatoryActor} once the night's actors exist. A night that waits for the
 * operator is {@link #WAITING} and then {@link #PREPARING} in its lobby before that.
 */
public enum NightPhase {
    /** The control room is open; the operator has not started the night. */
    WAITING,
    /** References, classifier and database are being prepared; no frame is due yet. */
    PREPARING,
    /** The sources send; the sensors stack and process. */
    OBSERVING,
    /** The sources were told to stop or have finished; the sensors and the scheduler finish what arrived. */
    STOPPING,
    /** Everything that arrived is accounted and the night's books are closed. */
    ENDED;

    /** The name the control room and the summary use. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
