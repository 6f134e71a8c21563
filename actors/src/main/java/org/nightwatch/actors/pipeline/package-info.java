/**
 * Each sensor's stacking stream (Pekko Streams): closed visits -> {@link org.nightwatch.actors.pipeline.StackStage}
 * -> {@link org.nightwatch.actors.pipeline.VisitSink} -> accounting and buffer release. Stage logic is in
 * plain classes with a pure {@code run}; the stream only moves visits between them.
 */
package org.nightwatch.actors.pipeline;
