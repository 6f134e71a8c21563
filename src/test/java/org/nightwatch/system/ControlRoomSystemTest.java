package org.nightwatch.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.night.NightLobby;
import org.nightwatch.night.NightSummary;
import org.nightwatch.scheduler.AlertJsonLines;
import org.nightwatch.scheduler.AlertStore;

/**
 * The control room of a simulated night over real HTTP and WebSocket on 127.0.0.1: the page and its
 * files, alerts arriving live, commands refused without the operator's token, files outside the page's
 * own refused whatever the path says, WebSockets from other origins refused, a label stored in the
 * night's database, the night's metrics, and the headers and Host check a page on localhost needs.
 */
class ControlRoomSystemTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request exactly as written, so that no client tidies its path. */
    private static String raw(int port, String path) throws Exception {
        return raw(port, path, "127.0.0.1:" + port);
    }

    /** A request exactly as written, with this Host header. */
    private static String raw(int port, String path, String host) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aNightStoppedBeforeItsStartIsCalledOffAndNothingIsPrepared() throws Exception {
        Path out = dir.resolve("called-off");
        try (NightLobby lobby = Nights.controlRoomNight(dir, out, "s3cret-token")) {
            CompletableFuture<NightSummary> night = Nights.runWhenStarted(lobby);
            String base = lobby.controlRoom().url();
            HttpResponse<String> stop = send(HttpRequest.newBuilder(URI.create(base + "api/night/stop"))
                .header("Authorization", "Bearer s3cret-token").POST(HttpRequest.BodyPublishers.noBody()));
            assertEquals(200, stop.statusCode(), stop.body());
            assertTrue(stop.body().contains("called off"), stop.body());
            CompletionException e = assertThrows(CompletionException.class, night::join);
            assertTrue(e.getCause().getMessage().contains("called off before it started"), e.getCause().getMessage());
            assertEquals("ended", JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "api/night"))).body()).get("phase").asText());
            HttpResponse<String> start = send(HttpRequest.newBuilder(URI.create(base + "api/night/start"))
                .header("Authorization", "Bearer s3cret-token").POST(HttpRequest.BodyPublishers.noBody()));
            assertTrue(start.body().contains("called off"), start.body());
            assertEquals(null, lobby.runner());
            assertFalse(Files.exists(out.resolve("sky")), "no references rendered for a night that never started");
        }
    }

    /**
     * The control room is the operator's view of any night: one that stacks only (no difference imaging, so no
     * alerts) still serves its focal plane and gauges. It once started only with the scheduler, so
     * {@code simulate --no-diff} served no page at all, without a word.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aNightWithoutDifferenceImagingStillServesItsFocalPlane() throws Exception {
        org.nightwatch.night.DeploymentConfig cfg = Nights.config(dir, "");
        try (org.nightwatch.night.NightRunner runner = new org.nightwatch.night.NightRunner(cfg,
            org.nightwatch.night.NightOptions.simulate(2, 3, org.nightwatch.protocol.SurveyMode.HIGH_CADENCE,
                org.nightwatch.camera.source.Pacing.MAX).withControlRoom(0).build())) {
            NightSummary s = Nights.runInBackground(runner).get(90, TimeUnit.SECONDS);
            assertTrue(s.accounted(), s.toText());
            String base = runner.controlRoom().url();
            JsonNode sensors = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "api/sensors"))).body());
            assertEquals(2, sensors.size(), sensors.toString());
            for (JsonNode sensor : sensors) {
                assertEquals(3 * 12, sensor.get("frames_stacked").asLong(), sensor.toString());
                assertEquals(3, sensor.get("visits_stacked").asLong(), sensor.toString());
            }
            assertEquals("ended", JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "api/night"))).body()).get("phase").asText());
            assertEquals(0, JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "api/alerts"))).body()).size(), "no alerts");
            assertEquals(200, send(HttpRequest.newBuilder(URI.create(base))).statusCode(), "the page itself");
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void operatorsSeeAlertsArriveLiveAndOnlyTheTokenCommands() throws Exception {
        Path out = dir.resolve("night-out");
        try (NightLobby runner = Nights.controlRoomNight(dir, out, "s3cret-token")) {
            String base = runner.controlRoom().url();
            int port = runner.controlRoom().address().getPort();
            assertTrue(base.startsWith("http://127.0.0.1:"), base);

            // the page and its script
            HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(base)));
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("nightwatch control room"), page.body());
            assertEquals(200, send(HttpRequest.newBuilder(URI.create(base + "static/app.js"))).statusCode());

            // what a modern page's server says: its own scripts only, never framed, types not sniffed, the API not cached
            String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'"), csp);
            assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
            assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(""));
            assertEquals("no-store", send(HttpRequest.newBuilder(URI.create(base + "api/alerts"))).headers().firstValue("Cache-Control")
                .orElse(""));
            // HEAD answers as GET, without the body
            HttpResponse<String> head = send(HttpRequest.newBuilder(URI.create(base + "api/night")).method("HEAD",
                HttpRequest.BodyPublishers.noBody()));
            assertEquals(200, head.statusCode());
            assertEquals("", head.body());
            // a page that rebinds its own name to 127.0.0.1 sends that name as Host: refused; the server's own names are not
            String rebound = raw(port, "/api/alerts", "attacker.example:" + port);
            assertTrue(rebound.startsWith("HTTP/1.1 421"), rebound.lines().findFirst().orElse(""));
            assertTrue(raw(port, "/api/alerts", "localhost:" + port).startsWith("HTTP/1.1 200"));
            assertTrue(raw(port, "/api/alerts", "127.0.0.1:" + (port + 1)).startsWith("HTTP/1.1 421"), "another port");

            // nothing outside the page's files, however the path is written
            for (String path : List.of("/static/../../../../etc/passwd", "/static/..%2F..%2F..%2Fetc%2Fpasswd",
                "/static/%2e%2e/%2e%2e/etc/passwd", "/../../etc/passwd", "/static/..%5C..%5Cetc%5Cpasswd",
                "/static/org/nightwatch/controlroom/web/app.js", "/static/%252e%252e%252fetc%252fpasswd")) {
                String r = raw(port, path);
                assertFalse(r.startsWith("HTTP/1.1 200"), path + " -> " + r.lines().findFirst().orElse(""));
                assertFalse(r.contains("root:"), path);
            }

            // commands need the token: none 401, a wrong one 403; bad input 400
            assertEquals(401, send(HttpRequest.newBuilder(URI.create(base + "api/night/stop")).POST(HttpRequest.BodyPublishers.noBody()))
                .statusCode());
            assertEquals(403, send(HttpRequest.newBuilder(URI.create(base + "api/night/stop")).header("Authorization", "Bearer guess")
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode());
            assertEquals(401, send(HttpRequest.newBuilder(URI.create(base + "api/objects/NW-S0-V0-1/label"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"label\":\"real\"}"))).statusCode());
            assertEquals(400, send(HttpRequest.newBuilder(URI.create(base + "api/objects/NW-S0-V0-1/label"))
                .header("Authorization", "Bearer s3cret-token").POST(HttpRequest.BodyPublishers.ofString("{\"label\":\"<script>\"}")))
                .statusCode());

            // a WebSocket from another origin is refused; the page's own origin gets every alert change
            CompletionException refused = assertThrows(CompletionException.class, () -> http.newWebSocketBuilder()
                .header("Origin", "http://evil.example").buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/alerts"),
                    new WebSocket.Listener() { }).join());
            assertTrue(refused.getCause() instanceof WebSocketHandshakeException, String.valueOf(refused.getCause()));
            assertEquals(403, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
            List<JsonNode> pushed = new CopyOnWriteArrayList<>();
            WebSocket ws = http.newWebSocketBuilder().header("Origin", "http://127.0.0.1:" + port)
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/alerts"), new WebSocket.Listener() {
                    private final StringBuilder part = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        part.append(data);
                        if (last) {
                            try {
                                JsonNode n = JSON.readTree(part.toString());
                                if (!n.has("keepalive")) {
                                    pushed.add(n);
                                    // as the page does once the row is on screen
                                    w.sendText("{\"shown\":\"" + n.get("id").asText() + "\",\"latency_ms\":"
                                        + (System.currentTimeMillis() - n.get("published_ms").asLong()) + "}", true);
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                            part.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                }).join();

            // the night waits for the operator's start, which needs the token too, and offers the survey modes
            CompletableFuture<NightSummary> night = Nights.runWhenStarted(runner);
            JsonNode waiting = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "api/night"))).body());
            assertEquals("waiting", waiting.get("phase").asText(), waiting.toString());
            assertEquals("high-cadence", waiting.get("mode").asText(), waiting.toString());
            assertEquals("[\"all-sky\",\"high-cadence\"]", waiting.get("modes").toString());
            assertEquals(0, waiting.get("frames").get("published").asLong());
            JsonNode idle = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "api/sensors"))).body());
            assertEquals(3, idle.size(), "the focal plane before the night");
            assertEquals("idle", idle.get(0).get("state").asText());
            assertEquals(401, send(HttpRequest.newBuilder(URI.create(base + "api/night/start"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"mode\":\"all-sky\"}"))).statusCode());
            assertEquals(404, send(HttpRequest.newBuilder(URI.create(base + "api/night/dance")).header("Authorization", "Bearer s3cret-token")
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode());
            HttpResponse<String> turbo = send(HttpRequest.newBuilder(URI.create(base + "api/night/start"))
                .header("Authorization", "Bearer s3cret-token").POST(HttpRequest.BodyPublishers.ofString("{\"mode\":\"turbo\"}")));
            assertEquals(400, turbo.statusCode(), turbo.body());
            assertTrue(turbo.body().contains("survey mode 'turbo': one of all-sky, high-cadence"), turbo.body());
            assertEquals(400, send(HttpRequest.newBuilder(URI.create(base + "api/night/start")).header("Authorization", "Bearer s3cret-token")
                .POST(HttpRequest.BodyPublishers.ofString("{\"mode\":\"<script>\"}"))).statusCode());
            assertFalse(night.isDone(), "a refused start leaves the night waiting");
            // the operator starts it in the other mode: 18-frame all-sky visits instead of the command's high-cadence
            HttpResponse<String> start = send(HttpRequest.newBuilder(URI.create(base + "api/night/start"))
                .header("Authorization", "Bearer s3cret-token").POST(HttpRequest.BodyPublishers.ofString("{\"mode\":\"all-sky\"}")));
            assertEquals(200, start.statusCode(), start.body());
            assertTrue(start.body().contains("starting: all-sky"), start.body());
            // the observatory took the start: the night is being prepared (or already observing), in the chosen mode
            JsonNode started = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "api/night"))).body());
            assertTrue(List.of("preparing", "observing").contains(started.get("phase").asText()), started.toString());
            assertEquals("all-sky", started.get("mode").asText(), started.toString());

            // the night runs; alerts appear in the API while it does, and an operator vets one
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> night.isDone()
                || JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "api/alerts"))).body()).size() > 0);
            assertFalse(night.isDone(), "the night ended before an alert showed in the control room");
            JsonNode first = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "api/alerts"))).body()).get(0);
            String object = first.get("object_id").asText();
            HttpResponse<String> obj = send(HttpRequest.newBuilder(URI.create(base + "api/objects/" + object)));
            assertEquals(200, obj.statusCode());
            assertTrue(JSON.readTree(obj.body()).get("history").size() >= 1);
            assertEquals(404, send(HttpRequest.newBuilder(URI.create(base + "api/objects/NW-NOPE"))).statusCode());
            assertTrue(JSON.readTree(obj.body()).has("plan"), "the object's place in the follow-up plan (or null)");
            assertTrue(JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "api/plan"))).body()).isArray());

            // the object's cutouts as zscaled PNGs, pixel blocks of the scale asked for; a bad name, scale or candidate refused
            String cand = JSON.readTree(obj.body()).get("candidate").get("id").asText();
            String stamps = base + "api/objects/" + object + "/cutouts/";
            for (String channel : List.of("reference", "new", "difference")) {
                HttpResponse<byte[]> png = http.send(HttpRequest.newBuilder(URI.create(stamps + cand + "/" + channel + ".png?scale=3"))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
                if (png.statusCode() == 404) {
                    continue; // the object was re-detected meanwhile: its latest candidate has the cutout
                }
                assertEquals(200, png.statusCode());
                assertEquals("image/png", png.headers().firstValue("Content-Type").orElse(""));
                java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png.body()));
                assertEquals(87, img.getWidth());
                assertEquals(87, img.getHeight());
            }
            assertEquals(400, send(HttpRequest.newBuilder(URI.create(stamps + cand + "/mask.png"))).statusCode());
            assertEquals(400, send(HttpRequest.newBuilder(URI.create(stamps + cand + "/new.png?scale=99"))).statusCode());
            assertEquals(404, send(HttpRequest.newBuilder(URI.create(stamps + "S9-V9-9/new.png"))).statusCode());

            // the night's gauges while it runs
            JsonNode running = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "api/night"))).body());
            assertEquals("observing", running.get("phase").asText(), running.toString());
            assertTrue(running.get("frames").get("stacked").asLong() > 0, running.toString());
            assertTrue(running.get("alerts").get("published").asLong() > 0, running.toString());
            for (String gauge : List.of("throughput", "latency", "backpressure")) {
                assertTrue(running.has(gauge), gauge + " in " + running);
            }
            assertTrue(running.get("backpressure").get("buffers_capacity").asInt() > 0);
            HttpResponse<String> vet = send(HttpRequest.newBuilder(URI.create(base + "api/objects/" + object + "/label"))
                .header("Authorization", "Bearer s3cret-token")
                .POST(HttpRequest.BodyPublishers.ofString("{\"label\":\"real\",\"operator\":\"night assistant\"}")));
            assertEquals(200, vet.statusCode(), vet.body());
            HttpResponse<String> metrics = send(HttpRequest.newBuilder(URI.create(base + "metrics")));
            assertTrue(metrics.body().contains("nightwatch_frames{fate=\"stacked\"}"), metrics.body());
            assertTrue(metrics.body().contains("nightwatch_alerts_published"), metrics.body());
            assertEquals(3, JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "api/sensors"))).body()).size());

            NightSummary s = night.get(4, TimeUnit.MINUTES);
            assertEquals("all-sky", s.mode(), "the night observed in the mode the operator chose");
            assertEquals(3L * 10 * 18, s.framesPublished(), "18 frames a visit");
            long changes = Files.readAllLines(out.resolve(AlertJsonLines.FILE)).size();
            assertNotEquals(0, changes);
            await().atMost(Duration.ofSeconds(30)).until(() -> pushed.size() >= changes);
            assertEquals(changes, pushed.size(), "every alert change pushed to the page, none twice");
            assertEquals(s.scheduler().alertsByState().values().stream().mapToLong(Long::longValue).sum(), changes);
            // the page's reports of when it showed each alert
            await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(runner.controlRoom().pages()).get("alerts_shown").asLong()
                >= changes);
            JsonNode pages = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "api/pages"))).body());
            assertEquals(1, pages.get("open").asInt(), pages.toString());
            assertTrue(pages.get("publish_to_shown_p99_ms").asDouble() >= pages.get("publish_to_shown_p50_ms").asDouble());
            HttpResponse<String> again = send(HttpRequest.newBuilder(URI.create(base + "api/night/start"))
                .header("Authorization", "Bearer s3cret-token").POST(HttpRequest.BodyPublishers.noBody()));
            assertTrue(again.body().contains("already started"), again.body());
            ws.abort();
        }
        try (AlertStore store = AlertStore.open("", "", "", out)) {
            assertEquals(1L, store.counts().get("labels"), "the operator's label is in the night's database");
        }
    }
}
