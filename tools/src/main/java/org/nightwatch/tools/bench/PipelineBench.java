package org.nightwatch.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.nightwatch.actors.alerts.SchedulerTotals;
import org.nightwatch.actors.diff.DiffStage;
import org.nightwatch.camera.source.Pacing;
import org.nightwatch.night.ClusterSettings;
import org.nightwatch.night.DeploymentConfig;
import org.nightwatch.night.HeapPages;
import org.nightwatch.night.NightOptions;
import org.nightwatch.night.NightRunner;
import org.nightwatch.night.NightSummary;
import org.nightwatch.night.cli.ClusterNightOptions;
import org.nightwatch.night.cli.NightwatchCli;
import org.nightwatch.protocol.SurveyMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nightwatch bench pipeline}: the whole night's pipeline (ingest, stacking, difference imaging,
 * classification, the scheduler and its alert outputs) at the telescope's pace, 2 frames/s per sensor,
 * on frames rendered before the night ({@link org.nightwatch.camera.sim.PreparedSky}), so that the
 * simulator's cost is not on the cores being measured. Reports whether the machine keeps up (real-time
 * factor, visits deferred), how late alerts come, what each role costs per sensor-visit, and peak heap.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
    description = "The whole pipeline at 2 frames/s per sensor on frames prepared beforehand: real-time factor, visits deferred, "
        + "a visit's last frame to its alerts (p50, p99), CPU ms per sensor-visit by role and by difference-imaging stage, peak heap.")
public final class PipelineBench implements Callable<Integer> {
    @Mixin
    NightwatchCli.Common common = new NightwatchCli.Common();

    /** On a cluster: this process is the camera's node (camera, scheduler, room), the sensors run on worker nodes. */
    @Mixin
    ClusterNightOptions cluster = new ClusterNightOptions();

    @Option(names = "--sensors", defaultValue = "84", description = "sensors (default ${DEFAULT-VALUE})")
    int sensors;

    @Option(names = "--visits", defaultValue = "4", description = "visits (default ${DEFAULT-VALUE})")
    int visits;

    @Option(names = "--mode", defaultValue = "all-sky", description = "survey mode (default ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--skies", defaultValue = "4",
        description = "distinct sensor skies rendered before the night and shown by all sensors at their own positions (default ${DEFAULT-VALUE})")
    int skies;

    @Option(names = "--warmup-visits", defaultValue = "1",
        description = "a night of this many visits run first and not counted: the JIT, fresh buffers (default ${DEFAULT-VALUE}; 0: none)")
    int warmupVisits;

    @Option(names = "--out", paramLabel = "DIR", description = "the night's output (default: a temporary directory, removed after)")
    Path out;

    @Option(names = "--report", paramLabel = "FILE", description = "write the results as JSON")
    Path report;

    /** How often the sustained window's ends are sampled, ms. */
    private static final long SAMPLE_MS = 25;

    @Override
    public Integer call() throws Exception {
        ClusterSettings onCluster = cluster.settings(); // a cluster asked for wrongly is said before anything is prepared
        DeploymentConfig cfg = cluster.apply(DeploymentConfig.load(common.configFile()));
        SurveyMode m = SurveyMode.parse(mode);
        Path dir = out != null ? Files.createDirectories(out) : Files.createTempDirectory("nightwatch-bench-pipeline");
        if (onCluster != null && warmupVisits > 0) {
            // a worker serves one night: it leaves with the camera's node when the night ends
            System.out.println("on a cluster no warm-up night is run (a worker node serves one night); the workers warm up as the "
                + "night prepares them, and the JIT's first minutes are in the measured night");
        } else if (warmupVisits > 0) {
            Path w = Files.createTempDirectory("nightwatch-bench-pipeline-warmup");
            try (NightRunner runner = new NightRunner(cfg, NightOptions.simulate(sensors, warmupVisits, m, Pacing.REALTIME)
                .withPreparedSky(skies).withDiff(w).withTimeout(Duration.ofMinutes(30)).build())) {
                NightSummary ws = runner.run(null);
                System.out.printf(Locale.ROOT, "warm-up night (not counted): %d sensor-visits, %d deferred%n", ws.visitsStacked(),
                    ws.visitsDeferred());
            } finally {
                deleteTree(w);
            }
            System.gc();
        }
        NightOptions o = NightOptions.simulate(sensors, visits, m, Pacing.REALTIME)
            .withPreparedSky(skies).withDiff(dir).withTimeout(Duration.ofMinutes(60)).withCluster(onCluster).build();
        long framesDue = (long) sensors * visits * m.framesPerVisit();
        NightSummary s;
        Map<String, Double> cpuByRole;
        double processCpu;
        ThreadCpu.Kernel kernel;
        double heapAfterGcMb;
        DiffStage.Cost diff;
        long earlyBegun;
        long earlyUsed;
        long visitsDone;
        Sustained sustained = new Sustained(framesDue, m.framesPerVisit(), sensors);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-sampler");
            t.setDaemon(true);
            return t;
        });
        try (NightRunner runner = new NightRunner(cfg, o)) {
            ThreadCpu threads = new ThreadCpu();
            HeapAfterGc afterGc = new HeapAfterGc();
            // the window's ends are sampled every 25 ms: at the progress lines' second, where they fell moved a window of
            // 27 s by up to a second at each end, and the factor by several hundredths
            sampler.scheduleAtFixedRate(() -> {
                NightRunner.Progress p = runner.progress();
                sustained.tick(p.seconds(), p.published(), visitsDone(runner, onCluster != null));
            }, 0, SAMPLE_MS, TimeUnit.MILLISECONDS);
            s = runner.run(p -> {
                threads.sample();
                afterGc.sample();
                System.out.println(p.line("/" + framesDue));
            });
            sampler.shutdownNow();
            cpuByRole = threads.secondsByRole();
            processCpu = threads.processSeconds();
            kernel = threads.kernel();
            heapAfterGcMb = afterGc.peakMb();
            diff = runner.diffCost();
            earlyBegun = runner.earlyStarts() != null ? runner.earlyStarts().begun() : 0;
            earlyUsed = runner.earlyStarts() != null ? runner.earlyStarts().used() : 0;
            visitsDone = visitsDone(runner, onCluster != null);
        } finally {
            sampler.shutdownNow();
            if (out == null) {
                deleteTree(dir);
            }
        }
        double rtf = sustained.factor(2.0);
        // everything the night differenced, caught-up visits included: the CPU below paid for all of them
        long sensorVisits = Math.max(1, visitsDone > 0 ? visitsDone : s.visitsStacked());
        NightSummary.CatchUpTotals cu = s.catchUp();
        long spooled = cu != null ? cu.visitsSpooled() : 0;
        Map<String, Double> byRole = new LinkedHashMap<>();
        double attributed = 0;
        for (Map.Entry<String, Double> e : cpuByRole.entrySet()) {
            byRole.put(e.getKey(), round(1000 * e.getValue() / sensorVisits));
            attributed += e.getValue();
        }
        if (Double.isFinite(processCpu)) {
            // threads that are neither Java threads nor the JVM's compilers and collector (the classifier's native pool, if
            // any), and threads that ended between two samples: the process's total says what they took
            byRole.put("native-and-ended-threads", round(1000 * Math.max(0, processCpu - attributed) / sensorVisits));
            byRole.put("total", round(1000 * processCpu / sensorVisits));
        }
        Map<String, Double> byStage = new LinkedHashMap<>();
        if (diff != null && diff.visits() > 0) {
            byStage.put("difference_imaging_cpu", round(diff.cpuNanos() / 1e6 / diff.visits()));
            // of which reading and preparing references (a field new to the sensor, or one the cache no longer held)
            byStage.put("reference_cpu", round(diff.referenceCpuNanos() / 1e6 / diff.visits()));
            diff.stageNanos().forEach((k, v) -> byStage.put(k + "_wall", round(v / 1e6 / diff.visits())));
        }
        SchedulerTotals t = s.scheduler();
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("p50", t != null ? round(t.visitToAlertMsP50()) : Double.NaN);
        latency.put("p99", t != null ? round(t.visitToAlertMsP99()) : Double.NaN);
        double cores = Runtime.getRuntime().availableProcessors();

        System.out.print(s.toText());
        System.out.printf(Locale.ROOT, "pipeline: %d sensors at 2 frames/s, %d visits: real-time factor %.2f; sensor-visits differenced %d"
                + " (%d live, %d spooled and caught up later), %d deferred unprocessed, frames deferred at the camera %d, lost %d; a live"
                + " visit's last frame to its alerts p50 %.0f ms, p99 %.0f ms; peak heap %.0f MB in use, %.0f MB after a collection%n",
            sensors, visits, rtf, sensorVisits, s.visitsStacked(), cu != null ? cu.caughtUp() : 0, s.visitsDeferred(),
            s.deferredByReason().getOrDefault("deferred_at_source", 0L), s.framesLost(), latency.get("p50"), latency.get("p99"),
            s.peakHeapMb(), heapAfterGcMb);
        StringBuilder b = new StringBuilder(onCluster != null ? "  CPU ms per sensor-visit by role, on this node (the workers' is in their logs):"
            : "  CPU ms per sensor-visit by role:");
        byRole.forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s %.1f", k, v)));
        b.append(String.format(Locale.ROOT, " (%d cores: %.0f ms of CPU a sensor-visit at most, at %d sensors in real time)",
            (int) cores, 1000 * cores / (sensors / (m.framesPerVisit() / 2.0)), sensors));
        System.out.println(b);
        String pages = HeapPages.describe();
        if (kernel != null) {
            System.out.printf(Locale.ROOT, "  kernel: %.0f%% of the process's CPU, %d minor page faults (%.0f a sensor-visit); Java heap on %s%n",
                100 * kernel.cpuShare(), kernel.minorFaults(), (double) kernel.minorFaults() / sensorVisits, pages);
        }
        StringBuilder c = new StringBuilder("  difference imaging per sensor-visit (ms):");
        byStage.forEach((k, v) -> c.append(String.format(Locale.ROOT, " %s %.1f", k, v)));
        System.out.println(c);
        System.out.printf(Locale.ROOT, "  difference imaging begun on partial stacks: %d visits, %d finished from that start%n", earlyBegun,
            earlyUsed);

        if (report != null) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("sensors", sensors);
            r.put("visits", visits);
            r.put("mode", m.cliName());
            r.put("prepared_skies", skies);
            r.put("cores", (int) cores);
            // on a cluster the CPU by role is this node's (camera, scheduler, room); each worker's is in its log
            r.put("on_cluster", onCluster != null);
            r.put("realtime_factor", rtf);
            r.put("realtime_factor_window_s", sustained.windowSeconds());
            r.put("night_realtime_factor", s.realtimeFactor());
            r.put("sensor_visits_stacked", s.visitsStacked());
            r.put("sensor_visits_differenced", sensorVisits);
            // deferred: spooled (and caught up later) plus deferred unprocessed
            r.put("visits_deferred", spooled + s.visitsDeferred());
            r.put("visits_spooled", spooled);
            r.put("visits_caught_up", cu != null ? cu.caughtUp() : 0);
            r.put("visits_deferred_unprocessed", s.visitsDeferred());
            r.put("late_alerts", t != null ? t.lateAlerts() : 0);
            r.put("late_by_ms", cu == null ? null : Map.of("p50", round(cu.latenessMsP50()), "max", round(cu.latenessMsMax())));
            r.put("frames_deferred_at_camera", s.deferredByReason().getOrDefault("deferred_at_source", 0L));
            r.put("frames_deferred", s.framesDeferred());
            r.put("frames_lost", s.framesLost());
            r.put("accounted", s.accounted());
            r.put("visit_to_alert_ms", latency);
            r.put("visit_timeline_ms", s.visitTimelineMs());
            r.put("visits_begun_early", earlyBegun);
            r.put("visits_finished_from_early_start", earlyUsed);
            r.put("last_frame_to_candidates_ms", s.differenceImaging() == null ? null
                : Map.of("p50", round(s.differenceImaging().latencyMsP50()), "p99", round(s.differenceImaging().latencyMsP99())));
            r.put("cpu_ms_per_sensor_visit", Map.of("by_role", byRole, "difference_imaging", byStage));
            r.put("peak_heap_mb", round(s.peakHeapMb()));
            // what survived a collection at its highest: the heap the night needs (the peak in use counts garbage)
            r.put("peak_heap_after_gc_mb", round(heapAfterGcMb));
            r.put("heap_pages", pages);
            if (kernel != null) {
                r.put("kernel_cpu_percent", round(100 * kernel.cpuShare()));
                r.put("minor_page_faults", kernel.minorFaults());
            }
            r.put("night", s);
            Path parent = report.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(report.toFile(), r);
        }
        return s.accounted() ? 0 : 1;
    }

    /**
     * Sensor-visits differenced so far, caught-up ones included: by this process's difference stage, or on a cluster
     * (where the workers difference) as this node's scheduler takes them.
     */
    private static long visitsDone(NightRunner runner, boolean onCluster) {
        if (onCluster) {
            return Math.max(0, runner.visitsScheduled());
        }
        DiffStage.Cost c = runner.diffCost();
        return c != null ? c.visits() : 0;
    }

    /**
     * The sustained rate: sensor-visits differenced per second while the camera sends at full rate (from
     * the end of the first visit to the camera's last frame) over the rate they are due. The warm-up of
     * the first visit and the drain after the last frame are outside the window; a pipeline that falls
     * behind differences fewer than are due in it, and defers what it cannot hold.
     */
    static final class Sustained {
        private final long framesDue;
        private final long firstVisitFrames;
        private final int sensors;
        private final int framesPerVisit;
        private double t0 = Double.NaN;
        private long v0;
        private double t1 = Double.NaN;
        private long v1;

        Sustained(long framesDue, int framesPerVisit, int sensors) {
            this.framesDue = framesDue;
            this.framesPerVisit = framesPerVisit;
            this.sensors = sensors;
            this.firstVisitFrames = (long) sensors * framesPerVisit;
        }

        synchronized void tick(double seconds, long published, long differenced) {
            if (Double.isNaN(t0) && published >= firstVisitFrames) {
                t0 = seconds;
                v0 = differenced;
            }
            if (!Double.isNaN(t0) && published < framesDue) {
                t1 = seconds;
                v1 = differenced;
            }
        }

        synchronized double windowSeconds() {
            return Double.isNaN(t1) || Double.isNaN(t0) ? 0 : round(t1 - t0);
        }

        /** Differenced over due in the window; NaN when the window is too short to say (a night of one visit). */
        synchronized double factor(double frameRateHz) {
            double span = Double.isNaN(t1) || Double.isNaN(t0) ? 0 : t1 - t0;
            if (span < framesPerVisit / frameRateHz) {
                return Double.NaN;
            }
            double due = sensors * frameRateHz / framesPerVisit * span;
            return Math.round(100 * (v1 - v0) / due) / 100.0;
        }
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> w = Files.walk(dir)) {
            w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("nightwatch: could not remove " + dir + ": " + e.getMessage());
        }
    }
}
