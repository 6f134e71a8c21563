package org.nightwatch.scheduler;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nightwatch.protocol.Alert;
import org.nightwatch.protocol.Candidate;
import org.nightwatch.protocol.PastDetection;

/**
 * Turns scored candidates into objects and alert changes: association within the radius, known
 * variables set aside, moving objects found (drift within an object, or single detections linked across
 * visits at a plausible rate), host context, rank, tonight's window, and an alert (new, updated or
 * retracted) whenever an alertable object changes. Plain state and a {@link #run} per batch: the
 * scheduler actor owns one and persists each result before publishing it. Not thread-safe.
 */
public final class Scheduler {
    /**
     * What one batch did.
     *
     * @param objectOf the object each associated candidate joined (candidate id to object id); candidates
     *                 scored below {@code min-score} are not associated
     * @param changed  the objects this batch created or changed
     * @param alerts   the alert changes, in the order they were made
     */
    public record Result(List<Candidate> candidates, Map<String, String> objectOf, List<SkyObject> changed, List<Alert> alerts) {
    }

    private final SchedulerSettings settings;
    private final KnownVariables known;
    private final Associator associator;
    private final HostContext hostContext;
    private final Ranker ranker;
    private final Visibility visibility;
    private final FollowUpPlanner planner;
    private final Map<String, SkyObject> objects = new LinkedHashMap<>();
    /** Objects with a single detection, by sensor and field: where moving objects are linked. */
    private final Map<Long, List<SkyObject>> singles = new HashMap<>();
    /** Live (published and not retracted) alerts by object. */
    private final Map<String, Alert> live = new LinkedHashMap<>();
    private final Set<String> published = new HashSet<>();
    /** Candidates already associated: a candidate delivered twice joins its object once. */
    private final Set<String> seen = new HashSet<>();

    public Scheduler(SchedulerSettings settings, KnownVariables known) {
        this.settings = settings;
        this.known = known;
        this.associator = new Associator(settings.associationRadiusArcsec());
        this.hostContext = new HostContext(settings.hostMinSignificance(), settings.starWidthRatio());
        this.ranker = new Ranker(settings.weights(), settings.freshHours(), settings.fullVisibilityHours());
        this.visibility = new Visibility(settings.site(), settings.limits());
        this.planner = new FollowUpPlanner(settings.followUp());
    }

    public SchedulerSettings settings() {
        return settings;
    }

    public Visibility visibility() {
        return visibility;
    }

    /**
     * Samples the night that holds {@code mjd} (the Sun's, the Moon's and the sky's positions through it) now, before
     * the first frame, rather than when the night's first alert asks when its object can be observed: that took the
     * scheduler about a second, and every visit that closed with it waited behind it.
     */
    public void prepareNight(double mjd) {
        visibility.night(mjd);
    }

    public Ranker ranker() {
        return ranker;
    }

    public Collection<SkyObject> objects() {
        return objects.values();
    }

    public SkyObject object(String id) {
        return objects.get(id);
    }

    /** The live alerts, best rank first. */
    public List<Alert> liveAlerts() {
        List<Alert> l = new ArrayList<>(live.values());
        l.sort(Comparator.comparingDouble(Alert::rankScore).reversed().thenComparing(Alert::objectId));
        return l;
    }

    /** Tonight's follow-up plan from {@code nowMjd}, in time order. */
    public List<FollowUpPlanner.Entry> plan(double nowMjd) {
        return planner.plan(new ArrayList<>(live.values()), nowMjd);
    }

    /** Whether an alert with this id was already published (re-delivery after a restart is dropped). */
    public boolean published(String alertId) {
        return published.contains(alertId);
    }

    /**
     * Restores an object read back from the database (detections without cutouts), with its kind, host
     * and last alert, so a restarted process goes on with the night's objects and publishes no alert twice.
     */
    public void restore(String id, int sensor, int field, List<PastDetection> detections, SkyObject.Kind kind, String host,
                        Alert lastAlert, Collection<String> alertIds) {
        SkyObject o = new SkyObject(id, sensor, field, detections.get(0).ra(), detections.get(0).dec());
        for (PastDetection d : detections) {
            o.restore(d);
            seen.add(d.candidateId());
        }
        o.kind(kind);
        o.host(host);
        objects.put(id, o);
        associator.add(o);
        if (o.detections().size() == 1) {
            singles.computeIfAbsent(fieldKey(o), k -> new ArrayList<>()).add(o);
        }
        if (lastAlert != null) {
            o.published(lastAlert);
            if (lastAlert.state() != Alert.State.RETRACTED) {
                live.put(id, lastAlert);
            }
        }
        published.addAll(alertIds);
    }

    /** Associates, classifies, ranks and alerts one batch of scored candidates. */
    public Result run(List<Candidate> batch) {
        List<Candidate> sorted = new ArrayList<>(batch);
        sorted.sort(Comparator.comparingDouble(Candidate::mjd).thenComparing(Candidate::id));
        Map<String, String> objectOf = new LinkedHashMap<>();
        Map<String, Candidate> trigger = new LinkedHashMap<>();
        Set<SkyObject> changed = new LinkedHashSet<>();
        for (Candidate c : sorted) {
            if (Double.isNaN(c.score()) || c.score() < settings.minScore() && !fading(c) || !seen.add(c.id())) {
                continue;
            }
            SkyObject o = associator.nearest(c.ra(), c.dec());
            if (o != null && !sameSource(o, c)) {
                o = null;
            }
            if (o == null) {
                o = new SkyObject(SkyObject.idOf(c.id()), c.sensor(), c.field(), c.ra(), c.dec());
                o.add(c);
                objects.put(o.id(), o);
                associator.add(o);
            } else {
                boolean wasSingle = o.detections().size() == 1;
                double ra0 = o.ra();
                double dec0 = o.dec();
                o.add(c);
                associator.moved(o, ra0, dec0);
                if (wasSingle) {
                    List<SkyObject> l = singles.get(fieldKey(o));
                    if (l != null) {
                        l.remove(o);
                    }
                }
            }
            objectOf.put(c.id(), o.id());
            trigger.put(o.id(), c);
            changed.add(o);
            o.readHost(c, hostContext);
            classify(o, changed);
        }
        List<Alert> alerts = new ArrayList<>();
        for (SkyObject o : changed) {
            Candidate c = trigger.get(o.id());
            Alert a = decide(o, c != null ? c : o.latest());
            if (a != null) {
                alerts.add(a);
            }
        }
        return new Result(sorted, objectOf, List.copyOf(changed), alerts);
    }

    /** Flags of a detection that cannot be a star's own change: a subtraction lobe, a saturated core, an edge, a trail. */
    private static final int NOT_A_FADE = org.nightwatch.protocol.DetectionFlag.DIPOLE.bit() | org.nightwatch.protocol.DetectionFlag.SATURATED.bit()
        | org.nightwatch.protocol.DetectionFlag.EDGE.bit() | org.nightwatch.protocol.DetectionFlag.MASKED.bit()
        | org.nightwatch.protocol.DetectionFlag.STREAK.bit();

    /**
     * A negative detection that a star in the reference explains (it faded), significant and clean: taken
     * whatever its real/bogus score, which means nothing for a negative source (the classifier learned positive
     * ones and scores a fading star near 0), so that the variable is recorded. Its score stays what it is, so
     * it is not alerted on its own.
     */
    private boolean fading(Candidate c) {
        return c.sign() < 0 && Math.abs(c.snr()) >= settings.alertSnr() && (c.flags() & NOT_A_FADE) == 0
            && hostContext.fadingStar(c.cutout(), c.fwhm());
    }

    /** What {@code o} is taken for, after a new detection. */
    private void classify(SkyObject o, Set<SkyObject> changed) {
        String name = known.match(o.ra(), o.dec());
        if (name != null) {
            o.knownAs(name);
            o.kind(SkyObject.Kind.KNOWN_VARIABLE);
            return;
        }
        if (drifts(o)) {
            o.kind(SkyObject.Kind.MOVING);
            return;
        }
        if (o.detections().size() == 1) {
            List<SkyObject> l = singles.computeIfAbsent(fieldKey(o), k -> new ArrayList<>());
            SkyObject[] track = track(o, l);
            l.add(o);
            if (track != null) {
                o.kind(SkyObject.Kind.MOVING);
                for (SkyObject t : track) {
                    t.kind(SkyObject.Kind.MOVING);
                    changed.add(t);
                }
                return;
            }
        }
        boolean fainter = false;
        for (PastDetection d : o.detections()) {
            fainter |= d.sign() < 0;
        }
        o.kind(fainter || HostContext.STAR.equals(o.host()) ? SkyObject.Kind.VARIABLE : SkyObject.Kind.TRANSIENT);
    }

    /**
     * Whether {@code c} can be a detection of {@code o}: of a sign {@code o} has shown, or at its very place. A
     * variable star that rises and fades does so where it is, within the centroids' errors; a negative detection
     * two pixels off a positive one is something else (a subtraction residual on the galaxy of a supernova), and
     * taking it in made the supernova a variable.
     */
    private static boolean sameSource(SkyObject o, Candidate c) {
        for (PastDetection d : o.detections()) {
            if (d.sign() == c.sign()) {
                return true;
            }
        }
        return Sky.separation(o.ra(), o.dec(), c.ra(), c.dec()) * 3600 <= OPPOSITE_SIGN_RADIUS_ARCSEC;
    }

    /** How close a detection of the other sign than all of an object's must be to join it, arcsec. */
    static final double OPPOSITE_SIGN_RADIUS_ARCSEC = 1.0;

    /**
     * Whether the object's positive detections moved apart significantly: first to last, beyond their position
     * errors. A mover is light where there was none; a negative detection is the reference's light missing (a
     * star fading, or a residual of the subtraction beside a transient on its galaxy) and says nothing of where a
     * mover went: one 2 px off a supernova once made it a "mover", never alerted.
     */
    private boolean drifts(SkyObject o) {
        PastDetection a = null;
        PastDetection b = null;
        for (PastDetection d : o.detections()) {
            if (d.sign() > 0) {
                a = a == null ? d : a;
                b = d;
            }
        }
        if (a == null || a == b) {
            return false;
        }
        double sep = Sky.separation(a.ra(), a.dec(), b.ra(), b.dec()) * 3600;
        double sigma = Math.hypot(positionError(a), positionError(b));
        return sep >= settings.minShiftArcsec() && sep >= settings.driftSigma() * sigma;
    }

    /**
     * A detection's 1-sigma position error, arcsec: the centroid error (about 0.6 FWHM over the S/N; the
     * FWHM is not kept per detection, 2.6 px assumed) and the astrometric floor of a visit, in quadrature.
     */
    private double positionError(PastDetection d) {
        double centroid = 0.6 * 2.6 * settings.pixelScaleArcsec() / Math.max(1, Math.abs(d.snr()));
        return Math.hypot(centroid, settings.astrometricFloorArcsec());
    }

    /**
     * Two single detections from earlier visits of the same sensor and field that {@code o} continues in a
     * straight line at a steady rate: the first two no further apart than the largest rate allows and further
     * than the association radius, all three of a similar magnitude and positive, and {@code o} where the
     * first two put it at its time, within their position errors (carried forward by the extrapolation) and
     * {@code track-tolerance-arcsec}. Null when no such pair exists: a pair of single detections alone is not
     * linked (at a 10-minute cadence nearly any two of a night's single-visit flashes, cosmic rays and ring
     * fragments lie within a fast mover's reach of each other), and each stays what it is.
     */
    private SkyObject[] track(SkyObject o, List<SkyObject> earlier) {
        PastDetection d = o.first();
        if (d.sign() <= 0) {
            return null;
        }
        double cosDec = Math.cos(Math.toRadians(d.dec()));
        List<SkyObject> reach = new ArrayList<>();
        for (SkyObject s : earlier) {
            PastDetection e = s.first();
            if (e.visit() >= d.visit() || e.sign() <= 0 || s.kind() == SkyObject.Kind.KNOWN_VARIABLE
                || Math.abs(d.mag() - e.mag()) > settings.maxDmag()) {
                continue;
            }
            double dt = (d.mjd() - e.mjd()) * 86400;
            double sep = Sky.separation(d.ra(), d.dec(), e.ra(), e.dec()) * 3600;
            if (dt > 0 && sep > 2 * settings.associationRadiusArcsec() && sep <= settings.maxRateArcsecPerS() * dt
                + settings.associationRadiusArcsec()) {
                reach.add(s);
            }
        }
        SkyObject[] best = null;
        double bestMiss = Double.POSITIVE_INFINITY;
        for (SkyObject s2 : reach) {
            PastDetection b = s2.first();
            for (SkyObject s1 : reach) {
                PastDetection a = s1.first();
                if (a.visit() >= b.visit()) {
                    continue;
                }
                double t12 = (b.mjd() - a.mjd()) * 86400;
                double t23 = (d.mjd() - b.mjd()) * 86400;
                if (t12 <= 0 || t23 <= 0 || Math.abs(a.mag() - b.mag()) > settings.maxDmag()) {
                    continue;
                }
                // tangent-plane offsets from the new detection, arcsec
                double ax = (a.ra() - d.ra()) * cosDec * 3600;
                double ay = (a.dec() - d.dec()) * 3600;
                double bx = (b.ra() - d.ra()) * cosDec * 3600;
                double by = (b.dec() - d.dec()) * 3600;
                double step = Math.hypot(bx - ax, by - ay);
                if (step <= 2 * settings.associationRadiusArcsec() || step > settings.maxRateArcsecPerS() * t12
                    + settings.associationRadiusArcsec()) {
                    continue;
                }
                double k = t23 / t12;
                double px = bx + (bx - ax) * k;
                double py = by + (by - ay) * k;
                double miss = Math.hypot(px, py);
                double err = Math.sqrt(Math.pow(positionError(d), 2) + Math.pow(positionError(b) * (1 + k), 2)
                    + Math.pow(positionError(a) * k, 2));
                if (miss <= settings.trackToleranceArcsec() + 4 * err && miss < bestMiss) {
                    bestMiss = miss;
                    best = new SkyObject[] {s1, s2};
                }
            }
        }
        return best;
    }

    private static long fieldKey(SkyObject o) {
        return ((long) o.sensor() << 32) | (o.field() & 0xffffffffL);
    }

    /** The alert change {@code c} causes for {@code o}, or null. */
    private Alert decide(SkyObject o, Candidate c) {
        if (c == null) {
            return null;
        }
        boolean alertable = (o.kind() == SkyObject.Kind.TRANSIENT || o.kind() == SkyObject.Kind.VARIABLE)
            && o.detections().size() >= settings.alertMinDetections() && o.bestScore() >= settings.alertScore()
            && o.bestSnr() >= settings.alertSnr();
        if (alertable) {
            Alert.Window w = visibility.window(o.ra(), o.dec(), c.mjd());
            Map<String, Double> parts = ranker.parts(o, w, c.mjd());
            double score = ranker.score(parts);
            Alert.State state = o.alerted() ? Alert.State.UPDATED : Alert.State.NEW;
            String id = Alert.idOf(o.id(), c.id(), state);
            if (published.contains(id)) {
                return null;
            }
            Alert a = new Alert(id, o.id(), state, o.kind().wire(), null, rankOf(o.id(), score), score, parts, ranker.weights(), c,
                List.copyOf(o.detections()), w, o.host());
            publish(o, a);
            return a;
        }
        if (o.alerted()) {
            String reason = switch (o.kind()) {
                case MOVING -> "moving: its detections move from visit to visit";
                case KNOWN_VARIABLE -> "known variable " + o.knownAs();
                default -> "no longer passes the alert thresholds";
            };
            String id = Alert.idOf(o.id(), c.id(), Alert.State.RETRACTED);
            if (published.contains(id)) {
                return null;
            }
            Alert last = o.lastAlert();
            Alert a = new Alert(id, o.id(), Alert.State.RETRACTED, o.kind().wire(), reason, 0, last.rankScore(), last.parts(),
                last.weights(), c, List.copyOf(o.detections()), last.window(), o.host());
            publish(o, a);
            return a;
        }
        return null;
    }

    private void publish(SkyObject o, Alert a) {
        o.published(a);
        published.add(a.id());
        if (a.state() == Alert.State.RETRACTED) {
            live.remove(o.id());
        } else {
            live.put(o.id(), a);
        }
    }

    private int rankOf(String objectId, double score) {
        int above = 0;
        for (Alert a : live.values()) {
            if (!a.objectId().equals(objectId) && a.rankScore() > score) {
                above++;
            }
        }
        return above + 1;
    }
}
