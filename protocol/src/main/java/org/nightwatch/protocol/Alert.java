package org.nightwatch.protocol;

import java.util.List;
import java.util.Map;

/**
 * A change to the ranked list of objects worth following up (ARCHITECTURE section 4.3), as published to
 * every consumer: the control room, the alert files, the Aeron alert stream and the database.
 *
 * @param id        stable: the object and the candidate that caused this change (and the state for a
 *                  retraction), so the same input gives the same id and re-delivery is idempotent
 * @param objectId  the object it is about
 * @param state     new, updated or retracted
 * @param kind      what the scheduler takes the object for (transient, variable, moving, ...)
 * @param reason    why it was retracted, or null
 * @param rank      1-based place in the ranked list of live alerts when it was published (0 when retracted)
 * @param rankScore the rank score, the weighted sum of {@code parts}
 * @param parts     each part of the rank score, before weighting, in [0, 1], in a fixed order
 * @param weights   the weight of each part
 * @param candidate the detection that caused this change, with its cutout
 * @param history   every detection of the object so far, oldest first (this one included)
 * @param window    when the object can be followed up tonight; null if it cannot
 * @param host      what the reference shows at the position: none, galaxy or star
 * @param lateS     seconds from the last frame of the candidate's visit to this alert when the visit was caught
 *                  up (spooled while the night was over capacity, processed later); 0 for a visit processed live
 */
public record Alert(String id, String objectId, State state, String kind, String reason, int rank, double rankScore,
                    Map<String, Double> parts, Map<String, Double> weights, Candidate candidate, List<PastDetection> history,
                    Window window, String host, double lateS) {

    /**
     * Version of the alert's field set, written into every serialised alert (JSON, Avro, VOEvent). Version 2
     * added {@code late_s}; version 3 writes the candidate's pixel position in the FITS convention (1-based, as
     * every other output does), where 1 and 2 wrote it 0-based. Alerts of versions 1 and 2 are still read.
     */
    public static final int SCHEMA_VERSION = 3;

    /** What to subtract from a serialised alert's pixel position of version {@code version} for the 0-based one. */
    public static double pixelOrigin(int version) {
        return version >= 3 ? 1.0 : 0.0;
    }

    /** An alert of a visit processed live. */
    public Alert(String id, String objectId, State state, String kind, String reason, int rank, double rankScore,
                 Map<String, Double> parts, Map<String, Double> weights, Candidate candidate, List<PastDetection> history,
                 Window window, String host) {
        this(id, objectId, state, kind, reason, rank, rankScore, parts, weights, candidate, history, window, host, 0);
    }

    /** This alert, made {@code seconds} after its visit's last frame by the catch-up path. */
    public Alert late(double seconds) {
        return new Alert(id, objectId, state, kind, reason, rank, rankScore, parts, weights, candidate, history, window, host, seconds);
    }

    /** Whether this alert came from a caught-up visit. */
    public boolean isLate() {
        return lateS > 0;
    }

    public enum State {
        NEW, UPDATED, RETRACTED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A follow-up window tonight at the configured site.
     *
     * @param startMjd    the object is first observable (altitude, twilight, Moon) at or after the alert
     * @param endMjd      last observable tonight
     * @param bestMjd     when it is highest
     * @param minAirmass  airmass at {@code bestMjd}
     * @param moonSepDeg  distance to the Moon at {@code bestMjd}, degrees
     */
    public record Window(double startMjd, double endMjd, double bestMjd, double minAirmass, double moonSepDeg) {
        public double hours() {
            return (endMjd - startMjd) * 24;
        }
    }

    /** The stable id of the alert that {@code candidateId} causes for {@code objectId} in {@code state}. */
    public static String idOf(String objectId, String candidateId, State state) {
        return objectId + "@" + candidateId + (state == State.RETRACTED ? "!retracted" : "");
    }
}
