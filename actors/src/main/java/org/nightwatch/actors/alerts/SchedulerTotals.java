package org.nightwatch.actors.alerts;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * What the scheduler did over a night, for the summary and the report.
 *
 * @param candidatesIn       scored candidates received
 * @param associated         of them, associated into objects (scored at or above min-score)
 * @param objectsByKind      objects by what they are taken for
 * @param alertsByState      alert changes published, by state
 * @param liveAlerts         alerts live (not retracted) at the end
 * @param latencyMsP50       scored candidates in to their alert changes out (committed, written, published), p50
 * @param hubDropped         alert changes the live consumers missed (the database and files have them)
 * @param failedBatches      batches the database refused (their candidates are still in candidates.csv)
 * @param resumedObjects     objects read back from the database when the night was resumed
 */
public record SchedulerTotals(
    @JsonProperty("candidates_in") long candidatesIn,
    long associated,
    @JsonProperty("objects_by_kind") Map<String, Long> objectsByKind,
    @JsonProperty("alerts_by_state") Map<String, Long> alertsByState,
    @JsonProperty("live_alerts") int liveAlerts,
    @JsonProperty("latency_ms_p50") double latencyMsP50,
    @JsonProperty("latency_ms_p99") double latencyMsP99,
    @JsonProperty("hub_dropped") long hubDropped,
    @JsonProperty("failed_batches") long failedBatches,
    @JsonProperty("resumed_objects") int resumedObjects,
    @JsonProperty("follow_up_planned") int followUpPlanned,
    String database,
    @JsonProperty("alerts_file") String alertsFile) {
}
