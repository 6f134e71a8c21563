package org.nightwatch.workers.diff;

import com.typesafe.config.Config;
import java.util.List;

/** Typed view of {@code nightwatch.workers.diff} (documented in gpu-workers' reference.conf). */
public record DiffSettings(int backgroundMesh, double saturationFraction, double starThresholdSigma, int maxStars,
                           double searchPx, int minMatches, double resampleTolerancePx, double[] sigmaFactors,
                           int[] degrees, int halfWidth, int spatialOrder, int backgroundOrder, int stampHalf,
                           int stampsPerCell, int minStamps, double thresholdSigma, double dipoleSigma,
                           double brightStarSigma, int maxDetections, boolean vector) {

    public static DiffSettings from(Config root) {
        Config c = root.getConfig("nightwatch.workers.diff");
        Config r = c.getConfig("registration");
        Config k = c.getConfig("kernel");
        Config d = c.getConfig("detect");
        List<Double> sf = k.getDoubleList("sigma-factors");
        List<Integer> deg = k.getIntList("degrees");
        if (sf.isEmpty() || sf.size() != deg.size()) {
            throw new com.typesafe.config.ConfigException.BadValue(k.origin(), "nightwatch.workers.diff.kernel.degrees",
                "needs one degree per entry of sigma-factors (" + sf.size() + " widths, " + deg.size() + " degrees)");
        }
        return new DiffSettings(c.getInt("background-mesh"), c.getDouble("saturation-fraction"),
            r.getDouble("star-threshold-sigma"), r.getInt("max-stars"), r.getDouble("search-px"), r.getInt("min-matches"),
            r.getDouble("resample-tolerance-px"), sf.stream().mapToDouble(Double::doubleValue).toArray(),
            deg.stream().mapToInt(Integer::intValue).toArray(), k.getInt("half-width"), k.getInt("spatial-order"),
            k.getInt("background-order"), k.getInt("stamp-half"), k.getInt("stamps-per-cell"), k.getInt("min-stamps"),
            d.getDouble("threshold-sigma"), d.getDouble("dipole-sigma"), d.getDouble("bright-star-sigma"),
            d.getInt("max-detections"), c.getBoolean("vector"));
    }

    /** The defaults of reference.conf. */
    public static DiffSettings defaults() {
        return from(com.typesafe.config.ConfigFactory.load());
    }

    public DiffSettings withThreshold(double sigma) {
        return new DiffSettings(backgroundMesh, saturationFraction, starThresholdSigma, maxStars, searchPx, minMatches,
            resampleTolerancePx, sigmaFactors, degrees, halfWidth, spatialOrder, backgroundOrder, stampHalf, stampsPerCell,
            minStamps, sigma, dipoleSigma, brightStarSigma, maxDetections, vector);
    }
}
