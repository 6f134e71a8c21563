package org.nightwatch.actors.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        m.put("fpr_at_tpr90", Metrics.fprAtTpr(scores, labels, 0.9));
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
