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
    private static final String INPUT = "input";
    private static final String LABEL = "label";
    private static final String KEEP = "keep";
    private static final String PROB = "prob";
    private static final int FLAT = 64 * 5 * 5;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final SameDiff sd;
    private final InputSpec spec;
    private final String architecture;
    private final Map<String, Object> info;
    private String version;

    private RealBogusModel(SameDiff sd, InputSpec spec, String architecture, String version, Map<String, Object> info) {
        this.sd = sd;
        this.spec = spec;
        this.architecture = architecture;
        this.version = version;
        this.info = info;
    }

    /** A fresh simple CNN for {@code spec}, weights drawn with {@code seed}. */
    public static RealBogusModel simpleCnn(InputSpec spec, long seed, double learningRate) {
        if (spec.size() != 29) {
            throw new IllegalArgumentException("the simple CNN takes 29 x 29 stamps, the spec says " + spec.size());
        }
        Nd4j.getRandom().setSeed(seed);
        int c = spec.channels().size();
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder(INPUT, DataType.FLOAT, -1, c, 29, 29);
        SDVariable y = sd.placeHolder(LABEL, DataType.FLOAT, -1, 1);
        SDVariable keep = sd.placeHolder(KEEP, DataType.FLOAT, -1, FLAT);
        Conv2DConfig c5 = Conv2DConfig.builder().kH(5).kW(5).sH(1).sW(1).paddingMode(PaddingMode.VALID).dataFormat("NCHW").build();
        Conv2DConfig c3 = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).paddingMode(PaddingMode.VALID).dataFormat("NCHW").build();
        Pooling2DConfig p2 = Pooling2DConfig.builder().kH(2).kW(2).sH(2).sW(2).paddingMode(PaddingMode.VALID).isNHWC(false).build();
        SDVariable h = sd.cnn().maxPooling2d(sd.nn().relu(sd.cnn().conv2d(x,
            sd.var("conv1_w", new XavierInitScheme('c', 25 * c, 25 * 32), DataType.FLOAT, 5, 5, c, 32),
            sd.var("conv1_b", new ZeroInitScheme('c'), DataType.FLOAT, 32), c5), 0), p2);
        h = sd.cnn().maxPooling2d(sd.nn().relu(sd.cnn().conv2d(h,
            sd.var("conv2_w", new XavierInitScheme('c', 9 * 32, 9 * 64), DataType.FLOAT, 3, 3, 32, 64),
            sd.var("conv2_b", new ZeroInitScheme('c'), DataType.FLOAT, 64), c3), 0), p2);
        h = sd.reshape(h, -1, FLAT).mul(keep);
        h = dense(sd, h, "dense1", FLAT, 128, true);
        h = dense(sd, h, "dense2", 128, 64, true);
        SDVariable logit = dense(sd, h, "out", 64, 1, false);
        sd.nn().sigmoid(PROB, logit);
        sd.loss().sigmoidCrossEntropy("loss", y, logit, null);
        sd.setLossVariables("loss");
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(learningRate)).dataSetFeatureMapping(INPUT, KEEP)
            .dataSetLabelMapping(LABEL).build());
        return new RealBogusModel(sd, spec, SIMPLE_CNN, SIMPLE_CNN + "-" + c + "ch", new LinkedHashMap<>());
    }

    private static SDVariable dense(SameDiff sd, SDVariable in, String name, int nIn, int nOut, boolean relu) {
        SDVariable z = in.mmul(sd.var(name + "_w", new XavierInitScheme('c', nIn, nOut), DataType.FLOAT, nIn, nOut))
            .add(sd.var(name + "_b", new ZeroInitScheme('c'), DataType.FLOAT, 1, nOut));
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

    /** Free-form facts stored in model.json (training data, seed, metrics). */
    public Map<String, Object> info() {
        return info;
    }

    public void setVersion(String v) {
        version = v;
    }

    /** Normalised features of these cutouts, {@code n x C x 29 x 29}. */
    public INDArray features(List<float[]> cutouts) {
        int per = spec.floatsPerSample();
        float[] buf = new float[cutouts.size() * per];
        for (int i = 0; i < cutouts.size(); i++) {
            spec.normalise(cutouts.get(i), buf, i * per);
        }
        return Nd4j.create(buf, new long[] {cutouts.size(), spec.channels().size(), spec.size(), spec.size()}, 'c');
    }

    /** Real/bogus scores of normalised features. */
    public float[] score(INDArray features) {
        long n = features.size(0);
        INDArray keep = Nd4j.ones(DataType.FLOAT, n, FLAT);
        return sd.output(Map.of(INPUT, features, KEEP, keep), PROB).get(PROB).reshape(n).toFloatVector();
    }

    /** Scores candidate cutouts (3 x 29 x 29 each). */
    public float[] scoreCutouts(List<float[]> cutouts) {
        return score(features(cutouts));
    }

    /** One optimisation step on a minibatch; {@code labels} 1 real, 0 bogus; dropout 0.5 drawn from {@code seed}. */
    public double step(INDArray features, float[] labels, long seed) {
        long n = features.size(0);
        Nd4j.getRandom().setSeed(seed);
        INDArray keep = Nd4j.rand(DataType.FLOAT, n, FLAT).gt(0.5).castTo(DataType.FLOAT).muli(2f);
        DataSet ds = new DataSet(null, Nd4j.create(labels, new long[] {n, 1}, 'c'));
        org.nd4j.linalg.dataset.MultiDataSet mds = new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {features, keep},
            new INDArray[] {ds.getLabels()});
        sd.fit(mds);
        return loss(features, labels);
    }

    /** Mean cross-entropy of these features against their labels, without dropout. */
    public double loss(INDArray features, float[] labels) {
        long n = features.size(0);
        return sd.output(Map.of(INPUT, features, KEEP, Nd4j.ones(DataType.FLOAT, n, FLAT), LABEL,
            Nd4j.create(labels, new long[] {n, 1}, 'c')), "loss").get("loss").getDouble(0);
    }

    /** Writes the model file (zip of model.json and graph.fb, with the updater state for resuming). */
    public void save(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Path graph = Files.createTempFile("nightwatch-graph", ".fb");
            try {
                sd.save(graph.toFile(), true);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("format_version", FORMAT_VERSION);
                m.put("model_version", version);
                m.put("architecture", architecture);
                m.put("parameters", parameters());
                m.put("input", Map.of("size", spec.size(), "channels", spec.channels(), "normalisation", spec.normalisation(),
                    "softening", spec.softening()));
                m.put("info", info);
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
            InputSpec spec = new InputSpec(((Number) in.get("size")).intValue(), (List<String>) in.get("channels"),
                (String) in.get("normalisation"), ((Number) in.get("softening")).doubleValue());
            if (!InputSpec.ASINH_DIFF_NOISE.equals(spec.normalisation())) {
                throw new ModelFileException(file, "normalisation '" + spec.normalisation() + "' is not one this build knows");
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
            return new RealBogusModel(sd, spec, (String) m.get("architecture"), (String) m.get("model_version"),
                new LinkedHashMap<>(info));
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot be read: " + e.getMessage());
        }
    }
}
