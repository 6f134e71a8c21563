package org.nightwatch.night.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The control room's gauges read as an operator reads them: a camera sending a steady 8 frames/s reads
 * 8, and candidates that come in a burst at each visit's close (72 every 9 s, sampled once a second)
 * read near their mean rate of 8/s, not 0 or 72.
 */
class RateSmoothingTest {
    @Test
    void aSteadyRateReadsSteady() {
        Double r = null;
        for (int s = 0; s < 30; s++) {
            r = NightRoomBackend.smooth(r, 8.0, 1.0);
        }
        assertEquals(8.0, r, 1e-9);
    }

    @Test
    void burstsAtVisitCloseReadNearTheirMeanRate() {
        Double r = null;
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (int s = 0; s < 180; s++) {
            double raw = s % 9 == 8 ? 72 : 0; // what a once-a-second count of visit-close bursts gives
            r = NightRoomBackend.smooth(r, raw, 1.0);
            if (s >= 60) {
                lo = Math.min(lo, r);
                hi = Math.max(hi, r);
            }
        }
        assertTrue(lo > 4 && hi < 14, "after a minute the gauge stays between " + lo + " and " + hi + " (mean 8/s), not 0 or 72");
    }
}
