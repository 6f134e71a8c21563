package org.nightwatch.workers.classify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Minibatch training of a {@link RealBogusModel} with cross-entropy: the samples are normalised once,
 * shuffled each epoch by the seed (so an interrupted run resumed from its checkpoint sees the same
 * order), and the model is written to the checkpoint after every epoch, with the epoch it finished.
 * The step size follows a cosine from the model's initial rate down to {@link #FINAL_RATE_SHARE} of it
 * in the last epoch, so the weights settle instead of ending wherever the last noisy step left them;
 * it depends on the epoch alone, so a resumed training takes the same steps.
 */
public final class Trainer {
    /**
     * @param epochs passes over the data
     * @param batch  samples per step
     * @param seed   shuffling and dropout
     */
    public record Settings(int epochs, int batch, long seed) {
    }

    /**
     * After each epoch: the cross-entropy of its last full-size minibatch, after that minibatch's step (the
     * epoch's very last minibatch may hold a handful of samples, too few for a steady number); samples/s counts
     * the optimisation steps; the epoch's step size.
     */
    public record Progress(int epoch, int epochs, double loss, double samplesPerSecond, double learningRate) {
    }

    /** The last epoch's step size as a share of the first's. */
    public static final double FINAL_RATE_SHARE = 0.02;

    private Trainer() {
    }

    /** The step-size factor of {@code epoch} (0-based) of {@code epochs}: 1 in the first, {@link #FINAL_RATE_SHARE} in the last. */
    public static double rateFactor(int epoch, int epochs) {
        if (epochs <= 1) {
            return 1;
        }
        double t = (double) epoch / (epochs - 1);
        return FINAL_RATE_SHARE + (1 - FINAL_RATE_SHARE) * 0.5 * (1 + Math.cos(Math.PI * t));
    }

    /**
     * Stage 1 of the Tomo-e method: {@code folds}-fold training with cross-entropy on the given (noisy)
     * labels; a sample whose out-of-fold score contradicts its label by more than {@code margin}
     * (a "real" scored below 1 - margin, a "bogus" above margin) is flagged as a probable label error.
     *
     * @return the out-of-fold scores and the flags
     */
    public static Cleaning clean(InputSpec spec, List<float[]> cutouts, int[] labels, int folds, double margin, Settings s,
                                 double learningRate, Consumer<String> progress) {
        int n = cutouts.size();
        int[] fold = new int[n];
        SplittableRandom r = new SplittableRandom(s.seed() ^ 0xC1EAL);
        for (int i = 0; i < n; i++) {
            fold[i] = r.nextInt(folds);
        }
        float[] oof = new float[n];
        for (int k = 0; k < folds; k++) {
            List<float[]> tc = new java.util.ArrayList<>();
            java.util.List<Integer> tl = new java.util.ArrayList<>();
            List<float[]> vc = new java.util.ArrayList<>();
            java.util.List<Integer> vi = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (fold[i] == k) {
                    vc.add(cutouts.get(i));
                    vi.add(i);
                } else {
                    tc.add(cutouts.get(i));
                    tl.add(labels[i]);
                }
            }
            RealBogusModel m = RealBogusModel.simpleCnn(spec, s.seed() * 31 + k, learningRate);
            m = train(m, tc, tl.stream().mapToInt(Integer::intValue).toArray(), new Settings(s.epochs(), s.batch(), s.seed() * 31 + k),
                null, null);
            float[] sc = m.scoreCutouts(vc);
            for (int j = 0; j < vi.size(); j++) {
                oof[vi.get(j)] = sc[j];
            }
            if (progress != null) {
                progress.accept("cleaning fold " + (k + 1) + " of " + folds + " done");
            }
        }
        boolean[] flagged = new boolean[n];
        for (int i = 0; i < n; i++) {
            flagged[i] = labels[i] == 1 ? oof[i] < 1 - margin : oof[i] > margin;
        }
        return new Cleaning(oof, flagged);
    }

    /** Out-of-fold scores and the samples flagged as probable label errors. */
    public record Cleaning(float[] outOfFold, boolean[] flagged) {
        public int count() {
            int c = 0;
            for (boolean f : flagged) {
                c += f ? 1 : 0;
            }
            return c;
        }
    }

    /**
     * Trains {@code model} on cutouts and labels (1 real, 0 bogus). With a checkpoint that already holds
     * this training's model, continues after its last finished epoch.
     *
     * @return the trained model (the checkpoint's when resumed)
     */
    public static RealBogusModel train(RealBogusModel model, List<float[]> cutouts, int[] labels, Settings s,
                                       Consumer<Progress> progress, Path checkpoint) {
        return train(model, cutouts, labels, null, s, progress, checkpoint);
    }

    /**
     * As {@link #train(RealBogusModel, List, int[], Settings, Consumer, Path)}; a model built for VAT takes
     * Tomo-e steps, using the labels only where {@code labelled} is true (null: everywhere).
     */
    public static RealBogusModel train(RealBogusModel model, List<float[]> cutouts, int[] labels, boolean[] labelled, Settings s,
                                       Consumer<Progress> progress, Path checkpoint) {
        int start = 0;
        double initialRate = model.info().get("initial_learning_rate") instanceof Number r ? r.doubleValue() : model.learningRate();
        if (checkpoint != null && Files.exists(checkpoint)) {
            RealBogusModel saved = RealBogusModel.load(checkpoint, model.spec());
            Object e = saved.info().get("epochs_done");
            if (e instanceof Number n && saved.info().get("seed") instanceof Number sd && sd.longValue() == s.seed()) {
                model = saved;
                start = n.intValue();
            }
        }
        InputSpec spec = model.spec();
        int per = spec.floatsPerSample();
        int n = cutouts.size();
        float[] all = new float[n * per];
        for (int i = 0; i < n; i++) {
            spec.normalise(cutouts.get(i), all, i * per);
        }
        int[] order = new int[n];
        for (int epoch = start; epoch < s.epochs(); epoch++) {
            model.setLearningRate(initialRate * rateFactor(epoch, s.epochs()));
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            SplittableRandom r = new SplittableRandom(s.seed() * 7919 + epoch);
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            long t0 = System.nanoTime();
            double loss = Double.NaN;
            for (int b = 0; b < n; b += s.batch()) {
                int m = Math.min(s.batch(), n - b);
                float[] x = new float[m * per];
                float[] y = new float[m];
                float[] use = new float[m];
                for (int k = 0; k < m; k++) {
                    System.arraycopy(all, order[b + k] * per, x, k * per, per);
                    y[k] = labels[order[b + k]];
                    use[k] = labelled == null || labelled[order[b + k]] ? 1f : 0f;
                }
                INDArray f = Nd4j.create(x, new long[] {m, spec.channels().size(), spec.size(), spec.size()}, 'c');
                long stepSeed = s.seed() * 1_000_003L + epoch * 100_000L + b;
                if (model.objective() != null) {
                    model.vatStep(f, y, use, stepSeed);
                } else {
                    model.step(f, y, stepSeed);
                }
                // the progress line's loss: the last full-size minibatch, since the epoch's very last may hold a handful
                boolean lastFull = m == s.batch() ? b + 2L * s.batch() > n : n < s.batch();
                if (lastFull) {
                    loss = model.crossEntropy(f, y);
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            model.info().put("epochs_done", epoch + 1);
            model.info().put("seed", s.seed());
            model.info().put("initial_learning_rate", initialRate);
            if (checkpoint != null) {
                model.save(checkpoint);
            }
            if (progress != null) {
                progress.accept(new Progress(epoch + 1, s.epochs(), loss, n / secs, model.learningRate()));
            }
        }
        return model;
    }
}
