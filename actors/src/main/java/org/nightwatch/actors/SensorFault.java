package org.nightwatch.actors;

import org.nightwatch.protocol.SensorId;

/** A sensor's actor cannot go on (its stream failed, or a drill asked it to fail); it is restarted with backoff. */
public final class SensorFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SensorFault(SensorId sensor, String reason, Throwable cause) {
        super(sensor + ": " + reason, cause);
    }
}
