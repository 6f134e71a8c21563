package org.nightwatch.scheduler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nightwatch.protocol.Alert;
import org.nightwatch.protocol.Candidate;
import org.nightwatch.protocol.DetectionFlag;
import org.nightwatch.protocol.PastDetection;

/**
 * The JSON form of an alert: what the alert file (one alert per line), the database and the control room
 * carry. Field names in snake_case; {@code schema_version} first; the cutout, when included, as base64 of
 * 3 x 29 x 29 little-endian float32 (reference, new, difference). Non-finite numbers are written as null.
 */
public final class AlertJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AlertJson() {
    }

    public static ObjectMapper mapper() {
        return JSON;
    }

    public static String write(Alert a, boolean withCutout) {
        try {
            return JSON.writeValueAsString(tree(a, withCutout));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("alert " + a.id() + " cannot be written as JSON", e);
        }
    }

    public static ObjectNode tree(Alert a, boolean withCutout) {
        ObjectNode o = JSON.createObjectNode();
        o.put("schema_version", Alert.SCHEMA_VERSION);
        o.put("id", a.id());
        o.put("object_id", a.objectId());
        o.put("state", a.state().wire());
        o.put("kind", a.kind());
        if (a.reason() != null) {
            o.put("reason", a.reason());
        }
        o.put("rank", a.rank());
        num(o, "rank_score", a.rankScore());
        ObjectNode parts = o.putObject("score_parts");
        a.parts().forEach((k, v) -> num(parts, k, v));
        ObjectNode weights = o.putObject("score_weights");
        a.weights().forEach((k, v) -> num(weights, k, v));
        o.put("host", a.host());
        num(o, "late_s", a.lateS());
        o.set("candidate", candidate(a.candidate(), withCutout));
        ArrayNode h = o.putArray("history");
        for (PastDetection d : a.history()) {
            ObjectNode n = h.addObject();
            n.put("candidate_id", d.candidateId());
            n.put("sensor", d.sensor());
            n.put("visit", d.visit());
            num(n, "mjd", d.mjd());
            num(n, "ra", d.ra());
            num(n, "dec", d.dec());
            num(n, "flux", d.flux());
            num(n, "flux_err", d.fluxErr());
            num(n, "snr", d.snr());
            num(n, "mag", d.mag());
            num(n, "mag_err", d.magErr());
            n.put("sign", d.sign());
            n.put("flags", d.flags());
            num(n, "score", d.score());
        }
        if (a.window() != null) {
            ObjectNode w = o.putObject("window");
            num(w, "start_mjd", a.window().startMjd());
            num(w, "end_mjd", a.window().endMjd());
            num(w, "best_mjd", a.window().bestMjd());
            num(w, "min_airmass", a.window().minAirmass());
            num(w, "moon_separation_deg", a.window().moonSepDeg());
        } else {
            o.putNull("window");
        }
        return o;
    }

    private static ObjectNode candidate(Candidate c, boolean withCutout) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", c.id());
        n.put("sensor", c.sensor());
        n.put("visit", c.visit());
        n.put("field", c.field());
        num(n, "mjd", c.mjd());
        num(n, "x", c.x() + 1); // FITS 1-based, as every output (version 3)
        num(n, "y", c.y() + 1);
        num(n, "ra", c.ra());
        num(n, "dec", c.dec());
        num(n, "flux", c.flux());
        num(n, "flux_err", c.fluxErr());
        num(n, "snr", c.snr());
        num(n, "mag", c.mag());
        num(n, "mag_err", c.magErr());
        num(n, "fwhm", c.fwhm());
        num(n, "elongation", c.elongation());
        n.put("sign", c.sign());
        n.put("flags", c.flags());
        n.put("flag_names", DetectionFlag.names(c.flags()));
        num(n, "score", c.score());
        n.put("model", c.modelVersion());
        if (withCutout && c.cutout() != null) {
            n.put("cutout", Base64.getEncoder().encodeToString(cutoutBytes(c.cutout())));
        }
        return n;
    }

    /** 3 x 29 x 29 little-endian float32. */
    public static byte[] cutoutBytes(float[] cutout) {
        ByteBuffer b = ByteBuffer.allocate(cutout.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(cutout);
        return b.array();
    }

    public static float[] cutoutOf(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        float[] f = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    private static void num(ObjectNode n, String k, double v) {
        if (Double.isFinite(v)) {
            n.put(k, v);
        } else {
            n.putNull(k);
        }
    }

    private static double num(JsonNode n, String k) {
        JsonNode v = n.get(k);
        return v == null || v.isNull() ? Double.NaN : v.asDouble();
    }

    public static Alert read(String json) {
        try {
            return read(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not an alert: " + e.getOriginalMessage(), e);
        }
    }

    public static Alert read(JsonNode o) {
        int version = o.path("schema_version").asInt(-1);
        if (version < 1 || version > Alert.SCHEMA_VERSION) {
            throw new IllegalArgumentException("alert " + o.path("id").asText("?") + ": schema_version " + version + ", this build reads "
                + "1 to " + Alert.SCHEMA_VERSION);
        }
        JsonNode c = o.get("candidate");
        float[] cutout = c.hasNonNull("cutout") ? cutoutOf(Base64.getDecoder().decode(c.get("cutout").asText())) : null;
        Candidate cand = new Candidate(c.get("id").asText(), c.get("sensor").asInt(), c.get("visit").asLong(), c.get("field").asInt(),
            num(c, "mjd"), num(c, "x") - Alert.pixelOrigin(version), num(c, "y") - Alert.pixelOrigin(version), num(c, "ra"), num(c, "dec"), num(c, "flux"), num(c, "flux_err"), num(c, "snr"),
            num(c, "mag"), num(c, "mag_err"), num(c, "fwhm"), num(c, "elongation"), c.get("sign").asInt(), c.get("flags").asInt(),
            cutout, num(c, "score"), c.hasNonNull("model") ? c.get("model").asText() : null);
        List<PastDetection> history = new ArrayList<>();
        for (JsonNode n : o.get("history")) {
            history.add(new PastDetection(n.get("candidate_id").asText(), n.get("sensor").asInt(), n.get("visit").asLong(), num(n, "mjd"),
                num(n, "ra"), num(n, "dec"), num(n, "flux"), num(n, "flux_err"), num(n, "snr"), num(n, "mag"), num(n, "mag_err"),
                n.get("sign").asInt(), n.get("flags").asInt(), num(n, "score")));
        }
        JsonNode w = o.get("window");
        Alert.Window window = w == null || w.isNull() ? null
            : new Alert.Window(num(w, "start_mjd"), num(w, "end_mjd"), num(w, "best_mjd"), num(w, "min_airmass"), num(w, "moon_separation_deg"));
        return new Alert(o.get("id").asText(), o.get("object_id").asText(), Alert.State.valueOf(o.get("state").asText().toUpperCase(java.util.Locale.ROOT)),
            o.get("kind").asText(), o.hasNonNull("reason") ? o.get("reason").asText() : null, o.get("rank").asInt(), num(o, "rank_score"),
            map(o.get("score_parts")), map(o.get("score_weights")), cand, history, window, o.path("host").asText(HostContext.NONE),
            o.path("late_s").asDouble(0));
    }

    private static Map<String, Double> map(JsonNode n) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue().isNull() ? Double.NaN : e.getValue().asDouble());
        }
        return m;
    }
}
