package org.nightwatch.actors.ingest;

/** Where an assembler hands closed visits: its sensor's stacking stream. Called on the ingest thread. */
public interface VisitHandoff {
    /** @return false if the stream cannot take it (full or gone); the caller accounts the visit as lost */
    boolean offer(ClosedVisit visit);

    /** No more visits: the sensor's stream ended. */
    void complete();

    /** After how many of its frames a visit's difference may begin on its partial stack (0: not before it closes). */
    default int earlyAt(int framesPerVisit) {
        return 0;
    }

    /** A plane for a visit's partial stack, or null when none is free (the visit is then differenced whole). */
    default float[] earlyPlane() {
        return null;
    }

    /** Begins difference imaging on a visit's partial stack (its plane is the handoff's from then on). */
    default void early(PartialVisit partial) {
    }

    /**
     * A visit that begins while no stack buffer is free: a file that takes its frames as they arrive, for the
     * catch-up path ({@link VisitSpool#framesOnDisk}); null when there is no spool or it has no room (the visit is
     * then deferred unprocessed).
     */
    default VisitSpool.FramesOnDisk spoolFrames(org.nightwatch.protocol.SensorId sensor, long visitId, int framesPerVisit,
                                                int fieldId, double raDeg, double decDeg, long firstStartNs, long exposureNs) {
        return null;
    }
}
