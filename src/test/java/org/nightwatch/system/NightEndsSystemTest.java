package org.nightwatch.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.camera.source.Pacing;
import org.nightwatch.night.DeploymentConfig;
import org.nightwatch.night.NightOptions;
import org.nightwatch.night.NightRunner;
import org.nightwatch.night.NightSummary;
import org.nightwatch.night.StageFaults;
import org.nightwatch.protocol.SurveyMode;

/**
 * A night ends by itself, with every frame published stacked, lost or deferred, whatever befalls it:
 * more load than the machine carries, a classifier that fails or hangs, a scheduler whose database hangs,
 * a difference-imaging stage that never lets go of its buffers.
 */
class NightEndsSystemTest {
    @TempDir
    Path dir;

    /** The shipped deployment with the committed model, a small sky, and {@code overrides}. */
    private DeploymentConfig config(String overrides) {
        return Nights.config(dir, """
            nightwatch.camera.sim.survey { fields = 2, transients = 8, variables = 4, moving = 2 }
            nightwatch.actors.classifier.model = "%s"
            """.formatted(Nights.DEFAULT_MODEL) + overrides);
    }

    /** Runs the night, checking every progress line's books as it goes. */
    private static NightSummary run(NightRunner runner, List<NightRunner.Progress> seen) throws InterruptedException {
        return runner.run(p -> {
            seen.add(p);
            assertTrue(p.inFlight() >= 0, "a progress line accounts more frames than were published: " + p.line(""));
        });
    }

    /** 3 sensors x 4 high-cadence visits at max speed with difference imaging and scoring, and {@code faults}. */
    private NightSummary smallNight(String overrides, StageFaults faults, List<NightRunner.Progress> seen) throws InterruptedException {
        try (NightRunner runner = new NightRunner(config(overrides),
            NightOptions.simulate(3, 4, SurveyMode.HIGH_CADENCE, Pacing.MAX).withDiff(dir.resolve("out"))
                .withNightStart(AlertStreamSystemTest.NIGHT).withFaults(faults).build())) {
            return run(runner, seen);
        }
    }

    private static void assertBalanced(NightSummary s, long due) {
        assertEquals(due, s.framesPublished(), "every frame due was published");
        assertEquals(s.framesPublished(), s.framesStacked() + s.framesLost() + s.framesDeferred(), s.toText());
        assertTrue(s.accounted(), s.toText());
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void anOverloadedRealtimeNightEndsWithItsBooksBalanced() throws Exception {
        // 16 sensors with frames due 8x faster than the telescope sends them (128 sensors' worth of frames on
        // 2 cores, with difference imaging and scoring), and no spare stack buffers
        List<NightRunner.Progress> seen = new CopyOnWriteArrayList<>();
        NightSummary s;
        try (NightRunner runner = new NightRunner(config("nightwatch.actors.spare-stack-buffers = 0"),
            NightOptions.simulate(16, 4, SurveyMode.ALL_SKY, Pacing.REALTIME).withSpeedFactor(8)
                .withDiff(dir.resolve("out")).withNightStart(AlertStreamSystemTest.NIGHT).build())) {
            s = run(runner, seen);
        }
        assertBalanced(s, 16 * 4 * 18);
        assertTrue(s.framesDeferred() > 0, "the night was overloaded: something was deferred\n" + s.toText());
        assertTrue(s.framesStacked() > 0, s.toText());
        assertNull(s.forcedClose(), "an overload is not a stuck night");
        assertTrue(!seen.isEmpty(), "progress was reported");

        // deferred means processed later: every spooled visit was caught up after the camera stopped, and its
        // alerts say how late they came; the spool is empty again
        NightSummary.CatchUpTotals c = s.catchUp();
        assertNotNull(c, s.toText());
        long spooledFrames = s.deferredByReason().getOrDefault("deferred_spooled", 0L);
        assertTrue(c.visitsSpooled() > 0 && spooledFrames > 0, "over capacity, visits were spooled\n" + s.toText());
        assertEquals(0, s.deferredByReason().getOrDefault("deferred_no_buffer", 0L),
            "a visit that found no stack buffer free went to the spool frame by frame, not unprocessed\n" + s.toText());
        assertEquals(c.visitsSpooled(), c.caughtUp(), "every spooled visit was caught up\n" + s.toText());
        assertEquals(0, c.pending());
        assertEquals(0, c.failed());
        assertTrue(c.latenessMsP50() > 0 && c.bytesPeak() > 0, s.toText());
        assertEquals(0, c.bytesOnDisk(), "caught-up visits leave the spool");
        try (var files = Files.walk(Path.of(c.spool()))) {
            assertEquals(0, files.filter(Files::isRegularFile).count(), "the spool directory is empty");
        }
        assertTrue(s.scheduler().lateAlerts() > 0, "caught-up visits raised alerts\n" + s.toText());
        List<JsonNode> late = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("out").resolve("alerts.jsonl"))) {
            JsonNode a = new ObjectMapper().readTree(line);
            if (a.path("late_s").asDouble(0) > 0) {
                late.add(a);
            }
        }
        assertEquals(s.scheduler().lateAlerts(), late.size(), "each late alert says how late it is");
        // the summary says where each deferred frame is, and "on disk" only of what is
        assertTrue(s.deferredWhere().contains(spooledFrames + " spooled in " + c.spool()), s.deferredWhere());
        long notSpooled = s.framesDeferred() - spooledFrames;
        assertEquals(notSpooled > 0, s.deferredWhere().contains(notSpooled + " not recorded"), s.deferredWhere());
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aClassifierThatHangsCostsTheVisitsItHoldsNotTheNight() throws Exception {
        StageFaults.Fault hang = new StageFaults.Fault(StageFaults.Kind.STALL, 1);
        List<NightRunner.Progress> seen = new CopyOnWriteArrayList<>();
        NightSummary s = smallNight("nightwatch.actors.visit-deadline = 2 s", new StageFaults(null, hang, null), seen);
        assertBalanced(s, 3 * 4 * 12);
        assertTrue(hang.struck() > 0, "the classifier hung");
        assertTrue(s.lostByReason().getOrDefault("lost_stalled", 0L) > 0, s.toText());
        assertTrue(s.gaps().stream().anyMatch(g -> g.fate().equals("lost_stalled") && g.detail().contains("classification")),
            "the gap names the stage that held the visit\n" + s.toText());
        // a visit that stalls in scoring gives its buffer back at once: at max speed the camera was never starved
        assertNull(s.forcedClose(), s.toText());
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aClassifierThatFailsCostsItsVisitsWithTheReason() throws Exception {
        StageFaults.Fault fail = new StageFaults.Fault(StageFaults.Kind.FAIL, 1);
        NightSummary s = smallNight("", new StageFaults(null, fail, null), new CopyOnWriteArrayList<>());
        assertBalanced(s, 3 * 4 * 12);
        assertTrue(s.lostByReason().getOrDefault("lost_stage_failed", 0L) > 0, s.toText());
        assertTrue(s.gaps().stream().anyMatch(g -> g.fate().equals("lost_stage_failed") && g.detail().contains("classification failed")
            && g.detail().contains("drill")), "the gap says which stage failed and why\n" + s.toText());
        assertEquals(0, s.sensorRestarts(), "a stage's failure costs its visit, not the sensor");
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aSchedulerWhoseDatabaseHangsDoesNotHoldTheNight() throws Exception {
        StageFaults.Fault hang = new StageFaults.Fault(StageFaults.Kind.STALL, 2);
        NightSummary s = smallNight("nightwatch.actors.alerts.drain-timeout = 2 s", new StageFaults(null, null, hang), new CopyOnWriteArrayList<>());
        assertBalanced(s, 3 * 4 * 12);
        assertEquals(3 * 4 * 12, s.framesStacked(), "the frames were all stacked, differenced and scored");
        assertEquals(3 * 4 - 2, s.schedulerVisitsUnhandled(), "the visits after the hang are named as not handled\n" + s.toText());
        assertNull(s.scheduler(), "no scheduler totals are claimed for a scheduler that did not answer");
        assertTrue(s.toText().contains("THE SCHEDULER DID NOT FINISH: 10 visits"), s.toText());
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aDifferenceStageThatNeverLetsGoIsClosedAroundAndCounted() throws Exception {
        // a hung stage keeps the buffers it reads: at max speed the pool runs dry and the camera waits, so the
        // night stops making progress. It is closed: the camera is stopped, and what was held is counted lost.
        StageFaults.Fault hang = new StageFaults.Fault(StageFaults.Kind.STALL, 2);
        NightSummary s;
        try (NightRunner runner = new NightRunner(config("""
                nightwatch.actors.visit-deadline = 2 s
                nightwatch.actors.spare-stack-buffers = 0
                """),
            NightOptions.simulate(2, 10, SurveyMode.HIGH_CADENCE, Pacing.MAX).withDiff(dir.resolve("out"))
                .withNightStart(AlertStreamSystemTest.NIGHT).withFaults(new StageFaults(hang, null, null)).build())) {
            s = run(runner, new CopyOnWriteArrayList<>());
        }
        assertTrue(s.framesPublished() < 2 * 10 * 12, "the camera was stopped before the night's end\n" + s.toText());
        assertEquals(s.framesPublished(), s.framesStacked() + s.framesLost() + s.framesDeferred(), s.toText());
        assertTrue(s.accounted(), s.toText());
        assertNotNull(s.forcedClose(), s.toText());
        assertTrue(s.toText().contains("THE NIGHT WAS CLOSED AROUND HELD WORK"), s.toText());
        assertTrue(s.gaps().stream().anyMatch(g -> g.fate().equals("lost_stalled") && g.detail().contains("difference imaging")),
            s.toText());
    }
}
