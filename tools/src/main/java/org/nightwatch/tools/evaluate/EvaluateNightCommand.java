package org.nightwatch.tools.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nightwatch.tools.evaluate.NightEvaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nightwatch evaluate-night}: a night's alert stream against its truth. */
@Command(name = "evaluate-night", mixinStandardHelpOptions = true,
    description = "Score a night's alerts (DIR: the output directory of simulate or replay) against the ground truth of a "
        + "simulated night: recall by S/N, magnitude and kind, purity of the top 20 and 100 ranked alerts, alerts per night, "
        + "latency from a visit's last frame to its alerts (p50, p99) and the real-time factor; JSON and PNG plots.")
public final class EvaluateNightCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "the night's output directory (alerts.jsonl, candidates.csv, ...)")
    Path night;

    @Option(names = "--truth", paramLabel = "FILE",
        description = "truth.csv (default: DIR/sky/truth.csv, where simulate puts it; a replay's is in the recorded night)")
    Path truth;

    @Option(names = "--report", paramLabel = "FILE", description = "write the JSON here (default DIR/evaluation.json)")
    Path report;

    @Option(names = "--plots", paramLabel = "DIR", description = "write recall.png and latency.png here (default DIR)")
    Path plots;

    @Option(names = "--radius", defaultValue = "2", description = "match radius, arcsec (default ${DEFAULT-VALUE})")
    double radius;

    @Override
    public Integer call() {
        Path t = truth != null ? truth : night.resolve("sky").resolve("truth.csv");
        if (truth == null && !Files.exists(t) && Files.exists(night.resolve("truth.csv"))) {
            t = night.resolve("truth.csv");
        }
        ObjectNode r = NightEvaluation.run(night, t, radius, plots != null ? plots : night);
        Path out = report != null ? report : night.resolve(NightEvaluation.REPORT);
        NightEvaluation.write(r, out);
        System.out.printf(Locale.ROOT, "night %s against %s:%n", night, t);
        System.out.printf(Locale.ROOT, "  recall at S/N >= 10: %s of %d alertable transients; at S/N 5-10: %s of %d%n",
            pct(r.get("recall_snr_ge_10")), r.get("transients_alertable_snr_ge_10").asInt(), pct(r.get("recall_snr_5_10")),
            r.get("transients_alertable_snr_5_10").asInt());
        System.out.printf(Locale.ROOT, "  top-20 purity %s, top-100 purity %s (of %d live alerts); %d objects alerted, %d alert changes; "
                + "%d moving objects alerted as transients%n", pct(r.get("top20_purity")), pct(r.get("top100_purity")),
            r.get("live_alerts").asInt(), r.get("alerts").asInt(), r.get("alert_changes").asInt(), r.get("moving_alerted_as_transient").asInt());
        StringBuilder falses = new StringBuilder();
        r.get("false_live_alerts").fields().forEachRemaining(e -> falses.append(falses.length() == 0 ? "" : ", ")
            .append(e.getValue().asInt()).append(' ').append(e.getKey()));
        System.out.printf(Locale.ROOT, "  live alerts that are what they say: %s; false: %s%n", pct(r.get("live_purity")),
            falses.length() == 0 ? "none" : falses);
        JsonNode l = r.get("latency_ms");
        System.out.printf(Locale.ROOT, "  a visit's last frame to its alerts: p50 %s ms, p99 %s ms; real-time factor %s%n",
            l.get("p50").isNull() ? "-" : String.format(Locale.ROOT, "%.0f", l.get("p50").asDouble()),
            l.get("p99").isNull() ? "-" : String.format(Locale.ROOT, "%.0f", l.get("p99").asDouble()),
            r.get("realtime_factor").isNull() ? "- (the night ran without --report)" : String.format(Locale.ROOT, "%.2f", r.get("realtime_factor").asDouble()));
        System.out.println("  report written to " + out);
        return 0;
    }

    private static String pct(JsonNode v) {
        return v == null || v.isNull() ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v.asDouble());
    }
}
