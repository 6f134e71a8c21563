package org.nightwatch.night.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nightwatch.camera.source.Pacing;
import org.nightwatch.night.DeploymentConfig;
import org.nightwatch.night.NightOptions;
import org.nightwatch.protocol.SurveyMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nightwatch simulate}: a simulated night through the whole pipeline. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = "Run a simulated night: a camera of N sensors publishes frames over Aeron to the sensor actors, "
        + "which assemble and stack visits and difference them against their fields' references. Shows progress and ends "
        + "with a summary.")
public final class SimulateCommand implements Callable<Integer> {
    @Mixin
    NightwatchCli.Common common = new NightwatchCli.Common();

    @Mixin
    NightRun run = new NightRun();

    @Mixin
    ClusterNightOptions cluster = new ClusterNightOptions();

    @Option(names = "--sensors", defaultValue = "84", description = "sensors to run, the first N of the layout (default ${DEFAULT-VALUE})")
    int sensors;

    @Option(names = "--visits", defaultValue = "3", description = "visits to observe (default ${DEFAULT-VALUE})")
    int visits;

    @Option(names = "--mode", defaultValue = "all-sky", description = "all-sky (18 frames a visit) or high-cadence (12)")
    String mode;

    @Option(names = "--speed", defaultValue = "realtime", description = "realtime (2 frames/s per sensor) or max")
    String speed;

    @Option(names = "--record", paramLabel = "DIR", description = "record the night in the recorded-night layout")
    Path record;

    @Option(names = "--stacks", paramLabel = "DIR", description = "write each stacked visit as FITS under DIR/stacks/")
    Path stacks;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "night-out",
        description = "the night's output directory: candidates.csv, and the simulated sky (references, darks, truth.csv) "
            + "under DIR/sky/ unless --record puts them in the recorded night (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--no-diff", description = "stack only: no difference imaging, no candidates")
    boolean noDiff;


    @Option(names = "--seed", defaultValue = "1", description = "simulation seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--render-threads", defaultValue = "2", description = "threads rendering simulated frames (default ${DEFAULT-VALUE})")
    int renderThreads;

    @Option(names = "--known-variables", paramLabel = "FILE",
        description = "CSV (ra,dec[,name]) or FITS table of known variable stars, set aside by the scheduler")
    Path knownVariables;

    @Option(names = "--db-url", paramLabel = "URL",
        description = "JDBC URL of the night database (e.g. jdbc:postgresql://host/nightwatch; user and password from "
            + "nightwatch.scheduler.store); default an embedded database in --out")
    String dbUrl;

    @Option(names = "--night-start", paramLabel = "TIME",
        description = "UTC time of the first frame (ISO-8601, e.g. 2026-10-15T12:00:00Z); default now. A fixed time gives "
            + "the same follow-up windows and ranks whenever the night is simulated")
    Instant nightStart;



    @Override
    public Integer call() throws Exception {
        DeploymentConfig cfg = cluster.apply(DeploymentConfig.load(common.configFile()));
        if (knownVariables != null) {
            cfg = cfg.with("nightwatch.scheduler.known-variables", knownVariables.toString());
        }
        if (dbUrl != null) {
            cfg = cfg.with("nightwatch.scheduler.store.url", dbUrl);
        }
        SurveyMode m = SurveyMode.parse(mode);
        Pacing p = Pacing.parse(speed);
        if (visits < 1) {
            throw new IllegalArgumentException("--visits must be at least 1");
        }
        NightOptions.Builder b = NightOptions.simulate(sensors, visits, m, p).withRecord(record).withStacks(stacks)
            .withRenderThreads(renderThreads).withSeed(seed).withTimeout(run.timeout).withOut(out)
            .withNightStart(nightStart).withControlRoom(run.controlRoomPort()).withCluster(cluster.settings());
        NightOptions o = (noDiff ? b : b.withDiff(out)).build();
        if (run.awaitStart) {
            System.err.printf(Locale.ROOT, "nightwatch: a simulated night of %d sensors x %d visits at %s speed; its survey mode is the "
                + "operator's choice at the start (%s offered first)%n", sensors, visits, p.name().toLowerCase(Locale.ROOT), m);
        } else {
            System.err.printf(Locale.ROOT, "nightwatch: simulating %d sensors x %d visits (%s, %d frames each) at %s speed%n",
                sensors, visits, m, cfg.framesPerVisit(m), p.name().toLowerCase(Locale.ROOT));
        }
        // the frames due, once the mode is known (the operator may choose another at the start)
        String total = run.awaitStart ? "" : "/" + (long) sensors * visits * cfg.framesPerVisit(m);
        return run.run(cfg, o, pr -> pr.line(total));
    }
}
