package org.nightwatch.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nightwatch.camera.source.Pacing;
import org.nightwatch.night.DeploymentConfig;
import org.nightwatch.night.NightOptions;
import org.nightwatch.night.NightRunner;
import org.nightwatch.night.NightSummary;
import org.nightwatch.night.cli.NightwatchCli;
import org.nightwatch.protocol.SurveyMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nightwatch bench ...}: pipeline benchmarks that report ratios measured in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Pipeline benchmarks.",
    subcommands = {BenchCommand.Ingest.class, PipelineBench.class, SubtractBench.class, ClassifyBench.class, SchedulerBench.class, ControlRoomBench.class})
public final class BenchCommand {

    /** Sustained ingest + stacking of full-size frames with simulation excluded. */
    @Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Sustained ingest and stacking of full-size frames over Aeron, frames prepared beforehand "
            + "(simulation cost excluded). Reports the real-time factor (achieved frame rate over 2 frames/s x sensors) "
            + "and the frame bytes moved as a fraction of this machine's memory-copy bandwidth, measured in the same run.")
    public static final class Ingest implements Callable<Integer> {
        @Mixin
        NightwatchCli.Common common = new NightwatchCli.Common();

        @Option(names = "--sensors", defaultValue = "84", description = "sensors (default ${DEFAULT-VALUE})")
        int sensors;

        @Option(names = "--visits", defaultValue = "4", description = "visits per run (default ${DEFAULT-VALUE})")
        int visits;

        @Option(names = "--mode", defaultValue = "all-sky", description = "survey mode (default ${DEFAULT-VALUE})")
        String mode;

        @Option(names = "--runs", defaultValue = "3", description = "runs; medians are reported (default ${DEFAULT-VALUE})")
        int runs;

        @Option(names = "--report", paramLabel = "FILE", description = "write the results as JSON")
        Path report;

        @Option(names = "--warmup-runs", defaultValue = "1",
            description = "short nights run first and not counted: JIT, page faults of fresh buffers (default ${DEFAULT-VALUE})")
        int warmupRuns;

        private Map<String, Double> lastCpuPerFrameMs = Map.of();

        @Override
        public Integer call() throws Exception {
            DeploymentConfig cfg = DeploymentConfig.load(common.configFile());
            SurveyMode m = SurveyMode.parse(mode);
            List<Double> rtf = new ArrayList<>();
            List<Double> gbps = new ArrayList<>();
            List<Double> copy = new ArrayList<>();
            List<Double> p50 = new ArrayList<>();
            List<Double> p99 = new ArrayList<>();
            boolean accounted = true;
            for (int w = 0; w < warmupRuns; w++) {
                try (NightRunner runner = new NightRunner(cfg, NightOptions.simulate(sensors, 1, m, Pacing.MAX)
                    .withPrepared(6).withTimeout(Duration.ofMinutes(30)).build())) {
                    NightSummary s = runner.run(null);
                    System.out.printf(Locale.ROOT, "warm-up %d (not counted): real-time factor %.2f%n", w + 1, s.realtimeFactor());
                }
            }
            for (int r = 0; r < runs; r++) {
                System.gc(); // the previous run's buffers are garbage: do not let them weigh on this one
                double copyGbps = MemoryBandwidth.copyGbPerSecond();
                NightOptions o = NightOptions.simulate(sensors, visits, m, Pacing.MAX)
                    .withPrepared(6).withTimeout(Duration.ofMinutes(30)).build();
                NightSummary s;
                Map<String, Double> cpu;
                try (NightRunner runner = new NightRunner(cfg, o)) {
                    ThreadCpu threads = new ThreadCpu();
                    s = runner.run(null);
                    cpu = threads.secondsByRole();
                    long sender = runner.camera().senderCpuNanos();
                    if (sender >= 0) {
                        cpu.merge("camera-sender", sender / 1e9, Double::sum);
                    }
                }
                lastCpuPerFrameMs = new LinkedHashMap<>();
                for (Map.Entry<String, Double> e : cpu.entrySet()) {
                    lastCpuPerFrameMs.put(e.getKey(), 1000 * e.getValue() / s.framesPublished());
                }
                accounted &= s.accounted() && s.framesLost() == 0;
                rtf.add(s.realtimeFactor());
                gbps.add(s.ingestGbPerSecond());
                copy.add(copyGbps);
                p50.add(s.visitLatencyMs().p50());
                p99.add(s.visitLatencyMs().p99());
                System.out.printf(Locale.ROOT, "run %d: %d sensors, %d frames in %.2f s: real-time factor %.2f, %.2f GB/s of frames"
                        + " (memory copy %.2f GB/s: %.0f%%), visit latency p50 %.1f ms p99 %.1f ms, lost %d, peak heap %.0f MB%n",
                    r + 1, sensors, s.framesPublished(), s.wallSeconds(), s.realtimeFactor(), s.ingestGbPerSecond(),
                    copyGbps, 100 * s.ingestGbPerSecond() / copyGbps, s.visitLatencyMs().p50(), s.visitLatencyMs().p99(),
                    s.framesLost(), s.peakHeapMb());
                StringBuilder b = new StringBuilder("       CPU ms per frame by role:");
                lastCpuPerFrameMs.forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s %.2f", k, v)));
                System.out.println(b);
            }
            double mr = median(rtf);
            double mg = median(gbps);
            double mc = median(copy);
            System.out.printf(Locale.ROOT, "median of %d runs: real-time factor %.2f for %d sensors; %.2f GB/s of frames = %.0f%% of "
                + "memory-copy bandwidth (%.2f GB/s)%n", runs, mr, sensors, mg, 100 * mg / mc, mc);
            if (report != null) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("sensors", sensors);
                out.put("mode", m.cliName());
                out.put("runs", runs);
                out.put("warmup_runs", warmupRuns);
                out.put("realtime_factor_median", mr);
                out.put("realtime_factor_runs", rtf);
                out.put("ingest_gb_per_s_median", mg);
                out.put("memory_copy_gb_per_s_median", mc);
                out.put("fraction_of_memory_copy", mg / mc);
                out.put("visit_latency_ms_p50_median", median(p50));
                out.put("visit_latency_ms_p99_median", median(p99));
                out.put("all_frames_stacked", accounted);
                out.put("cpu_ms_per_frame_by_role_last_run", lastCpuPerFrameMs);
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(report.toFile(), out);
            }
            return accounted ? 0 : 1;
        }

        static double median(List<Double> v) {
            double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(a);
            return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
        }
    }
}
