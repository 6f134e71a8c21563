package org.nightwatch.night;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slowed stage, the drill of a node that cannot keep the camera's pace: its calls take the time asked for and then do
 * their work, the night's close cuts a held call short, and a drill written wrongly is refused naming the key.
 */
class StageFaultsTest {
    @TempDir
    Path dir;

    private StageFaults load(String text) throws IOException {
        Path f = dir.resolve("site.conf");
        Files.writeString(f, "include file(\"" + DeploymentConfigTest.DEPLOYMENT + "\")\n" + text);
        return StageFaults.from(DeploymentConfig.load(f));
    }

    @Test
    void aSlowedStageTakesTheTimeAskedForAfterItsNormalCallsAndThenDoesItsWork() throws IOException {
        StageFaults.Fault slow = load("nightwatch.drills.diff = \"Slow 150 ms after 1\"").diff();
        assertEquals(StageFaults.Kind.SLOW, slow.kind());
        assertEquals("take 150 ms longer after 1 calls", slow.toString(), "as the night's log says it");
        slow.strike(); // the first call goes normally
        long t0 = System.nanoTime();
        slow.strike(); // held, then returns: the stage does its work, late
        long heldMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(heldMs >= 150, "held " + heldMs + " ms");
        assertEquals(1, slow.struck());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theNightsCloseLetsAHeldCallGo() {
        StageFaults.Fault slow = StageFaults.Fault.slow(Duration.ofHours(1), 0);
        CompletableFuture<Void> call = CompletableFuture.runAsync(slow::strike);
        slow.release();
        call.join(); // returns normally, long before the hour
        assertTrue(call.isDone() && !call.isCompletedExceptionally());
        slow.strike(); // and a later call is not held either
    }

    @Test
    void aSlowDrillWrittenWronglyIsNamed() {
        var e = assertThrows(DeploymentConfig.InvalidConfigException.class, () -> load("nightwatch.drills.diff = \"slow 2 s after 1\""));
        assertTrue(e.getMessage().contains("nightwatch.drills.diff = 'slow 2 s after 1'") && e.getMessage().contains("\"slow M ms after N\""),
            e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StageFaults.Fault.slow(Duration.ZERO, 0), "slower by nothing is no drill");
        assertThrows(IllegalArgumentException.class, () -> new StageFaults.Fault(StageFaults.Kind.SLOW, 0), "by how much?");
    }
}
