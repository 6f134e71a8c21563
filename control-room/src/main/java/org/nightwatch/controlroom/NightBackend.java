package org.nightwatch.controlroom;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.nightwatch.protocol.VettingLabel;

/**
 * What the control room shows and does, supplied by the running night (the night module implements it). The night,
 * its sensors and the plan are records the control room serialises ({@link NightView}, {@link SensorView},
 * {@link PlanEntry}); alerts come as their versioned JSON documents (the alert format's, written by the scheduler), which
 * the control room relays without needing the pipeline's types.
 */
public interface NightBackend {
    /** The live alerts, best rank first, each a JSON object (no cutouts). */
    List<String> liveAlerts();

    /**
     * Alert changes from now on, for the page's WebSocket: each a JSON object with {@code published_ms},
     * when the scheduler published it (epoch ms), so that a page can tell how late it shows it.
     */
    Source<String, NotUsed> alertChanges();

    /**
     * One object, as JSON: its latest alert with its history (its light curve) and {@code plan}, its place
     * in tonight's follow-up plan (null when it has none); empty when unknown.
     */
    Optional<String> object(String objectId);

    /**
     * The cutout of an object's latest detection when that is {@code candidateId}: 3 x 29 x 29 floats,
     * channel-major (reference, new, difference); empty otherwise.
     */
    Optional<float[]> cutout(String objectId, String candidateId);

    /** Tonight's follow-up plan from now, in time order. */
    List<PlanEntry> plan();

    /** The sensors' state, frame rate, gaps and sky level, in the focal plane's layout. */
    List<SensorView> sensors();

    /** The night's phase, totals and gauges (throughput, latency, back-pressure). */
    NightView night();

    /** The cluster the night runs on: nodes, roles, sensors and load ({@link ClusterView#NONE} for a night of one process). */
    default ClusterView cluster() {
        return ClusterView.NONE;
    }

    /**
     * Stores an operator's label of an object's latest detection; completes with false when the object
     * is not known.
     */
    CompletionStage<Boolean> label(String objectId, VettingLabel label, String operator);

    /** Stops the night (frames stop; what arrived is processed). */
    CompletionStage<String> stopNight();

    /**
     * Starts the night when it waits for an operator, in survey mode {@code mode} (null: the night's own);
     * otherwise says why it cannot.
     *
     * @throws IllegalArgumentException naming the mode when this night cannot observe in it
     */
    CompletionStage<String> startNight(String mode);

    /** Stops sampling the night (the server is closing). */
    default void close() {
    }
}
