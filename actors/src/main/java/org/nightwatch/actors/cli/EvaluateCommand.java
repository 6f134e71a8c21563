package org.nightwatch.actors.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nightwatch.actors.train.Evaluation;
import org.nightwatch.actors.train.TrainingSetFiles;
import org.nightwatch.workers.classify.RealBogusModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nightwatch evaluate}: scores a labelled set with a model file and reports its metrics. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Score a labelled set (nightwatch train-data) with a model file; report AUC, FPR at TPR 0.9, TSS, precision, "
        + "recall, F1 and the confusion matrix against the true labels, with ROC and score plots.")
public final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "a model file (.nwmodel)")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "labelled set")
    Path data;

    @Option(names = "--report", paramLabel = "FILE", description = "write the metrics as JSON")
    Path report;

    @Option(names = "--plots", paramLabel = "DIR", description = "write roc.png and scores.png here")
    Path plots;

    @Option(names = "--scores", paramLabel = "FILE", description = "write each cutout's score as CSV: index (its row in labels.csv),type,true_label,snr,score")
    Path scores;

    @Override
    public Integer call() throws Exception {
        RealBogusModel m = RealBogusModel.load(model, null);
        TrainingSetFiles.Loaded set = TrainingSetFiles.read(data).labelled();
        long t0 = System.nanoTime();
        float[] s = m.scoreCutouts(set.cutouts());
        double rate = set.size() / ((System.nanoTime() - t0) / 1e9);
        Map<String, Object> met = Evaluation.metrics(s, set.trueLabels());
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("model", model.toString());
        rep.put("model_version", m.version());
        rep.put("data", data.toString());
        rep.put("samples", set.size());
        rep.put("metrics", met);
        rep.put("score_cutouts_per_s", rate);
        System.out.printf(Locale.ROOT, "%s (%s) on %d cutouts: AUC %.5f, FPR at TPR 0.9 %.5f, TSS %.4f, accuracy %.4f%n", model,
            m.version(), set.size(), met.get("auc"), met.get("fpr_at_tpr90"), met.get("tss"), met.get("accuracy"));
        System.out.println("  at 0.5: " + met.get("at_0.5"));
        System.out.println("  at 0.8: " + met.get("at_0.8"));
        if (plots != null) {
            Evaluation.rocPng(plots.resolve("roc.png"), Map.of(m.version(), s), set.trueLabels());
            Evaluation.scoresPng(plots.resolve("scores.png"), m.version(), s, set.trueLabels());
        }
        if (scores != null) {
            try (java.io.PrintWriter w = new java.io.PrintWriter(java.nio.file.Files.newBufferedWriter(scores))) {
                w.println("index,type,true_label,snr,score");
                for (int i = 0; i < s.length; i++) {
                    w.printf(Locale.ROOT, "%d,%s,%d,%.3f,%.6f%n", set.rows()[i], set.types().get(i), set.trueLabels()[i], set.snr()[i], s[i]);
                }
            }
            System.out.println("wrote " + scores);
        }
        if (report != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(report.toFile(), rep);
            System.out.println("wrote " + report);
        }
        return 0;
    }
}
