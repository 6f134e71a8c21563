package org.nightwatch.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.nightwatch.protocol.Alert;

/**
 * The scheduler's warm-up before a night runs the code a night runs, alerts included, and leaves nothing behind: its
 * database is a scratch one, and no made-up object or alert reaches the night's.
 */
class WarmUpTest {
    /** The scratch directories in the temporary directory now (another nightwatch process may make and remove its own). */
    private static Set<Path> scratchDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("nightwatch-scheduler-warm-up")).collect(Collectors.toSet());
        }
    }

    @Test
    void madeUpVisitsAreAssociatedAndAlertedOnAScratchDatabaseThatIsRemovedAfter() throws IOException {
        Set<Path> before = scratchDirs();
        int alerts = WarmUp.scheduler(SchedulerTest.settings(""), Cands.MJD, 20, 30);
        assertTrue(alerts > 0, "objects seen again are alerted, as in a night: " + alerts);
        Set<Path> left = new HashSet<>(scratchDirs());
        left.removeAll(before);
        assertEquals(Set.of(), left, "the scratch database is gone");
    }

    @Test
    void theAlertsHandedToTheFormatsHaveTheShapesOfANightsAlerts() {
        // the formats are compiled for what they see: alerts of one shape only would leave the night's others to the
        // JIT's first minutes (a deoptimisation, a recompilation)
        List<Alert> seen = new ArrayList<>();
        int made = WarmUp.scheduler(SchedulerTest.settings(""), Cands.MJD, 20, 30, false, seen::add);
        assertEquals(made, seen.size());
        assertTrue(seen.stream().anyMatch(a -> a.window() == null), "a place never up at night: no follow-up window");
        assertTrue(seen.stream().anyMatch(a -> a.window() != null), "a place up at night");
        assertTrue(seen.stream().anyMatch(a -> a.state() == Alert.State.NEW), "new objects");
        assertTrue(seen.stream().anyMatch(a -> a.state() == Alert.State.UPDATED), "objects seen again");
        assertTrue(seen.stream().anyMatch(a -> a.candidate().flags() != 0), "flagged detections");
        assertTrue(seen.stream().anyMatch(a -> a.candidate().sign() < 0), "negative detections");
    }
}
