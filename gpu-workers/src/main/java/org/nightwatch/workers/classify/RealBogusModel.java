package org.nightwatch.workers.classify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.weightinit.impl.XavierInitScheme;
import org.nd4j.weightinit.impl.ZeroInitScheme;

/**
 * A real/bogus network in SameDiff with its {@link InputSpec}. The survey's simple CNN (ARCHITECTURE
 * section 8): input C x 29 x 29 -> conv 5x5x32 -> relu -> max-pool 2 -> conv 3x3x64 -> relu -> max-pool 2
 * -> dense 128 -> relu -> dense 64 -> relu -> dense 1 -> sigmoid; 234,177 parameters with three channels.
 * Dropout (0.5, before the first dense layer) is applied in training only: the graph scales by a mask fed
 * at each step, all ones when scoring.
 *
 * <p>A model file is a zip of {@code model.json} (format version, model version, architecture, input
 * specification, how it was trained, metrics) and {@code graph.fb} (the SameDiff graph with its weights
 * and updater state); {@link #load} refuses a file whose specification disagrees with its graph or with
 * what the caller feeds.
 */
public final class RealBogusModel {
    public static final int FORMAT_VERSION = 1;
    public static final String SIMPLE_CNN = "simple-cnn";
    public static final String VAT_CNN = "vat-cnn";
    /** The side of the stamps the network takes: the protocol's cutout, a 29 px square (the architecture in the class comment). */
    static final int STAMP = org.nightwatch.protocol.Candidate.CUTOUT;
    private static final String INPUT = "input";
    private static final String LABEL = "label";
    private static final String LABELLED = "labelled";
    private static final String KEEP = "keep";
    private static final String KEEP_R = "keep_r";
    private static final String PERTURBATION = "perturbation";
    private static final String PERTURBED = "perturbed";
    private static final String TARGET = "target";
    private static final String LDS = "lds";
    private static final String AUC = "auc_loss";
    private static final String LOGIT = "logit";
    private static final String PROB = "prob";
    private static final int FLAT = 64 * 5 * 5;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final SameDiff sd;
    private final InputSpec spec;
    private final String architecture;
    private final Map<String, Object> info;
    private String version;
    private Objective objective;

    private RealBogusModel(SameDiff sd, InputSpec spec, String architecture, String version, Map<String, Object> info) {
        this.sd = sd;
        this.spec = spec;
        this.architecture = architecture;
        this.version = version;
        this.info = info;
    }

    /** A fresh simple CNN for {@code spec}, trained with cross-entropy; weights drawn with {@code seed}. */
    public static RealBogusModel simpleCnn(InputSpec spec, long seed, double learningRate) {
        SameDiff sd = graph(spec, seed);
        SDVariable y = sd.placeHolder(LABEL, DataType.FLOAT, -1, 1);
        sd.loss().sigmoidCrossEntropy("loss", y, sd.getVariable(LOGIT), null);
        sd.setLossVariables("loss");
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(learningRate)).dataSetFeatureMapping(INPUT, KEEP)
            .dataSetLabelMapping(LABEL).build());
        return new RealBogusModel(sd, spec, SIMPLE_CNN, SIMPLE_CNN + "-" + spec.channels().size() + "ch", new LinkedHashMap<>());
    }

    /**
     * How the Tomo-e model is trained (Takahashi et al. 2022): cross-entropy on the labelled samples, an
     * AUC loss on every labelled (real, bogus) pair of a minibatch, and virtual adversarial training on all
     * samples (the KL divergence between the prediction and the prediction under the most sensitive
     * perturbation of norm {@code epsilon}, found by one power iteration from a random direction of norm
     * {@code xi}). The AUC loss is one of {@link AucLoss}.
     */
    public record Objective(double aucWeight, double vatWeight, double epsilon, double xi, AucLoss aucLoss) {
        /** The default: {@link AucLoss#PROBABILITY}, which measured better here (see {@link AucLoss}). */
        public static Objective tomoe() {
            return tomoe(AucLoss.PROBABILITY);
        }

        public static Objective tomoe(AucLoss auc) {
            return new Objective(1.0, 1.0, 1.0, 0.1, auc);
        }
    }

    /**
     * The AUC surrogate on a (real i, bogus j) pair, averaged over the minibatch's labelled pairs.
     *
     * <p>On the 441k-bogus simulated pool (models/README.md), five seeds each: with {@code PROBABILITY}
     * the VAT model let through 5 bogus at TPR 0.9 where the simple CNN let through 15; with {@code HINGE}
     * 20, so the hinge is kept as a choice, not the default.
     */
    public enum AucLoss {
        /** {@code exp(p_j - p_i)} on probabilities: never zero, it keeps separating every pair. Files without the field use it. */
        PROBABILITY("exp(p_bogus - p_real)"),
        /**
         * The exponential hinge on logits, {@code exp(min(6, max(0, z_j - z_i + 0.25))) - 1} (margin and cap as in
         * the Tomo-e authors' code): a pair ordered by the margin costs nothing.
         */
        HINGE("exp(min(6, max(0, z_bogus - z_real + 0.25))) - 1");

        /** Margin and cap of {@link #HINGE}, in logits. */
        public static final double MARGIN = 0.25;
        public static final double CAP = 6.0;

        private final String formula;

        AucLoss(String formula) {
            this.formula = formula;
        }

        public String formula() {
            return formula;
        }
    }

    /** A fresh simple CNN to be trained with {@link Objective}: see {@link #vatStep}. */
    public static RealBogusModel vatCnn(InputSpec spec, long seed, double learningRate, Objective o) {
        SameDiff sd = graph(spec, seed);
        int c = spec.channels().size();
        SDVariable y = sd.placeHolder(LABEL, DataType.FLOAT, -1, 1);
        SDVariable labelled = sd.placeHolder(LABELLED, DataType.FLOAT, -1, 1);
        SDVariable z = sd.getVariable(LOGIT);
        SDVariable ce = sd.loss().sigmoidCrossEntropy("ce", y, z, labelled,
            org.nd4j.autodiff.loss.LossReduce.MEAN_BY_NONZERO_WEIGHT_COUNT, 0.0);
        // AUC: every labelled (real i, bogus j) pair of the minibatch
        SDVariable pos = y.mul(labelled);
        SDVariable neg = sd.constant(1f).sub(y).mul(labelled);
        SDVariable w = pos.mmul(sd.transpose(neg));
        SDVariable pair = switch (o.aucLoss()) {
            case PROBABILITY -> { // [i][j] = exp(p_j - p_i)
                SDVariable sc = sd.getVariable(PROB);
                yield sd.math().exp(sd.transpose(sc).sub(sc));
            }
            case HINGE -> { // [i][j] = exp(clip(z_j - z_i + margin, 0, cap)) - 1
                SDVariable behind = sd.transpose(z).sub(z).add(AucLoss.MARGIN);
                yield sd.math().exp(sd.math().clipByValue(behind, 0.0, AucLoss.CAP)).sub(1f);
            }
        };
        SDVariable auc = pair.mul(w).sum().div(w.sum().add(1e-6)).rename(AUC);
        // VAT: the network again on the perturbed input (shared weights, no dropout)
        SDVariable r = sd.placeHolder(PERTURBATION, DataType.FLOAT, -1, c, STAMP, STAMP);
        SDVariable p = sd.placeHolder(TARGET, DataType.FLOAT, -1, 1);
        SDVariable xr = sd.getVariable(INPUT).add(PERTURBED, r);
        SDVariable zr = body(sd, xr, sd.getVariable(KEEP_R));
        SDVariable entropy = p.mul(sd.math().log(p.add(1e-7))).add(sd.constant(1f).sub(p).mul(sd.math().log(sd.constant(1f).sub(p).add(1e-7))));
        SDVariable kl = p.mul(sd.nn().softplus(zr.neg())).add(sd.constant(1f).sub(p).mul(sd.nn().softplus(zr))).add(entropy).mean();
        kl.rename(LDS);
        ce.mul(1.0).add(auc.mul(o.aucWeight())).add(kl.mul(o.vatWeight())).rename("loss");
        sd.setLossVariables("loss");
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(learningRate))
            .dataSetFeatureMapping(INPUT, KEEP, KEEP_R, LABELLED, PERTURBATION, TARGET).dataSetLabelMapping(LABEL).build());
        RealBogusModel m = new RealBogusModel(sd, spec, VAT_CNN, VAT_CNN + "-" + c + "ch", new LinkedHashMap<>());
        m.objective = o;
        return m;
    }

    /** The shared part of every graph: placeholders, the network on the input, logit and probability. */
    private static SameDiff graph(InputSpec spec, long seed) {
        if (spec.size() != STAMP) {
            throw new IllegalArgumentException("the simple CNN takes " + STAMP + " x " + STAMP + " stamps, the spec says " + spec.size());
        }
        Nd4j.getRandom().setSeed(seed);
        int c = spec.channels().size();
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder(INPUT, DataType.FLOAT, -1, c, STAMP, STAMP);
        SDVariable keep = sd.placeHolder(KEEP, DataType.FLOAT, -1, FLAT);
        sd.placeHolder(KEEP_R, DataType.FLOAT, -1, FLAT);
        sd.var("conv1_w", new XavierInitScheme('c', 25 * c, 25 * 32), DataType.FLOAT, 5, 5, c, 32);
        sd.var("conv1_b", new ZeroInitScheme('c'), DataType.FLOAT, 32);
        sd.var("conv2_w", new XavierInitScheme('c', 9 * 32, 9 * 64), DataType.FLOAT, 3, 3, 32, 64);
        sd.var("conv2_b", new ZeroInitScheme('c'), DataType.FLOAT, 64);
        for (String[] d : new String[][] {{"dense1", "" + FLAT, "128"}, {"dense2", "128", "64"}, {"out", "64", "1"}}) {
            int nIn = Integer.parseInt(d[1]);
            int nOut = Integer.parseInt(d[2]);
            sd.var(d[0] + "_w", new XavierInitScheme('c', nIn, nOut), DataType.FLOAT, nIn, nOut);
            sd.var(d[0] + "_b", new ZeroInitScheme('c'), DataType.FLOAT, 1, nOut);
        }
        SDVariable z = body(sd, x, keep);
        z.rename(LOGIT);
        sd.nn().sigmoid(PROB, z);
        return sd;
    }

    /** The network on {@code x} with the graph's weights: the logit. */
    private static SDVariable body(SameDiff sd, SDVariable x, SDVariable keep) {
        Conv2DConfig c5 = Conv2DConfig.builder().kH(5).kW(5).sH(1).sW(1).paddingMode(PaddingMode.VALID).dataFormat("NCHW").build();
        Conv2DConfig c3 = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).paddingMode(PaddingMode.VALID).dataFormat("NCHW").build();
        Pooling2DConfig p2 = Pooling2DConfig.builder().kH(2).kW(2).sH(2).sW(2).paddingMode(PaddingMode.VALID).isNHWC(false).build();
        SDVariable h = sd.cnn().maxPooling2d(sd.nn().relu(sd.cnn().conv2d(x, sd.getVariable("conv1_w"), sd.getVariable("conv1_b"), c5), 0), p2);
        h = sd.cnn().maxPooling2d(sd.nn().relu(sd.cnn().conv2d(h, sd.getVariable("conv2_w"), sd.getVariable("conv2_b"), c3), 0), p2);
        h = sd.reshape(h, -1, FLAT).mul(keep);
        h = dense(sd, h, "dense1", true);
        h = dense(sd, h, "dense2", true);
        return dense(sd, h, "out", false);
    }

    private static SDVariable dense(SameDiff sd, SDVariable in, String name, boolean relu) {
        SDVariable z = in.mmul(sd.getVariable(name + "_w")).add(sd.getVariable(name + "_b"));
        return relu ? sd.nn().relu(z, 0) : z;
    }

    public InputSpec spec() {
        return spec;
    }

    public String version() {
        return version;
    }

    public String architecture() {
        return architecture;
    }

    /** Trainable parameters. */
    public long parameters() {
        long n = 0;
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                n += v.getArr().length();
            }
        }
        return n;
    }

    /** The Adam step size used from now on (the trainer lowers it epoch by epoch). */
    public void setLearningRate(double rate) {
        if (sd.getTrainingConfig().getUpdater() instanceof Adam adam) {
            adam.setLearningRate(rate);
        } else {
            throw new IllegalStateException("model " + version + " has no Adam updater");
        }
    }

    /** The Adam step size of the next step. */
    public double learningRate() {
        return ((Adam) sd.getTrainingConfig().getUpdater()).getLearningRate();
    }

    /** Free-form facts stored in model.json (training data, seed, metrics). */
    public Map<String, Object> info() {
        return info;
    }

    public void setVersion(String v) {
        version = v;
    }

    /** The most cutouts {@link #scoreCutouts} scores in one pass; throughput is flat beyond a few hundred. */
    public static final int SCORE_CHUNK = 1024;

    /**
     * {@link #scoreCutouts} pads each pass with blank rows to a multiple of this. The graph's arrays are reused
     * from one call to the next only when the shapes repeat, and a visit's candidate count varies: batches of
     * 35-74 cutouts, each count as it came, scored at 25 ms (p50) a batch on one thread, padded to 16 at 14 ms.
     */
    public static final int SHAPE_STEP = 16;

    /**
     * {@code n} made-up candidate cutouts (3 x 29 x 29: reference, new, difference) for warming a scorer up before the
     * night: noise with a star in the reference and new images and a point source in the difference, and every fourth
     * cut by the image's edge (rows of zeros), as a night's cutouts are. Blank cutouts would leave the normalisation's
     * branches for real ones untaken, and the first real batch would throw its compiled code away.
     */
    public static List<float[]> warmUpCutouts(int n) {
        int size = org.nightwatch.protocol.Candidate.CUTOUT;
        int plane = size * size;
        java.util.SplittableRandom random = new java.util.SplittableRandom(29);
        List<float[]> out = new java.util.ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            float[] c = new float[3 * plane];
            double star = 50 + random.nextInt(2000);
            double source = (k % 2 == 0 ? 1 : -1) * (20 + random.nextInt(500));
            int cut = k % 4 == 3 ? 6 : 0;
            for (int y = cut; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int i = y * size + x;
                    double r2 = (x - size / 2) * (x - size / 2) + (y - size / 2) * (y - size / 2);
                    double psf = Math.exp(-r2 / 4.5);
                    c[i] = (float) (star * psf + 10 * random.nextGaussian());
                    c[plane + i] = (float) ((star + source) * psf + 10 * random.nextGaussian());
                    c[2 * plane + i] = (float) (source * psf + 14 * random.nextGaussian());
                }
            }
            out.add(c);
        }
        return out;
    }

    /** Normalised features of these cutouts, {@code n x C x 29 x 29}. */
    public INDArray features(List<float[]> cutouts) {
        return features(cutouts, cutouts.size());
    }

    /** Normalised features of these cutouts in the first rows of {@code rows} (the rest zero). */
    private INDArray features(List<float[]> cutouts, int rows) {
        int per = spec.floatsPerSample();
        float[] buf = new float[rows * per];
        for (int i = 0; i < cutouts.size(); i++) {
            spec.normalise(cutouts.get(i), buf, i * per);
        }
        return Nd4j.create(buf, new long[] {rows, spec.channels().size(), spec.size(), spec.size()}, 'c');
    }

    /** Real/bogus scores of normalised features. */
    public float[] score(INDArray features) {
        return perSample(features, PROB);
    }

    /** The graph's variable {@code name}, one value per sample, without dropout. */
    private float[] perSample(INDArray features, String name) {
        long n = features.size(0);
        try (INDArray keep = Nd4j.ones(DataType.FLOAT, n, FLAT); INDArray v = sd.output(Map.of(INPUT, features, KEEP, keep), name).get(name)) {
            return v.reshape(n).toFloatVector();
        }
    }

    /**
     * Scores candidate cutouts (3 x 29 x 29 each), {@link #SCORE_CHUNK} at a time: a held-out set of a hundred
     * thousand cutouts would otherwise become one feature array of a gigabyte outside the Java heap.
     */
    public float[] scoreCutouts(List<float[]> cutouts) {
        float[] out = new float[cutouts.size()];
        for (int from = 0; from < cutouts.size(); from += SCORE_CHUNK) {
            int to = Math.min(cutouts.size(), from + SCORE_CHUNK);
            int rows = (to - from + SHAPE_STEP - 1) / SHAPE_STEP * SHAPE_STEP;
            try (INDArray f = features(cutouts.subList(from, to), rows)) {
                System.arraycopy(score(f), 0, out, from, to - from);
            }
        }
        return out;
    }

    /** One optimisation step on a minibatch; {@code labels} 1 real, 0 bogus; dropout drawn from {@code seed}. */
    public void step(INDArray features, float[] labels, long seed) {
        long n = features.size(0);
        sd.fit(new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {features, dropout(n, seed)},
            new INDArray[] {Nd4j.create(labels, new long[] {n, 1}, 'c')}));
    }

    /**
     * An inverted-dropout mask for the first dense layer (keep half, scale kept units by two), drawn on the
     * Java side from {@code seed}: reseeding ND4J's native generator every step costs more than the step.
     */
    private static INDArray dropout(long n, long seed) {
        float[] mask = new float[(int) n * FLAT];
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < mask.length; i++) {
            mask[i] = r.nextBoolean() ? 2f : 0f;
        }
        return Nd4j.create(mask, new long[] {n, FLAT}, 'c');
    }

    /** The training objective of a VAT model; null for one trained with cross-entropy alone. */
    public Objective objective() {
        return objective;
    }

    /**
     * One step of the Tomo-e objective on a minibatch: the current predictions become the VAT target,
     * one power iteration finds the adversarial direction, then the weights take one Adam step on
     * cross-entropy (labelled samples), AUC loss (labelled pairs) and the VAT divergence (all samples).
     *
     * @param labelled 1 where the label is used, 0 where the sample only takes part in VAT
     */
    public void vatStep(INDArray features, float[] labels, float[] labelled, long seed) {
        if (objective == null) {
            throw new IllegalStateException("model " + version + " was not built for VAT training");
        }
        long n = features.size(0);
        INDArray target = Nd4j.create(score(features), new long[] {n, 1}, 'c');
        INDArray radv = adversarialDirection(features, target, seed).muli(objective.epsilon());
        sd.fit(new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {features, dropout(n, seed ^ 0x5DEECE66DL),
            Nd4j.ones(DataType.FLOAT, n, FLAT), Nd4j.create(labelled, new long[] {n, 1}, 'c'), radv, target},
            new INDArray[] {Nd4j.create(labels, new long[] {n, 1}, 'c')}));
    }

    /**
     * The unit direction (per sample) in which the prediction changes most, by one power iteration: the
     * gradient of KL(target || f(x + xi d)) with respect to the input, from a random unit direction d.
     */
    public INDArray adversarialDirection(INDArray features, INDArray target, long seed) {
        long n = features.size(0);
        Nd4j.getRandom().setSeed(seed);
        INDArray d = unitPerSample(Nd4j.randn(DataType.FLOAT, features.shape())).muli(objective.xi());
        Map<String, INDArray> ph = new LinkedHashMap<>(placeholders(features, target, d));
        Map<String, INDArray> g = sd.calculateGradients(ph, PERTURBED);
        return unitPerSample(g.get(PERTURBED).dup());
    }

    /** The AUC term of the objective on these features: labels 1 real, 0 bogus; only pairs of labelled samples count. */
    public double aucLoss(INDArray features, float[] labels, float[] labelled) {
        long n = features.size(0);
        Map<String, INDArray> ph = placeholders(features, Nd4j.zeros(DataType.FLOAT, n, 1), Nd4j.zeros(DataType.FLOAT, features.shape()));
        ph.put(LABEL, Nd4j.create(labels, new long[] {n, 1}, 'c'));
        ph.put(LABELLED, Nd4j.create(labelled, new long[] {n, 1}, 'c'));
        return sd.output(ph, AUC).get(AUC).getDouble(0);
    }

    /** Logits (before the sigmoid) of normalised features, without dropout. */
    public float[] logits(INDArray features) {
        return perSample(features, LOGIT);
    }

    /** The VAT divergence KL(target || f(x + r)), averaged over the minibatch. */
    public double divergence(INDArray features, INDArray target, INDArray r) {
        return sd.output(placeholders(features, target, r), LDS).get(LDS).getDouble(0);
    }

    private Map<String, INDArray> placeholders(INDArray features, INDArray target, INDArray r) {
        long n = features.size(0);
        Map<String, INDArray> ph = new LinkedHashMap<>();
        ph.put(INPUT, features);
        ph.put(KEEP, Nd4j.ones(DataType.FLOAT, n, FLAT));
        ph.put(KEEP_R, Nd4j.ones(DataType.FLOAT, n, FLAT));
        ph.put(LABELLED, Nd4j.zeros(DataType.FLOAT, n, 1));
        ph.put(LABEL, Nd4j.zeros(DataType.FLOAT, n, 1));
        ph.put(PERTURBATION, r);
        ph.put(TARGET, target);
        return ph;
    }

    private static INDArray unitPerSample(INDArray a) {
        long n = a.size(0);
        INDArray flat = a.reshape(n, a.length() / n);
        INDArray norms = flat.norm2(1).addi(1e-12f).reshape(n, 1);
        return flat.diviColumnVector(norms).reshape(a.shape());
    }

    /** Mean cross-entropy of these features against their labels, without dropout. */
    public double crossEntropy(INDArray features, float[] labels) {
        float[] p = score(features);
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            double q = Math.min(1 - 1e-7, Math.max(1e-7, p[i]));
            sum -= labels[i] * Math.log(q) + (1 - labels[i]) * Math.log(1 - q);
        }
        return sum / p.length;
    }

    /** Writes the model file (zip of model.json and graph.fb) with the updater state, for resuming training. */
    public void save(Path file) {
        save(file, true);
    }

    /** Writes the model file; without the updater state it is a third of the size, for scoring only. */
    public void save(Path file, boolean withUpdaterState) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Path graph = Files.createTempFile("nightwatch-graph", ".fb");
            try {
                sd.save(graph.toFile(), withUpdaterState);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("format_version", FORMAT_VERSION);
                m.put("model_version", version);
                m.put("architecture", architecture);
                m.put("parameters", parameters());
                m.put("input", Map.of("size", spec.size(), "channels", spec.channels(), "normalisation", spec.normalisation(),
                    "softening", spec.softening()));
                m.put("info", info);
                if (objective != null) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("auc_weight", objective.aucWeight());
                    o.put("vat_weight", objective.vatWeight());
                    o.put("epsilon", objective.epsilon());
                    o.put("xi", objective.xi());
                    o.put("auc_loss", objective.aucLoss().name().toLowerCase(java.util.Locale.ROOT));
                    o.put("auc_formula", objective.aucLoss().formula());
                    m.put("objective", o);
                }
                Path tmp = file.resolveSibling(file.getFileName() + ".part");
                try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
                    zip.putNextEntry(new ZipEntry("model.json"));
                    zip.write(JSON.writeValueAsBytes(m));
                    zip.closeEntry();
                    zip.putNextEntry(new ZipEntry("graph.fb"));
                    Files.copy(graph, zip);
                    zip.closeEntry();
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(graph);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model " + file, e);
        }
    }

    /** A model file that cannot be used: the message names the file and what is wrong. */
    public static final class ModelFileException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ModelFileException(Path file, String problem) {
            super(file + ": " + problem);
        }
    }

    /**
     * Reads a model file, checking its format version, that its input specification agrees with its
     * graph, and (when {@code expected} is not null) that it is the specification the caller feeds.
     */
    @SuppressWarnings("unchecked")
    public static RealBogusModel load(Path file, InputSpec expected) {
        if (!Files.exists(file)) {
            throw new ModelFileException(file, "no such model file");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry meta = zip.getEntry("model.json");
            ZipEntry graph = zip.getEntry("graph.fb");
            if (meta == null || graph == null) {
                throw new ModelFileException(file, "not a nightwatch model (needs model.json and graph.fb)");
            }
            Map<String, Object> m;
            try (InputStream in = zip.getInputStream(meta)) {
                m = JSON.readValue(in, Map.class);
            }
            int fmt = ((Number) m.getOrDefault("format_version", -1)).intValue();
            if (fmt != FORMAT_VERSION) {
                throw new ModelFileException(file, "model format version " + fmt + ", this build reads " + FORMAT_VERSION);
            }
            Map<String, Object> in = (Map<String, Object>) m.get("input");
            if (in == null) {
                throw new ModelFileException(file, "no input specification in model.json");
            }
            InputSpec spec;
            try {
                spec = new InputSpec(((Number) in.get("size")).intValue(), (List<String>) in.get("channels"),
                    (String) in.get("normalisation"), ((Number) in.get("softening")).doubleValue());
            } catch (IllegalArgumentException e) { // an unknown normalisation or channel, named by InputSpec
                throw new ModelFileException(file, e.getMessage());
            }
            if (expected != null && !expected.equals(spec)) {
                throw new ModelFileException(file, "its input specification " + spec + " is not the one given: " + expected);
            }
            Path tmp = Files.createTempFile("nightwatch-graph", ".fb");
            SameDiff sd;
            try {
                try (InputStream g = zip.getInputStream(graph)) {
                    Files.copy(g, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                sd = SameDiff.load(tmp.toFile(), true);
            } finally {
                Files.deleteIfExists(tmp);
            }
            long[] shape = sd.getVariable(INPUT).placeholderShape();
            if (shape == null || shape.length != 4 || shape[1] != spec.channels().size() || shape[2] != spec.size()
                || shape[3] != spec.size()) {
                throw new ModelFileException(file, "its graph takes input " + java.util.Arrays.toString(shape)
                    + " but model.json says " + spec.channels().size() + " x " + spec.size() + " x " + spec.size());
            }
            Map<String, Object> info = (Map<String, Object>) m.getOrDefault("info", new LinkedHashMap<>());
            RealBogusModel model = new RealBogusModel(sd, spec, (String) m.get("architecture"), (String) m.get("model_version"),
                new LinkedHashMap<>(info));
            if (m.get("objective") instanceof Map<?, ?> o) {
                model.objective = new Objective(((Number) o.get("auc_weight")).doubleValue(), ((Number) o.get("vat_weight")).doubleValue(),
                    ((Number) o.get("epsilon")).doubleValue(), ((Number) o.get("xi")).doubleValue(),
                    o.get("auc_loss") instanceof String l ? AucLoss.valueOf(l.toUpperCase(java.util.Locale.ROOT)) : AucLoss.PROBABILITY);
            }
            return model;
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot be read: " + e.getMessage());
        }
    }
}
