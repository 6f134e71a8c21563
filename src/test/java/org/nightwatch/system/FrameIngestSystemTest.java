package org.nightwatch.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import nom.tam.fits.Fits;
import nom.tam.fits.ImageHDU;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.actors.ingest.SensorLedger;
import org.nightwatch.camera.fits.NightLayout;
import org.nightwatch.camera.fits.NightManifest;
import org.nightwatch.camera.fits.VisitCube;
import org.nightwatch.camera.fits.VisitCubeReader;
import org.nightwatch.camera.source.Pacing;
import org.nightwatch.night.DeploymentConfig;
import org.nightwatch.night.NightOptions;
import org.nightwatch.night.NightRunner;
import org.nightwatch.night.NightSummary;
import org.nightwatch.protocol.FrameFate;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.protocol.SurveyMode;
import org.nightwatch.protocol.VisitKey;
import org.nightwatch.workers.stack.ScalarStackKernel;

/**
 * The backbone end to end with its real parts: the simulated camera publishing full-size frames on
 * Aeron streams through an embedded media driver, the sensor actors, the stacking streams.
 */
class FrameIngestSystemTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void fullSizeFramesOnAll84StreamsAreAllStacked() throws Exception {
        DeploymentConfig cfg = Nights.config(dir, "");
        NightSummary s;
        try (NightRunner runner = new NightRunner(cfg,
            NightOptions.simulate(84, 1, SurveyMode.HIGH_CADENCE, Pacing.MAX).withPrepared(4).build())) {
            s = runner.run(null);
        }
        assertEquals(84 * 12, s.framesPublished());
        assertEquals(s.framesPublished(), s.framesStacked());
        assertEquals(0, s.framesLost());
        assertEquals(0, s.framesDeferred());
        assertEquals(84, s.visitsStacked());
        assertEquals(0, s.visitsFlagged());
        assertTrue(s.accounted());
        assertEquals(84, s.visitLatencyMs().count());
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void stacksEqualTheScalarOracleOfTheRecordedFrames() throws Exception {
        DeploymentConfig cfg = Nights.config(dir, "");
        Path night = dir.resolve("night");
        Path out = dir.resolve("out");
        NightSummary s;
        try (NightRunner runner = new NightRunner(cfg, NightOptions.simulate(2, 2, SurveyMode.HIGH_CADENCE, Pacing.MAX)
            .withRecord(night).withStacks(out).build())) {
            s = runner.run(null);
        }
        assertEquals(48, s.framesStacked());
        assertEquals(48, s.recordedFrames());
        NightLayout layout = new NightLayout(night);
        NightManifest manifest = NightManifest.read(layout.manifest());
        assertEquals(12, manifest.framesPerVisit());
        assertEquals(java.util.List.of(0, 1), manifest.sensors());

        VisitCube cube = new VisitCubeReader(2000, 1128).read(layout.visitFile(new VisitKey(SensorId.of(1), 1)));
        assertEquals(12, cube.frames().length);
        float[] expected = new float[2000 * 1128];
        ScalarStackKernel.INSTANCE.stackMean(cube.frames(), 12, expected);

        Path stackFile = out.resolve("stacks/sensor-01/visit-000001-stack.fits");
        try (Fits f = new Fits(stackFile.toFile())) {
            ImageHDU hdu = (ImageHDU) f.readHDU();
            assertEquals(12, hdu.getHeader().getIntValue("NCOMBINE"));
            assertEquals("NONE", hdu.getHeader().getStringValue("NWFLAGS"));
            float[][] img = (float[][]) hdu.getKernel();
            float[] actual = new float[2000 * 1128];
            for (int y = 0; y < 1128; y++) {
                System.arraycopy(img[y], 0, actual, y * 2000, 2000);
            }
            assertArrayEquals(expected, actual, "the pipeline's stack is the oracle's stack of the recorded frames");
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aStoppedConsumerAtMaxSpeedBackPressuresTheCameraAndLosesNothing() throws Exception {
        DeploymentConfig cfg = Nights.config(dir, "nightwatch.actors.spare-stack-buffers = 2");
        Nights.GatedSink gate = new Nights.GatedSink();
        try (NightRunner runner = new NightRunner(cfg, NightOptions.simulate(8, 3, SurveyMode.HIGH_CADENCE, Pacing.MAX)
            .withPrepared(4).withSink(gate).build())) {
            CompletableFuture<NightSummary> night = Nights.runInBackground(runner);
            await().atMost(Duration.ofSeconds(60)).until(() -> runner.pool().inUse() == runner.pool().capacity()
                && ledgers(runner, 8).stream().mapToLong(l -> l.backPressuredPolls().get()).sum() > 0);
            long offers = runner.camera().backPressuredOffers();
            await().atMost(Duration.ofSeconds(60)).until(() -> runner.camera().backPressuredOffers() > offers + 100);
            // memory is bounded by the pool: nothing beyond its capacity was ever made, and the camera waits
            assertTrue(runner.pool().created() <= runner.pool().capacity());
            assertTrue(runner.camera().framesProduced() < 8 * 3 * 12, "the camera is held back, not running ahead");
            assertEquals(0, runner.camera().framesDeferred(), "at max speed nothing is deferred");
            gate.open();
            NightSummary s = night.get(120, TimeUnit.SECONDS);
            assertEquals(8 * 3 * 12, s.framesPublished());
            assertEquals(s.framesPublished(), s.framesStacked());
            assertEquals(0, s.framesLost());
            assertEquals(0, s.framesDeferred());
            assertTrue(s.backPressuredOffers() > 0 && s.backPressuredPolls() > 0);
            assertTrue(s.stackBuffersPeak() <= s.stackBuffersCapacity());
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aConsumerTooSlowForRealTimeDefersVisitsAndAccountsForEveryFrame() throws Exception {
        // real-time pacing at 20 frames/s keeps the test short; the rules are the same as at 2 frames/s
        DeploymentConfig cfg = Nights.config(dir, "nightwatch.camera.frame-rate-hz = 20\nnightwatch.actors.spare-stack-buffers = 0");
        Nights.GatedSink gate = new Nights.GatedSink();
        try (NightRunner runner = new NightRunner(cfg, NightOptions.simulate(4, 4, SurveyMode.HIGH_CADENCE, Pacing.REALTIME)
            .withPrepared(4).withSink(gate).build())) {
            CompletableFuture<NightSummary> night = Nights.runInBackground(runner);
            await().atMost(Duration.ofSeconds(60)).until(() ->
                ledgers(runner, 4).stream().allMatch(l -> l.count(FrameFate.Kind.DEFERRED) >= 12));
            gate.open();
            NightSummary s = night.get(120, TimeUnit.SECONDS);
            assertEquals(4 * 4 * 12, s.framesPublished());
            assertTrue(s.framesDeferred() >= 48, "visits that found no buffer are deferred: " + s.framesDeferred());
            assertTrue(s.visitsDeferred() >= 4);
            assertTrue(s.framesStacked() > 0, "the first visits and those after the gate opened are stacked");
            assertEquals(0, s.framesUnaccounted(), "every frame is stacked, lost or deferred");
            assertEquals(0, s.framesLost(), "deferring loses nothing");
            assertEquals(0, s.sensorRestarts());
            assertTrue(s.accounted());
            assertTrue(s.gaps().stream().anyMatch(g -> g.fate().startsWith("deferred")), "deferrals are reported as gaps");
        }
    }

    static java.util.List<SensorLedger> ledgers(NightRunner runner, int n) {
        java.util.List<SensorLedger> l = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(runner.ledger(SensorId.of(i)));
        }
        return l;
    }
}
