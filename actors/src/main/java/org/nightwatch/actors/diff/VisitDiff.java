package org.nightwatch.actors.diff;

import java.util.EnumSet;
import java.util.List;
import org.nightwatch.protocol.Candidate;
import org.nightwatch.workers.diff.DiffFlag;
import org.nightwatch.workers.diff.DifferenceImager;

/**
 * The difference imaging of one sensor-visit: its candidates, what fell back and why.
 *
 * @param reference          the reference file used (null when there was none)
 * @param candidates         in order of decreasing |S/N|
 * @param components         connected components above threshold (before the cap)
 * @param residualNoiseRatio robust noise of the difference over the propagated noise (NaN without a difference)
 * @param notes              human-readable reasons for each flag
 * @param timings            where the time went (null without a difference)
 * @param millis             wall time of the whole stage for this visit, reference preparation included
 */
public record VisitDiff(String reference, List<Candidate> candidates, int components, EnumSet<DiffFlag> flags,
                        double residualNoiseRatio, List<String> notes, DifferenceImager.Timings timings, double millis) {

    public boolean has(DiffFlag f) {
        return flags.contains(f);
    }

    /** The same visit with its candidates replaced (scored). */
    public VisitDiff withCandidates(List<Candidate> scored) {
        return new VisitDiff(reference, scored, components, flags, residualNoiseRatio, notes, timings, millis);
    }
}
