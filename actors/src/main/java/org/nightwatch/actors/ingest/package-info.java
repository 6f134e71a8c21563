/**
 * The Aeron edge of the pipeline: the {@link org.nightwatch.actors.ingest.IngestAgent} polls sensor
 * subscriptions; each sensor's {@link org.nightwatch.actors.ingest.VisitAssembler} accumulates row blocks
 * straight from the term buffer into a pooled {@link org.nightwatch.actors.ingest.StackBuffer} and
 * accounts every frame once in its {@link org.nightwatch.actors.ingest.SensorLedger}: stacked, lost
 * (incomplete, late, missing, invalid, sensor restart) or deferred (at the source, no buffer).
 */
package org.nightwatch.actors.ingest;
