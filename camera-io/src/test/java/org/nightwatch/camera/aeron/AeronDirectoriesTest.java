package org.nightwatch.camera.aeron;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.nightwatch.camera.CameraSettings;

/**
 * A night killed with -9 leaves its media driver's directory in shared memory (47-59 MB each, never
 * reclaimed before): the next night's start removes those whose process is gone, and never one whose
 * process still runs.
 */
class AeronDirectoriesTest {
    @Test
    void theNextNightReclaimsTheDirectoriesOfDeadNightsOnly() throws Exception {
        // a process that has ended: its PID is free (and not reused within this test)
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Path dead = Path.of(AeronDirectories.prefix() + ended.pid() + "-night-0badf00d");
        Path alive = Path.of(AeronDirectories.prefix() + ProcessHandle.current().pid() + "-night-0000a11e");
        for (Path d : new Path[] {dead, alive}) {
            Files.createDirectories(d);
            Files.write(d.resolve("cnc.dat"), new byte[1 << 20]);
        }
        try (AeronTransport t = AeronTransport.start(new CameraSettings.Aeron(true, "", "aeron:ipc", 2 << 20, 65504, 4 << 20,
            java.time.Duration.ofSeconds(10), java.time.Duration.ofMillis(1)))) {
            assertFalse(Files.exists(dead), "the killed night's directory is reclaimed when the next night starts");
            assertTrue(Files.exists(alive), "a running process's directory is left alone");
            assertTrue(t.directory().getName().startsWith(Path.of(AeronDirectories.prefix()).getFileName() + String.valueOf(ProcessHandle.current().pid())),
                "this night's directory carries its PID: " + t.directory());
        } finally {
            org.agrona.IoUtil.delete(alive.toFile(), true);
        }
    }
}
