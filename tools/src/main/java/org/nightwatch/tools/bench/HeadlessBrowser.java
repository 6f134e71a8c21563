package org.nightwatch.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A headless Chromium driven over the DevTools protocol, for benchmarks that need real pages: each page
 * is opened in a window of its own ({@code Target.createTarget} with {@code newWindow}), because a
 * background tab is hidden and draws nothing, while every headless window is visible and paints as a
 * screen would. One browser process holds all the pages, as one operator's browser would.
 */
final class HeadlessBrowser implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final Path profile;
    private final WebSocket devtools;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> replies;
    private final List<String> sessions = new ArrayList<>();

    private HeadlessBrowser(Process process, Path profile, WebSocket devtools, Map<Integer, CompletableFuture<JsonNode>> replies) {
        this.process = process;
        this.profile = profile;
        this.devtools = devtools;
        this.replies = replies;
    }

    /** The browser to run: {@code given}, or the first of chromium, chromium-browser, google-chrome on the PATH. */
    static Path find(Path given) {
        if (given != null) {
            if (!Files.isExecutable(given)) {
                throw new IllegalArgumentException(given + ": not an executable browser");
            }
            return given;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("no chromium on the PATH (scripts/install-test-tools installs Debian's); or give --browser");
    }

    static HeadlessBrowser start(Path binary) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("nightwatch-browser-");
        Process p = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-extensions", "--window-size=1400,900", "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank")
            .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> endpoint = new CompletableFuture<>();
        Thread drain = new Thread(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    int at = line.indexOf("DevTools listening on ");
                    if (at >= 0) {
                        endpoint.complete(line.substring(at + "DevTools listening on ".length()).trim());
                    }
                }
                endpoint.completeExceptionally(new IOException(binary + " exited before it listened for DevTools"));
            } catch (IOException e) {
                endpoint.completeExceptionally(e);
            }
        }, "browser-output");
        drain.setDaemon(true);
        drain.start();
        Map<Integer, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();
        try {
            String ws = endpoint.get(60, TimeUnit.SECONDS);
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(ws), new WebSocket.Listener() {
                private final StringBuilder part = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    part.append(data);
                    if (last) {
                        reply(replies, part.toString());
                        part.setLength(0);
                    }
                    w.request(1);
                    return null;
                }
            }).get(30, TimeUnit.SECONDS);
            return new HeadlessBrowser(p, profile, socket, replies);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IOException("cannot start " + binary + " headless: " + e.getMessage(), e);
        }
    }

    /** Completes the command a DevTools reply answers; events (no id) are not ours. */
    private static void reply(Map<Integer, CompletableFuture<JsonNode>> replies, String text) {
        try {
            JsonNode n = JSON.readTree(text);
            if (n.has("id")) {
                CompletableFuture<JsonNode> f = replies.remove(n.get("id").asInt());
                if (f != null) {
                    if (n.has("error")) {
                        f.completeExceptionally(new IOException("DevTools: " + n.get("error")));
                    } else {
                        f.complete(n.get("result"));
                    }
                }
            }
        } catch (IOException e) {
            // not a reply of ours
        }
    }

    private JsonNode call(String method, Map<String, Object> params) throws IOException {
        return call(method, params, null);
    }

    /** One DevTools command, to the browser or (with {@code session}) to one page, and its result. */
    private JsonNode call(String method, Map<String, Object> params, String session) throws IOException {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        replies.put(id, f);
        Map<String, Object> m = new java.util.LinkedHashMap<>(Map.of("id", id, "method", method, "params", params));
        if (session != null) {
            m.put("sessionId", session);
        }
        String msg = JSON.writeValueAsString(m);
        try {
            devtools.sendText(msg, true).get(30, TimeUnit.SECONDS);
            return f.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("DevTools " + method + ": " + e.getMessage(), e);
        }
    }

    /** Opens {@code url} in a new window of its own, attached so that its renderer's metrics can be read. */
    void openWindow(String url) throws IOException {
        String target = call("Target.createTarget", Map.of("url", url, "newWindow", true)).path("targetId").asText();
        String session = call("Target.attachToTarget", Map.of("targetId", target, "flatten", true)).path("sessionId").asText();
        call("Performance.enable", Map.of(), session);
        sessions.add(session);
    }

    /**
     * The pages' renderer main-thread time so far, s, summed over pages: {@code TaskDuration} (all of it),
     * and of it {@code ScriptDuration}, {@code RecalcStyleDuration}, {@code LayoutDuration} (DevTools'
     * Performance.getMetrics).
     */
    Map<String, Double> pageMetrics() throws IOException {
        Map<String, Double> sum = new java.util.LinkedHashMap<>();
        for (String k : List.of("TaskDuration", "ScriptDuration", "RecalcStyleDuration", "LayoutDuration")) {
            sum.put(k, 0.0);
        }
        for (String session : sessions) {
            for (JsonNode m : call("Performance.getMetrics", Map.of(), session).path("metrics")) {
                sum.computeIfPresent(m.path("name").asText(), (k, v) -> v + m.path("value").asDouble());
            }
        }
        return sum;
    }

    /** CPU time of the browser and all its processes (renderers, GPU, network) so far, s. */
    double cpuSeconds() {
        return Stream.concat(Stream.of(process.toHandle()), process.descendants())
            .mapToDouble(h -> h.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0)).sum();
    }

    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        all.forEach(ProcessHandle::destroyForcibly);
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the browser profile " + profile, e);
        }
    }
}
