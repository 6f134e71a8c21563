package org.nightwatch.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.actors.alerts.AlertStreamSubscriber;
import org.nightwatch.actors.alerts.SchedulerTotals;
import org.nightwatch.camera.fits.NightLayout;
import org.nightwatch.camera.source.Pacing;
import org.nightwatch.night.DeploymentConfig;
import org.nightwatch.night.NightOptions;
import org.nightwatch.night.NightRunner;
import org.nightwatch.night.NightSummary;
import org.nightwatch.protocol.Alert;
import org.nightwatch.protocol.SurveyMode;
import org.nightwatch.scheduler.AlertAvro;
import org.nightwatch.scheduler.AlertJson;
import org.nightwatch.scheduler.AlertJsonLines;
import org.nightwatch.scheduler.AlertOutputs;
import org.nightwatch.scheduler.AlertStore;

/**
 * The scheduler at the end of the pipeline, on a simulated night with transients, variable stars and
 * moving objects: the transients are alerted and rank above the variables, the moving objects are not
 * alerted as transients, and the database, the alert files (JSON lines, Avro, VOEvent, each valid against
 * its schema) and the Aeron alert stream agree alert for alert.
 */
class AlertStreamSystemTest {
    private static final int SENSORS = 3;
    private static final int VISITS = 16;
    private static final int FPV = 12;
    /** 21:00 at Kiso on an October night, when the simulated fields (RA 0-30, Dec 20) are up: the same ranks whenever CI runs. */
    static final java.time.Instant NIGHT = java.time.Instant.parse("2026-10-15T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 400, unit = TimeUnit.SECONDS)
    void transientsAreAlertedAboveVariablesAndMovingObjectsAreNot() throws Exception {
        Path model = Nights.DEFAULT_MODEL;
        int port;
        try (DatagramSocket free = new DatagramSocket(0)) {
            port = free.getLocalPort();
        }
        // four fields, each revisited four times; moving objects fast enough to move between revisits
        DeploymentConfig cfg = Nights.config(dir, """
            nightwatch.camera.sim.survey { fields = 4, transients = 12, variables = 8, moving = 4, moving-rate-px-s = [0.05, 0.2] }
            nightwatch.actors.classifier.model = "%s"
            nightwatch.scheduler.outputs.aeron.channel = "aeron:udp?control=127.0.0.1:%d|control-mode=dynamic"
            """.formatted(model, port));
        Path out = dir.resolve("night-out");
        NightSummary s;
        // a machine consumer of the Aeron alert stream, joined before the night starts
        List<Alert> streamed = new ArrayList<>();
        try (NightRunner runner = new NightRunner(cfg, NightOptions.simulate(SENSORS, VISITS, SurveyMode.HIGH_CADENCE,
            Pacing.MAX).withDiff(out).withNightStart(NIGHT).build());
             AlertStreamSubscriber consumer = new AlertStreamSubscriber("127.0.0.1:" + port, null, 4001)) {
            await().atMost(Duration.ofSeconds(30)).until(consumer::isConnected);
            AtomicBoolean done = new AtomicBoolean();
            Thread poller = new Thread(() -> {
                while (!done.get()) {
                    List<Alert> got = consumer.poll();
                    synchronized (streamed) {
                        streamed.addAll(got);
                    }
                    if (got.isEmpty()) {
                        LockSupport.parkNanos(1_000_000);
                    }
                }
            }, "alert-stream-consumer");
            poller.start();
            s = runner.run(null);
            long sent = s.scheduler().stream().sent();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                synchronized (streamed) {
                    return streamed.size() >= sent;
                }
            });
            done.set(true);
            poller.join();
        }
        SchedulerTotals t = s.scheduler();
        assertNotNull(t);
        assertEquals(0, t.failedBatches());
        assertEquals(s.differenceImaging().candidates(), t.candidatesIn(), "every scored candidate reached the scheduler");

        // the file and the database hold the same alerts, each once
        List<String> lines = Files.readAllLines(out.resolve(AlertJsonLines.FILE));
        Set<String> fileIds = new HashSet<>();
        Map<String, JsonNode> finalState = new HashMap<>();
        for (String l : lines) {
            JsonNode a = AlertJson.mapper().readTree(l);
            assertTrue(fileIds.add(a.get("id").asText()), "alert " + a.get("id") + " written twice");
            finalState.put(a.get("object_id").asText(), a);
            AlertJson.read(a); // every line reads back as an alert
        }
        try (AlertStore store = AlertStore.open("", "", "", out)) {
            Set<String> dbIds = new HashSet<>();
            store.alertsAfter(0, 100_000).forEach(a -> dbIds.add(a.alert().id()));
            assertEquals(dbIds, fileIds);
            assertEquals(t.alertsByState().values().stream().mapToLong(Long::longValue).sum(), dbIds.size());

            // one Avro packet and one VOEvent per alert, each valid against its schema
            Set<String> expectedNames = new HashSet<>();
            dbIds.forEach(id -> expectedNames.add(AlertAvro.fileSafe(id)));
            assertEquals(expectedNames, names(out.resolve(AlertOutputs.AVRO_DIR), ".avro"));
            assertEquals(expectedNames, names(out.resolve(AlertOutputs.VOEVENT_DIR), ".xml"));
            Validator voevent = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(getClass().getResource("/schema/VOEvent-2.0.xsd")).newValidator();
            try (var xmls = Files.list(out.resolve(AlertOutputs.VOEVENT_DIR))) {
                for (Path x : xmls.toList()) {
                    voevent.validate(new StreamSource(x.toFile()));
                }
            }
            try (var avros = Files.list(out.resolve(AlertOutputs.AVRO_DIR))) {
                for (Path x : avros.toList()) {
                    GenericRecord r = AlertAvro.readRecords(x).get(0);
                    assertTrue(GenericData.get().validate(AlertAvro.schema(), r), x.toString());
                    assertTrue(dbIds.contains(AlertAvro.alert(r).id()));
                }
            }
            // the Aeron alert stream carried every alert, in commit order
            List<String> inOrder = store.alertsAfter(0, 100_000).stream().map(a -> a.alert().id()).toList();
            assertEquals(inOrder, streamed.stream().map(Alert::id).toList());
            assertEquals(0, t.stream().unheard() + t.stream().dropped(), t.stream().toString());
        }

        List<Map<String, String>> truth = DifferenceImagingSystemTest.Csv.read(new NightLayout(out.resolve("sky")).truth());
        // transients bright enough on at least two visits of their field are alerted as transients
        int expected = 0;
        int alerted = 0;
        List<Double> transientScores = new ArrayList<>();
        List<Double> variableScores = new ArrayList<>();
        for (Map<String, String> tr : truth) {
            String kind = tr.get("kind");
            JsonNode a = nearestLive(finalState, tr);
            if (kind.equals("transient")) {
                int bright = 0;
                for (int v = Integer.parseInt(tr.get("field")); v < VISITS; v += 4) {
                    bright += DifferenceImagingSystemTest.expectedSnr(tr, v, FPV) >= 10 ? 1 : 0;
                }
                if (bright >= 2) {
                    expected++;
                    alerted += a != null && a.get("kind").asText().equals("transient") ? 1 : 0;
                }
                if (a != null) {
                    transientScores.add(a.get("rank_score").asDouble());
                }
            } else if (kind.equals("variable") && a != null) {
                variableScores.add(a.get("rank_score").asDouble());
            } else if (kind.equals("moving")) {
                assertTrue(a == null || !a.get("kind").asText().equals("transient"),
                    "moving object " + tr.get("id") + " alerted as a transient: " + a);
            }
        }
        assertTrue(expected >= 40, "only " + expected + " transients bright on two visits");
        assertTrue(alerted >= 0.9 * expected, "transients alerted: " + alerted + " of " + expected);
        assertTrue(variableScores.size() >= 5, "variables alerted: " + variableScores.size());
        // ranked above: a transient alert outranks a variable-star alert in most pairs
        long above = 0;
        for (double ts : transientScores) {
            for (double vs : variableScores) {
                above += ts > vs ? 1 : 0;
            }
        }
        double share = above / (double) (transientScores.size() * variableScores.size());
        assertTrue(share >= 0.8, "a transient outranks a variable in " + share + " of pairs; median rank scores: transients "
            + median(transientScores) + ", variables " + median(variableScores));
        // the top of the ranked list is transients
        List<JsonNode> live = finalState.values().stream().filter(a -> !a.get("state").asText().equals("retracted"))
            .sorted((x, y) -> Double.compare(y.get("rank_score").asDouble(), x.get("rank_score").asDouble())).toList();
        int top = Math.min(20, live.size());
        int topTransients = 0;
        for (JsonNode a : live.subList(0, top)) {
            Map<String, String> tr = nearestTruth(truth, a);
            topTransients += tr != null && tr.get("kind").equals("transient") ? 1 : 0;
        }
        assertTrue(topTransients >= 0.9 * top, topTransients + " of the top " + top + " are transients");
        assertTrue(t.objectsByKind().getOrDefault("moving", 0L) > 0, "moving objects found: " + t.objectsByKind());
    }

    private static Set<String> names(Path d, String suffix) throws java.io.IOException {
        try (var files = Files.list(d)) {
            return new HashSet<>(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix))
                .map(n -> n.substring(0, n.length() - suffix.length())).toList());
        }
    }

    /** The live alert (final state not retracted) within 2" of a truth source, or null. */
    private static JsonNode nearestLive(Map<String, JsonNode> finalState, Map<String, String> tr) {
        JsonNode best = null;
        double bestSep = 2.0;
        for (JsonNode a : finalState.values()) {
            if (a.get("state").asText().equals("retracted")) {
                continue;
            }
            for (JsonNode h : a.get("history")) {
                double sep = sep(h.get("ra").asDouble(), h.get("dec").asDouble(), tr);
                if (sep < bestSep) {
                    bestSep = sep;
                    best = a;
                }
            }
        }
        return best;
    }

    private static Map<String, String> nearestTruth(List<Map<String, String>> truth, JsonNode a) {
        Map<String, String> best = null;
        double bestSep = 2.0;
        for (Map<String, String> tr : truth) {
            double sep = sep(a.get("candidate").get("ra").asDouble(), a.get("candidate").get("dec").asDouble(), tr);
            if (sep < bestSep) {
                bestSep = sep;
                best = tr;
            }
        }
        return best;
    }

    private static double sep(double ra, double dec, Map<String, String> tr) {
        double d = Math.toRadians(Double.parseDouble(tr.get("dec")));
        return Math.hypot((ra - Double.parseDouble(tr.get("ra"))) * Math.cos(d), dec - Double.parseDouble(tr.get("dec"))) * 3600;
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(Double::compare);
        return s.isEmpty() ? Double.NaN : s.get(s.size() / 2);
    }
}
