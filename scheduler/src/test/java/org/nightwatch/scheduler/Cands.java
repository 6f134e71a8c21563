package org.nightwatch.scheduler;

import com.typesafe.config.ConfigFactory;
import java.util.SplittableRandom;
import org.nightwatch.protocol.Candidate;

/**
 * Candidates as difference imaging makes them: a PSF in the difference, and in the reference a star, a galaxy or nothing.
 * Shared with other modules' tests through this module's test jar.
 */
public final class Cands {
    /** 2026-10-15 22:00 JST at Kiso: autumn fields near RA 10 are high. */
    public static final double MJD = 61328.5;
    public static final int N = Candidate.CUTOUT;

    private Cands() {
    }

    /** The scheduler's settings: the defaults with {@code overrides} (HOCON) on top. */
    public static SchedulerSettings settings(String overrides) {
        return SchedulerSettings.from(ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load()));
    }

    public static float[] cutout(String host, double diffPeak, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] c = new float[3 * N * N];
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                double d2 = (x - 14) * (x - 14) + (y - 14) * (y - 14);
                double psf = Math.exp(-d2 / (2 * 1.3 * 1.3));
                double ref = switch (host) {
                    case HostContext.STAR -> 400 * psf;
                    case HostContext.GALAXY -> 120 * Math.exp(-((x - 16) * (x - 16) + (y - 13) * (y - 13)) / (2 * 4.5 * 4.5));
                    default -> 0;
                };
                int i = y * N + x;
                c[i] = (float) (ref + r.nextGaussian() * 2);
                c[N * N + i] = (float) (ref + diffPeak * psf + r.nextGaussian() * 6);
                c[2 * N * N + i] = (float) (diffPeak * psf + r.nextGaussian() * 6);
            }
        }
        return c;
    }

    public static Candidate at(String id, int sensor, long visit, double mjd, double ra, double dec, double snr, double mag, double score,
                        String host) {
        int sign = snr >= 0 ? 1 : -1;
        double flux = 10 * snr;
        return new Candidate(id, sensor, visit, 0, mjd, 100, 100, ra, dec, flux, 10, snr, mag, 1.0857 / Math.abs(snr), 2.5, 1.05, sign,
            0, cutout(host, 8 * snr, id.hashCode()), score, "test-model");
    }
}
