package org.nightwatch.controlroom;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * What the control room shows and does, supplied by the running night (the actors module implements
 * it): documents are JSON text, so that the control room needs no knowledge of the pipeline's types.
 */
public interface NightBackend {
    /** The live alerts, best rank first, each a JSON object (no cutouts). */
    List<String> liveAlerts();

    /** Alert changes from now on, each a JSON object, for the page's WebSocket. */
    Source<String, NotUsed> alertChanges();

    /** One object: its latest alert with its history, as JSON; empty when unknown. */
    Optional<String> object(String objectId);

    /** The sensors' state, as a JSON array. */
    String sensors();

    /** The night's state and totals, as a JSON object. */
    String night();

    /**
     * Stores an operator's label of an object's latest detection; completes with false when the object
     * is not known.
     */
    CompletionStage<Boolean> label(String objectId, String label, String operator);

    /** Stops the night (frames stop; what arrived is processed). */
    CompletionStage<String> stopNight();

    /** Starts the night, when it waits for an operator; otherwise says why it cannot. */
    CompletionStage<String> startNight();
}
