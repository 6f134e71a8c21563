package org.nightwatch.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.actors.DeploymentConfig;
import org.nightwatch.actors.NightRunner;
import org.nightwatch.actors.NightSummary;
import org.nightwatch.camera.sim.Pacing;
import org.nightwatch.protocol.SurveyMode;
import org.nightwatch.scheduler.AlertJson;
import org.nightwatch.scheduler.AlertJsonLines;

/**
 * A simulated night recorded in the recorded-night layout and replayed through the same pipeline: every
 * frame comes back, and each replay at full speed gives the alerts the live night gave, field for field.
 */
class ReplaySystemTest {
    private static final int VISITS = 8;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aRecordedNightReplayedTwiceGivesTheAlertsOfTheLiveNight() throws Exception {
        DeploymentConfig cfg = Nights.config(dir, """
            nightwatch.camera.sim.survey { fields = 2, transients = 12, variables = 6, moving = 2 }
            nightwatch.actors.classifier.model = "%s"
            """.formatted(Nights.DEFAULT_MODEL));
        Path night = dir.resolve("night");
        NightSummary live;
        try (NightRunner r = new NightRunner(cfg, NightRunner.Options.simulate(1, VISITS, SurveyMode.HIGH_CADENCE, Pacing.MAX)
            .withRecord(night).withDiff(dir.resolve("live")).withNightStart(AlertStreamSystemTest.NIGHT).build())) {
            live = r.run(null);
        }
        List<String> expected = alerts(dir.resolve("live"));
        assertTrue(expected.size() >= 5, "alerts in the live night: " + expected);

        for (String name : List.of("replay-1", "replay-2")) {
            NightSummary s;
            try (NightRunner r = new NightRunner(cfg, NightRunner.Options.simulate(1, VISITS, SurveyMode.HIGH_CADENCE, Pacing.MAX)
                .withReplay(night).withDiff(dir.resolve(name)).build())) {
                s = r.run(null);
            }
            assertEquals(live.framesPublished(), s.framesPublished(), name + ": every recorded frame replayed");
            assertEquals(live.framesStacked(), s.framesStacked(), name);
            assertEquals(live.differenceImaging().candidates(), s.differenceImaging().candidates(), name);
            assertEquals(expected, alerts(dir.resolve(name)), name + ": the same alerts, in the same order, with the same scores");
        }
    }

    /** Each alert of a night's alert file as id, state, kind, rank score, real/bogus score and position. */
    private static List<String> alerts(Path out) throws Exception {
        List<String> a = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve(AlertJsonLines.FILE))) {
            JsonNode n = AlertJson.mapper().readTree(line);
            JsonNode c = n.get("candidate");
            a.add(String.join(" ", n.get("id").asText(), n.get("state").asText(), n.get("kind").asText(), n.get("rank_score").asText(),
                c.get("score").asText(), c.get("ra").asText(), c.get("dec").asText(), c.get("mjd").asText()));
        }
        return a;
    }
}
