package org.nightwatch.actors.alerts;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * What the scheduler did over a night, for the summary and the report; on a cluster, the scheduler's node sends it to
 * the camera's. Its counts are the run's of the scheduler that ended the night (one that took the night over from a
 * lost node counts from then; what was committed before is in {@code resumedObjects} and the database).
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
 * @param avroFiles          Avro alert packets written this run
 * @param voeventFiles       VOEvent documents written this run
 * @param failedFileWrites   batches of committed alerts the files could not take (written when the night is resumed)
 * @param visitToAlertMsP50  a visit's last frame in to its alerts out (committed, written, published), p50
 * @param stream             the Aeron alert stream (null when disabled)
 * @param lateAlerts         alert changes from caught-up visits (spooled while the night was over capacity)
 * @param lateVisitToAlertMsP50 a caught-up visit's last frame to its alerts out, p50 (how late they came)
 * @param lateVisitToAlertMsMax the same, the largest
 * @param visitsRedelivered  sensor-visits received again after they were handled (at-least-once delivery): ignored
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
    @JsonProperty("alerts_file") String alertsFile,
    @JsonProperty("avro_files") long avroFiles,
    @JsonProperty("voevent_files") long voeventFiles,
    @JsonProperty("failed_file_writes") long failedFileWrites,
    @JsonProperty("visit_to_alert_ms_p50") double visitToAlertMsP50,
    @JsonProperty("visit_to_alert_ms_p99") double visitToAlertMsP99,
    Stream stream,
    @JsonProperty("late_alerts") long lateAlerts,
    @JsonProperty("late_visit_to_alert_ms_p50") double lateVisitToAlertMsP50,
    @JsonProperty("late_visit_to_alert_ms_max") double lateVisitToAlertMsMax,
    @JsonProperty("visits_redelivered") long visitsRedelivered) implements org.nightwatch.actors.WireMessage {

    /** These totals with the alert files' counts as they stand once the file writer has caught up. */
    public SchedulerTotals withFiles(long avro, long voevent, long failedWrites) {
        return new SchedulerTotals(candidatesIn, associated, objectsByKind, alertsByState, liveAlerts, latencyMsP50, latencyMsP99,
            hubDropped, failedBatches, resumedObjects, followUpPlanned, database, alertsFile, avro, voevent, failedWrites,
            visitToAlertMsP50, visitToAlertMsP99, stream, lateAlerts, lateVisitToAlertMsP50, lateVisitToAlertMsMax, visitsRedelivered);
    }

    /** These totals with the Aeron alert stream's counts. */
    public SchedulerTotals withStream(Stream s) {
        return new SchedulerTotals(candidatesIn, associated, objectsByKind, alertsByState, liveAlerts, latencyMsP50, latencyMsP99,
            hubDropped, failedBatches, resumedObjects, followUpPlanned, database, alertsFile, avroFiles, voeventFiles, failedFileWrites,
            visitToAlertMsP50, visitToAlertMsP99, s, lateAlerts, lateVisitToAlertMsP50, lateVisitToAlertMsMax, visitsRedelivered);
    }

    /**
     * The Aeron alert stream.
     *
     * @param unheard alerts offered while no consumer was connected (they are in the files and database)
     * @param dropped alerts given up after back-pressure outlasted the publisher's patience
     */
    public record Stream(String channel, @JsonProperty("stream_id") int streamId, long sent, long unheard, long dropped) {
    }
}
