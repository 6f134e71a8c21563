/**
 * Frame transport over Aeron: the embedded media driver and client ({@link org.nightwatch.camera.aeron.AeronTransport}),
 * the per-sensor {@link org.nightwatch.camera.aeron.FrameSender} (row blocks via tryClaim, back-pressure
 * counted) and the {@link org.nightwatch.camera.aeron.FrameReceiver} that decodes in place for a
 * {@link org.nightwatch.camera.aeron.FrameListener}.
 */
package org.nightwatch.camera.aeron;
