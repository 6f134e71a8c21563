package org.nightwatch.tools.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Counts at a threshold. */
    public record Confusion(long tp, long fp, long tn, long fn) {
    }

    /** Precision, recall and F1 at a threshold, with the counts. */
    public record AtThreshold(double precision, double recall, double f1, Confusion confusion) {
        static AtThreshold of(Metrics.Confusion c) {
            return new AtThreshold(c.precision(), c.recall(), c.f1(), new Confusion(c.tp(), c.fp(), c.tn(), c.fn()));
        }
    }

    /**
     * Every metric of one scored set, in report order.
     *
     * @param fpAtTpr90 false positives at the threshold where TPR is 0.9, of {@code bogus}
     * @param tss       true skill statistic at 0.5; {@code accuracy} likewise
     */
    @JsonPropertyOrder({"auc", "fpr_at_tpr90", "fp_at_tpr90", "bogus", "tss", "accuracy", "at_0.5", "at_0.8"})
    public record Scores(double auc, @JsonProperty("fpr_at_tpr90") double fprAtTpr90, @JsonProperty("fp_at_tpr90") long fpAtTpr90,
                         long bogus, double tss, double accuracy, @JsonProperty("at_0.5") AtThreshold at05,
                         @JsonProperty("at_0.8") AtThreshold at08) {
        /** These metrics as a report row, to which a command adds what it knows of the run (seed, model, rates). */
        public Map<String, Object> row() {
            return fieldsOf(this);
        }
    }

    /** Mean and sample standard deviation of a metric over seeds. */
    public record Spread(double mean, double std) {
    }

    /**
     * One model kind's metrics over its seeds: each headline metric's mean and spread, the false positives at TPR 0.9
     * pooled over the seeds, the seeds' own rows, and the model's size (null when not known).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record KindSummary(Spread auc, @JsonProperty("fpr_at_tpr90") Spread fprAtTpr90, Spread tss, Spread accuracy,
                              @JsonProperty("fp_at_tpr90_pooled") long fpAtTpr90Pooled, @JsonProperty("bogus_pooled") long bogusPooled,
                              List<Map<String, Object>> seeds, Long parameters) {
        public KindSummary withParameters(long n) {
            return new KindSummary(auc, fprAtTpr90, tss, accuracy, fpAtTpr90Pooled, bogusPooled, seeds, n);
        }
    }

    /**
     * The ratio of two false-positive rates with its exact 95% interval; a bound the counts cannot set is null, as is
     * the ratio over no false positives.
     */
    public record RateRatio(Double ratio, @JsonProperty("ci95_low") Double ci95Low, @JsonProperty("ci95_high") Double ci95High,
                            @JsonProperty("false_positives") List<Long> falsePositives, List<Long> bogus) {
    }

    public record ThreeVsTwo(double three, double two) {
    }

    /** The comparisons between kinds, each null when a kind it needs was not trained. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Comparisons(@JsonProperty("fpr_at_tpr90_simple_over_vat") RateRatio simpleOverVat,
                              @JsonProperty("three_vs_two_channel_accuracy") ThreeVsTwo threeVsTwoAccuracy) {
        /** The comparisons made, as the report's top-level fields. */
        public Map<String, Object> fields() {
            return fieldsOf(this);
        }
    }

    /** A record's JSON fields, in order, as a map a report can add to. */
    private static Map<String, Object> fieldsOf(Object record) {
        Map<String, Object> m = new LinkedHashMap<>();
        JSON.convertValue(record, Map.class).forEach((k, v) -> m.put(String.valueOf(k), v));
        return m;
    }

    /** Every metric of one scored set. */
    public static Scores metrics(float[] scores, int[] labels) {
        Metrics.Confusion at90 = Metrics.confusion(scores, labels, Metrics.thresholdAtTpr(scores, labels, 0.9));
        Metrics.Confusion c5 = Metrics.confusion(scores, labels, 0.5);
        return new Scores(Metrics.auc(scores, labels), at90.fpr(), at90.fp(), at90.fp() + at90.tn(), c5.tss(), c5.accuracy(),
            AtThreshold.of(c5), AtThreshold.of(Metrics.confusion(scores, labels, 0.8)));
    }

    /** Mean and spread (sample standard deviation) of a metric over seeds. */
    public static Spread spread(List<Double> values) {
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double ss = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return new Spread(mean, values.size() > 1 ? Math.sqrt(ss / (values.size() - 1)) : 0.0);
    }

    /** How many of these labels say real. */
    public static int reals(int[] labels) {
        return (int) java.util.Arrays.stream(labels).filter(l -> l == 1).count();
    }

    /** One model kind's metrics over its seeds ({@code rows}: each seed's report row, the metrics among what it says). */
    public static KindSummary summary(List<Scores> perSeed, List<Map<String, Object>> rows) {
        return new KindSummary(spread(perSeed.stream().map(Scores::auc).toList()), spread(perSeed.stream().map(Scores::fprAtTpr90).toList()),
            spread(perSeed.stream().map(Scores::tss).toList()), spread(perSeed.stream().map(Scores::accuracy).toList()),
            perSeed.stream().mapToLong(Scores::fpAtTpr90).sum(), perSeed.stream().mapToLong(Scores::bogus).sum(), rows, null);
    }

    /**
     * The comparisons the classifier issue asks for, between kinds summarised by {@link #summary}: the simple CNN's
     * FPR at TPR 0.9 over the VAT model's ({@link #rateRatio}, on the false positives pooled over seeds), and the
     * accuracy of three channels against two.
     */
    public static Comparisons comparisons(Map<String, KindSummary> byKind) {
        KindSummary simple = byKind.get("simple");
        KindSummary vat = byKind.get("vat");
        KindSummary two = byKind.get("two-channel");
        return new Comparisons(simple != null && vat != null
                ? rateRatio(simple.fpAtTpr90Pooled(), simple.bogusPooled(), vat.fpAtTpr90Pooled(), vat.bogusPooled()) : null,
            simple != null && two != null ? new ThreeVsTwo(simple.accuracy().mean(), two.accuracy().mean()) : null);
    }

    /**
     * The ratio of two false-positive rates, k1 of n1 over k2 of n2, with its exact 95% interval: given k1 + k2,
     * k1 is binomial with p = r1 n1 / (r1 n1 + r2 n2), whose Clopper-Pearson interval maps onto the ratio. With a
     * handful of false positives the interval is wide, and the point estimate alone says little. A bound that
     * the counts cannot set (no false positives on one side) is null, as is the ratio when k2 is 0.
     */
    public static RateRatio rateRatio(long k1, long n1, long k2, long n2) {
        long k = k1 + k2;
        double pLow = k1 == 0 ? 0 : new BetaDistribution(k1, k - k1 + 1).inverseCumulativeProbability(0.025);
        double pHigh = k2 == 0 ? 1 : new BetaDistribution(k1 + 1, k - k1).inverseCumulativeProbability(0.975);
        double scale = n2 / (double) n1;
        return new RateRatio(k2 == 0 ? null : (k1 / (double) n1) / (k2 / (double) n2), k == 0 ? null : pLow / (1 - pLow) * scale,
            pHigh >= 1 ? null : pHigh / (1 - pHigh) * scale, List.of(k1, k2), List.of(n1, n2));
    }

    /** A line per kind (mean +- spread over seeds) and the comparisons, as a person reads them on a terminal. */
    public static String describe(Map<String, KindSummary> byKind) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, KindSummary> e : byKind.entrySet()) {
            KindSummary k = e.getValue();
            b.append(String.format(Locale.ROOT, "%-12s n=%d  AUC %s  FPR@TPR0.9 %s (%d false positives in %d bogus)  TSS %s  "
                + "accuracy %s%n", e.getKey(), k.seeds().size(), pm(k.auc()), pm(k.fprAtTpr90()), k.fpAtTpr90Pooled(), k.bogusPooled(),
                pm(k.tss()), pm(k.accuracy())));
        }
        Comparisons c = comparisons(byKind);
        RateRatio r = c.simpleOverVat();
        if (r != null && r.ci95Low() == null) {
            b.append(String.format(Locale.ROOT, "FPR at TPR 0.9, simple over vat: no false positives in either (%s bogus), no ratio%n",
                r.bogus()));
        } else if (r != null) {
            b.append(String.format(Locale.ROOT, "FPR at TPR 0.9, simple over vat: %s (95%% interval %s to %s; false positives %s in %s bogus)%n",
                num(r.ratio()), num(r.ci95Low()), num(r.ci95High()), r.falsePositives(), r.bogus()));
        }
        if (c.threeVsTwoAccuracy() != null) {
            b.append(String.format(Locale.ROOT, "accuracy, three channels %.4f against two %.4f%n", c.threeVsTwoAccuracy().three(),
                c.threeVsTwoAccuracy().two()));
        }
        return b.toString();
    }

    private static String pm(Spread v) {
        return String.format(Locale.ROOT, "%.5f +- %.5f", v.mean(), v.std());
    }

    private static String num(Double v) {
        return v == null ? "unbounded" : String.format(Locale.ROOT, "%.3g", v);
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
