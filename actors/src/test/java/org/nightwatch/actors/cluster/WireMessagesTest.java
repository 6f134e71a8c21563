package org.nightwatch.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.nightwatch.actors.ObservatoryActor;
import org.nightwatch.actors.SensorReport;
import org.nightwatch.actors.SensorState;
import org.nightwatch.actors.alerts.SchedulerActor;
import org.nightwatch.protocol.Candidate;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.scheduler.Cands;
import org.nightwatch.scheduler.HostContext;

/**
 * The messages that cross machines in a night on several are serialised by Pekko's Jackson CBOR serializer (never by
 * Java serialization) and come back whole: scored candidates with their three cutouts, and a sensor's report.
 */
class WireMessagesTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final Serialization SERIALIZATION = SerializationExtension.get(Adapter.toClassic(KIT.system()));

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    private static Object roundTrip(Object message) {
        Serializer s = SERIALIZATION.findSerializerFor(message);
        assertEquals("org.apache.pekko.serialization.jackson.JacksonCborSerializer", s.getClass().getName(),
            message.getClass().getSimpleName() + " is serialised as CBOR");
        byte[] bytes = SERIALIZATION.serialize(message).get();
        return SERIALIZATION.deserialize(bytes, s.identifier(), Serializers.manifestFor(s, message)).get();
    }

    @Test
    void scoredCandidatesCrossWithTheirCutouts() {
        List<Candidate> cands = List.of(Cands.at("S3-V7-0", 3, 7, Cands.MJD, 150.1, 2.2, 25, 17.5, 0.97, HostContext.GALAXY),
            Cands.at("S3-V7-1", 3, 7, Cands.MJD, 150.2, 2.3, -12, 18.1, 0.12, HostContext.STAR));
        SchedulerActor.Scored sent = new SchedulerActor.Scored(3, 7, cands, 11, 22, true);
        Serializer s = SERIALIZATION.findSerializerFor(sent);
        int size = SERIALIZATION.serialize(sent).get().length;
        SchedulerActor.Scored back = (SchedulerActor.Scored) roundTrip(sent);
        assertEquals(sent.sensor(), back.sensor());
        assertEquals(sent.visit(), back.visit());
        assertEquals(sent.late(), back.late());
        assertEquals(2, back.candidates().size());
        for (int i = 0; i < 2; i++) {
            Candidate a = cands.get(i);
            Candidate b = back.candidates().get(i);
            assertEquals(a.id(), b.id());
            assertEquals(a.ra(), b.ra());
            assertEquals(a.snr(), b.snr());
            assertEquals(a.score(), b.score());
            assertEquals(a.modelVersion(), b.modelVersion());
            assertArrayEquals(a.cutout(), b.cutout(), "the cutouts come back bit for bit");
        }
        // three 29x29 float planes a candidate: about 10 kB each in CBOR, well under Artery's frame size (256 KiB)
        assertTrue(size < 2 * 3 * Candidate.CUTOUT * Candidate.CUTOUT * 6, size + " bytes with " + s.getClass().getSimpleName());
    }

    @Test
    void aSensorsReportCrossesWithItsStateAndNaNSky() {
        SensorReport r = new SensorReport(SensorId.of(42), SensorState.STALLED, 120, 108, 6, 6, 9, 2, Double.NaN, "frame 17 truncated", 1);
        assertEquals(new ObservatoryActor.SensorReported(r), roundTrip(new ObservatoryActor.SensorReported(r)));
        assertEquals(new ObservatoryActor.SensorDrained(SensorId.of(42)), roundTrip(new ObservatoryActor.SensorDrained(SensorId.of(42))));
    }

    @Test
    void aSensorsWholeBooksCrossToTheNodeThatKeepsTheNights() {
        org.nightwatch.actors.ingest.SensorLedger l = new org.nightwatch.actors.ingest.SensorLedger(SensorId.of(5));
        l.account(org.nightwatch.protocol.FrameFate.STACKED, 96);
        l.account(org.nightwatch.protocol.FrameFate.LOST_INCOMPLETE, 1);
        l.gap(40, 40, org.nightwatch.protocol.FrameFate.LOST_INCOMPLETE, "sensor-05 frame 40: rows stopped at 512");
        l.visitsToScheduler().set(8);
        SensorReport r = new SensorReport(SensorId.of(5), SensorState.OBSERVING, 97, 96, 1, 0, 8, 1, 1234.5, null, 0,
            "nightwatch@10.0.0.2:25520", l.books());
        SensorReport back = ((ObservatoryActor.SensorReported) roundTrip(new ObservatoryActor.SensorReported(r))).report();
        assertEquals(r, back);
        org.nightwatch.actors.ingest.SensorLedger mirror = new org.nightwatch.actors.ingest.SensorLedger(SensorId.of(5));
        mirror.mirror(back.books());
        assertEquals(97, mirror.accounted());
        assertEquals(8, mirror.visitsToScheduler().get());
        assertEquals(l.gaps(), mirror.gaps());
    }

    @Test
    void theNightPlanASensorIsHostedWithCrossesWithTheRefItReportsTo() {
        var probe = KIT.<ObservatoryActor.Command>createTestProbe();
        var nodes = KIT.<NodeReport>createTestProbe();
        SensorHost.Host h = new SensorHost.Host(new SensorHost.NightPlan("simulate seed=1", "/data/night/sky", List.of(0, 1, 2),
            "all-sky", true, nodes.getRef()), 2, probe.getRef());
        assertEquals(h, roundTrip(h));
        NightsTopic.Announce announce = new NightsTopic.Announce(h.plan());
        assertEquals(announce, roundTrip(announce), "the night announced to workers that join");
        SensorHost.Close close = new SensorHost.Close("the night was closed: no frame accounted for 120 s");
        assertEquals(close, roundTrip(close));
        SensorHost.Finish finish = new SensorHost.Finish("still open 32 s after the camera finished");
        assertEquals(finish, roundTrip(finish));
        NodeReport n = NodeReport.of("nightwatch@10.0.0.2:25520", List.of("worker"), List.of("sensor-01", "sensor-07"), 44, 42,
            new NodeReport.CatchUp("/data/node/spool", 6, 4, 1, 1, 2500, 9100, 0, 1 << 30, 1 << 27, 50L << 30,
                List.of("sensor-07 visit 3: unreadable")));
        assertEquals(n, roundTrip(n));
    }

    @Test
    void whatTheSchedulersNodeAndTheRoomsSayToEachOtherCrossWhole() {
        // an alert change with its cutout and history, as the scheduler's node publishes it to the room's
        for (org.nightwatch.protocol.Alert a : org.nightwatch.scheduler.TestAlerts.night(3)) {
            AlertsTopic.Change c = new AlertsTopic.Change(a, 1_234_567);
            AlertsTopic.Change back = (AlertsTopic.Change) roundTrip(c);
            assertEquals(org.nightwatch.scheduler.AlertJson.write(a, true), org.nightwatch.scheduler.AlertJson.write(back.alert(), true),
                "the alert comes back field for field");
            assertEquals(c.sinceVisitNanos(), back.sinceVisitNanos());
        }
        var labels = KIT.<Boolean>createTestProbe();
        var totals = KIT.<org.nightwatch.actors.alerts.SchedulerTotals>createTestProbe();
        var changes = KIT.<AlertsTopic.Change>createTestProbe();
        List<SchedulerInlet.Command> asks = List.of(new SchedulerInlet.Night("simulate seed=7", true),
            new SchedulerInlet.Label("obj-1", org.nightwatch.protocol.VettingLabel.REAL, "operator", labels.getRef()),
            new SchedulerInlet.Drain(totals.getRef()), new SchedulerInlet.Replay(changes.getRef()));
        for (SchedulerInlet.Command m : asks) {
            assertEquals(m, roundTrip(m));
        }
        var t = new org.nightwatch.actors.alerts.SchedulerTotals(10, 8, java.util.Map.of("transient", 2L), java.util.Map.of("new", 2L), 2,
            1.5, 3.5, 0, 0, 4, 1, "jdbc:postgresql://db:5432/nightwatch", "out/alerts.jsonl", 2, 2, 0, 900, 1400,
            new org.nightwatch.actors.alerts.SchedulerTotals.Stream("aeron:udp?control=room:40124|control-mode=dynamic", 4001, 2, 0, 0),
            0, 0, 0, 1);
        assertEquals(t, roundTrip(t));
    }
}
