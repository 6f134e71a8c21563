/**
 * The simulated camera: {@link org.nightwatch.camera.sim.SkySimulator} renders believable frames
 * cheaply, {@link org.nightwatch.camera.source.FramePublisher} paces N sensors in real time or as fast as
 * possible, defers what it cannot send in time, and can fail a sensor on purpose.
 */
package org.nightwatch.camera.sim;
