package org.nightwatch.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The bench's sustained real-time factor, on nights whose timing is given: 6 sensors, 4 visits of 18 frames at 2
 * frames/s (a visit every 9 s), each visit's sensor-visits differenced together some seconds after its last frame.
 */
class SustainedTest {
    private static final int SENSORS = 6;
    private static final int FRAMES_PER_VISIT = 18;
    private static final int VISITS = 4;

    /** The window read from samples every {@code sampleMs} from {@code phaseMs}; visit v finishes {@code latency(v)} s after its last frame. */
    private static PipelineBench.Sustained window(long sampleMs, long phaseMs, java.util.function.IntToDoubleFunction latency) {
        long due = (long) SENSORS * VISITS * FRAMES_PER_VISIT;
        PipelineBench.Sustained s = new PipelineBench.Sustained(due, FRAMES_PER_VISIT, SENSORS);
        for (long ms = phaseMs; ms <= 80_000; ms += sampleMs) {
            double t = ms / 1000.0;
            // each sensor sends frame k at k/2 s
            long published = Math.min(due, ((long) Math.floor(2 * t) + 1) * SENSORS);
            long differenced = 0;
            for (int v = 1; v <= VISITS; v++) {
                double lastFrame = (v * FRAMES_PER_VISIT - 1) / 2.0;
                if (t >= lastFrame + latency.applyAsDouble(v)) {
                    differenced += SENSORS;
                }
            }
            s.tick(t, published, differenced);
        }
        return s;
    }

    @Test
    void aPipelineThatKeepsUpReadsOneWhereverTheSamplesFall() {
        for (long phase = 0; phase < 1000; phase += 7) {
            PipelineBench.Sustained s = window(25, phase, v -> 3.0);
            assertEquals(1.00, s.factor(2.0), 0.005, "sampled every 25 ms from " + phase + " ms");
            assertEquals(27.0, s.windowSeconds(), 0.05, "the three visit periods from the first visit's last frame to the night's");
        }
    }

    @Test
    void samplesASecondApartReadTheWindowASecondShort() {
        // what the progress lines gave: each end of the window up to a second from the frame that marks it
        PipelineBench.Sustained s = window(1000, 300, v -> 3.0);
        assertEquals(26.0, s.windowSeconds(), 0.05);
        assertEquals(1.04, s.factor(2.0), 0.005, "the same night as above");
    }

    @Test
    void aPipelineFallingAVisitBehindReadsBelowOne() {
        // each visit's difference comes 4 s later than the one before: the third finishes after the camera's last frame
        double f = window(25, 0, v -> 3.0 + 4.0 * (v - 1)).factor(2.0);
        assertTrue(f < 0.9, "falling behind: " + f);
    }
}
