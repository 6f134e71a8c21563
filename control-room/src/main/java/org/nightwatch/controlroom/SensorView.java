package org.nightwatch.controlroom;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One sensor in the focal-plane mosaic, as {@code GET /api/sensors} gives it.
 *
 * @param state     idle, observing, deferred, fault, stalled or done (the sensor actor's own)
 * @param skyLevel  median sky of its last stacked visit, ADU per frame (null before one)
 * @param problem   the last thing wrong with its input, or null
 * @param node      the cluster node that hosts it (null: a night of one process)
 */
public record SensorView(String sensor, int row, int column, String state, @JsonProperty("frame_rate_hz") double frameRateHz,
                         @JsonProperty("frames_received") long framesReceived, @JsonProperty("frames_stacked") long framesStacked,
                         @JsonProperty("frames_lost") long framesLost, @JsonProperty("frames_deferred") long framesDeferred, int gaps,
                         @JsonProperty("visits_stacked") long visitsStacked, @JsonProperty("sky_level") Double skyLevel, String problem,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String node) {

    /** A sensor before the night: idle, nothing counted. */
    public static SensorView idle(String sensor, int row, int column) {
        return new SensorView(sensor, row, column, "idle", 0, 0, 0, 0, 0, 0, 0, null, null, null);
    }
}
