package org.nightwatch.night;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nightwatch.actors.pipeline.NightStats;

/**
 * The end-of-night summary: printed by the CLI and written by {@code --report} as JSON with the same
 * numbers. Every frame published is stacked, lost or deferred ({@code accounted} says whether the sum
 * holds), with the reasons broken down.
 */
@JsonPropertyOrder(alphabetic = false)
public record NightSummary(
    int sensors,
    String mode,
    String speed,
    @JsonProperty("frames_published") long framesPublished,
    @JsonProperty("frames_stacked") long framesStacked,
    @JsonProperty("frames_lost") long framesLost,
    @JsonProperty("frames_deferred") long framesDeferred,
    @JsonProperty("frames_unaccounted") long framesUnaccounted,
    boolean accounted,
    @JsonProperty("lost_by_reason") Map<String, Long> lostByReason,
    @JsonProperty("deferred_by_reason") Map<String, Long> deferredByReason,
    @JsonProperty("duplicates_discarded") long duplicates,
    @JsonProperty("malformed_messages") long malformed,
    @JsonProperty("visits_stacked") long visitsStacked,
    @JsonProperty("visits_flagged") long visitsFlagged,
    @JsonProperty("visits_deferred") long visitsDeferred,
    @JsonProperty("sensor_restarts") long sensorRestarts,
    @JsonProperty("back_pressured_offers") long backPressuredOffers,
    @JsonProperty("back_pressured_polls") long backPressuredPolls,
    @JsonProperty("wall_s") double wallSeconds,
    @JsonProperty("realtime_factor") double realtimeFactor,
    @JsonProperty("ingest_gb_per_s") double ingestGbPerSecond,
    @JsonProperty("visit_latency_ms") Latency visitLatencyMs,
    @JsonProperty("peak_heap_mb") double peakHeapMb,
    @JsonProperty("stack_buffers_peak") int stackBuffersPeak,
    @JsonProperty("stack_buffers_capacity") int stackBuffersCapacity,
    List<SensorGaps> gaps,
    @JsonProperty("recorded_frames") long recordedFrames,
    @JsonProperty("difference_imaging") @JsonInclude(JsonInclude.Include.NON_NULL) NightStats.DiffTotals differenceImaging,
    @JsonInclude(JsonInclude.Include.NON_NULL) org.nightwatch.actors.alerts.SchedulerTotals scheduler,
    @JsonInclude(JsonInclude.Include.NON_NULL) Replay replay,
    @JsonProperty("forced_close") @JsonInclude(JsonInclude.Include.NON_NULL) String forcedClose,
    @JsonProperty("scheduler_visits_unhandled") long schedulerVisitsUnhandled,
    @JsonProperty("deferred_frames_where") @JsonInclude(JsonInclude.Include.NON_NULL) String deferredWhere,
    @JsonProperty("catch_up") @JsonInclude(JsonInclude.Include.NON_NULL) CatchUpTotals catchUp,
    @JsonProperty("visit_timeline_ms") Map<String, Map<String, Double>> visitTimelineMs,
    @JsonProperty("sensor_states") Map<String, Long> sensorStates,
    @JsonInclude(JsonInclude.Include.NON_NULL) ClusterTotals cluster) {

    /**
     * A night on a cluster: where each sensor ran at the end, the nodes lost during the night (a scheduler node lost: the
     * scheduler went on on the next, from the database), the sensors that went
     * on on another node, and what was lost with the nodes.
     *
     * @param framesLostWithNodes frames a lost node had not accounted (lost_node_down)
     * @param framesLostInHandovers frames on their way while a sensor moved between nodes that stayed, not counted by
     *                            either (part of lost_handover, with the visits being assembled when a node let go)
     * @param visitsLostWithNodes visits a node that left (lost, or stopped) had stacked and handed over that the scheduler
     *                            never confirmed
     */
    public record ClusterTotals(@JsonProperty("sensor_nodes") Map<String, String> sensorNodes,
                                @JsonProperty("nodes_lost") List<NodeLost> nodesLost, List<Handover> handovers,
                                @JsonProperty("frames_lost_with_nodes") long framesLostWithNodes,
                                @JsonProperty("frames_lost_in_handovers") long framesLostInHandovers,
                                @JsonProperty("visits_lost_with_nodes") long visitsLostWithNodes) {
    }

    /** A node that was lost during the night (downed and removed), what it did (worker, scheduler), and when (UTC ms). */
    public record NodeLost(String node, List<String> roles, @JsonProperty("at_epoch_ms") long atEpochMillis) {
    }

    /** A sensor that went on on another node, and when its new node first reported it (UTC ms). */
    public record Handover(String sensor, List<String> from, String to, @JsonProperty("at_epoch_ms") long atEpochMillis) {
    }

    /**
     * The visits spooled while the night was over capacity and what the catch-up path made of them.
     *
     * @param visitsSpooled    visits written to the spool (or found there when the night was resumed)
     * @param caughtUp         differenced, scored and alerted late
     * @param failed           could not be read back or failed a stage (reasons in {@code problems})
     * @param pending          still on disk when the night ended (a resumed night catches them up)
     * @param latenessMsP50    a caught-up visit's last frame to the end of its catch-up, median
     * @param latenessMsMax    the same, the largest
     * @param notSpooled       visits that were to be spooled but the spool was at max_bytes (they waited in their queues)
     * @param bytesPeak        the most the spool held on disk
     */
    public record CatchUpTotals(String spool, @JsonProperty("visits_spooled") long visitsSpooled, @JsonProperty("caught_up") long caughtUp,
                                long failed, long pending, @JsonProperty("lateness_ms_p50") double latenessMsP50,
                                @JsonProperty("lateness_ms_max") double latenessMsMax,
                                @JsonProperty("not_spooled_spool_full") long notSpooled, @JsonProperty("bytes_peak") long bytesPeak,
                                @JsonProperty("bytes_on_disk") long bytesOnDisk, @JsonProperty("max_bytes") long maxBytes,
                                List<String> problems) {
    }

    /**
     * What a replay found wrong with its recorded night.
     *
     * @param visitsSkipped sensor-visits not replayed: files that failed the checks or are missing
     * @param doneBefore    sensor-visits an interrupted run of this replay had finished (resumed after them)
     * @param problems      one line each, naming the file
     */
    public record Replay(String night, @JsonProperty("visits_skipped") int visitsSkipped, @JsonProperty("done_before") int doneBefore,
                         List<String> problems) {
    }

    public record Latency(double p50, double p99, double max, long count) {
    }

    /** The gaps of one sensor, as reported by its ledger. */
    public record SensorGaps(String sensor, @JsonProperty("first_sequence") long firstSequence,
                             @JsonProperty("last_sequence") long lastSequence, String fate, String detail) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public void write(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            JSON.writeValue(file.toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report " + file, e);
        }
    }

    public static NightSummary read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), NightSummary.class);
    }

    /** The summary as the CLI prints it. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "night summary: %d sensors, %s, speed %s, %.1f s%n", sensors, mode, speed, wallSeconds));
        if (sensorStates != null && !sensorStates.isEmpty()) {
            b.append("  sensors at the end, as they said: ").append(sensorStates).append('\n');
        }
        if (cluster != null) {
            b.append("  cluster: sensors on nodes ").append(cluster.sensorNodes()).append('\n');
            for (NodeLost n : cluster.nodesLost()) {
                b.append("    node lost: ").append(n.node()).append(' ').append(n.roles()).append(" at ").append(java.time.Instant.ofEpochMilli(n.atEpochMillis())).append('\n');
            }
            for (Handover h : cluster.handovers()) {
                b.append("    ").append(h.sensor()).append(" went on on ").append(h.to()).append(" (before: ").append(h.from()).append(") at ")
                    .append(java.time.Instant.ofEpochMilli(h.atEpochMillis())).append('\n');
            }
            if (!cluster.nodesLost().isEmpty()) {
                b.append(String.format(Locale.ROOT, "    lost with the nodes: %d frames not accounted there, %d visits handed over that never "
                    + "reached the scheduler%n", cluster.framesLostWithNodes(), cluster.visitsLostWithNodes()));
            }
        }
        b.append(String.format(Locale.ROOT, "  frames published %d = stacked %d + lost %d + deferred %d%s%n", framesPublished,
            framesStacked, framesLost, framesDeferred, accounted ? "" : "   (UNACCOUNTED: " + framesUnaccounted + ")"));
        if (!lostByReason.isEmpty()) {
            b.append("  lost by reason: ").append(lostByReason).append('\n');
        }
        if (!deferredByReason.isEmpty()) {
            b.append("  deferred by reason: ").append(deferredByReason).append(deferredWhere != null ? "; " + deferredWhere : "").append('\n');
        }
        if (catchUp != null && (catchUp.visitsSpooled() > 0 || catchUp.pending() > 0)) {
            CatchUpTotals c = catchUp;
            b.append(String.format(Locale.ROOT, "  over capacity: %d visits spooled to %s (peak %.1f GB of %.0f GB allowed); caught up %d"
                    + " (late by %.1f s median, %.1f s at most), failed %d, still pending %d%s%n", c.visitsSpooled(), c.spool(),
                c.bytesPeak() / 1e9, c.maxBytes() / 1e9, c.caughtUp(), c.latenessMsP50() / 1e3, c.latenessMsMax() / 1e3, c.failed(),
                c.pending(), c.pending() > 0 ? " (on disk: run the night again to resume them)" : ""));
            for (String p : c.problems().subList(0, Math.min(5, c.problems().size()))) {
                b.append("    ").append(p).append('\n');
            }
        }
        if (catchUp != null && catchUp.notSpooled() > 0) {
            b.append(String.format(Locale.ROOT, "  the spool was full (%d visits not spooled waited in their queues)%n", catchUp.notSpooled()));
        }
        if (forcedClose != null) {
            b.append("  THE NIGHT WAS CLOSED AROUND HELD WORK: ").append(forcedClose)
                .append(" (what was held is in lost_stalled, by visit in the gaps)\n");
        }
        if (schedulerVisitsUnhandled > 0) {
            b.append(String.format(Locale.ROOT, "  THE SCHEDULER DID NOT FINISH: %d visits handed to it were not handled when the night "
                + "ended; their alerts are not made, and the night stays incomplete in its database (run it again to resume)%n",
                schedulerVisitsUnhandled));
        }
        b.append(String.format(Locale.ROOT, "  visits stacked %d (%d flagged), deferred %d; duplicates discarded %d; malformed %d; sensor restarts %d%n",
            visitsStacked, visitsFlagged, visitsDeferred, duplicates, malformed, sensorRestarts));
        b.append(String.format(Locale.ROOT, "  real-time factor %.2f (%.2f GB/s of frames); %s%n", realtimeFactor, ingestGbPerSecond,
            visitLatencyMs.count() == 0 && cluster != null ? "visits stacked on the worker nodes (their latency is theirs)"
                : String.format(Locale.ROOT, "visit latency p50 %.1f ms, p99 %.1f ms", visitLatencyMs.p50(), visitLatencyMs.p99())));
        b.append(String.format(Locale.ROOT, "  back-pressured offers %d, polls %d; stack buffers peak %d of %d; peak heap %.0f MB%n",
            backPressuredOffers, backPressuredPolls, stackBuffersPeak, stackBuffersCapacity, peakHeapMb));
        if (recordedFrames > 0) {
            b.append("  recorded frames ").append(recordedFrames).append('\n');
        }
        if (differenceImaging != null) {
            NightStats.DiffTotals d = differenceImaging;
            b.append(String.format(Locale.ROOT, "  difference imaging: %d visits differenced, %d candidates (%.1f a visit); flags %s%n",
                d.visitsDifferenced(), d.candidates(), d.visitsDifferenced() == 0 ? 0.0 : (double) d.candidates() / d.visitsDifferenced(),
                d.flags().isEmpty() ? "none" : d.flags()));
            b.append(String.format(Locale.ROOT, "    stage %.0f ms a visit (p50), %.0f ms (p99); last frame to candidates p50 %.0f ms, p99 %.0f ms;"
                + " residual noise %.3f x expected (median)%n", d.stageMsP50(), d.stageMsP99(), d.latencyMsP50(), d.latencyMsP99(),
                d.noiseRatioMedian()));
            b.append(String.format(Locale.ROOT, "    references read and prepared %d, reused %d%n", d.referencesRead(), d.referencesReused()));
            if (d.model() != null) {
                b.append(String.format(Locale.ROOT, "    real/bogus: %d candidates scored by %s, %d at or above 0.5; %.0f cutouts a batch,"
                    + " %.0f cutouts/s in the model%s%n", d.scored(), d.model(), d.likelyReal(), d.meanBatch(), d.scoreCutoutsPerS(),
                    d.scoredInline() > 0 ? ", " + d.scoredInline() + " scored inline (queue full)" : ""));
            }
            for (String p : d.firstProblems().subList(0, Math.min(5, d.firstProblems().size()))) {
                b.append("    ").append(p).append('\n');
            }
            if (d.problems() > 5) {
                b.append("    ... ").append(d.problems() - 5).append(" more notes in the report\n");
            }
        }
        if (scheduler != null) {
            org.nightwatch.actors.alerts.SchedulerTotals t = scheduler;
            b.append(String.format(Locale.ROOT, "  scheduler: %d candidates in, %d associated; objects %s; alerts %s, %d live, %d planned for follow-up%n",
                t.candidatesIn(), t.associated(), t.objectsByKind(), t.alertsByState(), t.liveAlerts(), t.followUpPlanned()));
            b.append(String.format(Locale.ROOT, "    a visit's last frame to its alerts p50 %.0f ms, p99 %.0f ms; candidates in to alerts out p50 %.1f ms, p99 %.1f ms%s%s%n",
                t.visitToAlertMsP50(), t.visitToAlertMsP99(), t.latencyMsP50(), t.latencyMsP99(),
                t.resumedObjects() > 0 ? "; resumed " + t.resumedObjects() + " objects from the database" : "",
                t.failedBatches() > 0 ? "; " + t.failedBatches() + " BATCHES NOT COMMITTED" : ""));
            if (t.lateAlerts() > 0) {
                b.append(String.format(Locale.ROOT, "    late alerts (from caught-up visits) %d: a visit's last frame to its alerts p50 %.1f s, "
                    + "at most %.1f s%n", t.lateAlerts(), t.lateVisitToAlertMsP50() / 1e3, t.lateVisitToAlertMsMax() / 1e3));
            }
            if (visitTimelineMs != null && !visitTimelineMs.isEmpty()) {
                StringBuilder tl = new StringBuilder("    where a live visit's seconds go, p50/p99 ms:");
                visitTimelineMs.forEach((k, v) -> tl.append(String.format(Locale.ROOT, " %s %.0f/%.0f", k, v.get("p50"), v.get("p99"))));
                tl.append(String.format(Locale.ROOT, " scheduler %.0f/%.0f", t.latencyMsP50(), t.latencyMsP99()));
                b.append(tl).append('\n');
            }
            b.append("    alerts in ").append(t.alertsFile()).append(String.format(Locale.ROOT, " (+%d Avro packets, %d VOEvents)", t.avroFiles(),
                t.voeventFiles())).append(", database ").append(t.database()).append('\n');
            if (t.failedFileWrites() > 0) {
                b.append("    ").append(t.failedFileWrites()).append(" BATCHES NOT WRITTEN TO THE ALERT FILES (they are in the database)\n");
            }
            if (t.stream() != null) {
                b.append(String.format(Locale.ROOT, "    alert stream %s stream %d: %d sent, %d with no consumer connected, %d dropped%n",
                    t.stream().channel(), t.stream().streamId(), t.stream().sent(), t.stream().unheard(), t.stream().dropped()));
            }
        }
        if (replay != null && replay.doneBefore() > 0) {
            b.append(String.format(Locale.ROOT, "  replay resumed: %d sensor-visits were done before%n", replay.doneBefore()));
        }
        if (replay != null && replay.visitsSkipped() > 0) {
            b.append(String.format(Locale.ROOT, "  replay of %s: %d sensor-visits skipped%n", replay.night(), replay.visitsSkipped()));
            for (String p : replay.problems().subList(0, Math.min(10, replay.problems().size()))) {
                b.append("    ").append(p).append('\n');
            }
            if (replay.problems().size() > 10) {
                b.append("    ... ").append(replay.problems().size() - 10).append(" more in the report\n");
            }
        }
        int shown = 0;
        for (SensorGaps g : gaps) {
            if (shown++ == 10) {
                b.append("  ... ").append(gaps.size() - 10).append(" more gaps in the report\n");
                break;
            }
            b.append(String.format(Locale.ROOT, "  gap %s %s %s: %s%n", g.sensor(),
                g.firstSequence() < 0 ? "" : g.firstSequence() == g.lastSequence() ? "frame " + g.firstSequence()
                    : "frames " + g.firstSequence() + ".." + g.lastSequence(), g.fate(), g.detail()));
        }
        return b.toString();
    }
}
