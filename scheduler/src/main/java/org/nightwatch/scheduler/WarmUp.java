package org.nightwatch.scheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.nightwatch.protocol.Alert;
import org.nightwatch.protocol.Candidate;

/**
 * Made-up candidates through the scheduler's code before a night paced in real time, so that the JIT has compiled it
 * before the first visits are due: a bench night of 16 sensors spent 9.5 s of its compiler threads' time in its first 40 s,
 * 42% of it on the embedded database's code and most of the rest on the scheduler's and the alert formats'. The alerts
 * it makes are the scheduler's own (its collections, and no follow-up window for a place never up at night), so the
 * alert formats warmed on them ({@link AlertOutputs#compilerBeforeTheNight}) are compiled for the night's shapes: warmed
 * on alerts of one shape, C2 compiled the formats for that shape alone and the night's first minutes deoptimised and
 * recompiled them. Nothing made up here reaches the night: the alert formats run in memory, the database is a scratch
 * one, removed after.
 */
public final class WarmUp {
    private WarmUp() {
    }

    /**
     * A candidate with a cutout of noise, at {@code ra}, {@code dec} (degrees); one in four is negative, one in four
     * carries detection flags.
     */
    static Candidate candidate(SplittableRandom r, String id, int sensor, long visit, double mjd, double ra, double dec, double score) {
        float[] cutout = new float[3 * Candidate.CUTOUT * Candidate.CUTOUT];
        for (int k = 0; k < cutout.length; k++) {
            cutout[k] = (float) (100 * r.nextGaussian());
        }
        int sign = r.nextInt(4) == 0 ? -1 : 1;
        int flags = r.nextInt(4) == 0 ? 1 + r.nextInt(63) : 0;
        return new Candidate(id, sensor, visit, 1, mjd, 1000.5 + r.nextInt(7), 500.25, ra, dec, 5000 * r.nextDouble(), 100,
            50 * r.nextDouble(), 18 + r.nextDouble(), 0.02, 2.5, 1.1, sign, flags, cutout, score, "warm-up");
    }

    /**
     * {@code visits} made-up visits of {@code perVisit} candidates through a scheduler of {@code settings} and an embedded
     * database in a scratch directory (removed after): half the candidates come back at the same places visit after
     * visit, so that objects are associated, alerted and updated. Returns the alerts made.
     */
    public static int scheduler(SchedulerSettings settings, double mjd, int visits, int perVisit) {
        return scheduler(settings, mjd, visits, perVisit, true, a -> { });
    }

    /**
     * As {@link #scheduler(SchedulerSettings, double, int, int)}, each alert made also handed to {@code alerts}; without
     * {@code scratchDatabase} nothing is committed (a night on PostgreSQL runs the driver's code, which a scratch embedded
     * database would not compile). The places of the candidates cover the sky from dec -50 to +80 degrees, so that some
     * objects are up at night and some never (an alert without a follow-up window).
     */
    public static int scheduler(SchedulerSettings settings, double mjd, int visits, int perVisit, boolean scratchDatabase,
                                Consumer<Alert> alerts) {
        if (!scratchDatabase) {
            return run(settings, mjd, visits, perVisit, null, alerts);
        }
        Path scratch;
        try {
            scratch = Files.createTempDirectory("nightwatch-scheduler-warm-up");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a scratch directory for the scheduler's warm-up", e);
        }
        try (AlertStore store = AlertStore.open("", "", "", scratch)) {
            return run(settings, mjd, visits, perVisit, store, alerts);
        } finally {
            deleteTree(scratch);
        }
    }

    private static int run(SchedulerSettings settings, double mjd, int visits, int perVisit, AlertStore store, Consumer<Alert> alerts) {
        int made = 0;
        Scheduler s = new Scheduler(settings, KnownVariables.none(settings.associationRadiusArcsec()));
        s.prepareNight(mjd);
        SplittableRandom r = new SplittableRandom(7);
        for (int v = 0; v < visits; v++) {
            List<Candidate> batch = new ArrayList<>(perVisit);
            for (int i = 0; i < perVisit; i++) {
                boolean again = i % 2 == 0;
                // an object comes back for ten visits, then another takes its turn: histories as long as a night's
                int place = i + 1000 * (v / 10);
                double ra = again ? (place * 47.3) % 360 : 360 * r.nextDouble();
                double dec = again ? -50 + (place * 23.7) % 130 : -50 + 130 * r.nextDouble();
                batch.add(candidate(r, "warm-up-S" + v % 84 + "-V" + v + "-" + i, v % 84, v, mjd + v * 1e-4, ra, dec,
                    again ? 0.9 + 0.1 * r.nextDouble() : r.nextDouble()));
            }
            Scheduler.Result res = s.run(batch);
            if (store != null) {
                store.commit(res, v % 84, v);
            }
            res.alerts().forEach(alerts);
            made += res.alerts().size();
        }
        return made;
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
