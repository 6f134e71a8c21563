/**
 * Where a night's frames come from and how they are sent: a {@link org.nightwatch.camera.source.FrameSource} (the
 * simulator, a recorded night, later a live camera) rendered into {@link org.nightwatch.camera.source.FrameSlot}s and
 * published over Aeron by the {@link org.nightwatch.camera.source.FramePublisher}, paced in real time or as fast as the
 * pipeline takes them, with what it cannot send in time deferred and counted.
 */
package org.nightwatch.camera.source;
