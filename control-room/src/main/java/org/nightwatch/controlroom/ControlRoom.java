package org.nightwatch.controlroom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.HdrHistogram.ConcurrentHistogram;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.nightwatch.protocol.VettingLabel;

/**
 * The control room's HTTP server (Pekko HTTP): the page, its live alert WebSocket, the JSON API, the
 * night's commands and the Prometheus metrics.
 * <ul>
 *   <li>{@code GET /}: the page; {@code GET /static/NAME}: its files, by plain name only (no paths);</li>
 *   <li>{@code GET /api/alerts}, {@code /api/objects/ID}, {@code /api/plan}, {@code /api/sensors}, {@code /api/night},
 *       {@code /api/pages} (open pages and how late they show alerts);</li>
 *   <li>{@code GET /api/objects/ID/cutouts/CANDIDATE/CHANNEL.png?scale=N}: a cutout channel (reference, new,
 *       difference) with the zscale stretch, cached by the browser (a candidate's cutout never changes);</li>
 *   <li>{@code POST /api/objects/ID/label} ({@code {"label": "real|bogus|moving|variable"}}),
 *       {@code POST /api/night/start} (optionally {@code {"mode": "all-sky|high-cadence"}}), {@code /api/night/stop}: need
 *       {@code Authorization: Bearer TOKEN};</li>
 *   <li>{@code GET /ws/alerts}: alert changes as they are published, for pages of this server's own origin; a page
 *       answers each with {@code {"shown": ALERT_ID, "latency_ms": MS, "delivered_ms": MS}} once its row is on
 *       screen (publication to the row drawn, and to the message's arrival in the page);</li>
 *   <li>{@code GET /metrics}: Prometheus text format.</li>
 * </ul>
 * It listens on 127.0.0.1 unless configured otherwise, and runs on an actor system of its own
 * ({@code control-room}, two threads at most), so that many open pages cannot take the pipeline's threads
 * and its CPU share can be measured by thread.
 */
public final class ControlRoom extends AllDirectives implements AutoCloseable {
    private static final Pattern STATIC_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*\\.(html|js|css|png|svg)");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9@!._-]{1,120}");
    private static final Pattern STAMP = Pattern.compile("(reference|new|difference)\\.png");
    private static final Pattern MODE = Pattern.compile("[a-z][a-z-]{0,39}");
    private static final String WEB = "org/nightwatch/controlroom/web/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final NightBackend backend;
    private final ControlRoomSettings settings;
    private final PrometheusMeterRegistry metrics;
    private final byte[] token;
    private final ServerBinding binding;
    private final AtomicInteger pages = new AtomicInteger();
    private final Set<String> hostNames;
    private final ConcurrentHistogram shown = new ConcurrentHistogram(TimeUnit.HOURS.toMillis(1), 3);
    private final ConcurrentHistogram delivered = new ConcurrentHistogram(TimeUnit.HOURS.toMillis(1), 3);

    private final ActorSystem<Void> system;

    private ControlRoom(NightBackend backend, ControlRoomSettings settings, PrometheusMeterRegistry metrics, Config config) {
        // two threads at most; alert messages are small and each should leave at once, not wait for the last one's
        // acknowledgement (Nagle's algorithm, which the operating system otherwise applies)
        this.system = ActorSystem.create(Behaviors.empty(), "control-room", ConfigFactory.parseString(
            "pekko.actor.default-dispatcher.fork-join-executor { parallelism-min = 1, parallelism-max = 2 }\n"
                + "pekko.http.server.socket-options.tcp-no-delay = true\n"
                // HEAD answers as GET does, without the body (it was 405)
                + "pekko.http.server.transparent-head-requests = on").withFallback(config));
        this.backend = backend;
        this.settings = settings;
        this.metrics = metrics;
        this.token = settings.token().getBytes(StandardCharsets.UTF_8);
        this.hostNames = hostNames(settings.host());
        Gauge.builder("nightwatch_control_room_pages", pages, AtomicInteger::get)
            .description("control room pages with the live alert WebSocket open").register(metrics);
        try {
            this.binding = Http.get(system).newServerAt(settings.host(), settings.port()).bind(routes())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            system.terminate();
            throw new IllegalStateException("control room: cannot listen on " + settings.host() + ":" + settings.port() + ": "
                + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
    }

    /**
     * Starts serving; fails at once naming the address when it cannot listen there.
     *
     * @param config the application's configuration (Pekko's settings for the control room's own actor system)
     */
    public static ControlRoom start(NightBackend backend, ControlRoomSettings settings, PrometheusMeterRegistry metrics, Config config) {
        return new ControlRoom(backend, settings, metrics, config);
    }

    public InetSocketAddress address() {
        return binding.localAddress();
    }

    /** The page's address. */
    public String url() {
        return "http://" + settings.host() + ":" + address().getPort() + "/";
    }

    public String token() {
        return settings.token();
    }

    /**
     * What every response says to the browser: scripts, styles and images from this server only and no inline
     * script (the page has none), never framed, its types not sniffed, no referrer sent on.
     */
    private static final List<org.apache.pekko.http.javadsl.model.HttpHeader> SECURITY = List.of(
        org.apache.pekko.http.javadsl.model.headers.RawHeader.create("Content-Security-Policy", "default-src 'self'; script-src 'self'; "
            + "style-src 'self'; img-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"),
        org.apache.pekko.http.javadsl.model.headers.RawHeader.create("X-Content-Type-Options", "nosniff"),
        org.apache.pekko.http.javadsl.model.headers.RawHeader.create("X-Frame-Options", "DENY"),
        org.apache.pekko.http.javadsl.model.headers.RawHeader.create("Referrer-Policy", "no-referrer"));

    /** The names a request's Host may give: none to check when listening on every address. */
    private static Set<String> hostNames(String bind) {
        String b = bind.toLowerCase(java.util.Locale.ROOT);
        if (b.equals("0.0.0.0") || b.equals("::") || b.equals("[::]")) {
            return Set.of();
        }
        if (b.equals("127.0.0.1") || b.equals("localhost") || b.equals("::1") || b.equals("[::1]")) {
            return Set.of("localhost", "127.0.0.1", "[::1]");
        }
        return Set.of(b);
    }

    private Route routes() {
        return thisHost(() -> respondWithHeaders(SECURITY, this::served));
    }

    /**
     * Requests whose Host names this server: the configured address, or localhost and 127.0.0.1 when it listens
     * on the loopback. A DNS-rebinding page reaches 127.0.0.1 under a name of its own, and its Host says so: it
     * is refused (421) before any route sees it. Listening on every address (0.0.0.0 or ::), any name is taken.
     */
    private Route thisHost(Supplier<Route> inner) {
        return optionalHeaderValueByName("Host", h -> {
            if (hostNames.isEmpty()) {
                return inner.get();
            }
            String host = h.orElse("").trim().toLowerCase(java.util.Locale.ROOT);
            int colon = host.lastIndexOf(':');
            boolean hasPort = colon > host.lastIndexOf(']');
            String name = hasPort ? host.substring(0, colon) : host;
            String givenPort = hasPort ? host.substring(colon + 1) : "80";
            if (!hostNames.contains(name) || !givenPort.equals(String.valueOf(address().getPort()))) {
                return error(StatusCodes.MISDIRECTED_REQUEST, "Host " + (h.isEmpty() ? "(none)" : h.get()) + " is not this server");
            }
            return inner.get();
        });
    }

    private Route served() {
        return concat(
            pathSingleSlash(() -> get(() -> getFromResource(WEB + "index.html", ContentTypes.TEXT_HTML_UTF8))),
            pathPrefix("static", () -> path(PathMatchers.segment(), name -> get(() -> staticFile(name)))),
            path("metrics", () -> get(() -> complete(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, metrics.scrape())))),
            path(PathMatchers.segment("ws").slash("alerts"), () -> get(() -> sameOrigin(() -> handleWebSocketMessages(alertFlow())))),
            pathPrefix("api", () -> concat(
                path("alerts", () -> get(() -> json("[" + String.join(",", backend.liveAlerts()) + "]"))),
                path("sensors", () -> get(() -> json(write(backend.sensors())))),
                path("plan", () -> get(() -> json(write(backend.plan())))),
                path("pages", () -> get(() -> json(pages()))),
                path("night", () -> get(() -> json(write(backend.night())))),
                path("cluster", () -> get(() -> json(write(backend.cluster())))),
                path(PathMatchers.segment("night").slash(PathMatchers.segment()), cmd -> post(() -> authorized(() -> entity(
                    org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller.entityToString(), body -> command(cmd, body))))),
                pathPrefix(PathMatchers.segment("objects").slash(PathMatchers.segment()), id -> concat(
                    pathEndOrSingleSlash(() -> get(() -> object(id))),
                    path("label", () -> post(() -> authorized(() -> entity(
                        org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller.entityToString(), body -> label(id, body))))),
                    pathPrefix("cutouts", () -> path(PathMatchers.segment().slash(PathMatchers.segment()),
                        (cand, file) -> get(() -> parameterOptional("scale", scale -> stamp(id, cand, file, scale))))))))));
    }

    private Route staticFile(String name) {
        if (!STATIC_NAME.matcher(name).matches()) {
            return complete(StatusCodes.NOT_FOUND, "no such file");
        }
        return getFromResource(WEB + name);
    }

    /** A view record as JSON text (the API's one serialisation of it). */
    private static String write(Object view) {
        try {
            return JSON.writeValueAsString(view);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a view the control room cannot write: " + e.getMessage(), e);
        }
    }

    /** The night's state as JSON: never cached (it changes with every alert; a cut-out stamp, which never does, is). */
    private Route json(String body) {
        return complete(HttpResponse.create().addHeader(NO_STORE).withEntity(ContentTypes.APPLICATION_JSON, body));
    }

    private Route error(org.apache.pekko.http.javadsl.model.StatusCode code, String message) {
        return complete(HttpResponse.create().withStatus(code).addHeader(NO_STORE)
            .withEntity(ContentTypes.APPLICATION_JSON, JSON.createObjectNode().put("error", message).toString()));
    }

    private static final CacheControl NO_STORE = CacheControl.create(CacheDirectives.NO_STORE);

    private Route object(String id) {
        if (!ID.matcher(id).matches()) {
            return error(StatusCodes.BAD_REQUEST, "not an object id");
        }
        Optional<String> o = backend.object(id);
        return o.map(this::json).orElseGet(() -> error(StatusCodes.NOT_FOUND, "no object " + id + " tonight"));
    }

    /** Commands need the night's token: none is 401, a wrong one 403. */
    private Route authorized(Supplier<Route> inner) {
        return optionalHeaderValueByName("Authorization", h -> {
            if (h.isEmpty() || !h.get().startsWith("Bearer ")) {
                return respondWithHeader(WWWAuthenticate.create(HttpChallenge.create("Bearer", "nightwatch")),
                    () -> error(StatusCodes.UNAUTHORIZED, "this command needs the operator token (Authorization: Bearer TOKEN)"));
            }
            byte[] given = h.get().substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(given, token)) {
                return error(StatusCodes.FORBIDDEN, "wrong operator token");
            }
            return inner.get();
        });
    }

    /** The WebSocket serves pages of this server only: a browser sends its page's origin. */
    private Route sameOrigin(Supplier<Route> inner) {
        return optionalHeaderValueByName("Origin", o -> {
            int port = address().getPort();
            Set<String> ok = new java.util.HashSet<>(List.of("http://" + settings.host() + ":" + port, "http://localhost:" + port,
                "http://127.0.0.1:" + port));
            if (o.isEmpty() || !ok.contains(o.get())) {
                return error(StatusCodes.FORBIDDEN, "WebSocket from origin " + o.orElse("(none)") + " refused");
            }
            return inner.get();
        });
    }

    private Flow<Message, Message, ?> alertFlow() {
        Source<Message, ?> out = backend.alertChanges().<Message>map(TextMessage::create)
            .keepAlive(Duration.ofSeconds(20), () -> TextMessage.create("{\"keepalive\":true}"));
        Sink<Message, ?> in = Sink.foreach(this::pageSaid);
        return Flow.fromSinkAndSourceCoupled(in, out).watchTermination((mat, done) -> {
            pages.incrementAndGet();
            done.whenComplete((d, e) -> pages.decrementAndGet());
            return mat;
        });
    }

    /** A page's report that an alert's row is on its screen, {@code latency_ms} after it was published. */
    private void pageSaid(Message m) {
        if (!m.isText() || !m.asTextMessage().isStrict()) {
            return; // pages send small text messages only; anything else is not theirs
        }
        try {
            JsonNode n = JSON.readTree(m.asTextMessage().getStrictText());
            double ms = n.path("latency_ms").asDouble(Double.NaN);
            double arrived = n.path("delivered_ms").asDouble(Double.NaN);
            if (n.hasNonNull("shown") && Double.isFinite(ms) && ms >= 0) {
                shown.recordValue(Math.min(shown.getHighestTrackableValue(), Math.round(ms)));
                if (Double.isFinite(arrived) && arrived >= 0) {
                    delivered.recordValue(Math.min(delivered.getHighestTrackableValue(), Math.round(arrived)));
                }
            }
        } catch (Exception e) {
            // not a report: ignored
        }
    }

    /** Pages open now, and how late they showed alerts: {@code {open, alerts_shown, publish_to_shown_p50_ms, ...}}. */
    public String pages() {
        var n = JSON.createObjectNode().put("open", pages.get()).put("alerts_shown", shown.getTotalCount());
        if (shown.getTotalCount() > 0) {
            n.put("publish_to_shown_p50_ms", shown.getValueAtPercentile(50)).put("publish_to_shown_p99_ms", shown.getValueAtPercentile(99))
                .put("publish_to_shown_max_ms", shown.getMaxValue());
        }
        if (delivered.getTotalCount() > 0) {
            n.put("publish_to_delivered_p50_ms", delivered.getValueAtPercentile(50))
                .put("publish_to_delivered_p99_ms", delivered.getValueAtPercentile(99));
        }
        return n.toString();
    }

    private Route stamp(String id, String candidate, String file, Optional<String> scaleText) {
        if (!ID.matcher(id).matches() || !ID.matcher(candidate).matches() || !STAMP.matcher(file).matches()) {
            return error(StatusCodes.BAD_REQUEST, "expected /api/objects/ID/cutouts/CANDIDATE/(reference|new|difference).png");
        }
        int scale;
        try {
            scale = scaleText.map(Integer::parseInt).orElse(2);
        } catch (NumberFormatException e) {
            scale = -1;
        }
        if (scale < 1 || scale > StampImage.MAX_SCALE) {
            return error(StatusCodes.BAD_REQUEST, "scale: 1 to " + StampImage.MAX_SCALE);
        }
        int channel = StampImage.channel(file.substring(0, file.length() - ".png".length()));
        Optional<float[]> cut = backend.cutout(id, candidate);
        if (cut.isEmpty()) {
            return error(StatusCodes.NOT_FOUND, "no cutout of " + candidate + " for object " + id + " (not its latest detection)");
        }
        byte[] png = StampImage.png(cut.get(), channel, scale);
        return respondWithHeader(CacheControl.create(CacheDirectives.MAX_AGE(86400)),
            () -> complete(HttpResponse.create().withEntity(ContentTypes.create(MediaTypes.IMAGE_PNG), png)));
    }

    private Route command(String cmd, String body) {
        String mode = null;
        if ("start".equals(cmd) && !body.isBlank()) {
            try {
                JsonNode n = JSON.readTree(body);
                mode = n.hasNonNull("mode") ? n.get("mode").asText() : null;
            } catch (Exception e) {
                return error(StatusCodes.BAD_REQUEST, "the body must be empty or JSON: {\"mode\": \"all-sky|high-cadence\"}");
            }
            if (mode != null && !MODE.matcher(mode).matches()) {
                return error(StatusCodes.BAD_REQUEST, "survey mode: a name such as all-sky or high-cadence");
            }
        }
        CompletionStage<String> r;
        try {
            r = switch (cmd) {
                case "stop" -> backend.stopNight();
                case "start" -> backend.startNight(mode);
                default -> null;
            };
        } catch (IllegalArgumentException e) {
            return error(StatusCodes.BAD_REQUEST, e.getMessage());
        }
        if (r == null) {
            return error(StatusCodes.NOT_FOUND, "no night command '" + cmd + "' (start, stop)");
        }
        return onSuccess(r, msg -> json(JSON.createObjectNode().put("night", msg).toString()));
    }

    private Route label(String id, String body) {
        if (!ID.matcher(id).matches()) {
            return error(StatusCodes.BAD_REQUEST, "not an object id");
        }
        String text;
        String operator;
        try {
            JsonNode n = JSON.readTree(body);
            text = n.path("label").asText("");
            operator = n.path("operator").asText("operator");
        } catch (Exception e) {
            return error(StatusCodes.BAD_REQUEST, "the body must be JSON: {\"label\": \"real|bogus|moving|variable\"}");
        }
        VettingLabel label;
        try {
            label = VettingLabel.parse(text);
        } catch (IllegalArgumentException e) {
            return error(StatusCodes.BAD_REQUEST, e.getMessage());
        }
        if (!operator.matches("[A-Za-z0-9 ._-]{1,40}")) {
            return error(StatusCodes.BAD_REQUEST, "operator name: up to 40 letters, digits, spaces, '.', '_' or '-'");
        }
        return onSuccess(backend.label(id, label, operator), stored -> stored
            ? json(JSON.createObjectNode().put("object", id).put("label", label.wire()).toString())
            : error(StatusCodes.NOT_FOUND, "no object " + id + " tonight"));
    }

    @Override
    public void close() {
        backend.close();
        try {
            binding.terminate(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the server is going away with the night either way
        }
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // its threads are daemons of a closing night
        }
    }
}
