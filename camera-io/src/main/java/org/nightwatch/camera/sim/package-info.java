/**
 * The simulated sky: {@link org.nightwatch.camera.sim.SkySimulator} renders believable frames cheaply,
 * {@link org.nightwatch.camera.sim.SimulatedSurvey} is a survey of revisited fields with transients, variables, moving
 * objects and trails (its references, darks and truth.csv), and its frame sources feed the
 * {@link org.nightwatch.camera.source.FramePublisher}.
 */
package org.nightwatch.camera.sim;
