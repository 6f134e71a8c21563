package org.nightwatch.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.tools.train.NightTrainingSet;
import org.nightwatch.tools.train.TrainingSetBuilder;
import org.nightwatch.tools.train.TrainingSetFiles;

/**
 * {@code train-data --from NIGHT}: a training set from a recorded night that another tool wrote (astropy's
 * write_night.py), its bogus from the night's own differences, its real from point sources of each visit's
 * measured PSF injected into the same visits.
 */
class TrainFromNightSystemTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aRecordedNightsOwnVisitsGiveRealAndBogusAndItsKnownTransientIsKeptApart() throws Exception {
        Path night = dir.resolve("night");
        Nights.astropy("write_night.py", 120, night.toString());
        // the night's one transient (visit 1, FITS pixel 1201.3, 501.7 of write_night.py's WCS: RA 10, Dec 20
        // at the centre, 1.19"/px, east left) is in its truth.csv: a night that knows its sources keeps them apart
        double ra = 10.0 - (1201.3 - 1000.5) * 1.19 / 3600 / Math.cos(Math.toRadians(20.0));
        double dec = 20.0 + (501.7 - 564.5) * 1.19 / 3600;
        Files.writeString(night.resolve("truth.csv"), "id,kind,sensor,field,visit_first,visit_last,ra,dec\n"
            + "1,transient,0,0,1,1," + ra + "," + dec + "\n");

        List<TrainingSetBuilder.Sample> set = NightTrainingSet.run(night, new NightTrainingSet.Settings(100, 3, 100, 1, 2.0), m -> { });
        Map<String, Integer> counts = TrainingSetBuilder.counts(set);
        // two visits, 100 injections each at S/N 3-100 log-uniform: about 85% of them above the 5-sigma threshold
        assertTrue(counts.getOrDefault("real", 0) >= 150, "injections found: " + counts);
        assertEquals(1, counts.getOrDefault("transient", 0), "the night's own transient, kept apart: " + counts);
        long bogus = set.stream().filter(s -> s.label() == TrainingSetBuilder.BOGUS).count();
        assertTrue(bogus < 100, "a clean night gives few bogus: " + counts);
        for (TrainingSetBuilder.Sample s : set) {
            if (s.label() == TrainingSetBuilder.REAL) {
                assertTrue(s.snr() > 0, "a real sample is a positive detection");
            }
        }
        // the files train reads
        TrainingSetFiles.write(dir.resolve("set"), set, "from_night", Map.of("night", night.toString()));
        TrainingSetFiles.Loaded back = TrainingSetFiles.read(dir.resolve("set"));
        assertEquals(set.size(), back.size());
    }
}
