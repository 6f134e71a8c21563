package org.nightwatch.tools.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nightwatch.workers.classify.Metrics;

/**
 * The metrics of scored held-out samples as the reports carry them, their mean and spread over seeds,
 * and the plots (ROC curves, score histograms) as PNG files.
 */
public final class Evaluation {
    private Evaluation() {
    }

    /** Every metric of one scored set, in report order. */
    public static Map<String, Object> metrics(float[] scores, int[] labels) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("auc", Metrics.auc(scores, labels));
        Metrics.Confusion at90 = Metrics.confusion(scores, labels, Metrics.thresholdAtTpr(scores, labels, 0.9));
        m.put("fpr_at_tpr90", at90.fpr());
        m.put("fp_at_tpr90", at90.fp());
        m.put("bogus", at90.fp() + at90.tn());
        Metrics.Confusion c5 = Metrics.confusion(scores, labels, 0.5);
        m.put("tss", c5.tss());
        m.put("accuracy", c5.accuracy());
        for (double t : new double[] {0.5, 0.8}) {
            Metrics.Confusion c = Metrics.confusion(scores, labels, t);
            Map<String, Object> at = new LinkedHashMap<>();
            at.put("precision", c.precision());
            at.put("recall", c.recall());
            at.put("f1", c.f1());
            at.put("confusion", Map.of("tp", c.tp(), "fp", c.fp(), "tn", c.tn(), "fn", c.fn()));
            m.put("at_" + t, at);
        }
        return m;
    }

    /** {@code mean} and {@code std} (sample standard deviation) of a metric over seeds. */
    public static Map<String, Double> spread(List<Double> values) {
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double ss = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("mean", mean);
        m.put("std", values.size() > 1 ? Math.sqrt(ss / (values.size() - 1)) : 0.0);
        return m;
    }

    /** How many of these labels say real. */
    public static int reals(int[] labels) {
        return (int) java.util.Arrays.stream(labels).filter(l -> l == 1).count();
    }

    /**
     * One model kind's metrics over its seeds: each headline metric's mean and spread, the false positives at
     * TPR 0.9 pooled over the seeds, and the seeds' own metrics.
     */
    public static Map<String, Object> summary(List<Map<String, Object>> perSeed) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : new String[] {"auc", "fpr_at_tpr90", "tss", "accuracy"}) {
            m.put(key, spread(perSeed.stream().map(x -> ((Number) x.get(key)).doubleValue()).toList()));
        }
        m.put("fp_at_tpr90_pooled", perSeed.stream().mapToLong(x -> ((Number) x.get("fp_at_tpr90")).longValue()).sum());
        m.put("bogus_pooled", perSeed.stream().mapToLong(x -> ((Number) x.get("bogus")).longValue()).sum());
        m.put("seeds", perSeed);
        return m;
    }

    /**
     * The comparisons the classifier issue asks for, between kinds summarised by {@link #summary}: the simple CNN's
     * FPR at TPR 0.9 over the VAT model's ({@link #rateRatio}, on the false positives pooled over seeds), and the
     * accuracy of three channels against two.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> comparisons(Map<String, Map<String, Object>> byKind) {
        Map<String, Object> c = new LinkedHashMap<>();
        Map<String, Object> simple = byKind.get("simple");
        Map<String, Object> vat = byKind.get("vat");
        Map<String, Object> two = byKind.get("two-channel");
        if (simple != null && vat != null) {
            c.put("fpr_at_tpr90_simple_over_vat", rateRatio(((Number) simple.get("fp_at_tpr90_pooled")).longValue(),
                ((Number) simple.get("bogus_pooled")).longValue(), ((Number) vat.get("fp_at_tpr90_pooled")).longValue(),
                ((Number) vat.get("bogus_pooled")).longValue()));
        }
        if (simple != null && two != null) {
            c.put("three_vs_two_channel_accuracy", Map.of("three", ((Map<String, Double>) simple.get("accuracy")).get("mean"),
                "two", ((Map<String, Double>) two.get("accuracy")).get("mean")));
        }
        return c;
    }

    /**
     * The ratio of two false-positive rates, k1 of n1 over k2 of n2, with its exact 95% interval: given k1 + k2,
     * k1 is binomial with p = r1 n1 / (r1 n1 + r2 n2), whose Clopper-Pearson interval maps onto the ratio. With a
     * handful of false positives the interval is wide, and the point estimate alone says little. A bound that
     * the counts cannot set (no false positives on one side) is null, as is the ratio when k2 is 0.
     */
    public static Map<String, Object> rateRatio(long k1, long n1, long k2, long n2) {
        long k = k1 + k2;
        double pLow = k1 == 0 ? 0 : new BetaDistribution(k1, k - k1 + 1).inverseCumulativeProbability(0.025);
        double pHigh = k2 == 0 ? 1 : new BetaDistribution(k1 + 1, k - k1).inverseCumulativeProbability(0.975);
        double scale = n2 / (double) n1;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("ratio", k2 == 0 ? null : (k1 / (double) n1) / (k2 / (double) n2));
        r.put("ci95_low", k == 0 ? null : pLow / (1 - pLow) * scale);
        r.put("ci95_high", pHigh >= 1 ? null : pHigh / (1 - pHigh) * scale);
        r.put("false_positives", List.of(k1, k2));
        r.put("bogus", List.of(n1, n2));
        return r;
    }

    /** A line per kind (mean +- spread over seeds) and the comparisons, as a person reads them on a terminal. */
    public static String describe(Map<String, Map<String, Object>> byKind) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Map<String, Object>> e : byKind.entrySet()) {
            Map<String, Object> k = e.getValue();
            b.append(String.format(Locale.ROOT, "%-12s n=%d  AUC %s  FPR@TPR0.9 %s (%d false positives in %d bogus)  TSS %s  "
                + "accuracy %s%n", e.getKey(), ((List<?>) k.get("seeds")).size(), pm(k, "auc"), pm(k, "fpr_at_tpr90"),
                ((Number) k.get("fp_at_tpr90_pooled")).longValue(), ((Number) k.get("bogus_pooled")).longValue(), pm(k, "tss"),
                pm(k, "accuracy")));
        }
        Map<String, Object> c = comparisons(byKind);
        if (c.get("fpr_at_tpr90_simple_over_vat") instanceof Map<?, ?> r && r.get("ci95_low") == null) {
            b.append(String.format(Locale.ROOT, "FPR at TPR 0.9, simple over vat: no false positives in either (%s bogus), no ratio%n",
                r.get("bogus")));
        } else if (c.get("fpr_at_tpr90_simple_over_vat") instanceof Map<?, ?> r) {
            b.append(String.format(Locale.ROOT, "FPR at TPR 0.9, simple over vat: %s (95%% interval %s to %s; false positives %s in %s bogus)%n",
                num(r.get("ratio")), num(r.get("ci95_low")), num(r.get("ci95_high")), r.get("false_positives"), r.get("bogus")));
        }
        if (c.get("three_vs_two_channel_accuracy") instanceof Map<?, ?> a) {
            b.append(String.format(Locale.ROOT, "accuracy, three channels %.4f against two %.4f%n", a.get("three"), a.get("two")));
        }
        return b.toString();
    }

    private static String pm(Map<String, Object> kind, String key) {
        @SuppressWarnings("unchecked")
        Map<String, Double> v = (Map<String, Double>) kind.get(key);
        return String.format(Locale.ROOT, "%.5f +- %.5f", v.get("mean"), v.get("std"));
    }

    private static String num(Object v) {
        return v == null ? "unbounded" : String.format(Locale.ROOT, "%.3g", ((Number) v).doubleValue());
    }

    /** ROC curves of several models on one chart (log FPR), as a PNG. */
    public static void rocPng(Path file, Map<String, float[]> scoresByModel, int[] labels) {
        XYChart chart = new XYChartBuilder().width(800).height(600).title("ROC on held-out data").xAxisTitle("false-positive rate")
            .yAxisTitle("true-positive rate").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setMarkerSize(0);
        double floor = 1e-5;
        for (Map.Entry<String, float[]> e : scoresByModel.entrySet()) {
            double[][] r = Metrics.roc(e.getValue(), labels);
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int i = 0; i < r[0].length; i++) {
                x.add(Math.max(floor, r[0][i]));
                y.add(r[1][i]);
            }
            chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.NONE);
        }
        save(chart, file);
    }

    /** Histograms of the scores of reals and bogus, as a PNG. */
    public static void scoresPng(Path file, String title, float[] scores, int[] labels) {
        int bins = 20;
        List<String> x = new ArrayList<>();
        List<Integer> real = new ArrayList<>();
        List<Integer> bogus = new ArrayList<>();
        int[] r = new int[bins];
        int[] b = new int[bins];
        for (int i = 0; i < scores.length; i++) {
            int k = Math.min(bins - 1, Math.max(0, (int) (scores[i] * bins)));
            (labels[i] == 1 ? r : b)[k]++;
        }
        for (int k = 0; k < bins; k++) {
            x.add(String.format(java.util.Locale.ROOT, "%.2f", (k + 0.5) / bins));
            real.add(r[k]);
            bogus.add(b[k]);
        }
        CategoryChart chart = new CategoryChartBuilder().width(800).height(500).title(title).xAxisTitle("real/bogus score")
            .yAxisTitle("cutouts").build();
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setXAxisLabelRotation(90);
        chart.addSeries("bogus", x, bogus);
        chart.addSeries("real", x, real);
        save(chart, file);
    }

    private static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
