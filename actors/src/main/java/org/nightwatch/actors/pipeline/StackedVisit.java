package org.nightwatch.actors.pipeline;

import java.util.EnumSet;
import org.nightwatch.actors.diff.VisitDiff;
import org.nightwatch.actors.ingest.ClosedVisit;
import org.nightwatch.actors.ingest.VisitFlag;

/**
 * A stacked visit: the mean image (ADU per frame; NaN where no frame covered a row) in the visit's
 * pooled buffer, valid until the sink stage returns.
 *
 * @param visit      what was stacked
 * @param image      height * width floats, row-major
 * @param skyLevel   median of a sparse sample of the image, ADU per frame
 * @param flags      the visit's flags
 * @param diff       its difference imaging, once done (null before, or when the night runs without it)
 */
public record StackedVisit(ClosedVisit visit, float[] image, float skyLevel, EnumSet<VisitFlag> flags, VisitDiff diff) {
    public StackedVisit(ClosedVisit visit, float[] image, float skyLevel, EnumSet<VisitFlag> flags) {
        this(visit, image, skyLevel, flags, null);
    }

    public StackedVisit withDiff(VisitDiff d) {
        return new StackedVisit(visit, image, skyLevel, flags, d);
    }
}
