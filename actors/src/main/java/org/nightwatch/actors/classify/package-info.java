/**
 * Real/bogus scoring in the running pipeline: one {@link org.nightwatch.actors.classify.ClassifierStage}
 * gathers the candidates of every sensor into batches ({@code groupedWithin}) and scores them with the
 * night's model on its own dispatcher.
 */
package org.nightwatch.actors.classify;
