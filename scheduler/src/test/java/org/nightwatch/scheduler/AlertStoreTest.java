package org.nightwatch.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.protocol.Alert;
import org.nightwatch.protocol.Candidate;

class AlertStoreTest {
    @TempDir
    Path dir;

    @Test
    void aReopenedDatabaseGivesTheNightBackAndReDeliveryAddsNothing() {
        reopenedDatabaseGivesTheNightBack(() -> AlertStore.open("", "", "", dir));
        assertTrue(Files.exists(dir.resolve(AlertStore.EMBEDDED_NAME + ".mv.db")), "an embedded database file in the output directory");
    }

    /** Commits part of a night, opens the database again, restores the scheduler and goes on; the same on every database. */
    static void reopenedDatabaseGivesTheNightBack(java.util.function.Supplier<AlertStore> opener) {
        SchedulerSettings set = SchedulerTest.settings("");
        double t = Cands.MJD;
        List<Candidate> visit1 = List.of(Cands.at("S1-V1-0", 1, 1, t, 10, 20, 30, 17, 0.97, HostContext.GALAXY),
            Cands.at("S1-V1-1", 1, 1, t, 12, 20, 9, 18, 0.3, HostContext.NONE));
        List<Candidate> visit5 = List.of(Cands.at("S1-V5-0", 1, 5, t + 0.01, 10, 20, 40, 16.8, 0.98, HostContext.GALAXY));
        List<Alert> before;
        try (AlertStore store = opener.get()) {
            Scheduler s = new Scheduler(set, KnownVariables.none(2));
            store.commit(s.run(visit1));
            Scheduler.Result r = s.run(visit5);
            store.commit(r);
            before = r.alerts();
            assertEquals(1, before.size());
            assertEquals(java.util.Map.of("candidates", 3L, "objects", 1L, "alerts", 1L, "labels", 0L), store.counts());
            store.label("NW-S1-V1-0", "S1-V5-0", "real", "operator");
        }

        try (AlertStore store = opener.get()) {
            Scheduler s = new Scheduler(set, KnownVariables.none(2));
            assertEquals(1, store.restoreInto(s));
            SkyObject o = s.object("NW-S1-V1-0");
            assertEquals(2, o.detections().size());
            assertEquals(SkyObject.Kind.TRANSIENT, o.kind());
            assertEquals("galaxy", o.host());
            assertEquals(before.get(0).id(), s.liveAlerts().get(0).id(), "the live alert comes back");
            // the same visits delivered again after a restart: no new alert, no new row
            Scheduler.Result again = s.run(visit5);
            assertTrue(again.alerts().isEmpty());
            store.commit(again);
            store.commit(s.run(visit1));
            assertEquals(3L, store.counts().get("candidates"));
            assertEquals(1L, store.counts().get("alerts"));
            assertEquals(1L, store.counts().get("labels"));
            List<AlertStore.Stored> stored = store.alertsAfter(0, 10);
            assertEquals(1, stored.size());
            Alert back = stored.get(0).alert();
            assertEquals(before.get(0).rankScore(), back.rankScore(), 0);
            assertEquals(before.get(0).parts(), back.parts());
            assertEquals(before.get(0).history(), back.history());
            assertArrayEquals(visit5.get(0).cutout(), store.cutout("S1-V5-0"), "cutouts of associated candidates are kept");
            assertEquals(null, store.cutout("S1-V1-1"), "not those of candidates that joined nothing");
            // a new detection after the restart updates the restored object
            Scheduler.Result next = s.run(List.of(Cands.at("S1-V9-0", 1, 9, t + 0.02, 10, 20, 50, 16.5, 0.99, HostContext.GALAXY)));
            assertEquals(Alert.State.UPDATED, next.alerts().get(0).state());
            assertEquals(3, s.object("NW-S1-V1-0").detections().size());
        }
    }

    @Test
    void labelledCandidatesCarryTheirObjectsLatestLabelAndCutout() {
        SchedulerSettings set = SchedulerTest.settings("");
        double t = Cands.MJD;
        Candidate a1 = Cands.at("S1-V1-0", 1, 1, t, 10, 20, 30, 17, 0.97, HostContext.GALAXY);
        Candidate b1 = Cands.at("S1-V1-1", 1, 1, t, 10.5, 20, 25, 17.2, 0.95, HostContext.NONE);
        Candidate a2 = Cands.at("S1-V2-0", 1, 2, t + 0.01, 10, 20, 40, 16.8, 0.98, HostContext.GALAXY);
        Candidate b2 = Cands.at("S1-V2-1", 1, 2, t + 0.01, 10.5, 20, 26, 17.1, 0.96, HostContext.NONE);
        try (AlertStore store = AlertStore.open("", "", "", dir)) {
            Scheduler s = new Scheduler(set, KnownVariables.none(2));
            store.commit(s.run(List.of(a1, b1)));
            store.commit(s.run(List.of(a2, b2)));
            assertEquals(List.of(), store.labelledCandidates(), "nothing labelled yet");
            store.label("NW-S1-V1-0", "S1-V2-0", "bogus", "kiso");
            store.label("NW-S1-V1-0", "S1-V2-0", "real", "kiso"); // changed their mind
            store.label("NW-S1-V1-1", "S1-V2-1", "moving", "night-2");
            List<AlertStore.LabelledCandidate> got = store.labelledCandidates();
            assertEquals(List.of("S1-V1-0", "S1-V2-0", "S1-V1-1", "S1-V2-1"), got.stream().map(AlertStore.LabelledCandidate::candidateId).toList());
            assertEquals(List.of("real", "real", "moving", "moving"), got.stream().map(AlertStore.LabelledCandidate::label).toList());
            assertEquals("night-2", got.get(2).operator());
            assertEquals(2, got.get(1).visit());
            assertEquals(40, got.get(1).snr(), 1e-9);
            assertArrayEquals(a2.cutout(), got.get(1).cutout());
        }
    }

    @Test
    void anUnreachablePostgresUrlFailsAtOnceNamingTheUrlButNotThePassword() {
        AlertStore.StoreException e = assertThrows(AlertStore.StoreException.class,
            () -> AlertStore.open("jdbc:postgresql://127.0.0.1:1/nightwatch?connectTimeout=2", "night", "s3cret", dir));
        assertTrue(e.getMessage().contains("jdbc:postgresql://127.0.0.1:1/nightwatch"), e.getMessage());
        assertTrue(!e.getMessage().contains("s3cret"), e.getMessage());
    }
}
