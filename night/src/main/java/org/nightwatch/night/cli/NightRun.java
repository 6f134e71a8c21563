package org.nightwatch.night.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import org.nightwatch.night.DeploymentConfig;
import org.nightwatch.night.NightClaims;
import org.nightwatch.night.NightLobby;
import org.nightwatch.night.NightOptions;
import org.nightwatch.night.NightRunner;
import org.nightwatch.night.NightSummary;
import picocli.CommandLine.Option;

/**
 * What {@code simulate} and {@code replay} share: the control room's port, the report, the timeout, and
 * running the night with its progress lines, summary and exit code.
 */
final class NightRun {
    @Option(names = "--report", paramLabel = "FILE", description = "write the summary as JSON")
    Path report;

    @Option(names = "--http-port", defaultValue = "8080", paramLabel = "PORT",
        description = "serve the control room on 127.0.0.1:PORT (0: any free port; -1: none) (default ${DEFAULT-VALUE})")
    int httpPort;

    @Option(names = "--alert-port", paramLabel = "PORT",
        description = "the UDP port of the Aeron alert stream's control address (0: any free port, said at start; -1: no alert "
            + "stream) (default: nightwatch.scheduler.outputs.aeron.channel, 40124)")
    Integer alertPort;

    /** The deployment with {@code --alert-port} applied. */
    DeploymentConfig withAlertPort(DeploymentConfig cfg) {
        if (alertPort == null) {
            return cfg;
        }
        if (alertPort < 0) {
            return cfg.with("nightwatch.scheduler.outputs.aeron.enabled", false);
        }
        String channel = cfg.config().getString("nightwatch.scheduler.outputs.aeron.channel");
        return cfg.with("nightwatch.scheduler.outputs.aeron.channel", NightClaims.withControlPort(channel, alertPort));
    }

    @Option(names = "--await-start", description = "open the control room first; the operator starts the night there, choosing "
        + "its survey mode (--mode is offered first), and the night is prepared then")
    boolean awaitStart;

    @Option(names = "--keep-serving", description = "after the night, keep the control room up (for the night's alerts and "
        + "vetting) until interrupted")
    boolean keepServing;

    @Option(names = "--timeout", defaultValue = "PT12H", description = "give up after this long (ISO-8601, default ${DEFAULT-VALUE})")
    Duration timeout;

    /** The control room's port for the options (null: none). */
    Integer controlRoomPort() {
        return httpPort < 0 ? null : httpPort;
    }

    /** Runs the night, printing {@code progressLine} of each progress sample; returns the exit code. */
    int run(DeploymentConfig deployment, NightOptions o, Function<NightRunner.Progress, String> progressLine)
        throws InterruptedException {
        DeploymentConfig cfg = withAlertPort(deployment);
        if (awaitStart) {
            if (o.httpPort() == null) {
                throw new IllegalArgumentException("--await-start needs the control room: an "
                    + "--http-port other than -1");
            }
            try (NightLobby lobby = new NightLobby(cfg, o)) {
                System.err.printf(Locale.ROOT, "nightwatch: control room at %s (operator token %s)%n", lobby.controlRoom().url(),
                    lobby.controlRoom().token());
                System.err.println("nightwatch: the night waits for the operator's start (the page's start button, which offers "
                    + "the survey mode, or POST /api/night/start with the token and {\"mode\": \"all-sky\"})");
                NightRunner runner = lobby.awaitStart();
                return runAndReport(runner, progressLine);
            }
        }
        try (NightRunner runner = new NightRunner(cfg, o)) {
            if (runner.controlRoom() != null) {
                System.err.printf(Locale.ROOT, "nightwatch: control room at %s (operator token %s)%n", runner.controlRoom().url(),
                    runner.controlRoom().token());
            }
            return runAndReport(runner, progressLine);
        }
    }

    private int runAndReport(NightRunner runner, Function<NightRunner.Progress, String> progressLine) throws InterruptedException {
        NightSummary summary = runner.run(pr -> System.err.println(progressLine.apply(pr)));
        System.out.print(summary.toText());
        if (report != null) {
            summary.write(report);
            System.out.println("  report written to " + report);
        }
        if (keepServing && runner.controlRoom() != null) {
            System.err.printf(Locale.ROOT, "nightwatch: the night has ended; the control room stays at %s until interrupted "
                + "(Ctrl-C)%n", runner.controlRoom().url());
            new java.util.concurrent.CountDownLatch(1).await();
        }
        return summary.accounted() ? 0 : 1;
    }
}
