package org.nightwatch.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nightwatch.protocol.Alert;
import org.nightwatch.protocol.Candidate;

class SchedulerTest {
    static final double ARCSEC = 1 / 3600.0;

    static SchedulerSettings settings(String overrides) {
        return Cands.settings(overrides);
    }

    @Test
    void theReferenceTellsAStarFromAGalaxyFromNothing() {
        HostContext h = new HostContext(5, 1.3);
        assertEquals(HostContext.STAR, h.run(Cands.cutout(HostContext.STAR, 200, 1), 3.0).host());
        assertEquals(HostContext.GALAXY, h.run(Cands.cutout(HostContext.GALAXY, 200, 2), 3.0).host());
        assertEquals(HostContext.NONE, h.run(Cands.cutout(HostContext.NONE, 200, 3), 3.0).host());
    }

    /** As {@link #withStar(double, double, double, double, long, double)} in the simulator's seeing (PSF sigma 1.3 px). */
    private static float[] withStar(double transientPeak, double starPeak, double starDx, double starDy, long seed) {
        return withStar(transientPeak, starPeak, starDx, starDy, seed, 1.3);
    }

    /** A cutout with a point source of {@code transient} peak in the difference at the centre and a star in the reference. */
    private static float[] withStar(double transientPeak, double starPeak, double starDx, double starDy, long seed, double sg) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        int n = Cands.N;
        float[] c = new float[3 * n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                double psf = Math.exp(-((x - 14) * (x - 14) + (y - 14) * (y - 14)) / (2 * sg * sg));
                double star = starPeak * Math.exp(-((x - 14 - starDx) * (x - 14 - starDx) + (y - 14 - starDy) * (y - 14 - starDy)) / (2 * sg * sg));
                int i = y * n + x;
                c[i] = (float) (star + r.nextGaussian() * 2);
                c[n * n + i] = (float) (star + transientPeak * psf + r.nextGaussian() * 6);
                c[2 * n * n + i] = (float) (transientPeak * psf + r.nextGaussian() * 6);
            }
        }
        return c;
    }

    @Test
    void aStarIsTheHostOnlyWhereTheCandidateIsAndOnlyForAChangeAStarCanMake() {
        HostContext h = new HostContext(5, 1.3);
        // a variable star: the change (200) on a star of 400 at the same place
        assertEquals(HostContext.STAR, h.run(withStar(200, 400, 0.3, -0.2, 1), 3.0).host());
        // a transient with a faint star 3 to 6 px away in a deep reference (10 to 100 times fainter): no host, a transient
        for (double[] at : new double[][] {{3, 0}, {0, -4}, {4, 3}, {-5, 3}}) {
            for (double fainter : new double[] {10, 30, 100}) {
                HostContext.Reading rd = h.run(withStar(2000, 2000 / fainter, at[0], at[1], 7), 3.0);
                assertEquals(HostContext.NONE, rd.host(), "a star " + Math.hypot(at[0], at[1]) + " px away, " + fainter
                    + " times fainter than the transient: " + rd);
            }
        }
        // a star at the place but 30 times fainter than the change: a nova or a flare, not a variable star's swing
        assertEquals(HostContext.NONE, h.run(withStar(3000, 100, 0, 0, 3), 3.0).host());
        // a variable star in poor seeing (FWHM 5 px, as on the foreign night): still a star, not extended light
        assertEquals(HostContext.STAR, h.run(withStar(300, 600, 0.2, 0.1, 4, 5.0 / 2.3548), 5.0).host());
    }

    @Test
    void aTransientOnAGalaxyIsAlertedOnItsSecondDetectionAndRanksAboveAVariableStar() {
        Scheduler s = new Scheduler(settings(""), KnownVariables.none(2));
        double t = Cands.MJD;
        Scheduler.Result first = s.run(List.of(
            Cands.at("S1-V1-0", 1, 1, t, 10, 20, 30, 17, 0.97, HostContext.GALAXY),
            Cands.at("S1-V1-1", 1, 1, t, 10.1, 20, 30, 17, 0.97, HostContext.STAR),
            Cands.at("S1-V1-2", 1, 1, t, 10.2, 20, 30, 17, 0.2, HostContext.NONE)));
        assertTrue(first.alerts().isEmpty(), "one detection is not enough by default: " + first.alerts());
        assertEquals(2, first.objectOf().size(), "the candidate scored 0.2 is stored but joins no object");

        Scheduler.Result second = s.run(List.of(
            Cands.at("S1-V5-0", 1, 5, t + 0.01, 10 + 0.4 * ARCSEC, 20, 45, 16.6, 0.98, HostContext.GALAXY),
            Cands.at("S1-V5-1", 1, 5, t + 0.01, 10.1, 20 - 0.3 * ARCSEC, 25, 17.2, 0.95, HostContext.STAR)));
        assertEquals(2, second.alerts().size());
        Alert sn = second.alerts().stream().filter(a -> a.objectId().equals("NW-S1-V1-0")).findFirst().orElseThrow();
        Alert var = second.alerts().stream().filter(a -> a.objectId().equals("NW-S1-V1-1")).findFirst().orElseThrow();
        assertEquals(Alert.State.NEW, sn.state());
        assertEquals("transient", sn.kind());
        assertEquals("galaxy", sn.host());
        assertEquals("variable", var.kind());
        assertEquals("star", var.host());
        assertTrue(sn.rankScore() > var.rankScore(), sn.parts() + " vs " + var.parts());
        assertEquals(List.of("NW-S1-V1-0", "NW-S1-V1-1"), s.liveAlerts().stream().map(Alert::objectId).toList());
        assertEquals(1.0, sn.parts().get("rise"), "brightened by more than 3 sigma");
        assertEquals(2, sn.history().size());
        assertNotNull(sn.window(), "RA 10, Dec 20 is up on an October night at Kiso");
        assertEquals(sn.rankScore(), s.ranker().score(sn.parts()), 1e-12);
        // the same candidates again (re-delivery): nothing new
        assertTrue(s.run(second.candidates()).alerts().isEmpty());
        // a third detection updates the alert
        Scheduler.Result third = s.run(List.of(Cands.at("S1-V9-0", 1, 9, t + 0.02, 10, 20, 60, 16.3, 0.99, HostContext.GALAXY)));
        assertEquals(Alert.State.UPDATED, third.alerts().get(0).state());
        assertEquals(Alert.idOf("NW-S1-V1-0", "S1-V9-0", Alert.State.UPDATED), third.alerts().get(0).id());
    }

    /** RA a {@code arcsec} east of RA 10 at Dec 20. */
    private static double east(double arcsec) {
        return 10 + arcsec * ARCSEC / Math.cos(Math.toRadians(20));
    }

    @Test
    void singleDetectionsOnAStraightLineAtASteadyRateAreLinkedAsMovingAndNeverAlerted() {
        Scheduler s = new Scheduler(settings(""), KnownVariables.none(2));
        double t = Cands.MJD;
        // 0.2"/s east, 60 s between visits, the same brightness: three visits make a track
        s.run(List.of(Cands.at("S2-V1-0", 2, 1, t, east(0), 20, 20, 17.5, 0.95, HostContext.NONE)));
        Scheduler.Result r = s.run(List.of(Cands.at("S2-V5-0", 2, 5, t + 60 / 86400.0, east(12), 20, 21, 17.45, 0.96, HostContext.NONE)));
        assertTrue(r.alerts().isEmpty());
        assertEquals(SkyObject.Kind.TRANSIENT, s.object("NW-S2-V1-0").kind(), "two detections alone are not a track");
        r = s.run(List.of(Cands.at("S2-V9-0", 2, 9, t + 120 / 86400.0, east(24.3), 20 + 0.2 * ARCSEC, 22, 17.5, 0.96,
            HostContext.NONE)));
        assertTrue(r.alerts().isEmpty());
        for (String id : List.of("NW-S2-V1-0", "NW-S2-V5-0", "NW-S2-V9-0")) {
            assertEquals(SkyObject.Kind.MOVING, s.object(id).kind(), id);
        }
        // a slow mover associated into one object drifts: moving too
        s.run(List.of(Cands.at("S2-V1-1", 2, 1, t, 11, 20, 40, 16, 0.97, HostContext.NONE)));
        s.run(List.of(Cands.at("S2-V5-1", 2, 5, t + 0.01, 11 + 1.5 * ARCSEC, 20, 40, 16, 0.97, HostContext.NONE)));
        assertEquals(SkyObject.Kind.MOVING, s.object("NW-S2-V1-1").kind());
        assertTrue(s.liveAlerts().isEmpty());
    }

    @Test
    void aNegativeResidualBesideATransientIsNotPartOfIt() {
        // on a galaxy: a negative residual of the subtraction 1.8" off in one visit, then the supernova, steady, in
        // the next three (the foreign night's transient 58 was taken for a mover this way and never alerted, then,
        // with a mover's track made of positive detections only, for a variable)
        Scheduler s = new Scheduler(settings(""), KnownVariables.none(2));
        double t = Cands.MJD;
        // (admitted as a fading: the galaxy's core reads as a point source in the reference)
        s.run(List.of(Cands.at("S3-V3-0", 3, 3, t, east(-1.8), 20, -6.7, 19, 0.0, HostContext.STAR)));
        Scheduler.Result r = null;
        for (int v = 4; v <= 6; v++) {
            r = s.run(List.of(Cands.at("S3-V" + v + "-0", 3, v, t + (v - 3) * 600 / 86400.0, east(0.05 * (v - 5)), 20, 25, 17.3, 0.86,
                HostContext.GALAXY)));
        }
        SkyObject sn = s.object("NW-S3-V4-0");
        assertEquals(3, sn.detections().size(), "the supernova's own object: the residual 1.8\" off is not of it");
        assertEquals(SkyObject.Kind.TRANSIENT, sn.kind());
        assertEquals(1, s.liveAlerts().size(), "alerted, as a transient");
        // a variable star's fade and rise at one place stay one object
        s.run(List.of(Cands.at("S3-V3-1", 3, 3, t, east(30), 20, -12, 17, 0.0, HostContext.STAR)));
        s.run(List.of(Cands.at("S3-V4-1", 3, 4, t + 600 / 86400.0, east(30.2), 20, 15, 17, 0.9, HostContext.STAR)));
        assertEquals(2, s.object("NW-S3-V3-1").detections().size());
        assertEquals(SkyObject.Kind.VARIABLE, s.object("NW-S3-V3-1").kind());
    }

    @Test
    void flashesInDifferentVisitsThatDoNotLineUpStayWhatTheyAre() {
        Scheduler s = new Scheduler(settings(""), KnownVariables.none(2));
        double t = Cands.MJD;
        // three single-visit flashes of similar brightness within a fast mover's reach, 10 minutes apart, not in line
        s.run(List.of(Cands.at("S2-V1-0", 2, 1, t, east(0), 20, 20, 17.5, 0.95, HostContext.NONE)));
        s.run(List.of(Cands.at("S2-V5-0", 2, 5, t + 600 / 86400.0, east(200), 20 + 150 * ARCSEC, 21, 17.45, 0.96, HostContext.NONE)));
        s.run(List.of(Cands.at("S2-V9-0", 2, 9, t + 1200 / 86400.0, east(-100), 20 + 300 * ARCSEC, 22, 17.5, 0.96, HostContext.NONE)));
        // and one where the first two put it, but with a rate that changed by half: not a steady mover either
        s.run(List.of(Cands.at("S2-V9-1", 2, 9, t + 1200 / 86400.0, east(300), 20 + 225 * ARCSEC, 22, 17.5, 0.96, HostContext.NONE)));
        for (String id : List.of("NW-S2-V1-0", "NW-S2-V5-0", "NW-S2-V9-0", "NW-S2-V9-1")) {
            assertEquals(SkyObject.Kind.TRANSIENT, s.object(id).kind(), id + ": a single-visit flash stays a transient");
        }
    }

    @Test
    void anAlertedObjectFoundToMoveIsRetractedWithTheReason() {
        Scheduler s = new Scheduler(settings("nightwatch.scheduler.alert-min-detections = 1"), KnownVariables.none(2));
        double t = Cands.MJD;
        Alert first = s.run(List.of(Cands.at("S3-V1-0", 3, 1, t, 10, 20, 20, 17.5, 0.95, HostContext.NONE))).alerts().get(0);
        assertEquals(Alert.State.NEW, first.state());
        s.run(List.of(Cands.at("S3-V5-0", 3, 5, t + 60 / 86400.0, 10, 20 + 10 * ARCSEC, 20, 17.6, 0.95, HostContext.NONE)));
        List<Alert> next = s.run(List.of(Cands.at("S3-V9-0", 3, 9, t + 120 / 86400.0, 10, 20 + 20 * ARCSEC, 20, 17.6, 0.95,
            HostContext.NONE))).alerts();
        Alert retracted = next.stream().filter(a -> a.state() == Alert.State.RETRACTED && a.objectId().equals("NW-S3-V1-0"))
            .findFirst().orElseThrow();
        assertTrue(retracted.reason().startsWith("moving"), retracted.reason());
        assertEquals(Alert.idOf("NW-S3-V1-0", "S3-V1-0", Alert.State.RETRACTED), retracted.id(), "retracted with its own latest detection");
        assertTrue(s.liveAlerts().isEmpty());
    }

    @Test
    void aStarThatFadesIsRecordedAsAVariableWhateverItsScoreAndANegativeArtefactIsNot() {
        Scheduler s = new Scheduler(settings(""), KnownVariables.none(2));
        double t = Cands.MJD;
        // the classifier learned positive sources: a fading star scores near 0
        Scheduler.Result r = s.run(List.of(
            Cands.at("S5-V1-0", 5, 1, t, 10, 20, -20, 17.5, 0.02, HostContext.STAR),      // a star lost 160 of its 400
            Cands.at("S5-V1-1", 5, 1, t, 10.2, 20, -20, 17.5, 0.02, HostContext.NONE),    // a negative blob on empty sky
            Cands.at("S5-V1-2", 5, 1, t, 10.4, 20, -80, 16.0, 0.02, HostContext.STAR)));  // lost more than the star had
        assertTrue(r.alerts().isEmpty(), "a fade is recorded, not alerted on its own");
        assertEquals(SkyObject.Kind.VARIABLE, s.object("NW-S5-V1-0").kind());
        assertEquals(null, s.object("NW-S5-V1-1"), "a negative artefact on empty sky joins nothing");
        assertEquals(null, s.object("NW-S5-V1-2"), "a star cannot lose more light than it has");
    }

    @Test
    void aKnownVariableFromTheCatalogueIsSetAside() {
        KnownVariables cat = KnownVariables.of(List.of(new KnownVariables.Entry("V0042 Tau", 10, 20)), 2);
        Scheduler s = new Scheduler(settings(""), cat);
        double t = Cands.MJD;
        s.run(List.of(Cands.at("S4-V1-0", 4, 1, t, 10 + 0.5 * ARCSEC, 20, 30, 16, 0.97, HostContext.NONE)));
        Scheduler.Result r = s.run(List.of(Cands.at("S4-V5-0", 4, 5, t + 0.01, 10, 20, 30, 16, 0.97, HostContext.NONE)));
        assertTrue(r.alerts().isEmpty());
        SkyObject o = s.object("NW-S4-V1-0");
        assertEquals(SkyObject.Kind.KNOWN_VARIABLE, o.kind());
        assertEquals("V0042 Tau", o.knownAs());
    }

    @Test
    void theFollowUpPlanBooksTheBestFirstInsideEachWindowInTimeOrder() {
        Scheduler s = new Scheduler(settings("nightwatch.scheduler.alert-min-detections = 1"), KnownVariables.none(2));
        double t = Cands.MJD;
        s.run(List.of(Cands.at("S5-V1-0", 5, 1, t, 10, 20, 80, 15, 0.99, HostContext.GALAXY),
            Cands.at("S5-V1-1", 5, 1, t, 20, 25, 8, 18, 0.85, HostContext.NONE),
            Cands.at("S5-V1-2", 5, 1, t, 15, -60, 30, 16, 0.99, HostContext.NONE)));
        List<FollowUpPlanner.Entry> plan = s.plan(t);
        assertEquals(2, plan.size(), "Dec -60 never rises high enough at Kiso: " + plan);
        for (int i = 1; i < plan.size(); i++) {
            assertTrue(plan.get(i).startMjd() >= plan.get(i - 1).startMjd());
        }
        FollowUpPlanner.Entry best = plan.stream().filter(e -> e.objectId().equals("NW-S5-V1-0")).findFirst().orElseThrow();
        Alert a = s.liveAlerts().get(0);
        assertEquals("NW-S5-V1-0", a.objectId(), "best ranked first");
        assertTrue(best.startMjd() >= a.window().startMjd() - 1e-9 && best.endMjd() <= a.window().endMjd() + 1e-9);
        assertEquals("Kiso 105-cm Schmidt", best.telescope());
        assertNull(s.liveAlerts().stream().filter(x -> x.objectId().equals("NW-S5-V1-2")).findFirst().orElseThrow().window());
        Map<String, Double> w = s.ranker().weights();
        assertEquals(1.0, w.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
    }

    @Test
    void candidatesBelowTheMinimumScoreJoinNothing() {
        Scheduler s = new Scheduler(settings(""), KnownVariables.none(2));
        Candidate c = Cands.at("S6-V1-0", 6, 1, Cands.MJD, 10, 20, 30, 16, 0.1, HostContext.NONE);
        Scheduler.Result r = s.run(List.of(c));
        assertTrue(r.objectOf().isEmpty());
        assertEquals(List.of(c), r.candidates());
    }
}
