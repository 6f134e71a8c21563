package org.nightwatch.actors.pipeline;

import java.util.Arrays;
import java.util.EnumSet;
import org.nightwatch.actors.ingest.ClosedVisit;
import org.nightwatch.actors.ingest.StackBuffer;
import org.nightwatch.actors.ingest.VisitFlag;
import org.nightwatch.workers.stack.StackKernel;

/**
 * Turns a visit's accumulated sums into its mean image: each row is divided by the number of frames
 * that covered it (so a visit with missing frames keeps its units), rows nothing covered become NaN.
 * A pure {@link #run} on the visit's own buffer, in place.
 */
public final class StackStage {
    private final StackKernel kernel;

    public StackStage(StackKernel kernel) {
        this.kernel = kernel;
    }

    public StackedVisit run(ClosedVisit visit) {
        StackBuffer b = visit.buffer();
        float[] px = b.pixels();
        int w = b.width();
        int stacked = visit.framesStacked();
        EnumSet<VisitFlag> flags = visit.flags();
        for (int y = 0; y < b.height(); y++) {
            int c = b.coverage(y);
            if (c == 0) {
                Arrays.fill(px, y * w, (y + 1) * w, Float.NaN);
            } else {
                kernel.scale(px, y * w, w, 1.0f / c);
            }
            if (c != stacked) {
                flags.add(VisitFlag.PARTIAL_ROWS);
            }
        }
        return new StackedVisit(visit, px, sampleMedian(px), flags);
    }

    private static float sampleMedian(float[] px) {
        int step = 997;
        float[] sample = new float[px.length / step + 1];
        int n = 0;
        for (int i = 0; i < px.length; i += step) {
            if (!Float.isNaN(px[i])) {
                sample[n++] = px[i];
            }
        }
        if (n == 0) {
            return Float.NaN;
        }
        Arrays.sort(sample, 0, n);
        return sample[n / 2];
    }
}
