package org.nightwatch.scheduler;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import org.nightwatch.protocol.Alert;
import org.nightwatch.protocol.Candidate;

/** Alerts made by the real scheduler from hand-made candidates, for tests of what consumes alerts. */
public final class TestAlerts {
    private TestAlerts() {
    }

    /** A night's worth of alert changes: transients alerted on their first detection, then updated. */
    public static List<Alert> night(int objects) {
        SchedulerSettings s = SchedulerSettings.from(ConfigFactory.parseString("nightwatch.scheduler.alert-min-detections = 1")
            .withFallback(ConfigFactory.load()));
        Scheduler sch = new Scheduler(s, KnownVariables.none(2));
        List<Alert> out = new ArrayList<>();
        for (int visit = 1; visit <= 2; visit++) {
            List<Candidate> batch = new ArrayList<>();
            for (int i = 0; i < objects; i++) {
                float[] cut = new float[3 * Candidate.CUTOUT * Candidate.CUTOUT];
                for (int k = 0; k < cut.length; k++) {
                    cut[k] = (float) Math.sin(k * 0.1 + i);
                }
                double snr = 10 + 5 * i + visit;
                batch.add(new Candidate("S1-V" + visit + "-" + i, 1, visit, 0, 61328.5 + visit * 0.01, 100, 100, 10 + i * 0.01, 20,
                    10 * snr, 10, snr, 18 - 0.1 * i, 0.05, 2.5, 1.05, 1, 0, cut, 0.95, "test-model"));
            }
            out.addAll(sch.run(batch).alerts());
        }
        return out;
    }
}
