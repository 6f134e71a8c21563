package org.nightwatch.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nightwatch.protocol.Alert;

/**
 * The ranked list a consumer of the alert stream sees: each object's latest alert, a retraction taking
 * the object off, best rank score first (the scheduler's own order). For terminals and pages that follow
 * the stream or the alert file.
 */
public final class LiveAlerts {
    private final Map<String, Alert> byObject = new HashMap<>();
    private long applied;
    private double latestMjd;

    /** Takes one alert change; returns whether the list changed (false for one already seen). */
    public boolean apply(Alert a) {
        Alert before = byObject.get(a.objectId());
        if (before != null && before.id().equals(a.id())) {
            return false;
        }
        applied++;
        latestMjd = Math.max(latestMjd, a.candidate().mjd());
        if (a.state() == Alert.State.RETRACTED) {
            return byObject.remove(a.objectId()) != null;
        }
        byObject.put(a.objectId(), a);
        return true;
    }

    public List<Alert> ranked() {
        List<Alert> l = new ArrayList<>(byObject.values());
        l.sort(Comparator.comparingDouble(Alert::rankScore).reversed().thenComparing(Alert::objectId));
        return l;
    }

    /** The object's latest alert, or null when it is not live. */
    public Alert get(String objectId) {
        return byObject.get(objectId);
    }

    public int size() {
        return byObject.size();
    }

    /** Alert changes taken so far. */
    public long applied() {
        return applied;
    }

    /** The latest detection time among the alerts taken (the night's "now" when replaying), MJD. */
    public double latestMjd() {
        return latestMjd;
    }
}
