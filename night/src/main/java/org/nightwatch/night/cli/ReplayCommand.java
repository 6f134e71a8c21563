package org.nightwatch.night.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nightwatch.camera.fits.RecordedNight;
import org.nightwatch.camera.source.Pacing;
import org.nightwatch.night.DeploymentConfig;
import org.nightwatch.night.NightOptions;
import org.nightwatch.protocol.SurveyMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nightwatch replay}: a recorded night through exactly the live pipeline. */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Replay a recorded night (the layout simulate --record writes: night.json, sensor-NN/visit-VVVVVV.fits, "
        + "references/): its frames are published over Aeron to the same sensor actors, stacking, difference imaging, "
        + "real/bogus scoring and scheduler as a live night, and its alerts written into --out.")
public final class ReplayCommand implements Callable<Integer> {
    @Mixin
    NightwatchCli.Common common = new NightwatchCli.Common();

    @Mixin
    NightRun run = new NightRun();

    @Mixin
    ClusterNightOptions cluster = new ClusterNightOptions();

    @Parameters(index = "0", paramLabel = "DIR", description = "the recorded night")
    Path night;

    @Option(names = "--speed", defaultValue = "max",
        description = "1 (the recorded frame rate: real time), N (N times faster, paced as a camera: frames that cannot be "
            + "taken in time are deferred and counted) or max (as fast as the pipeline takes them; nothing deferred) "
            + "(default ${DEFAULT-VALUE})")
    String speed;

    @Option(names = "--sensors", split = ",", paramLabel = "LIST", description = "only these sensor indexes (default: all recorded)")
    List<Integer> sensorList;

    @Option(names = "--from", paramLabel = "VISIT", defaultValue = "0", description = "start at this visit (default ${DEFAULT-VALUE})")
    long fromVisit;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "replay-out",
        description = "the replay's output directory: candidates, alerts, database (default ${DEFAULT-VALUE})")
    Path out;




    @Override
    public Integer call() throws Exception {
        DeploymentConfig cfg = cluster.apply(DeploymentConfig.load(common.configFile()));
        Pacing p;
        double factor = 1;
        if (speed.equalsIgnoreCase("max") || speed.equalsIgnoreCase("realtime")) {
            p = Pacing.parse(speed);
        } else {
            try {
                factor = Double.parseDouble(speed);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--speed " + speed + ": expected 1, a factor such as 10, or max");
            }
            p = Pacing.REALTIME;
        }
        int sensors;
        int visits;
        SurveyMode mode;
        try (RecordedNight rec = RecordedNight.open(night, sensorList, fromVisit)) {
            sensors = rec.sensors().size();
            visits = rec.visits().size();
            mode = SurveyMode.parse(rec.manifest().surveyMode());
        }
        NightOptions o = NightOptions.simulate(sensors, visits, mode, p).withReplay(night)
            .withReplaySelection(sensorList, fromVisit).withSpeedFactor(factor).withTimeout(run.timeout).withDiff(out).withControlRoom(run.controlRoomPort()).withCluster(cluster.settings())
            .build();
        System.err.printf(Locale.ROOT, "nightwatch: replaying %s: %d sensors x %d visits (%s) at %s%n", night, sensors, visits, mode,
            p == Pacing.MAX ? "full speed" : factor == 1 ? "real time" : factor + " x real time");
        return run.run(cfg, o, pr -> pr.line(""));
    }
}
