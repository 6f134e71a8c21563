package org.nightwatch.tools.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.night.cli.NightwatchCli;
import org.nightwatch.tools.train.TrainingSetBuilder;
import org.nightwatch.tools.train.TrainingSetFiles;

/**
 * {@code nightwatch train} end to end on small simulated sets: the report carries each kind's seeds, their
 * pooled false positives and the simple-over-vat comparison built from them; run again, it resumes from the
 * finished checkpoints instead of training anew.
 */
class TrainCommandTest {
    @TempDir
    Path dir;

    @Test
    void reportsEachKindOverItsSeedsAndARepeatedRunResumesFromTheCheckpoints() throws Exception {
        Path data = dir.resolve("data");
        Path test = dir.resolve("test");
        TrainingSetBuilder.Settings training = new TrainingSetBuilder.Settings(500, 400, 4, 0.5, 40, 3, 100, 0.05, 3, 2);
        TrainingSetFiles.write(data, TrainingSetBuilder.run(training, p -> { }), training);
        TrainingSetBuilder.Settings heldOut = new TrainingSetBuilder.Settings(500, 400, 4, 0.5, 40, 3, 100, 0, 4, 2);
        TrainingSetFiles.write(test, TrainingSetBuilder.run(heldOut, p -> { }), heldOut);
        Path out = dir.resolve("run");
        String[] args = {"train", "--data", data.toString(), "--test", test.toString(), "--out", out.toString(), "--models", "simple,vat",
            "--seeds", "2", "--epochs", "1", "--folds", "2"};
        assertEquals(0, NightwatchCli.commandLine().execute(args));

        JsonNode rep = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        for (String kind : new String[] {"simple", "vat"}) {
            JsonNode k = rep.get("models").get(kind);
            assertEquals(2, k.get("seeds").size(), kind);
            long fp = 0;
            long bogus = 0;
            double auc = 0;
            for (JsonNode s : k.get("seeds")) {
                fp += s.get("fp_at_tpr90").asLong();
                bogus += s.get("bogus").asLong();
                auc += s.get("auc").asDouble() / 2;
                assertEquals(s.get("fpr_at_tpr90").asDouble(), s.get("fp_at_tpr90").asDouble() / s.get("bogus").asDouble(), 1e-12);
            }
            assertEquals(fp, k.get("fp_at_tpr90_pooled").asLong(), kind);
            assertEquals(bogus, k.get("bogus_pooled").asLong(), kind);
            assertEquals(auc, k.get("auc").get("mean").asDouble(), 1e-12, kind);
        }
        assertTrue(rep.get("models").get("vat").get("seeds").get(0).has("cleaning"), "the vat seeds say what cleaning flagged");
        JsonNode ratio = rep.get("fpr_at_tpr90_simple_over_vat");
        assertEquals(rep.get("models").get("simple").get("fp_at_tpr90_pooled").asLong(), ratio.get("false_positives").get(0).asLong());
        assertEquals(rep.get("models").get("vat").get("fp_at_tpr90_pooled").asLong(), ratio.get("false_positives").get(1).asLong());

        Map<Path, FileTime> checkpoints = new LinkedHashMap<>();
        try (var files = Files.list(out.resolve("checkpoints"))) {
            files.forEach(f -> checkpoints.put(f, lastModified(f)));
        }
        assertEquals(4, checkpoints.size(), checkpoints.keySet().toString());
        assertEquals(0, NightwatchCli.commandLine().execute(args));
        checkpoints.forEach((f, t) -> assertEquals(t, lastModified(f), f + " is finished: resumed, not trained again"));
        JsonNode again = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        for (String kind : new String[] {"simple", "vat"}) {
            assertEquals(rep.get("models").get(kind).get("auc"), again.get("models").get(kind).get("auc"), kind);
        }
    }

    private static FileTime lastModified(Path f) {
        try {
            return Files.getLastModifiedTime(f);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
