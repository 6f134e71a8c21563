package org.nightwatch.tools.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.night.cli.NightwatchCli;
import org.nightwatch.tools.train.TrainingSetBuilder;
import org.nightwatch.tools.train.TrainingSetFiles;
import org.nightwatch.workers.classify.InputSpec;
import org.nightwatch.workers.classify.RealBogusModel;

/**
 * {@code nightwatch evaluate}: each score joins back to its set and its row of labels.csv, also when kept-apart
 * samples (moving objects, variables: never scored) sit between the labelled ones and several sets are pooled;
 * several models are reported per kind, with the comparison between kinds.
 */
class EvaluateCommandTest {
    @TempDir
    Path dir;

    @Test
    void pooledSetsAndSeveralModelsKeepEachScoreWithItsRowAndModel() throws Exception {
        Path a = set("a", 4, "moving", "real", "cosmic-ray", "variable", "real", "trail");
        Path b = set("b", 5, "real", "variable", "dipole", "real");
        Path simple = dir.resolve("simple-seed1.nwmodel");
        RealBogusModel.simpleCnn(InputSpec.threeChannel(), 1, 1e-3).save(simple);
        Path vat = dir.resolve("vat-seed1.nwmodel");
        RealBogusModel.vatCnn(InputSpec.threeChannel(), 2, 1e-3, RealBogusModel.Objective.tomoe()).save(vat);
        Path scores = dir.resolve("scores.csv");
        Path report = dir.resolve("report.json");
        int rc = NightwatchCli.commandLine().execute("evaluate", "--data", a.toString(), "--data", b.toString(),
            "--model", simple.toString(), "--model", vat.toString(), "--scores", scores.toString(), "--report", report.toString());
        assertEquals(0, rc);

        List<String> rows = Files.readAllLines(scores);
        assertEquals("set,index,type,true_label,snr,simple-seed1,vat-seed1", rows.get(0));
        Map<Path, float[][]> direct = new HashMap<>();
        for (Path set : List.of(a, b)) {
            List<float[]> cutouts = TrainingSetFiles.read(set).cutouts();
            direct.put(set, new float[][] {RealBogusModel.load(simple, null).scoreCutouts(cutouts),
                RealBogusModel.load(vat, null).scoreCutouts(cutouts)});
        }
        List<String> scored = new ArrayList<>();
        for (String line : rows.subList(1, rows.size())) {
            String[] f = line.split(",");
            Path set = Path.of(f[0]);
            int index = Integer.parseInt(f[1]);
            scored.add(set.getFileName() + ":" + index);
            String[] l = Files.readAllLines(set.resolve("labels.csv")).get(index + 1).split(",", -1);
            assertEquals(l[3], f[2], "the type of " + set + " labels.csv row " + index);
            assertEquals(l[2], f[3], "the true label of " + set + " labels.csv row " + index);
            assertEquals(direct.get(set)[0][index], Double.parseDouble(f[5]), 1e-5, "simple's score of " + set + " row " + index);
            assertEquals(direct.get(set)[1][index], Double.parseDouble(f[6]), 1e-5, "vat's score of " + set + " row " + index);
        }
        assertEquals(List.of("a:1", "a:2", "a:4", "a:5", "b:0", "b:2", "b:3"), scored, "the labelled rows of each set, and only those");

        JsonNode rep = new ObjectMapper().readTree(report.toFile());
        assertEquals(7, rep.get("samples").asInt());
        assertEquals(4, rep.get("real").asInt());
        assertEquals(List.of("simple", "vat"), List.copyOf(iterable(rep.get("models").fieldNames())));
        assertEquals(3, rep.get("models").get("simple").get("bogus_pooled").asInt(), "the bogus of both sets");
        JsonNode ratio = rep.get("fpr_at_tpr90_simple_over_vat");
        assertEquals(rep.get("models").get("simple").get("fp_at_tpr90_pooled").asInt(), ratio.get("false_positives").get(0).asInt());
        assertEquals(rep.get("models").get("vat").get("fp_at_tpr90_pooled").asInt(), ratio.get("false_positives").get(1).asInt());
    }

    private Path set(String name, long seed, String... types) {
        SplittableRandom r = new SplittableRandom(seed);
        List<TrainingSetBuilder.Sample> samples = new ArrayList<>();
        for (String t : types) {
            float[] c = new float[3 * 29 * 29];
            for (int i = 0; i < c.length; i++) {
                c[i] = (float) r.nextGaussian() * 5;
            }
            int label = t.equals("real") ? TrainingSetBuilder.REAL
                : t.equals("moving") || t.equals("variable") ? TrainingSetBuilder.APART : TrainingSetBuilder.BOGUS;
            samples.add(new TrainingSetBuilder.Sample(c, label, label, t, 7.5, 0, 10, 20, 0));
        }
        Path set = dir.resolve(name);
        TrainingSetFiles.write(set, samples, "test", Map.of("made_by", "EvaluateCommandTest"));
        return set;
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }
}
