package org.nightwatch.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's warm-up before a night runs the code a night runs, alerts included, and leaves nothing behind: its
 * database is a scratch one, and no made-up object or alert reaches the night's.
 */
class WarmUpTest {
    private static long scratchDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("nightwatch-scheduler-warm-up")).count();
        }
    }

    @Test
    void madeUpVisitsAreAssociatedAndAlertedOnAScratchDatabaseThatIsRemovedAfter() throws IOException {
        long before = scratchDirs();
        int alerts = WarmUp.scheduler(SchedulerTest.settings(""), Cands.MJD, 20, 30);
        assertTrue(alerts > 0, "objects seen again are alerted, as in a night: " + alerts);
        assertEquals(before, scratchDirs(), "the scratch database is gone");
    }
}
