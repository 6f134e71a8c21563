package org.nightwatch.scheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.nightwatch.protocol.Candidate;

/**
 * Made-up candidates through the scheduler's code before a night paced in real time, so that the JIT has compiled it
 * before the first visits are due: a bench night of 16 sensors spent 9.5 s of its compiler threads' time in its first 40 s,
 * 42% of it on the embedded database's code and most of the rest on the scheduler's and the alert formats'. Nothing made
 * up here reaches the night: the alert formats run in memory ({@link AlertOutputs#compileBeforeTheNight}), the
 * database is a scratch one, removed after.
 */
public final class WarmUp {
    private WarmUp() {
    }

    /** A candidate with a cutout of noise, at {@code ra}, {@code dec} (degrees). */
    static Candidate candidate(SplittableRandom r, String id, int sensor, long visit, double mjd, double ra, double dec, double score) {
        float[] cutout = new float[3 * Candidate.CUTOUT * Candidate.CUTOUT];
        for (int k = 0; k < cutout.length; k++) {
            cutout[k] = (float) (100 * r.nextGaussian());
        }
        return new Candidate(id, sensor, visit, 1, mjd, 1000.5 + r.nextInt(7), 500.25, ra, dec, 5000 * r.nextDouble(), 100,
            50 * r.nextDouble(), 18 + r.nextDouble(), 0.02, 2.5, 1.1, 1, 0, cutout, score, "warm-up");
    }

    /**
     * {@code visits} made-up visits of {@code perVisit} candidates through a scheduler of {@code settings} and an embedded
     * database in a scratch directory (removed after): half the candidates come back at the same places visit after
     * visit, so that objects are associated, alerted and updated. Returns the alerts made.
     */
    public static int scheduler(SchedulerSettings settings, double mjd, int visits, int perVisit) {
        Path scratch;
        try {
            scratch = Files.createTempDirectory("nightwatch-scheduler-warm-up");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a scratch directory for the scheduler's warm-up", e);
        }
        int alerts = 0;
        try (AlertStore store = AlertStore.open("", "", "", scratch)) {
            Scheduler s = new Scheduler(settings, KnownVariables.none(settings.associationRadiusArcsec()));
            s.prepareNight(mjd);
            SplittableRandom r = new SplittableRandom(7);
            for (int v = 0; v < visits; v++) {
                List<Candidate> batch = new ArrayList<>(perVisit);
                for (int i = 0; i < perVisit; i++) {
                    boolean again = i % 2 == 0;
                    double ra = again ? 150 + i * 0.01 : 150 + r.nextDouble();
                    double dec = again ? 20 + i * 0.01 : 20 + r.nextDouble();
                    batch.add(candidate(r, "warm-up-S" + v % 84 + "-V" + v + "-" + i, v % 84, v, mjd + v * 1e-4, ra, dec,
                        again ? 0.9 + 0.1 * r.nextDouble() : r.nextDouble()));
                }
                Scheduler.Result res = s.run(batch);
                store.commit(res, v % 84, v);
                alerts += res.alerts().size();
            }
        } finally {
            deleteTree(scratch);
        }
        return alerts;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a scratch directory left in the temporary directory is harmless
        }
    }
}
