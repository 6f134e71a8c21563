package org.nightwatch.tools.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nightwatch.tools.train.Evaluation;
import org.nightwatch.tools.train.TrainingSetFiles;
import org.nightwatch.workers.classify.RealBogusModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nightwatch evaluate}: scores labelled sets with model files and reports their metrics. Several sets
 * pool into one held-out sample, read one at a time, so that a rare false positive can be counted on more
 * bogus than memory holds; several models (the seeds of a kind) give a mean and spread per kind, and the
 * comparisons {@code train} reports.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Score labelled sets (nightwatch train-data) with model files; report AUC, FPR at TPR 0.9, TSS, precision, "
        + "recall, F1 and the confusion matrix against the true labels, per model and per kind (simple, vat, two-channel) "
        + "over its models, with ROC and score plots.")
public final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE",
        description = "a model file (.nwmodel); repeat for several: the seeds of a kind give its mean and spread, "
            + "and simple with vat models gives their FPR ratio with its 95%% interval")
    List<Path> models;

    @Option(names = "--data", required = true, paramLabel = "DIR",
        description = "a labelled set; repeat to pool several into one held-out sample (read one at a time)")
    List<Path> data;

    @Option(names = "--report", paramLabel = "FILE", description = "write the metrics as JSON")
    Path report;

    @Option(names = "--plots", paramLabel = "DIR", description = "write roc.png and scores-MODEL.png here")
    Path plots;

    @Option(names = "--scores", paramLabel = "FILE",
        description = "write each cutout's scores as CSV: set (its --data), index (its row in that set's labels.csv), type, "
            + "true_label, snr, then a score column per model named by its file")
    Path scores;

    @Override
    public Integer call() throws Exception {
        List<RealBogusModel> loaded = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path p : models) {
            loaded.add(RealBogusModel.load(p, null));
            String name = p.getFileName().toString().replaceFirst("\\.nwmodel$", "");
            names.add(names.contains(name) ? p.toString() : name);
        }
        List<Part> parts = new ArrayList<>();
        double[] scoringSeconds = new double[loaded.size()];
        for (int d = 0; d < data.size(); d++) {
            TrainingSetFiles.Loaded set = TrainingSetFiles.read(data.get(d)).labelled();
            System.err.printf(Locale.ROOT, "%s: %d labelled cutouts (%d real)%n", data.get(d), set.size(), Evaluation.reals(set.trueLabels()));
            float[][] s = new float[loaded.size()][];
            for (int k = 0; k < loaded.size(); k++) {
                long t0 = System.nanoTime();
                s[k] = loaded.get(k).scoreCutouts(set.cutouts());
                scoringSeconds[k] += (System.nanoTime() - t0) / 1e9;
            }
            parts.add(new Part(d, set.trueLabels(), set.rows(), set.types(), set.snr(), s)); // the cutouts are let go here
        }
        int[] truth = parts.stream().flatMapToInt(p -> Arrays.stream(p.labels())).toArray();
        Map<String, List<Evaluation.Scores>> perKind = new LinkedHashMap<>();
        Map<String, List<Map<String, Object>>> rowsOf = new LinkedHashMap<>();
        Map<String, float[]> byName = new LinkedHashMap<>();
        for (int k = 0; k < loaded.size(); k++) {
            RealBogusModel m = loaded.get(k);
            float[] s = scoresOf(parts, k);
            byName.put(names.get(k), s);
            Evaluation.Scores met = Evaluation.metrics(s, truth);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", models.get(k).toString());
            row.put("model_version", m.version());
            row.putAll(met.row());
            row.put("score_cutouts_per_s", s.length / scoringSeconds[k]);
            perKind.computeIfAbsent(kind(m), x -> new ArrayList<>()).add(met);
            rowsOf.computeIfAbsent(kind(m), x -> new ArrayList<>()).add(row);
            System.out.printf(Locale.ROOT, "%s (%s) on %d cutouts: AUC %.5f, FPR at TPR 0.9 %.6f (%s false positives), TSS %.4f, "
                + "accuracy %.4f%n", models.get(k), m.version(), s.length, met.auc(), met.fprAtTpr90(), met.fpAtTpr90(), met.tss(),
                met.accuracy());
            System.out.println("  at 0.5: " + met.at05());
            System.out.println("  at 0.8: " + met.at08());
        }
        Map<String, Evaluation.KindSummary> byKind = new LinkedHashMap<>();
        perKind.forEach((kind, list) -> byKind.put(kind, Evaluation.summary(list, rowsOf.get(kind))));
        System.out.print(Evaluation.describe(byKind));
        if (plots != null) {
            Evaluation.rocPng(plots.resolve("roc.png"), byName, truth);
            for (Map.Entry<String, float[]> e : byName.entrySet()) {
                Evaluation.scoresPng(plots.resolve("scores-" + e.getKey().replaceAll("[^A-Za-z0-9._-]", "_") + ".png"), e.getKey(),
                    e.getValue(), truth);
            }
            System.out.println("wrote the plots in " + plots);
        }
        if (scores != null) {
            writeScores(parts, names);
            System.out.println("wrote " + scores);
        }
        if (report != null) {
            Map<String, Object> rep = new LinkedHashMap<>();
            rep.put("data", data.stream().map(Path::toString).toList());
            rep.put("samples", truth.length);
            rep.put("real", Evaluation.reals(truth));
            rep.put("models", byKind);
            rep.putAll(Evaluation.comparisons(byKind).fields());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(report.toFile(), rep);
            System.out.println("wrote " + report);
        }
        return 0;
    }

    /** The kind a model file was trained as: its objective says vat, its input two channels. */
    private static String kind(RealBogusModel m) {
        return m.objective() != null ? "vat" : m.spec().channels().size() == 2 ? "two-channel" : "simple";
    }

    private void writeScores(List<Part> parts, List<String> names) throws java.io.IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(scores))) {
            w.println("set,index,type,true_label,snr," + String.join(",", names));
            for (Part p : parts) {
                for (int i = 0; i < p.labels().length; i++) {
                    StringBuilder b = new StringBuilder();
                    b.append(data.get(p.set())).append(',').append(p.rows()[i]).append(',').append(p.types().get(i)).append(',')
                        .append(p.labels()[i]).append(String.format(Locale.ROOT, ",%.3f", p.snr()[i]));
                    for (float[] col : p.scores()) {
                        b.append(String.format(Locale.ROOT, ",%.6f", col[i]));
                    }
                    w.println(b);
                }
            }
        }
    }

    /** Model k's scores over all sets, in order. */
    private static float[] scoresOf(List<Part> parts, int k) {
        float[] all = new float[parts.stream().mapToInt(p -> p.labels().length).sum()];
        int at = 0;
        for (Part p : parts) {
            System.arraycopy(p.scores()[k], 0, all, at, p.labels().length);
            at += p.labels().length;
        }
        return all;
    }

    /** What is kept of a scored set once its cutouts are let go: each model's scores, and what joins them back to labels.csv. */
    private record Part(int set, int[] labels, int[] rows, List<String> types, double[] snr, float[][] scores) {
    }
}
