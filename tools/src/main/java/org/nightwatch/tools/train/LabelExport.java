package org.nightwatch.tools.train;

import java.util.ArrayList;
import java.util.List;
import org.nightwatch.protocol.Candidate;
import org.nightwatch.protocol.VettingLabel;
import org.nightwatch.scheduler.AlertStore;

/**
 * Operators' labels as classifier training data: each labelled object's candidates, with their stored
 * cutouts, become samples in the training-set format ({@link TrainingSetFiles}). {@code real} is real,
 * {@code bogus} is bogus; {@code moving} and {@code variable} are kept apart (as moving objects and
 * variables are in the simulated sets), so they never count as either class. The sample's type is the
 * operator's label and its pair number the visit.
 */
public final class LabelExport {
    private LabelExport() {
    }

    /** The class a label gives, or {@link TrainingSetBuilder#APART}. */
    public static int classOf(String label) {
        return switch (VettingLabel.parse(label)) {
            case REAL -> TrainingSetBuilder.REAL;
            case BOGUS -> TrainingSetBuilder.BOGUS;
            case MOVING, VARIABLE -> TrainingSetBuilder.APART;
        };
    }

    /** Samples from labelled candidates; a candidate whose cutout has the wrong size is named and refused. */
    public static List<TrainingSetBuilder.Sample> run(List<AlertStore.LabelledCandidate> labelled) {
        int per = Candidate.CHANNELS.length * Candidate.CUTOUT * Candidate.CUTOUT;
        List<TrainingSetBuilder.Sample> out = new ArrayList<>(labelled.size());
        for (AlertStore.LabelledCandidate c : labelled) {
            if (c.cutout().length != per) {
                throw new IllegalArgumentException("candidate " + c.candidateId() + " of " + c.objectId() + ": cutout of " + c.cutout().length
                    + " values, expected " + per + " (3 x " + Candidate.CUTOUT + " x " + Candidate.CUTOUT + ")");
            }
            int cls = classOf(c.label());
            out.add(new TrainingSetBuilder.Sample(c.cutout(), cls, cls, c.label(), c.snr(), (int) c.visit(), c.x(), c.y(), c.flags()));
        }
        return out;
    }
}
