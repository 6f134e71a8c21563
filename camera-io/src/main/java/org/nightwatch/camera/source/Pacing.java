package org.nightwatch.camera.source;

import java.util.Locale;

/** How a camera or a replay paces its frames. */
public enum Pacing {
    /** Frames are due at the sensor's frame rate; a frame that cannot be sent in time is deferred. */
    REALTIME,
    /** As fast as the pipeline takes them; the camera waits for back-pressure and nothing is deferred. */
    MAX;

    public static Pacing parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "realtime", "real-time", "1" -> REALTIME;
            case "max" -> MAX;
            default -> throw new IllegalArgumentException("unknown speed '" + text + "' (expected realtime or max)");
        };
    }
}
