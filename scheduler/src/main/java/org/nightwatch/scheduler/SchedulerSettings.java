package org.nightwatch.scheduler;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed view of {@code nightwatch.scheduler} (documented in the scheduler's reference.conf).
 *
 * @param knownVariables catalogue file, or "" for none
 * @param storeUrl       JDBC URL, or "" for the embedded database in the night's output directory
 */
public record SchedulerSettings(double associationRadiusArcsec, double minScore, double alertScore, double alertSnr,
                                int alertMinDetections, double pixelScaleArcsec, double driftSigma, double minShiftArcsec,
                                double maxRateArcsecPerS, double maxDmag, String knownVariables, double hostMinSignificance,
                                double starWidthRatio, double astrometricFloorArcsec, Map<String, Double> weights, double freshHours,
                                double fullVisibilityHours, Site site, Visibility.Limits limits,
                                List<FollowUpPlanner.Telescope> followUp, String storeUrl, String storeUser,
                                String storePassword) {

    public static SchedulerSettings from(Config root) {
        Config c = root.getConfig("nightwatch.scheduler");
        Config m = c.getConfig("moving");
        Config h = c.getConfig("host");
        Config r = c.getConfig("rank");
        Config s = c.getConfig("site");
        Config v = c.getConfig("visibility");
        Config st = c.getConfig("store");
        Map<String, Double> w = new LinkedHashMap<>();
        for (Map.Entry<String, com.typesafe.config.ConfigValue> e : r.getConfig("weights").entrySet()) {
            w.put(e.getKey(), r.getConfig("weights").getDouble(e.getKey()));
        }
        List<FollowUpPlanner.Telescope> t = new ArrayList<>();
        for (Config tc : c.getConfigList("follow-up")) {
            t.add(new FollowUpPlanner.Telescope(tc.getString("name"), tc.getDouble("exposure-s"), tc.getDouble("overhead-s")));
        }
        return new SchedulerSettings(c.getDouble("association-radius-arcsec"), c.getDouble("min-score"), c.getDouble("alert-score"),
            c.getDouble("alert-snr"), c.getInt("alert-min-detections"), c.getDouble("pixel-scale-arcsec"), m.getDouble("drift-sigma"),
            m.getDouble("min-shift-arcsec"), m.getDouble("max-rate-arcsec-per-s"), m.getDouble("max-dmag"),
            c.getString("known-variables"), h.getDouble("min-significance"), h.getDouble("star-width-ratio"), m.getDouble("astrometric-floor-arcsec"), w,
            r.getDouble("fresh-hours"), r.getDouble("full-visibility-hours"),
            new Site(s.getString("name"), s.getDouble("longitude-deg"), s.getDouble("latitude-deg"), s.getDouble("height-m")),
            new Visibility.Limits(v.getDouble("sun-limit-deg"), v.getDouble("min-altitude-deg"),
                v.getDouble("min-moon-separation-deg"), v.getDouble("step-minutes")),
            t, st.getString("url"), st.getString("user"), st.getString("password"));
    }

    public static SchedulerSettings defaults() {
        return from(com.typesafe.config.ConfigFactory.load());
    }
}
