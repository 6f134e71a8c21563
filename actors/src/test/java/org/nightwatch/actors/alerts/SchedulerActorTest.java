package org.nightwatch.actors.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.actors.WireTime;
import org.nightwatch.protocol.Alert;
import org.nightwatch.protocol.Candidate;
import org.nightwatch.protocol.VettingLabel;
import org.nightwatch.scheduler.AlertOutputs;
import org.nightwatch.scheduler.AlertStore;
import org.nightwatch.scheduler.Cands;
import org.nightwatch.scheduler.HostContext;
import org.nightwatch.scheduler.KnownVariables;
import org.nightwatch.scheduler.Scheduler;
import org.nightwatch.scheduler.SchedulerSettings;

/**
 * The scheduler actor on its own, with the real scheduler, an embedded database file and the alert files in a
 * temporary directory: what it commits, publishes and writes, what it answers, and a batch the database refuses.
 */
class SchedulerActorTest {
    @TempDir
    Path dir;

    private final ActorTestKit kit = ActorTestKit.create();
    private AlertStore store;
    private AlertOutputs outputs;
    private AlertHub hub;
    private final AtomicLong handled = new AtomicLong();
    /** Visits, counted from 1, whose batch the drill makes fail (0: none). */
    private final AtomicInteger failVisit = new AtomicInteger();
    private final AtomicInteger visits = new AtomicInteger();
    private ActorRef<SchedulerActor.Command> actor;

    @BeforeEach
    void start() {
        SchedulerSettings s = Cands.settings("nightwatch.scheduler.alert-min-detections = 1");
        store = AlertStore.openNight(s.storeUrl(), s.storeUser(), s.storePassword(), dir, "scheduler actor test",
            AlertOutputs.NIGHT_FILES).store();
        outputs = new AlertOutputs(dir, new AlertOutputs.Formats(false, s.voEvent(true)));
        hub = new AlertHub(Materializer.matFromSystem(kit.system()), 64);
        Runnable drill = () -> {
            if (visits.incrementAndGet() == failVisit.get()) {
                throw new IllegalStateException("the database refused the batch (drill)");
            }
        };
        actor = kit.spawn(SchedulerActor.create(new Scheduler(s, KnownVariables.none(s.associationRadiusArcsec())), store, outputs, hub,
            0, null, drill, handled));
    }

    @AfterEach
    void stop() {
        kit.shutdownTestKit();
        outputs.close();
        store.close();
    }

    private static List<Candidate> visit(int sensor, long visit, double mjd, String... ids) {
        return java.util.stream.IntStream.range(0, ids.length)
            .mapToObj(i -> Cands.at(ids[i], sensor, visit, mjd, 150.0 + i * 0.01, 20.0, 25, 17, 0.97, HostContext.NONE)).toList();
    }

    private SchedulerTotals totals() {
        TestProbe<SchedulerTotals> p = kit.createTestProbe();
        actor.tell(new SchedulerActor.GetTotals(p.getRef()));
        return p.receiveMessage();
    }

    @Test
    void aScoredVisitIsCommittedPublishedAndWrittenAndItsObjectsCanBeLabelled() throws Exception {
        actor.tell(new SchedulerActor.Scored(1, 1, visit(1, 1, Cands.MJD, "S1-V1-0", "S1-V1-1"), WireTime.now(), 0, false));
        actor.tell(new SchedulerActor.Scored(1, 2, List.of(), WireTime.now(), 0, false)); // a visit without candidates
        SchedulerTotals t = totals();
        assertEquals(2, t.candidatesIn());
        assertEquals(2, t.liveAlerts(), "each transient alerted at its first detection");
        assertEquals(2, handled.get(), "both visits handled, the empty one too");
        assertEquals(0, t.failedBatches());
        assertEquals(2, hub.offered(), "the live consumers are offered each alert change");
        List<String> lines = Files.readAllLines(dir.resolve("alerts.jsonl"), StandardCharsets.UTF_8);
        assertEquals(2, lines.size(), "written to the alert file before the totals are answered");

        TestProbe<List<Alert>> live = kit.createTestProbe();
        actor.tell(new SchedulerActor.GetLive(live.getRef()));
        List<Alert> alerts = live.receiveMessage();
        assertEquals(2, alerts.size());
        TestProbe<Boolean> answer = kit.createTestProbe();
        actor.tell(new SchedulerActor.Label(alerts.get(0).objectId(), VettingLabel.REAL, "operator", answer.getRef()));
        assertTrue(answer.receiveMessage(), "a known object's label is stored");
        actor.tell(new SchedulerActor.Label("no-such-object", VettingLabel.BOGUS, "operator", answer.getRef()));
        assertFalse(answer.receiveMessage(), "an unknown object is answered false");
    }

    @Test
    void aBatchTheDatabaseRefusesIsLoggedAndCountedAndTheNextVisitIsHandled() {
        failVisit.set(1);
        LoggingTestKit.error("was not committed").withOccurrences(1).expect(kit.system(), () -> {
            actor.tell(new SchedulerActor.Scored(2, 1, visit(2, 1, Cands.MJD, "S2-V1-0"), WireTime.now(), 0, false));
            return null;
        });
        actor.tell(new SchedulerActor.Scored(2, 2, visit(2, 2, Cands.MJD + 0.01, "S2-V2-0"), WireTime.now(), 0, false));
        SchedulerTotals t = totals();
        assertEquals(1, t.failedBatches());
        assertEquals(2, t.candidatesIn(), "the refused batch's candidates were received (candidates.csv has them)");
        assertEquals(1, t.liveAlerts(), "the next visit's alert is committed");
        assertEquals(2, handled.get(), "the refused visit counts as handled: the night does not wait for it");
    }

    @Test
    void aVisitDeliveredTwiceIsRunOnce() throws Exception {
        List<Candidate> cands = visit(4, 9, Cands.MJD, "S4-V9-0", "S4-V9-1");
        actor.tell(new SchedulerActor.Scored(4, 9, cands, WireTime.now(), 0, false));
        // at-least-once delivery across machines sends a visit again when its acknowledgement was lost
        actor.tell(new SchedulerActor.Scored(4, 9, cands, WireTime.now(), 0, false));
        SchedulerTotals t = totals();
        assertEquals(2, t.candidatesIn(), "the second delivery's candidates are not taken in");
        assertEquals(1, t.visitsRedelivered());
        assertEquals(2, t.liveAlerts());
        assertEquals(2, hub.offered(), "no alert change from the second delivery");
        assertEquals(2, Files.readAllLines(dir.resolve("alerts.jsonl"), StandardCharsets.UTF_8).size());
        assertEquals(1, store.visitsDone().get(4).size());
    }
}
