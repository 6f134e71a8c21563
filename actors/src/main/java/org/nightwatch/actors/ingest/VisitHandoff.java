package org.nightwatch.actors.ingest;

/** Where an assembler hands closed visits: its sensor's stacking stream. Called on the ingest thread. */
public interface VisitHandoff {
    /** @return false if the stream cannot take it (full or gone); the caller accounts the visit as lost */
    boolean offer(ClosedVisit visit);

    /** No more visits: the sensor's stream ended. */
    void complete();
}
