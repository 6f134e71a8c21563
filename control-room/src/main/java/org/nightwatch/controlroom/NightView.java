package org.nightwatch.controlroom;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The night as {@code GET /api/night} gives it: its phase, totals and gauges. Serialised once, by the control room;
 * numbers a night does not have yet (a latency before the first visit) are null.
 *
 * @param phase          waiting, preparing, observing, stopping or ended
 * @param modes          the survey modes the operator may start the night in (empty: its own only, or already started)
 */
public record NightView(String summary, String mode, String phase, @JsonProperty("elapsed_s") double elapsedSeconds,
                        @JsonProperty("realtime_factor") double realtimeFactor, Frames frames,
                        @JsonProperty("visits_stacked") long visitsStacked, long candidates, Alerts alerts, Throughput throughput,
                        Latency latency, Backpressure backpressure, List<String> modes) {

    public record Frames(long published, long stacked, long lost, long deferred) {
    }

    public record Alerts(long published, int live, @JsonProperty("changes_seen") long changesSeen,
                         @JsonProperty("dropped_for_live_consumers") long droppedForLiveConsumers) {
    }

    public record Throughput(@JsonProperty("frames_per_s") double framesPerSecond, @JsonProperty("candidates_per_s") double candidatesPerSecond,
                             @JsonProperty("alerts_per_s") double alertsPerSecond) {
    }

    /** Milliseconds; null before there is any. */
    public record Latency(@JsonProperty("visit_stacked_p50_ms") Double visitStackedP50, @JsonProperty("visit_stacked_p99_ms") Double visitStackedP99,
                          @JsonProperty("visit_to_alert_p50_ms") Double visitToAlertP50, @JsonProperty("visit_to_alert_p99_ms") Double visitToAlertP99) {
    }

    public record Backpressure(@JsonProperty("buffers_in_use") int buffersInUse, @JsonProperty("buffers_capacity") int buffersCapacity,
                               @JsonProperty("camera_offers_back_pressured") long cameraOffersBackPressured,
                               @JsonProperty("ingest_polls_back_pressured") long ingestPollsBackPressured,
                               @JsonProperty("frames_deferred") long framesDeferred) {
    }

    /** A night before its first frame: nothing counted yet. */
    public static NightView before(String summary, String mode, String phase, List<String> modes) {
        return new NightView(summary, mode, phase, 0, 0, new Frames(0, 0, 0, 0), 0, 0, new Alerts(0, 0, 0, 0), new Throughput(0, 0, 0),
            new Latency(null, null, null, null), new Backpressure(0, 0, 0, 0, 0), modes);
    }

    /** The same night, offering the operator {@code m} to start in. */
    public NightView withModes(List<String> m) {
        return new NightView(summary, mode, phase, elapsedSeconds, realtimeFactor, frames, visitsStacked, candidates, alerts, throughput,
            latency, backpressure, m);
    }
}
