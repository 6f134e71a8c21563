package org.nightwatch.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.nightwatch.camera.source.Pacing;
import org.nightwatch.controlroom.ControlRoom;
import org.nightwatch.night.DeploymentConfig;
import org.nightwatch.night.NightLobby;
import org.nightwatch.night.NightOptions;
import org.nightwatch.night.NightRunner;
import org.nightwatch.night.NightSummary;
import org.nightwatch.night.cli.NightwatchCli;
import org.nightwatch.protocol.SurveyMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nightwatch bench control-room}: a simulated night with its control room watched by 1, 10 and
 * 50 pages in a real headless Chromium. Each page reports when an alert's row has been drawn; the time
 * from the alert's publication to that report is the operator's latency. The control room runs on an
 * actor system of its own, so its threads' CPU time, over the night's, is its share.
 */
@Command(name = "control-room", mixinStandardHelpOptions = true,
    description = {"Alert published -> row visible in the browser (p50, p99) with 1, 10 and 50 open pages of the control room "
        + "in headless Chromium, and the control room's CPU share, during a simulated night.",
        "The night waits until all pages are open and then is started through POST /api/night/start, as an operator would."})
public final class ControlRoomBench implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    NightwatchCli.Common common = new NightwatchCli.Common();

    @Option(names = "--pages", defaultValue = "1,10,50", split = ",", description = "open pages of each run (default ${DEFAULT-VALUE})")
    List<Integer> pages;

    @Option(names = "--sensors", defaultValue = "8", description = "simulated sensors (default ${DEFAULT-VALUE})")
    int sensors;

    @Option(names = "--visits", defaultValue = "8", description = "visits per sensor (default ${DEFAULT-VALUE})")
    int visits;

    @Option(names = "--mode", defaultValue = "high-cadence", description = "survey mode (default ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--speed", defaultValue = "realtime", description = "realtime or max (default ${DEFAULT-VALUE})")
    String speed;

    @Option(names = "--runs", defaultValue = "1", description = "nights per page count; medians are reported (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--browser", paramLabel = "FILE", description = "Chromium or Chrome to run (default: chromium on the PATH)")
    Path browser;

    @Option(names = "--report", paramLabel = "FILE", description = "write the numbers as JSON")
    Path report;

    @Override
    public Integer call() throws Exception {
        DeploymentConfig cfg = DeploymentConfig.load(common.configFile());
        Path binary = HeadlessBrowser.find(browser);
        SurveyMode m = SurveyMode.parse(mode);
        Pacing p = Pacing.parse(speed);
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("cores", Runtime.getRuntime().availableProcessors());
        rep.put("night", Map.of("sensors", sensors, "visits", visits, "mode", m.cliName(), "speed", speed));
        Map<String, Object> byPages = new LinkedHashMap<>();
        rep.put("runs_per_page_count", runs);
        rep.put("pages", byPages);
        System.out.printf(Locale.ROOT, "%5s %5s %7s %11s %17s %17s %8s %9s %10s %12s %6s%n", "pages", "run", "alerts", "shown",
            "shown p50/p99 ms", "arrived p50/p99", "max ms", "room CPU", "room share", "browser", "RTF");
        boolean complete = true;
        for (int n : pages) {
            List<Map<String, Object>> each = new java.util.ArrayList<>();
            for (int k = 0; k < runs; k++) {
                Map<String, Object> r = run(cfg, binary, m, p, n);
                each.add(r);
                complete &= (Boolean) r.get("all_shown");
                System.out.printf(Locale.ROOT, "%5d %5d %7d %5d/%-5d %17s %17s %8s %7.2f s %9.1f%% %6.2f cores %6.2f%n", n, k + 1,
                    (Long) r.get("alerts_published"), (Long) r.get("alerts_shown"), (Long) r.get("alerts_expected"),
                    r.get("publish_to_shown_p50_ms") + " / " + r.get("publish_to_shown_p99_ms"),
                    r.get("publish_to_delivered_p50_ms") + " / " + r.get("publish_to_delivered_p99_ms"), r.get("publish_to_shown_max_ms"),
                    (Double) r.get("control_room_cpu_s"), 100 * (Double) r.get("control_room_cpu_share"), (Double) r.get("browser_cores"),
                    (Double) r.get("realtime_factor"));
            }
            Map<String, Object> med = new LinkedHashMap<>();
            for (String key : List.of("publish_to_shown_p50_ms", "publish_to_shown_p99_ms", "publish_to_delivered_p50_ms",
                "publish_to_delivered_p99_ms", "control_room_cpu_share", "control_room_cores", "browser_cores", "realtime_factor")) {
                med.put(key, BenchCommand.Ingest.median(each.stream().map(r -> ((Number) r.get(key)).doubleValue()).toList()));
            }
            med.put("runs", each);
            byPages.put(Integer.toString(n), med);
            if (runs > 1) {
                System.out.printf(Locale.ROOT, "%5d %5s %7s %11s %17s %17s %8s %9s %9.1f%% %6.2f cores %6.2f%n", n, "median", "", "",
                    Math.round((Double) med.get("publish_to_shown_p50_ms")) + " / " + Math.round((Double) med.get("publish_to_shown_p99_ms")),
                    Math.round((Double) med.get("publish_to_delivered_p50_ms")) + " / "
                        + Math.round((Double) med.get("publish_to_delivered_p99_ms")), "", "",
                    100 * (Double) med.get("control_room_cpu_share"), (Double) med.get("browser_cores"), (Double) med.get("realtime_factor"));
            }
        }
        System.out.println("shown: publication to the row drawn on the page; arrived: to the message in the page's script; "
            + "room CPU: the control room's threads over the night; room share: of the nightwatch process's CPU time; "
            + "browser: Chromium's CPU time over the night's wall time (all pages in one browser on this machine)");
        if (report != null) {
            JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(report.toFile(), rep);
            System.out.println("report written to " + report);
        }
        return complete ? 0 : 1;
    }

    private Map<String, Object> run(DeploymentConfig cfg, Path binary, SurveyMode m, Pacing p, int n) throws Exception {
        Path out = Files.createTempDirectory("nightwatch-bench-room");
        NightOptions o = NightOptions.simulate(sensors, visits, m, p).withDiff(out)
            .withNightStart(Instant.parse("2026-10-15T12:00:00Z")).withControlRoom(0)
            .withTimeout(Duration.ofMinutes(30)).build();
        try (NightLobby lobby = new NightLobby(cfg, o); HeadlessBrowser b = HeadlessBrowser.start(binary)) {
            CompletableFuture<NightSummary> night = CompletableFuture.supplyAsync(() -> {
                try {
                    return lobby.awaitStart().run(null);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
            ControlRoom room = lobby.controlRoom();
            String url = room.url();
            for (int i = 0; i < n; i++) {
                b.openWindow(url);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (JSON.readTree(room.pages()).path("open").asInt() < n) {
                if (System.nanoTime() > deadline || night.isDone()) {
                    throw new IllegalStateException("only " + JSON.readTree(room.pages()).path("open").asInt() + " of " + n
                        + " pages connected to " + url + " within 120 s");
                }
                Thread.sleep(50); // polling the browser's progress, not waiting for a result
            }
            HttpResponse<String> started = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "api/night/start"))
                .header("Authorization", "Bearer " + room.token()).POST(HttpRequest.BodyPublishers.ofString("{\"mode\":\"" + m.cliName()
                    + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            if (started.statusCode() != 200) {
                throw new IllegalStateException("the control room refused to start the night: " + started.statusCode() + " " + started.body());
            }
            // the night is prepared (references, classifier, database) once started; measure from when it observes
            NightRunner runner = lobby.prepared().toCompletableFuture().get(o.timeout().toMillis(), TimeUnit.MILLISECONDS);
            ThreadCpu threads = new ThreadCpu();
            java.util.concurrent.ScheduledExecutorService sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "bench-cpu-sampler");
                t.setDaemon(true);
                return t;
            });
            sampler.scheduleAtFixedRate(threads::sample, 250, 250, TimeUnit.MILLISECONDS);
            double browser0 = b.cpuSeconds();
            Map<String, Double> pages0 = b.pageMetrics();
            long t0 = System.nanoTime();
            NightSummary s = night.get(o.timeout().toMillis(), TimeUnit.MILLISECONDS);
            long published = runner.alertHub().offered() - runner.alertHub().dropped();
            long expected = published * n;
            // pages that fell behind go on drawing after the night's end: wait for their reports while they still come
            long shownNow = -1;
            long progressAt = System.nanoTime();
            while (true) {
                long s2 = JSON.readTree(room.pages()).path("alerts_shown").asLong();
                if (s2 != shownNow) {
                    shownNow = s2;
                    progressAt = System.nanoTime();
                }
                if (s2 >= expected || System.nanoTime() - progressAt > TimeUnit.SECONDS.toNanos(10)) {
                    break;
                }
                Thread.sleep(50);
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            sampler.shutdownNow();
            Map<String, Double> cpu = threads.secondsByRole();
            double process = threads.processSeconds();
            double browserCpu = b.cpuSeconds() - browser0;
            Map<String, Double> pageTime = new LinkedHashMap<>();
            b.pageMetrics().forEach((k, v) -> pageTime.put(k, v - pages0.get(k)));
            JsonNode pg = JSON.readTree(room.pages());
            double total = Double.isFinite(process) ? process : cpu.values().stream().mapToDouble(Double::doubleValue).sum();
            double roomCpu = cpu.getOrDefault("control-room", 0.0);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("pages", n);
            r.put("alerts_published", published);
            r.put("alerts_dropped_for_live_consumers", runner.alertHub().dropped());
            r.put("alerts_expected", expected);
            r.put("alerts_shown", pg.path("alerts_shown").asLong());
            r.put("all_shown", pg.path("alerts_shown").asLong() >= expected);
            r.put("publish_to_shown_p50_ms", pg.path("publish_to_shown_p50_ms").asLong());
            r.put("publish_to_shown_p99_ms", pg.path("publish_to_shown_p99_ms").asLong());
            r.put("publish_to_shown_max_ms", pg.path("publish_to_shown_max_ms").asLong());
            r.put("publish_to_delivered_p50_ms", pg.path("publish_to_delivered_p50_ms").asLong());
            r.put("publish_to_delivered_p99_ms", pg.path("publish_to_delivered_p99_ms").asLong());
            r.put("wall_s", wall);
            r.put("control_room_cpu_s", roomCpu);
            r.put("control_room_cpu_share", total > 0 ? roomCpu / total : 0.0);
            r.put("control_room_cores", roomCpu / wall);
            r.put("nightwatch_cpu_s", total);
            r.put("cpu_s_by_role_of_live_threads", cpu);
            r.put("browser_cpu_s", browserCpu);
            r.put("browser_cores", browserCpu / wall);
            r.put("pages_main_thread_s", pageTime);
            r.put("realtime_factor", s.realtimeFactor());
            r.put("frames_lost", s.framesLost());
            return r;
        }
    }
}
