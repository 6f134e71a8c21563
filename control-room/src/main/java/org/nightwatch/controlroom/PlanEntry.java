package org.nightwatch.controlroom;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One object's window in tonight's follow-up plan, as {@code GET /api/plan} gives it (time order). */
public record PlanEntry(String telescope, @JsonProperty("object_id") String objectId, @JsonProperty("start_mjd") double startMjd,
                        @JsonProperty("end_mjd") double endMjd, @JsonProperty("rank_score") double rankScore, double ra, double dec) {
}
