package org.nightwatch.actors.ingest;

import java.util.BitSet;
import java.util.EnumSet;
import org.nightwatch.protocol.SensorId;

/** Closed visits for tests outside this package: every frame of a 12-frame visit, in a buffer of {@code pool}. */
public final class ClosedVisits {
    private ClosedVisits() {
    }

    public static ClosedVisit of(StackBufferPool pool, int sensor, long visitId, EnumSet<VisitFlag> flags) {
        BitSet got = new BitSet();
        got.set(0, 12);
        return new ClosedVisit(SensorId.of(sensor), visitId, 12, got, pool.tryAcquire(), 1_700_000_000_000_000_000L + visitId * 6_000_000_000L,
            500_000_000L, 151.25, 20.5, 1, flags, System.nanoTime());
    }
}
