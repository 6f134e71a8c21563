package org.nightwatch.night.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nightwatch.camera.fits.RecordedNight;
import org.nightwatch.camera.source.Pacing;
import org.nightwatch.night.DeploymentConfig;
import org.nightwatch.night.NightOptions;
import org.nightwatch.night.StandaloneCamera;
import org.nightwatch.protocol.SurveyMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nightwatch camera}: a camera in a process of its own, publishing a night's frames for {@code observe}. */
@Command(name = "camera", mixinStandardHelpOptions = true,
    description = "Publish a night's frames on the frame channel (UDP) from a process of its own, as the telescope's "
        + "acquisition computers would: a simulated survey (its references written into --out/sky/ first, for the observers) "
        + "or a recorded night (--replay). nightwatch observe, on this machine or another, takes them.")
public final class CameraCommand implements Callable<Integer> {
    @Mixin
    NightwatchCli.Common common = new NightwatchCli.Common();

    @Option(names = "--channel", paramLabel = "URI", description = "the frame channel (default: nightwatch.camera.aeron.channel; "
        + "e.g. aeron:udp?control=HOST:40200|control-mode=dynamic; sensor i on port 40200 + i)")
    String channel;

    @Option(names = "--replay", paramLabel = "DIR", description = "send this recorded night's frames instead of simulating")
    Path replay;

    @Option(names = "--sensors", defaultValue = "8", description = "simulated sensors, the first N of the layout (default ${DEFAULT-VALUE})")
    int sensors;

    @Option(names = "--visits", defaultValue = "3", description = "simulated visits (default ${DEFAULT-VALUE})")
    int visits;

    @Option(names = "--mode", defaultValue = "all-sky", description = "all-sky or high-cadence (default ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--speed", defaultValue = "realtime",
        description = "realtime (2 frames/s per sensor: frames the receivers cannot take in time are deferred and counted) or max "
            + "(as fast as the receivers take them) (default ${DEFAULT-VALUE})")
    String speed;

    @Option(names = "--seed", defaultValue = "1", description = "simulation seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--night-start", paramLabel = "TIME", description = "UTC time of the first frame (ISO-8601); default now")
    Instant nightStart;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "camera-out",
        description = "where a simulated camera writes its sky: references and darks under DIR/sky/ (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--wait-for-receivers", defaultValue = "PT10M",
        description = "how long to wait for every sensor's stream to have a receiver (ISO-8601, default ${DEFAULT-VALUE})")
    Duration waitForReceivers;

    @Override
    public Integer call() throws Exception {
        DeploymentConfig cfg = DeploymentConfig.load(common.configFile());
        if (channel != null) {
            cfg = cfg.with("nightwatch.camera.aeron.channel", channel);
        }
        NightOptions o;
        if (replay != null) {
            int n;
            int v;
            SurveyMode m;
            try (RecordedNight rec = RecordedNight.open(replay, null, 0)) {
                n = rec.sensors().size();
                v = rec.visits().size();
                m = SurveyMode.parse(rec.manifest().surveyMode());
            }
            o = NightOptions.simulate(n, v, m, Pacing.parse(speed)).withReplay(replay).build();
        } else {
            o = NightOptions.simulate(sensors, visits, SurveyMode.parse(mode), Pacing.parse(speed)).withSeed(seed).withOut(out)
                .withNightStart(nightStart).build();
        }
        try (StandaloneCamera camera = new StandaloneCamera(cfg, o)) {
            System.err.printf(Locale.ROOT, "nightwatch: camera of %d sensors on %s; references for the observers in %s; waiting for "
                + "every sensor's receiver%n", o.replayDir() != null ? o.sensors() : sensors, cfg.camera().aeron().channel(),
                camera.references());
            StandaloneCamera.Sent s = camera.run(waitForReceivers, System.err::println);
            System.out.printf(Locale.ROOT, "camera: %d sensors, %d frames published (%d deferred at the camera) in %.1f s%n", s.sensors(),
                s.published(), s.deferred(), s.seconds());
        }
        return 0;
    }
}
