package org.nightwatch.workers.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class RealBogusModelTest {
    @TempDir
    Path dir;

    /** Toy cutouts: reals have a PSF-like bump in the difference, bogus a single hot pixel, both on noise. */
    static List<float[]> toy(int n, int[] labels, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] c = new float[3 * 841];
            for (int k = 0; k < c.length; k++) {
                c[k] = (float) (r.nextGaussian() * 10);
            }
            labels[i] = i % 2;
            double amp = 40 + r.nextDouble() * 200;
            for (int y = 0; y < 29; y++) {
                for (int x = 0; x < 29; x++) {
                    double d2 = (x - 14) * (x - 14) + (y - 14) * (y - 14);
                    if (labels[i] == 1) {
                        float g = (float) (amp * Math.exp(-d2 / (2 * 1.2 * 1.2)));
                        c[841 + y * 29 + x] += g;
                        c[2 * 841 + y * 29 + x] += g;
                    }
                }
            }
            if (labels[i] == 0) {
                c[841 + 14 * 29 + 14] += (float) (amp * 3);
                c[2 * 841 + 14 * 29 + 14] += (float) (amp * 3);
            }
            out.add(c);
        }
        return out;
    }

    @Test
    void aLargeSetScoredInChunksScoresAsEachCutoutAlone() {
        int n = 2 * RealBogusModel.SCORE_CHUNK + 37;
        int[] labels = new int[n];
        List<float[]> cut = toy(n, labels, 9);
        RealBogusModel m = RealBogusModel.simpleCnn(InputSpec.threeChannel(), 3, 1e-3);
        float[] all = m.scoreCutouts(cut);
        assertEquals(n, all.length);
        for (int i : new int[] {0, 1, RealBogusModel.SCORE_CHUNK - 1, RealBogusModel.SCORE_CHUNK, 2 * RealBogusModel.SCORE_CHUNK + 36}) {
            assertEquals(m.scoreCutouts(cut.subList(i, i + 1))[0], all[i], 1e-5, "cutout " + i + " at a chunk's edge");
        }
        assertTrue(all[0] != all[RealBogusModel.SCORE_CHUNK], "scores differ between cutouts, so the order is checked");
    }

    @Test
    void theBlankRowsThatPadABatchChangeNoScore() {
        int[] labels = new int[37];
        List<float[]> cut = toy(37, labels, 11);
        RealBogusModel m = RealBogusModel.simpleCnn(InputSpec.threeChannel(), 5, 1e-3);
        float[] padded = m.scoreCutouts(cut);
        float[] exact;
        try (org.nd4j.linalg.api.ndarray.INDArray f = m.features(cut)) {
            exact = m.score(f);
        }
        assertEquals(37, padded.length, "one score a cutout, none for the padding");
        for (int i = 0; i < 37; i++) {
            assertEquals(exact[i], padded[i], 1e-5, "cutout " + i);
        }
    }

    @Test
    void theSimpleCnnHasTheSurveysParameterCount() {
        assertEquals(234_177, RealBogusModel.simpleCnn(InputSpec.threeChannel(), 1, 1e-3).parameters());
    }

    @Test
    void trainingOnATinySetConvergesAndTheFileRoundTrips() {
        int[] labels = new int[128];
        List<float[]> cut = toy(128, labels, 5);
        RealBogusModel m = RealBogusModel.simpleCnn(InputSpec.threeChannel(), 7, 1e-3);
        INDArray f = m.features(cut);
        float[] y = new float[labels.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels[i];
        }
        double first = m.crossEntropy(f, y);
        for (int e = 0; e < 16; e++) {
            m.step(f, y, e + 1);
        }
        double last = m.crossEntropy(f, y);
        assertTrue(last < 0.3 * first, "loss " + first + " -> " + last);
        float[] s = m.score(f);
        assertTrue(Metrics.auc(s, labels) > 0.99, "training AUC " + Metrics.auc(s, labels));

        Path file = dir.resolve("m.nwmodel");
        m.setVersion("toy-1");
        m.save(file);
        RealBogusModel back = RealBogusModel.load(file, InputSpec.threeChannel());
        assertEquals("toy-1", back.version());
        assertArrayEquals(s, back.score(f), 1e-6f);
    }

    @Test
    void aModelWhoseInputSpecificationDoesNotMatchIsRefusedByName() throws Exception {
        RealBogusModel m = RealBogusModel.simpleCnn(InputSpec.twoChannel(), 1, 1e-3);
        Path file = dir.resolve("two.nwmodel");
        m.save(file);
        var e = assertThrows(RealBogusModel.ModelFileException.class, () -> RealBogusModel.load(file, InputSpec.threeChannel()));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("input specification"), e.getMessage());

        // a model.json that claims three channels over a two-channel graph
        Path forged = dir.resolve("forged.nwmodel");
        try (var zin = new java.util.zip.ZipFile(file.toFile());
             var zout = new java.util.zip.ZipOutputStream(Files.newOutputStream(forged))) {
            String json = new String(zin.getInputStream(zin.getEntry("model.json")).readAllBytes())
                .replace("\"channels\" : [ \"reference\", \"new\" ]", "\"channels\" : [ \"reference\", \"new\", \"difference\" ]");
            zout.putNextEntry(new java.util.zip.ZipEntry("model.json"));
            zout.write(json.getBytes());
            zout.putNextEntry(new java.util.zip.ZipEntry("graph.fb"));
            zout.write(zin.getInputStream(zin.getEntry("graph.fb")).readAllBytes());
        }
        var f = assertThrows(RealBogusModel.ModelFileException.class, () -> RealBogusModel.load(forged, null));
        assertTrue(f.getMessage().contains("its graph takes input"), f.getMessage());
        var g = assertThrows(RealBogusModel.ModelFileException.class, () -> RealBogusModel.load(dir.resolve("none"), null));
        assertTrue(g.getMessage().contains("no such model file"));
        Nd4j.getMemoryManager().invokeGc();
    }
}
