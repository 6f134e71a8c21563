package org.nightwatch.actors.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.actors.train.TrainingSetBuilder;
import org.nightwatch.actors.train.TrainingSetFiles;
import org.nightwatch.workers.classify.InputSpec;
import org.nightwatch.workers.classify.RealBogusModel;
import picocli.CommandLine;

/**
 * {@code nightwatch evaluate --scores}: each score joins back to its row of labels.csv by index, also when
 * kept-apart samples (moving objects, variables: never scored) sit between the labelled ones.
 */
class EvaluateCommandTest {
    @TempDir
    Path dir;

    @Test
    void scoresCarryTheirRowInLabelsCsv() throws Exception {
        SplittableRandom r = new SplittableRandom(4);
        List<TrainingSetBuilder.Sample> samples = new ArrayList<>();
        String[] types = {"moving", "real", "cosmic-ray", "variable", "real", "trail"};
        for (String t : types) {
            float[] c = new float[3 * 29 * 29];
            for (int i = 0; i < c.length; i++) {
                c[i] = (float) r.nextGaussian() * 5;
            }
            int label = t.equals("real") ? TrainingSetBuilder.REAL
                : t.equals("moving") || t.equals("variable") ? TrainingSetBuilder.APART : TrainingSetBuilder.BOGUS;
            samples.add(new TrainingSetBuilder.Sample(c, label, label, t, 7.5, 0, 10, 20, 0));
        }
        Path set = dir.resolve("set");
        TrainingSetFiles.write(set, samples, "test", Map.of("made_by", "EvaluateCommandTest"));
        Path model = dir.resolve("m.nwmodel");
        RealBogusModel.simpleCnn(InputSpec.threeChannel(), 1, 1e-3).save(model);
        Path scores = dir.resolve("scores.csv");
        int rc = new CommandLine(new NightwatchCli()).execute("evaluate", "--data", set.toString(), "--model", model.toString(),
            "--scores", scores.toString());
        assertEquals(0, rc);

        List<String> labels = Files.readAllLines(set.resolve("labels.csv"));
        List<String> rows = Files.readAllLines(scores);
        assertEquals("index,type,true_label,snr,score", rows.get(0));
        List<Integer> scored = new ArrayList<>();
        for (String line : rows.subList(1, rows.size())) {
            String[] f = line.split(",");
            int index = Integer.parseInt(f[0]);
            scored.add(index);
            String[] l = labels.get(index + 1).split(",", -1);
            assertEquals(l[3], f[1], "the type of labels.csv row " + index);
            assertEquals(l[2], f[2], "the true label of labels.csv row " + index);
            double s = Double.parseDouble(f[4]);
            assertTrue(s >= 0 && s <= 1, "a score: " + line);
        }
        assertEquals(List.of(1, 2, 4, 5), scored, "the labelled rows, and only those");
    }
}
