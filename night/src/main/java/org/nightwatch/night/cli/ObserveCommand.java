package org.nightwatch.night.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nightwatch.camera.source.Pacing;
import org.nightwatch.night.DeploymentConfig;
import org.nightwatch.night.NightOptions;
import org.nightwatch.protocol.SurveyMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nightwatch observe}: the live night, with frames from a camera in another process. */
@Command(name = "observe", mixinStandardHelpOptions = true,
    description = "Run the live night: every role but the camera. The sensors' frames come from the camera's own process "
        + "(the telescope's acquisition computers, or nightwatch camera) on the frame channel (UDP), one Aeron stream a sensor "
        + "(protocol/FRAME_CODEC.md); a sensor is done when its stream ends. Stacking, difference imaging against --references, "
        + "real/bogus scoring, the scheduler and the control room are as in simulate.")
public final class ObserveCommand implements Callable<Integer> {
    @Mixin
    NightwatchCli.Common common = new NightwatchCli.Common();

    @Mixin
    NightRun run = new NightRun();

    @Mixin
    FrameChannelOptions frames = new FrameChannelOptions();

    @Option(names = "--references", paramLabel = "DIR", required = true,
        description = "the reference library, in the recorded-night layout (references/sensor-NN/field-FFFFF.fits, "
            + "calibration/sensor-NN/dark.fits)")
    Path references;

    @Option(names = "--sensors", defaultValue = "84", description = "observe the first N sensors of the layout (default ${DEFAULT-VALUE})")
    int sensors;

    @Option(names = "--sensor-list", split = ",", paramLabel = "LIST", description = "observe these sensor indexes instead")
    List<Integer> sensorList;

    @Option(names = "--mode", defaultValue = "all-sky", description = "the survey mode, as the summary says it (default ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--camera-waits",
        description = "the camera takes back-pressure (a replay sent as fast as the night takes it): a visit waits for a stack buffer "
            + "instead of being spooled")
    boolean cameraWaits;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "observe-out",
        description = "the night's output directory: candidates, alerts, database (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--db-url", paramLabel = "URL", description = "JDBC URL of the night database (default: embedded, in --out)")
    String dbUrl;

    @Override
    public Integer call() throws Exception {
        DeploymentConfig cfg = frames.apply(DeploymentConfig.load(common.configFile()));
        if (dbUrl != null) {
            cfg = cfg.with("nightwatch.scheduler.store.url", dbUrl);
        }
        int n = sensorList != null ? sensorList.size() : sensors;
        NightOptions o = NightOptions.simulate(n, 0, SurveyMode.parse(mode), cameraWaits ? Pacing.MAX : Pacing.REALTIME)
            .withCamera(references, sensorList).withTimeout(run.timeout).withDiff(out).withControlRoom(run.controlRoomPort()).build();
        System.err.printf(Locale.ROOT, "nightwatch: observing %d sensors live on %s (references in %s)%n", n,
            cfg.camera().aeron().channel(), references);
        return run.run(cfg, o, pr -> pr.line(""));
    }
}
