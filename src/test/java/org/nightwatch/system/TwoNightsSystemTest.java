package org.nightwatch.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.camera.source.Pacing;
import org.nightwatch.night.DeploymentConfig;
import org.nightwatch.night.NightClaims;
import org.nightwatch.night.NightOptions;
import org.nightwatch.night.NightRunner;
import org.nightwatch.night.NightSummary;
import org.nightwatch.protocol.SurveyMode;

/**
 * Two nights on one machine, as an astronomer replays a night while the live one runs: a second night that
 * wants the first one's alert-stream port or output directory is refused at once, naming it, before anything
 * is prepared (it once prepared for 15 s first, or moved the running night's database away); given a free
 * port (0) and its own directory it runs beside the first, and both end with their books balanced and their
 * alerts.
 */
class TwoNightsSystemTest {
    @TempDir
    Path dir;

    /** 2 sensors, 4 visits of 12 frames: at the camera's pace (the first night) 24 s long, so that the second meets it running. */
    private static NightOptions night(Path out, Pacing pacing) {
        return NightOptions.simulate(2, 4, SurveyMode.HIGH_CADENCE, pacing).withDiff(out)
            .withNightStart(AlertStreamSystemTest.NIGHT).withControlRoom(0).build();
    }

    private static boolean inUse(int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            return false;
        } catch (java.io.IOException e) {
            return true;
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aSecondNightIsToldOfAPortClashAtOnceAndRunsBesideTheFirstOnAFreePort() throws Exception {
        DeploymentConfig cfg = Nights.config(dir, """
            nightwatch.camera.sim.survey { fields = 2, transients = 12, variables = 6, moving = 2 }
            nightwatch.actors.classifier.model = "%s"
            """.formatted(Nights.DEFAULT_MODEL));
        String channel = cfg.config().getString("nightwatch.scheduler.outputs.aeron.channel");
        int port = Integer.parseInt(channel.replaceAll(".*control=127\\.0\\.0\\.1:(\\d+).*", "$1"));

        NightRunner first = new NightRunner(cfg, night(dir.resolve("first"), Pacing.REALTIME));
        CompletableFuture<NightSummary> firstDone = Nights.runInBackground(first);
        await().atMost(Duration.ofSeconds(120)).until(() -> inUse(port) || firstDone.isDone());
        assertFalse(firstDone.isDone(), "the first night holds its alert stream while it runs");

        long t0 = System.nanoTime();
        Path secondOut = dir.resolve("second");
        NightClaims.InUse clash = assertThrows(NightClaims.InUse.class, () -> new NightRunner(cfg, night(secondOut, Pacing.MAX)).close());
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(clash.getMessage().startsWith("the alert stream's control address 127.0.0.1:" + port + " (UDP) is in use")
            && clash.getMessage().contains("--alert-port"), clash.getMessage());
        assertFalse(Files.exists(secondOut), "refused before anything was prepared or written");
        assertTrue(seconds < 10, "said at once, not after preparing: " + seconds + " s");

        DeploymentConfig freePort = cfg.with("nightwatch.scheduler.outputs.aeron.channel",
            "aeron:udp?control=127.0.0.1:0|control-mode=dynamic");
        // the first night's output directory: once its database and alerts were moved away under it
        NightClaims.InUse sameOut = assertThrows(NightClaims.InUse.class,
            () -> new NightRunner(freePort, night(dir.resolve("first"), Pacing.MAX)).close());
        assertTrue(sameOut.getMessage().startsWith(dir.resolve("first") + " is in use by another night (process "
            + ProcessHandle.current().pid() + ")") && sameOut.getMessage().contains("--out"), sameOut.getMessage());

        NightSummary second;
        assertFalse(firstDone.isDone(), "the second night runs beside the first");
        try (NightRunner r = new NightRunner(freePort, night(secondOut, Pacing.MAX))) {
            second = r.run(null);
        }
        NightSummary one = firstDone.get(240, TimeUnit.SECONDS);
        first.close();
        for (NightSummary s : new NightSummary[] {one, second}) {
            assertTrue(s.accounted(), s.toText());
            assertEquals(2L * 4 * 12, s.framesStacked(), s.toText());
            assertTrue(s.scheduler().liveAlerts() > 0, "alerts raised: " + s.toText());
        }
    }
}
