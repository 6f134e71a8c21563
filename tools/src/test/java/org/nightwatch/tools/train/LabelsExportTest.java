package org.nightwatch.tools.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.night.cli.NightwatchCli;
import org.nightwatch.protocol.Candidate;
import org.nightwatch.scheduler.AlertStore;
import org.nightwatch.scheduler.KnownVariables;
import org.nightwatch.scheduler.Scheduler;
import org.nightwatch.scheduler.SchedulerSettings;
import org.nightwatch.tools.train.TrainingSetBuilder;
import org.nightwatch.tools.train.TrainingSetFiles;
import picocli.CommandLine;

/**
 * Operators' labels become training data: after a night in which objects were vetted in the control
 * room, {@code nightwatch labels export} writes their candidates' cutouts and labels in the training-set
 * format that {@code nightwatch train} reads, real as 1, bogus as 0, moving and variable kept apart.
 */
class LabelsExportTest {
    static final Path DEPLOYMENT = Path.of("..", "config", "nightwatch.conf").toAbsolutePath().normalize();
    static final int N = Candidate.CUTOUT;

    @TempDir
    Path dir;

    static Candidate candidate(String id, long visit, double ra, double snr) {
        SplittableRandom r = new SplittableRandom(id.hashCode());
        float[] c = new float[3 * N * N];
        for (int i = 0; i < c.length; i++) {
            int x = i % N;
            int y = (i / N) % N;
            double psf = Math.exp(-((x - 14) * (x - 14) + (y - 14) * (y - 14)) / (2 * 1.3 * 1.3));
            c[i] = (float) ((i >= N * N ? 8 * snr * psf : 0) + r.nextGaussian() * 5);
        }
        return new Candidate(id, 1, visit, 0, 61328.5 + visit * 0.005, 100 + visit, 200, ra, 20, 10 * snr, 10, snr, 17,
            1.0857 / snr, 2.5, 1.05, 1, 0, c, 0.97, "test-model");
    }

    @Test
    void labelledObjectsExportAsATrainingSetThatTrainReads() {
        Path night = dir.resolve("night-out");
        SchedulerSettings set = SchedulerSettings.from(ConfigFactory.load());
        Map<String, float[]> cutouts = new java.util.HashMap<>();
        try (AlertStore store = AlertStore.open("", "", "", night)) {
            Scheduler s = new Scheduler(set, KnownVariables.none(set.associationRadiusArcsec()));
            for (long v = 1; v <= 2; v++) {
                List<Candidate> batch = new ArrayList<>();
                for (int k = 0; k < 4; k++) {
                    Candidate c = candidate("S1-V" + v + "-" + k, v, 10 + k * 0.1, 20 + 5 * k);
                    cutouts.put(c.id(), c.cutout());
                    batch.add(c);
                }
                store.commit(s.run(batch));
            }
        }
        Path set2 = dir.resolve("labelled");
        AtomicReference<String> error = new AtomicReference<>();
        assertEquals(2, exporter(error).execute("labels", "export", "--config", DEPLOYMENT.toString(), "--out", night.toString(),
            "--to", set2.toString()));
        assertTrue(error.get().contains("no labelled candidates"), error.get());
        assertTrue(!Files.exists(set2), "nothing written before anything is labelled");
        try (AlertStore store = AlertStore.open("", "", "", night)) {
            store.label("NW-S1-V1-0", "S1-V2-0", "real", "kiso");
            store.label("NW-S1-V1-1", "S1-V2-1", "real", "kiso");
            store.label("NW-S1-V1-1", "S1-V2-1", "bogus", "kiso"); // the last word counts
            store.label("NW-S1-V1-2", "S1-V2-2", "moving", "kiso");
            // NW-S1-V1-3 is never vetted
        }
        int rc = NightwatchCli.commandLine().execute("labels", "export", "--config", DEPLOYMENT.toString(),
            "--out", night.toString(), "--to", set2.toString());
        assertEquals(0, rc);
        TrainingSetFiles.Loaded got = TrainingSetFiles.read(set2);
        assertEquals(6, got.size(), "two visits of each of the three vetted objects");
        assertEquals(List.of("real", "real", "bogus", "bogus", "moving", "moving"), got.types());
        assertArrayEquals(new int[] {TrainingSetBuilder.REAL, 1, TrainingSetBuilder.BOGUS, 0, TrainingSetBuilder.APART, -1}, got.labels());
        assertArrayEquals(got.labels(), got.trueLabels());
        assertArrayEquals(cutouts.get("S1-V1-0"), got.cutouts().get(0));
        assertArrayEquals(cutouts.get("S1-V2-1"), got.cutouts().get(3));
        assertEquals(25, got.snr()[2], 1e-3);
        assertEquals(4, got.labelled().size(), "moving objects are neither real nor bogus");
        String manifest = readString(set2.resolve("manifest.json"));
        assertTrue(manifest.contains("\"operator_labels\"") && manifest.contains("\"kiso\""), manifest);
    }

    @Test
    void aDirectoryWithoutANightDatabaseIsNamed() {
        AtomicReference<String> error = new AtomicReference<>();
        int rc = exporter(error).execute("labels", "export", "--config", DEPLOYMENT.toString(), "--out", dir.resolve("nowhere").toString(),
            "--to", dir.resolve("set").toString());
        assertEquals(2, rc);
        assertTrue(error.get().contains("nowhere") && error.get().contains("no night database"), error.get());
        assertTrue(!Files.exists(dir.resolve("set")), "nothing written");
    }

    static CommandLine exporter(AtomicReference<String> error) {
        return NightwatchCli.commandLine().setExecutionExceptionHandler((ex, cmd, parsed) -> {
            error.set(ex.getMessage());
            return 2;
        });
    }

    static String readString(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
