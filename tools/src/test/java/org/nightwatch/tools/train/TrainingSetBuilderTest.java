package org.nightwatch.tools.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingSetBuilderTest {
    @TempDir
    Path dir;

    @Test
    void realComesFromInjectionsBogusFromInjectionFreeDifferencesAndFlipsAreRecorded() throws Exception {
        TrainingSetBuilder.Settings s = new TrainingSetBuilder.Settings(500, 400, 6, 0.5, 40, 8, 100, 0.2, 3, 2);
        List<TrainingSetBuilder.Sample> samples = TrainingSetBuilder.run(s, p -> { });
        Map<String, Integer> counts = TrainingSetBuilder.counts(samples);
        // small images crowd 20 transients onto about 13 galaxies, so some blend: most, not all, are found
        assertTrue(counts.getOrDefault("real", 0) >= 0.75 * 3 * 40, "injected sources at S/N >= 8 are found: " + counts);
        assertTrue(counts.getOrDefault("cosmic-ray", 0) > 0, counts.toString());
        for (TrainingSetBuilder.Sample x : samples) {
            assertEquals(3 * 29 * 29, x.cutout().length);
            assertEquals(x.type().equals("real") ? TrainingSetBuilder.REAL
                : x.type().equals("moving") || x.type().equals("variable") ? TrainingSetBuilder.APART : TrainingSetBuilder.BOGUS,
                x.trueLabel(), x.type());
            if (x.type().equals("real")) {
                // the difference channel of a real source peaks at its centre
                float centre = x.cutout()[2 * 841 + 14 * 29 + 14];
                assertTrue(centre > 0, "real cutout with a positive centre");
            }
        }
        long labelled = samples.stream().filter(x -> x.trueLabel() != TrainingSetBuilder.APART).count();
        long flipped = samples.stream().filter(TrainingSetBuilder.Sample::flipped).count();
        assertTrue(flipped > 0.1 * labelled && flipped < 0.3 * labelled, flipped + " of " + labelled + " flipped at 20%");
        assertTrue(samples.stream().noneMatch(x -> x.flipped() && x.trueLabel() == TrainingSetBuilder.APART));
        assertEquals(samples.stream().map(TrainingSetBuilder.Sample::type).toList(),
            TrainingSetBuilder.run(s, p -> { }).stream().map(TrainingSetBuilder.Sample::type).toList(), "deterministic");

        TrainingSetFiles.write(dir, samples, s);
        byte[] npy = Files.readAllBytes(dir.resolve("cutouts.npy"));
        int headerLen = (npy[8] & 0xFF) | (npy[9] & 0xFF) << 8;
        String header = new String(npy, 10, headerLen, StandardCharsets.US_ASCII);
        assertEquals(0, (10 + headerLen) % 64);
        assertTrue(header.contains("'shape': (" + samples.size() + ", 3, 29, 29)"), header);
        assertEquals(10 + headerLen + samples.size() * 3 * 29 * 29 * 4, npy.length);
        float first = ByteBuffer.wrap(npy, 10 + headerLen, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
        assertEquals(samples.get(0).cutout()[0], first, 0f);
        List<String> labels = Files.readAllLines(dir.resolve("labels.csv"));
        assertEquals(TrainingSetFiles.LABELS_HEADER, labels.get(0));
        assertEquals(samples.size() + 1, labels.size());
        assertTrue(Files.readString(dir.resolve("manifest.json")).contains("\"format_version\" : 1"));

        // train mixes sets (a simulated one and a night's): one after the other, each sample as it was
        TrainingSetFiles.Loaded one = TrainingSetFiles.read(dir);
        TrainingSetFiles.Loaded both = TrainingSetFiles.Loaded.concat(List.of(one, one.keptApart()));
        assertEquals(one.size() + one.keptApart().size(), both.size());
        int last = both.size() - 1;
        assertEquals(one.keptApart().types().get(one.keptApart().size() - 1), both.types().get(last));
        assertEquals(TrainingSetBuilder.APART, both.trueLabels()[last]);
        assertTrue(java.util.Arrays.equals(one.cutouts().get(0), both.cutouts().get(0)));
    }
}
