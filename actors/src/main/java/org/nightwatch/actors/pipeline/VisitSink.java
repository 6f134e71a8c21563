package org.nightwatch.actors.pipeline;

/**
 * The end of a sensor's stacking stream for now (difference imaging joins here later). Called on the
 * sink executor, one visit of a sensor at a time; the image is valid only during the call.
 */
public interface VisitSink {
    void accept(StackedVisit visit);

    /** Does nothing with the stack (counters are kept by the pipeline). */
    VisitSink NONE = v -> { };
}
