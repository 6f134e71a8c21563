package org.nightwatch.tools.evaluate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.DoubleHistogram;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.nightwatch.scheduler.AlertJson;
import org.nightwatch.scheduler.AlertJsonLines;
import org.nightwatch.scheduler.Sky;

/**
 * Scores a night's alert stream against its ground truth ({@code truth.csv} of a simulated night):
 * recall of the injected transients by S/N and by magnitude, what became of the variable stars and
 * moving objects, the purity of the top of the ranked list and of all live alerts (each what it says it is, the
 * false ones by what they said and what was there), alerts per night, the latency from a visit's
 * last frame to its alerts and the real-time factor.
 *
 * <p>Matching: a truth source is found when a live alert (an object's latest alert, not retracted) has a
 * detection within {@code radiusArcsec} of it. A transient counts for recall when its field was observed
 * at least twice while it shone (the scheduler alerts on a second detection): those are the transients a
 * night could alert. Its S/N is the truth's peak S/N ({@code snr_peak}).
 */
public final class NightEvaluation {
    public static final String REPORT = "evaluation.json";
    private static final double[] SNR_EDGES = {0, 5, 10, 20, 50, Double.POSITIVE_INFINITY};
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private NightEvaluation() {
    }

    /**
     * The rows of a CSV by column name: the pipeline's candidates.csv, or a truth.csv another tool wrote
     * (quoted fields allowed), read by Jackson's CSV parser. A missing trailing field reads as empty.
     */
    public static List<Map<String, String>> csv(Path file) {
        CsvMapper csv = CsvMapper.builder()
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES).build();
        try (MappingIterator<Map<String, String>> it = csv.readerFor(Map.class)
            .with(CsvSchema.emptySchema().withHeader()).readValues(file.toFile())) {
            List<Map<String, String>> rows = new ArrayList<>();
            while (it.hasNextValue()) {
                rows.add(it.nextValue());
            }
            if (rows.isEmpty() && Files.size(file) == 0) {
                throw new IllegalArgumentException(file + ": empty, expected a header line");
            }
            List<String> head = ((CsvSchema) it.getParserSchema()).getColumnNames();
            for (Map<String, String> row : rows) {
                for (String c : head) {
                    row.putIfAbsent(c, "");
                }
            }
            return rows;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": line " + e.getLocation().getLineNr() + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static double num(Map<String, String> row, String key, Path file) {
        String v = row.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(file + ": no " + key + " in row " + row.get("id"));
        }
        return Double.parseDouble(v);
    }

    /**
     * Evaluates the night in {@code out} (alerts.jsonl, candidates.csv, alert-latency.csv, report.json when
     * there) against {@code truth}; writes {@code plots} PNGs when not null. Returns the report.
     */
    public static ObjectNode run(Path out, Path truth, double radiusArcsec, Path plots) {
        Path alertsFile = out.resolve(AlertJsonLines.FILE);
        if (!Files.exists(alertsFile)) {
            throw new IllegalArgumentException(alertsFile + ": no such file; is " + out + " a night's output directory?");
        }
        if (!Files.exists(truth)) {
            throw new IllegalArgumentException(truth + ": no such file (a simulated night's truth.csv; --truth FILE)");
        }
        // the night's alerts: each object's latest state
        Map<String, JsonNode> latest = new LinkedHashMap<>();
        long changes = 0;
        try {
            for (String line : Files.readAllLines(alertsFile)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode a = AlertJson.mapper().readTree(line);
                latest.put(a.get("object_id").asText(), a);
                changes++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + alertsFile, e);
        }
        List<JsonNode> live = new ArrayList<>();
        for (JsonNode a : latest.values()) {
            if (!a.get("state").asText().equals("retracted")) {
                live.add(a);
            }
        }
        live.sort((x, y) -> Double.compare(y.get("rank_score").asDouble(), x.get("rank_score").asDouble()));

        // which visits observed which field of which sensor
        Map<String, Set<Long>> visitsOf = new HashMap<>();
        Path cands = out.resolve("candidates.csv");
        if (Files.exists(cands)) {
            for (Map<String, String> c : csv(cands)) {
                visitsOf.computeIfAbsent(c.get("sensor") + "/" + c.get("field"), k -> new HashSet<>()).add(Long.parseLong(c.get("visit")));
            }
        }

        List<Map<String, String>> rows = csv(truth);
        int[] eligible = new int[SNR_EDGES.length - 1];
        int[] found = new int[SNR_EDGES.length - 1];
        Map<Integer, int[]> byMag = new java.util.TreeMap<>();
        Map<String, int[]> byKind = new LinkedHashMap<>();
        Set<String> transientObjects = new HashSet<>();
        int movingAsTransient = 0;
        for (Map<String, String> t : rows) {
            String kind = t.get("kind");
            double ra = num(t, "ra", truth);
            double dec = num(t, "dec", truth);
            JsonNode a = nearest(live, ra, dec, radiusArcsec);
            int[] k = byKind.computeIfAbsent(kind, x -> new int[3]); // in truth, alerted at all, alerted as this kind
            k[0]++;
            if (a != null) {
                k[1]++;
                k[2] += a.get("kind").asText().equals(kind) ? 1 : 0;
            }
            if (kind.equals("moving") && a != null && a.get("kind").asText().equals("transient")) {
                movingAsTransient++;
            }
            if (!kind.equals("transient")) {
                continue;
            }
            if (a != null && a.get("kind").asText().equals("transient")) {
                transientObjects.add(a.get("object_id").asText());
            }
            long first = (long) num(t, "visit_first", truth);
            long last = (long) num(t, "visit_last", truth);
            Set<Long> seen = visitsOf.getOrDefault(t.get("sensor") + "/" + t.get("field"), Set.of());
            long observed = seen.stream().filter(v -> v >= first && v <= last).count();
            if (!visitsOf.isEmpty() && observed < 2) {
                continue; // the night could not alert it: its field was not observed twice while it shone
            }
            double snr = num(t, "snr_peak", truth);
            boolean hit = a != null && a.get("kind").asText().equals("transient");
            for (int b = 0; b < eligible.length; b++) {
                if (snr >= SNR_EDGES[b] && snr < SNR_EDGES[b + 1]) {
                    eligible[b]++;
                    found[b] += hit ? 1 : 0;
                }
            }
            int mag = (int) Math.floor(num(t, "mag_peak", truth));
            int[] m = byMag.computeIfAbsent(mag, x -> new int[2]);
            m[0]++;
            m[1] += hit ? 1 : 0;
        }

        ObjectNode r = JSON.createObjectNode();
        r.put("night", out.toString());
        r.put("truth", truth.toString());
        r.put("match_radius_arcsec", radiusArcsec);
        int ge10 = 0;
        int ge10Found = 0;
        for (int b = 2; b < eligible.length; b++) {
            ge10 += eligible[b];
            ge10Found += found[b];
        }
        r.put("transients_alertable_snr_ge_10", ge10);
        putRatio(r, "recall_snr_ge_10", ge10Found, ge10);
        r.put("transients_alertable_snr_5_10", eligible[1]);
        putRatio(r, "recall_snr_5_10", found[1], eligible[1]);
        ArrayNode snrBins = r.putArray("recall_by_snr");
        for (int b = 0; b < eligible.length; b++) {
            ObjectNode n = snrBins.addObject();
            n.put("snr_min", SNR_EDGES[b]);
            if (Double.isFinite(SNR_EDGES[b + 1])) {
                n.put("snr_max", SNR_EDGES[b + 1]);
            }
            n.put("transients", eligible[b]);
            n.put("alerted", found[b]);
            putRatio(n, "recall", found[b], eligible[b]);
        }
        ArrayNode magBins = r.putArray("recall_by_mag");
        byMag.forEach((mag, m) -> {
            ObjectNode n = magBins.addObject();
            n.put("mag_min", mag);
            n.put("mag_max", mag + 1);
            n.put("transients", m[0]);
            n.put("alerted", m[1]);
            putRatio(n, "recall", m[1], m[0]);
        });
        ObjectNode kinds = r.putObject("by_kind");
        byKind.forEach((kind, k) -> {
            ObjectNode n = kinds.putObject(kind);
            n.put("in_truth", k[0]);
            n.put("alerted", k[1]);
            n.put("alerted_as_" + kind, k[2]);
        });
        r.put("moving_alerted_as_transient", movingAsTransient);
        for (int n : new int[] {20, 100}) {
            int top = Math.min(n, live.size());
            int pure = 0;
            for (JsonNode a : live.subList(0, top)) {
                pure += isTransient(a, rows, radiusArcsec, truth) ? 1 : 0;
            }
            putRatio(r, "top" + n + "_purity", pure, top);
            r.put("top" + n + "_ranked", top);
        }
        // every live alert is what it says: a transient at a transient, a variable at a variable star, a moving
        // object at a mover; the rest are false alerts, by what they said and what was there
        int pureLive = 0;
        Map<String, Integer> falseByKind = new java.util.TreeMap<>();
        for (JsonNode a : live) {
            String kind = a.get("kind").asText();
            String there = truthKindNear(a, rows, radiusArcsec, truth);
            if (kind.equals(there)) {
                pureLive++;
            } else {
                falseByKind.merge(kind + (there == null ? " at nothing in the truth" : " at a " + there), 1, Integer::sum);
            }
        }
        putRatio(r, "live_purity", pureLive, live.size());
        ObjectNode fk = r.putObject("false_live_alerts");
        falseByKind.forEach(fk::put);
        r.put("alerts", latest.size());
        r.put("alert_changes", changes);
        r.put("live_alerts", live.size());

        DoubleHistogram lat = new DoubleHistogram(3);
        Path latFile = out.resolve("alert-latency.csv");
        if (Files.exists(latFile)) {
            for (Map<String, String> row : csv(latFile)) {
                lat.recordValue(Math.max(0, Double.parseDouble(row.get("latency_ms"))));
            }
        }
        ObjectNode l = r.putObject("latency_ms");
        l.put("what", "a visit's last frame to its alerts committed, written and published");
        l.put("count", lat.getTotalCount());
        if (lat.getTotalCount() > 0) {
            l.put("p50", lat.getValueAtPercentile(50));
            l.put("p99", lat.getValueAtPercentile(99));
            l.put("max", lat.getMaxValue());
        } else {
            l.putNull("p50");
            l.putNull("p99");
        }
        Path report = out.resolve("report.json");
        JsonNode rtf = null;
        if (Files.exists(report)) {
            try {
                rtf = JSON.readTree(report.toFile()).get("realtime_factor");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + report, e);
            }
        }
        if (rtf != null && rtf.isNumber()) {
            r.put("realtime_factor", rtf.asDouble());
        } else {
            r.putNull("realtime_factor"); // the night was run without --report
        }
        if (plots != null) {
            plot(r, lat, plots);
        }
        return r;
    }

    private static void putRatio(ObjectNode n, String key, int num, int den) {
        if (den == 0) {
            n.putNull(key);
        } else {
            n.put(key, num / (double) den);
        }
    }

    private static double sep(double ra1, double dec1, double ra2, double dec2) {
        return Sky.separation(ra1, dec1, ra2, dec2) * 3600;
    }

    /** The live alert with a detection closest to (ra, dec), within the radius; null if none. */
    private static JsonNode nearest(List<JsonNode> live, double ra, double dec, double radius) {
        JsonNode best = null;
        double bestSep = radius;
        for (JsonNode a : live) {
            for (JsonNode d : a.get("history")) {
                double s = sep(d.get("ra").asDouble(), d.get("dec").asDouble(), ra, dec);
                if (s <= bestSep) {
                    bestSep = s;
                    best = a;
                }
            }
        }
        return best;
    }

    /** The kind of the truth source nearest to any of the alert's detections within the radius; null if none. */
    private static String truthKindNear(JsonNode a, List<Map<String, String>> truth, double radius, Path file) {
        String best = null;
        double bestSep = radius;
        for (JsonNode d : a.get("history")) {
            for (Map<String, String> t : truth) {
                double s = sep(d.get("ra").asDouble(), d.get("dec").asDouble(), num(t, "ra", file), num(t, "dec", file));
                if (s <= bestSep) {
                    bestSep = s;
                    best = t.get("kind");
                }
            }
        }
        return best;
    }

    private static boolean isTransient(JsonNode a, List<Map<String, String>> truth, double radius, Path file) {
        JsonNode c = a.get("candidate");
        for (Map<String, String> t : truth) {
            if (t.get("kind").equals("transient") && sep(c.get("ra").asDouble(), c.get("dec").asDouble(), num(t, "ra", file),
                num(t, "dec", file)) <= radius) {
                return true;
            }
        }
        return false;
    }

    private static void plot(ObjectNode r, DoubleHistogram lat, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        List<String> bins = new ArrayList<>();
        List<Double> recall = new ArrayList<>();
        for (JsonNode n : r.get("recall_by_snr")) {
            bins.add(n.has("snr_max") ? (int) n.get("snr_min").asDouble() + "-" + (int) n.get("snr_max").asDouble()
                : ">=" + (int) n.get("snr_min").asDouble());
            recall.add(n.get("recall").isNull() ? 0.0 : n.get("recall").asDouble());
        }
        CategoryChart c = new CategoryChartBuilder().width(800).height(500).title("Recall of the injected transients")
            .xAxisTitle("peak S/N").yAxisTitle("alerted as transients").build();
        c.getStyler().setYAxisMax(1.0);
        c.getStyler().setYAxisMin(0.0);
        c.addSeries("recall", bins, recall);
        save(c, dir.resolve("recall.png"));
        List<String> lb = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        if (lat.getTotalCount() > 0) {
            double max = lat.getMaxValue();
            double width = Math.max(1, Math.ceil(max / 20));
            long[] h = new long[21];
            for (var v : lat.recordedValues()) {
                h[(int) Math.min(20, v.getValueIteratedTo() / width)] += v.getCountAtValueIteratedTo();
            }
            for (int i = 0; i < h.length; i++) {
                lb.add(String.valueOf((long) (i * width)));
                counts.add(h[i]);
            }
        } else {
            lb.add("0");
            counts.add(0L);
        }
        CategoryChart l = new CategoryChartBuilder().width(800).height(500).title("A visit's last frame to its alerts")
            .xAxisTitle("ms").yAxisTitle("alerts").build();
        l.getStyler().setXAxisLabelRotation(90);
        l.addSeries("alerts", lb, counts);
        save(l, dir.resolve("latency.png"));
    }

    private static void save(Chart<?, ?> chart, Path file) {
        try {
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static void write(ObjectNode report, Path file) {
        try {
            JSON.writeValue(file.toFile(), report);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
