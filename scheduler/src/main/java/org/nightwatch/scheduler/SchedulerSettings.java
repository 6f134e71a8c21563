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
                                double maxRateArcsecPerS, double maxDmag, double trackToleranceArcsec, String knownVariables, double hostMinSignificance,
                                double starWidthRatio, double astrometricFloorArcsec, Map<String, Double> weights, double freshHours,
                                double fullVisibilityHours, Site site, Visibility.Limits limits,
                                List<FollowUpPlanner.Telescope> followUp, String storeUrl, String storeUser,
                                String storePassword, Outputs outputs) {

    /**
     * {@code nightwatch.scheduler.outputs}.
     *
     * @param voeventRole "" to choose by the night: test when simulated, observation otherwise
     */
    public record Outputs(boolean avro, boolean voevent, String voeventAuthority, String voeventRole, boolean aeron,
                          String aeronChannel, int aeronStreamId) {
    }

    /** The VOEvent writer these settings ask for (null: none); {@code simulated} chooses the role when not configured. */
    public VoEvent voEvent(boolean simulated) {
        if (!outputs.voevent()) {
            return null;
        }
        String role = outputs.voeventRole().isBlank() ? (simulated ? "test" : "observation") : outputs.voeventRole();
        return new VoEvent(outputs.voeventAuthority(), role, site.name(), pixelScaleArcsec, astrometricFloorArcsec);
    }

    public static SchedulerSettings from(Config root) {
        Config c = root.getConfig("nightwatch.scheduler");
        Config m = c.getConfig("moving");
        Config h = c.getConfig("host");
        Config r = c.getConfig("rank");
        Config s = c.getConfig("site");
        Config v = c.getConfig("visibility");
        Config st = c.getConfig("store");
        Config o = c.getConfig("outputs");
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
            m.getDouble("track-tolerance-arcsec"),
            c.getString("known-variables"), h.getDouble("min-significance"), h.getDouble("star-width-ratio"), m.getDouble("astrometric-floor-arcsec"), w,
            r.getDouble("fresh-hours"), r.getDouble("full-visibility-hours"),
            new Site(s.getString("name"), s.getDouble("longitude-deg"), s.getDouble("latitude-deg"), s.getDouble("height-m")),
            new Visibility.Limits(v.getDouble("sun-limit-deg"), v.getDouble("min-altitude-deg"),
                v.getDouble("min-moon-separation-deg"), v.getDouble("step-minutes")),
            t, st.getString("url"), st.getString("user"), st.getString("password"),
            new Outputs(o.getBoolean("avro"), o.getBoolean("voevent"), o.getString("voevent-authority"), o.getString("voevent-role"),
                o.getBoolean("aeron.enabled"), o.getString("aeron.channel"), o.getInt("aeron.stream-id")));
    }

    public static SchedulerSettings defaults() {
        return from(com.typesafe.config.ConfigFactory.load());
    }
}
