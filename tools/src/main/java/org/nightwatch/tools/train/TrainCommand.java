package org.nightwatch.tools.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nightwatch.tools.train.Evaluation;
import org.nightwatch.tools.train.TrainingSetFiles;
import org.nightwatch.workers.classify.InputSpec;
import org.nightwatch.workers.classify.RealBogusModel;
import org.nightwatch.workers.classify.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nightwatch train}: trains real/bogus models on a training set over several seeds, evaluates
 * each on held-out data with clean labels, and reports the metrics with their mean and spread.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train real/bogus models (simple CNN on three channels, and on two without the difference) over several "
        + "seeds; evaluate on held-out data with clean labels; write the models, a JSON report and PNG plots.")
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "DIR",
        description = "training set (nightwatch train-data); repeat to train on several together, e.g. a simulated set and one "
            + "made --from a recorded night")
    List<Path> data;

    @Option(names = "--test", required = true, paramLabel = "DIR", description = "held-out set, evaluated with its true labels")
    Path test;

    @Option(names = "--models", defaultValue = "simple,vat,two-channel", split = ",",
        description = "which: simple (the survey's CNN, 3 channels, cross-entropy on all labels), vat (the same network "
            + "trained the Tomo-e way: k-fold label cleaning, then cross-entropy + AUC loss + virtual adversarial training), "
            + "two-channel (simple on reference and new only) (default ${DEFAULT-VALUE})")
    List<String> models;

    @Option(names = "--seeds", defaultValue = "5", description = "training seeds per model (default ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--epochs", defaultValue = "10", description = "epochs (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch", defaultValue = "128", description = "minibatch (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--learning-rate", defaultValue = "0.001", description = "Adam learning rate (default ${DEFAULT-VALUE})")
    double learningRate;

    @Option(names = "--unlabelled", paramLabel = "DIR",
        description = "vat: a further set whose cutouts take part in the VAT term only, their labels unused "
            + "(the training set's kept-apart variables and moving objects always do)")
    Path unlabelled;

    @Option(names = "--folds", defaultValue = "4", description = "vat: folds of the label-cleaning stage (default ${DEFAULT-VALUE})")
    int folds;

    @Option(names = "--clean-margin", defaultValue = "0.8",
        description = "vat: an out-of-fold score this far from its label flags it as a probable error (default ${DEFAULT-VALUE})")
    double cleanMargin;

    @Option(names = "--auc-loss", defaultValue = "probability",
        description = "vat: the AUC term, probability (exp(p_bogus - p_real), the default) or hinge (exponential hinge on logits, "
            + "margin 0.25); on the simulated pool the hinge let 4x more bogus through at TPR 0.9 (models/README.md)")
    String aucLoss;

    @Option(names = "--out", required = true, paramLabel = "DIR",
        description = "models (MODEL.nwmodel, the first seed's), checkpoints to resume from, plots")
    Path out;

    @Option(names = "--report", paramLabel = "FILE", description = "JSON report (default OUT/report.json)")
    Path report;

    @Override
    public Integer call() throws Exception {
        RealBogusModel.AucLoss auc = auc(); // a wrong name is refused before an hour of training
        TrainingSetFiles.Loaded all = TrainingSetFiles.Loaded.concat(data.stream().map(TrainingSetFiles::read).toList());
        TrainingSetFiles.Loaded train = all.labelled();
        TrainingSetFiles.Loaded held = TrainingSetFiles.read(test).labelled();
        List<float[]> pool = new ArrayList<>(all.keptApart().cutouts());
        if (unlabelled != null) {
            pool.addAll(TrainingSetFiles.read(unlabelled).cutouts());
        }
        System.err.printf(Locale.ROOT, "train: %d labelled cutouts (%d real); held out: %d (%d real), scored with true labels%n",
            train.size(), Evaluation.reals(train.labels()), held.size(), Evaluation.reals(held.trueLabels()));
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("train", Map.of("dir", data.stream().map(Path::toString).toList(), "samples", train.size(), "real",
            Evaluation.reals(train.labels())));
        rep.put("unlabelled_for_vat", pool.size());
        rep.put("test", Map.of("dir", test.toString(), "samples", held.size(), "real", Evaluation.reals(held.trueLabels())));
        Map<String, Evaluation.KindSummary> byModel = new LinkedHashMap<>();
        Map<String, float[]> firstScores = new LinkedHashMap<>();
        for (String kind : models) {
            InputSpec spec = switch (kind) {
                case "simple", "vat" -> InputSpec.threeChannel();
                case "two-channel" -> InputSpec.twoChannel();
                default -> throw new IllegalArgumentException("unknown model '" + kind + "' (simple, vat, two-channel)");
            };
            List<Evaluation.Scores> perSeed = new ArrayList<>();
            List<Map<String, Object>> rows = new ArrayList<>();
            long parameters = 0;
            for (int seed = 1; seed <= seeds; seed++) {
                long t0 = System.nanoTime();
                boolean vat = kind.equals("vat");
                RealBogusModel m = vat ? RealBogusModel.vatCnn(spec, seed, learningRate, RealBogusModel.Objective.tomoe(auc))
                    : RealBogusModel.simpleCnn(spec, seed, learningRate);
                Path ckpt = out.resolve("checkpoints").resolve(kind + "-seed" + seed + ".nwmodel");
                String k = kind;
                int sd = seed;
                boolean[] labelled = null;
                Map<String, Object> cleaning = null;
                RealBogusModel done = finished(ckpt, spec, seed);
                if (vat && done != null && done.info().get("cleaning") instanceof Map<?, ?> saved) {
                    cleaning = new LinkedHashMap<>();
                    for (Map.Entry<?, ?> e : saved.entrySet()) {
                        cleaning.put(String.valueOf(e.getKey()), e.getValue());
                    }
                    System.err.printf(Locale.ROOT, "  vat seed %d: finished in %s (cleaning: %s)%n", seed, ckpt, cleaning);
                } else if (vat) {
                    Trainer.Cleaning c = Trainer.clean(spec, train.cutouts(), train.labels(), folds, cleanMargin,
                        new Trainer.Settings(epochs, batch, seed), learningRate, msg -> System.err.println("  vat seed " + sd + ": " + msg));
                    labelled = new boolean[train.size()];
                    int flippedCaught = 0;
                    int flipped = 0;
                    for (int i = 0; i < labelled.length; i++) {
                        labelled[i] = !c.flagged()[i];
                        boolean wrong = train.labels()[i] != train.trueLabels()[i];
                        flipped += wrong ? 1 : 0;
                        flippedCaught += wrong && c.flagged()[i] ? 1 : 0;
                    }
                    cleaning = new LinkedHashMap<>();
                    cleaning.put("flagged", c.count());
                    cleaning.put("flipped_in_training_set", flipped);
                    cleaning.put("flipped_flagged", flippedCaught);
                    System.err.printf(Locale.ROOT, "  vat seed %d: %d samples flagged as label errors (%d of the %d flipped labels among them)%n",
                        seed, c.count(), flippedCaught, flipped);
                    m.info().put("cleaning", cleaning); // kept in the checkpoints, so a finished seed need not clean again
                }
                List<Double> rates = new ArrayList<>();
                List<float[]> cutouts = train.cutouts();
                int[] labels = train.labels();
                if (vat && labelled != null && !pool.isEmpty()) { // the unlabelled pool joins the VAT term only
                    cutouts = new ArrayList<>(train.cutouts());
                    cutouts.addAll(pool);
                    labels = java.util.Arrays.copyOf(train.labels(), cutouts.size());
                    labelled = java.util.Arrays.copyOf(labelled, cutouts.size());
                }
                m = Trainer.train(m, cutouts, labels, labelled, new Trainer.Settings(epochs, batch, seed), p -> {
                    rates.add(p.samplesPerSecond());
                    System.err.printf(Locale.ROOT, "  %s seed %d epoch %d/%d: loss %.4f, step %.1e, %.0f samples/s%n", k, sd, p.epoch(),
                        p.epochs(), p.loss(), p.learningRate(), p.samplesPerSecond());
                }, ckpt);
                long t1 = System.nanoTime();
                parameters = m.parameters();
                float[] s = m.scoreCutouts(held.cutouts());
                double scoreRate = held.size() / ((System.nanoTime() - t1) / 1e9);
                Evaluation.Scores scores = Evaluation.metrics(s, held.trueLabels());
                Map<String, Object> met = scores.row();
                met.put("seed", seed);
                met.put("train_samples_per_s", rates.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
                met.put("score_cutouts_per_s", scoreRate);
                met.put("train_s", (t1 - t0) / 1e9);
                if (cleaning != null) {
                    met.put("cleaning", cleaning);
                }
                perSeed.add(scores);
                rows.add(met);
                System.err.printf(Locale.ROOT, "%s seed %d: AUC %.5f, FPR at TPR 0.9 %.5f, TSS %.4f, accuracy %.4f%n", kind, seed,
                    scores.auc(), scores.fprAtTpr90(), scores.tss(), scores.accuracy());
                if (seed == 1) {
                    firstScores.put(kind, s);
                    Evaluation.scoresPng(out.resolve("scores-" + kind + ".png"), kind + " (seed 1) on held-out data", s, held.trueLabels());
                    m.setVersion(kind + "-" + java.time.LocalDate.now() + "-seed1");
                    m.info().put("trained_on", data.stream().map(Path::toString).collect(java.util.stream.Collectors.joining(" + ")));
                    m.info().put("metrics_on", test.toString());
                    m.info().put("metrics", met);
                    m.save(out.resolve(kind + ".nwmodel"), false);
                }
            }
            byModel.put(kind, Evaluation.summary(perSeed, rows).withParameters(parameters));
        }
        rep.put("models", byModel);
        rep.putAll(Evaluation.comparisons(byModel).fields());
        Evaluation.rocPng(out.resolve("roc.png"), firstScores, held.trueLabels());
        Path r = report != null ? report : out.resolve("report.json");
        Files.createDirectories(r.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(r.toFile(), rep);
        System.out.print(Evaluation.describe(byModel));
        System.out.println("wrote " + r + ", " + out.resolve("roc.png") + " and the models in " + out);
        return 0;
    }

    private RealBogusModel.AucLoss auc() {
        for (RealBogusModel.AucLoss l : RealBogusModel.AucLoss.values()) {
            if (l.name().equalsIgnoreCase(aucLoss)) {
                return l;
            }
        }
        throw new IllegalArgumentException("--auc-loss '" + aucLoss + "': one of probability, hinge");
    }

    /** The checkpoint's model when it finished this seed's training, else null. */
    private RealBogusModel finished(Path ckpt, InputSpec spec, int seed) {
        if (!Files.exists(ckpt)) {
            return null;
        }
        RealBogusModel m = RealBogusModel.load(ckpt, spec);
        return m.info().get("epochs_done") instanceof Number n && n.intValue() >= epochs
            && m.info().get("seed") instanceof Number s && s.longValue() == seed ? m : null;
    }
}
