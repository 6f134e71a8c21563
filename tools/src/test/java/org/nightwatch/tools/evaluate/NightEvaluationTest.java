package org.nightwatch.tools.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The night's score on a hand-made night whose every number is worked out below. */
class NightEvaluationTest {
    @TempDir
    Path dir;

    private static String alert(String object, String state, String kind, double rank, double ra, double dec) {
        return String.format(java.util.Locale.ROOT, "{\"schema_version\":1,\"id\":\"%s@x\",\"object_id\":\"%s\",\"state\":\"%s\",\"kind\":\"%s\","
            + "\"rank_score\":%f,\"candidate\":{\"ra\":%f,\"dec\":%f},\"history\":[{\"ra\":%f,\"dec\":%f}]}", object, object, state, kind,
            rank, ra, dec, ra, dec);
    }

    @Test
    void recallPurityAndLatencyOfAHandMadeNight() throws Exception {
        // truth: T1 bright transient alerted; T2 faint one missed; T3 bright one taken for a variable (a miss);
        // T4 bright but its field was observed once (not alertable); V1 a variable; M1 a moving object alerted as a transient
        Files.write(dir.resolve("truth.csv"), List.of(
            "id,kind,subtype,sensor,field,visit_first,visit_last,ra,dec,x,y,mag_peak,snr_peak",
            "T1,transient,fast,0,0,0,8,10.00,20,1,1,17.2,30",
            "T2,transient,fast,0,0,0,8,10.01,20,1,1,19.6,7",
            "T3,transient,fast,0,0,0,8,10.02,20,1,1,18.4,15",
            "T4,transient,fast,0,1,0,8,10.05,20,1,1,17.0,40",
            "V1,variable,,0,0,0,8,10.03,20,1,1,16.0,50",
            "M1,moving,,0,0,0,8,10.04,20,1,1,18.0,20"));
        Files.write(dir.resolve("candidates.csv"), List.of("id,sensor,visit,field", "a,0,0,0", "b,0,4,0", "c,0,1,1"));
        Files.write(dir.resolve("alerts.jsonl"), List.of(
            alert("A1", "new", "transient", 0.9, 10.00, 20),
            alert("A3", "new", "variable", 0.5, 10.02, 20),
            alert("AV", "new", "variable", 0.4, 10.03, 20),
            alert("AM", "new", "transient", 0.8, 10.04, 20),
            alert("AX", "new", "transient", 0.95, 11.00, 20),
            alert("AX", "retracted", "moving", 0.0, 11.00, 20)));
        Files.write(dir.resolve("alert-latency.csv"), List.of("alert_id,sensor,visit,latency_ms", "A1@x,0,4,100", "A3@x,0,4,200",
            "AV@x,0,4,300"));
        Files.writeString(dir.resolve("report.json"), "{\"realtime_factor\": 1.02}");

        ObjectNode r = NightEvaluation.run(dir, dir.resolve("truth.csv"), 2.0, dir.resolve("plots"));
        assertEquals(2, r.get("transients_alertable_snr_ge_10").asInt(), "T1 and T3; T4 was observed once");
        assertEquals(0.5, r.get("recall_snr_ge_10").asDouble());
        assertEquals(1, r.get("transients_alertable_snr_5_10").asInt());
        assertEquals(0.0, r.get("recall_snr_5_10").asDouble());
        // live, best first: A1 0.9, AM 0.8, A3 0.5, AV 0.4 (AX retracted); at a truth transient: A1 and A3
        assertEquals(4, r.get("live_alerts").asInt());
        assertEquals(0.5, r.get("top20_purity").asDouble());
        assertEquals(0.5, r.get("top100_purity").asDouble());
        // each live alert against what is there: A1 a transient at T1 and AV a variable at V1 are what they say;
        // A3 said variable at the transient T3, AM transient at the mover M1
        assertEquals(0.5, r.get("live_purity").asDouble());
        assertEquals(2, r.get("false_live_alerts").size());
        assertEquals(1, r.get("false_live_alerts").get("variable at a transient").asInt());
        assertEquals(1, r.get("false_live_alerts").get("transient at a moving").asInt());
        assertEquals(5, r.get("alerts").asInt(), "objects alerted");
        assertEquals(6, r.get("alert_changes").asInt());
        assertEquals(1, r.get("moving_alerted_as_transient").asInt());
        assertEquals(1, r.get("by_kind").get("variable").get("alerted_as_variable").asInt());
        assertEquals(200, r.get("latency_ms").get("p50").asDouble(), 1);
        assertEquals(300, r.get("latency_ms").get("p99").asDouble(), 1);
        assertEquals(1.02, r.get("realtime_factor").asDouble());
        assertTrue(Files.size(dir.resolve("plots").resolve("recall.png")) > 0);
        assertTrue(Files.size(dir.resolve("plots").resolve("latency.png")) > 0);
    }

    @Test
    void aTruthFileAnotherToolWroteIsReadAsCsvWithQuotedFields() throws Exception {
        // a subtype with a comma, quoted as the csv modules of Python and spreadsheets write it; a short last row
        Path truth = Files.writeString(dir.resolve("theirs.csv"),
            "id,kind,subtype,ra,dec\r\nT1,transient,\"SN Ia, host 2\"\" away\",10.5,20\r\n\r\nT2,transient,,11.5\r\n");
        List<java.util.Map<String, String>> rows = NightEvaluation.csv(truth);
        assertEquals(2, rows.size());
        assertEquals("SN Ia, host 2\" away", rows.get(0).get("subtype"));
        assertEquals("10.5", rows.get(0).get("ra"));
        assertEquals("", rows.get(1).get("dec"), "a missing trailing field reads as empty");
        Path wide = Files.writeString(dir.resolve("wide.csv"), "id,ra\nT1,10,20\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NightEvaluation.csv(wide));
        assertTrue(e.getMessage().startsWith(wide + ": line 2"), e.getMessage());
    }

    @Test
    void aMissingFileIsNamed() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> NightEvaluation.run(dir, dir.resolve("truth.csv"), 2.0, null));
        assertTrue(e.getMessage().contains(dir.resolve("alerts.jsonl").toString()), e.getMessage());
        Files.write(dir.resolve("alerts.jsonl"), List.of(alert("A1", "new", "transient", 0.9, 10.00, 20)));
        e = assertThrows(IllegalArgumentException.class, () -> NightEvaluation.run(dir, dir.resolve("nope.csv"), 2.0, null));
        assertTrue(e.getMessage().contains(dir.resolve("nope.csv").toString()), e.getMessage());
    }
}
