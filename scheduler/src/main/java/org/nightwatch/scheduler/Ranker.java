package org.nightwatch.scheduler;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nightwatch.protocol.Alert;
import org.nightwatch.protocol.PastDetection;

/**
 * The rank score of an object: a weighted sum of parts, each in [0, 1], so an operator can see why an
 * object stands where it does.
 * <ul>
 * <li>{@code real_bogus}: the mean real/bogus score of its detections;</li>
 * <li>{@code significance}: log10 of its best |S/N| over 2 (S/N 10 gives 0.5, 100 or more gives 1);</li>
 * <li>{@code newness}: new light, first seen tonight: 1 when first seen within {@code fresh-hours} with no
 * point source at its place in the reference, falling linearly to 0 a day later; 0 when the reference has a
 * star there (the source is not new, it varies);</li>
 * <li>{@code rise}: 1 when its latest flux is significantly above its first (brightening), 0.5 with one
 * detection or no significant change, 0 when fading or fainter than the reference;</li>
 * <li>{@code host}: 1 on a galaxy of the reference, 0.6 with nothing there, 0 on a point source (a star);</li>
 * <li>{@code visibility}: hours it stays observable tonight over {@code full-visibility-hours}, at most 1.</li>
 * </ul>
 */
public final class Ranker {
    public static final String[] PARTS = {"real_bogus", "significance", "newness", "rise", "host", "visibility"};

    private final Map<String, Double> weights;
    private final double freshHours;
    private final double fullVisibilityHours;

    public Ranker(Map<String, Double> weights, double freshHours, double fullVisibilityHours) {
        Map<String, Double> w = new LinkedHashMap<>();
        for (String p : PARTS) {
            Double v = weights.get(p);
            if (v == null || !(v >= 0)) {
                throw new IllegalArgumentException("rank weight '" + p + "' must be given and not negative, got " + v);
            }
            w.put(p, v);
        }
        for (String k : weights.keySet()) {
            if (!w.containsKey(k)) {
                throw new IllegalArgumentException("unknown rank weight '" + k + "' (parts: " + String.join(", ", PARTS) + ")");
            }
        }
        this.weights = java.util.Collections.unmodifiableMap(w);
        this.freshHours = freshHours;
        this.fullVisibilityHours = fullVisibilityHours;
    }

    public Map<String, Double> weights() {
        return weights;
    }

    /** The parts of {@code o}'s score at {@code nowMjd}, in {@link #PARTS} order. */
    public Map<String, Double> parts(SkyObject o, Alert.Window window, double nowMjd) {
        Map<String, Double> p = new LinkedHashMap<>();
        double rb = 0;
        int n = 0;
        for (PastDetection d : o.detections()) {
            if (!Double.isNaN(d.score())) {
                rb += d.score();
                n++;
            }
        }
        p.put("real_bogus", n > 0 ? rb / n : 0);
        p.put("significance", clamp(Math.log10(Math.max(1, o.bestSnr())) / 2));
        double ageHours = (nowMjd - o.first().mjd()) * 24;
        double fresh = ageHours <= freshHours ? 1 : clamp(1 - (ageHours - freshHours) / 24);
        p.put("newness", HostContext.STAR.equals(o.host()) ? 0 : fresh);
        p.put("rise", rise(o));
        p.put("host", switch (o.host()) {
            case HostContext.GALAXY -> 1.0;
            case HostContext.STAR -> 0.0;
            default -> 0.6;
        });
        double hours = window == null ? 0 : Math.max(0, (window.endMjd() - Math.max(nowMjd, window.startMjd())) * 24);
        p.put("visibility", clamp(hours / fullVisibilityHours));
        return p;
    }

    /** The weighted sum of {@code parts}. */
    public double score(Map<String, Double> parts) {
        double s = 0;
        for (Map.Entry<String, Double> e : weights.entrySet()) {
            s += e.getValue() * parts.getOrDefault(e.getKey(), 0.0);
        }
        return s;
    }

    private static double rise(SkyObject o) {
        PastDetection last = o.last();
        if (last.sign() < 0 || last.flux() < 0) {
            return 0;
        }
        if (o.detections().size() < 2) {
            return 0.5;
        }
        PastDetection first = o.first();
        double change = last.flux() - first.flux();
        double err = Math.hypot(last.fluxErr(), first.fluxErr());
        if (!(err > 0)) {
            return 0.5;
        }
        double z = change / err;
        return z > 3 ? 1 : z < -3 ? 0 : 0.5;
    }

    private static double clamp(double v) {
        return Double.isNaN(v) ? 0 : Math.max(0, Math.min(1, v));
    }
}
