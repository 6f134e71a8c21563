package org.nightwatch.scheduler;

import java.util.ArrayList;
import java.util.List;
import org.nightwatch.protocol.Alert;

/**
 * When an object can be observed tonight from a {@link Site}: the Sun below the twilight limit, the object
 * above the lowest altitude, and the Moon far enough. A night (local noon to local noon) is sampled once
 * at a fixed step and the samples' Sun, Moon and astrometry context are kept, so each object costs a few
 * cheap position transforms per sample.
 */
public final class Visibility {
    /**
     * @param sunLimitDeg   the night is where the Sun is below this altitude (-12: nautical twilight)
     * @param minAltDeg     lowest altitude worth observing at (30 degrees: airmass 2)
     * @param minMoonSepDeg closest approach to the Moon allowed while the Moon is up
     * @param stepMinutes   sampling step
     */
    public record Limits(double sunLimitDeg, double minAltDeg, double minMoonSepDeg, double stepMinutes) {
    }

    private final Site site;
    private final Limits limits;
    private Night night;

    public Visibility(Site site, Limits limits) {
        this.site = site;
        this.limits = limits;
    }

    public Site site() {
        return site;
    }

    public Limits limits() {
        return limits;
    }

    /** The night (local noon to local noon at the site) that contains {@code mjd}, sampled. */
    public synchronized Night night(double mjd) {
        double startNoon = Math.floor(mjd + site.lonDeg() / 360 - 0.5) + 0.5 - site.lonDeg() / 360;
        if (night == null || Math.abs(night.noonMjd - startNoon) > 1e-6) {
            night = new Night(startNoon);
        }
        return night;
    }

    /**
     * The first window tonight at or after {@code fromMjd} in which the position is observable, with its
     * best time (highest) and the lowest airmass; null when there is none before morning twilight.
     */
    public Alert.Window window(double raDeg, double decDeg, double fromMjd) {
        Night n = night(fromMjd);
        double step = limits.stepMinutes() / 1440;
        int first = Math.max(0, (int) Math.ceil((fromMjd - n.noonMjd) / step - 1e-9));
        int start = -1;
        int best = -1;
        double bestAlt = -90;
        for (int i = first; i < n.samples(); i++) {
            double alt = n.sky[i].horizontal(raDeg, decDeg).altDeg();
            boolean ok = n.dark[i] && alt >= limits.minAltDeg()
                && (n.moonAlt[i] < 0 || Sky.separation(raDeg, decDeg, n.moon[i][0], n.moon[i][1]) >= limits.minMoonSepDeg());
            if (ok) {
                if (start < 0) {
                    start = i;
                }
                if (alt > bestAlt) {
                    bestAlt = alt;
                    best = i;
                }
            } else if (start >= 0) {
                return window(n, raDeg, decDeg, start, i - 1, best, step);
            }
        }
        return start >= 0 ? window(n, raDeg, decDeg, start, n.samples() - 1, best, step) : null;
    }

    private Alert.Window window(Night n, double ra, double dec, int start, int end, int best, double step) {
        Sky.Horizontal h = n.sky[best].horizontal(ra, dec);
        return new Alert.Window(n.noonMjd + start * step, n.noonMjd + end * step, n.noonMjd + best * step, h.airmass(),
            Sky.separation(ra, dec, n.moon[best][0], n.moon[best][1]));
    }

    /** One night's samples: the sky context, whether it is dark, and where the Moon is. */
    public final class Night {
        final double noonMjd;
        final Sky[] sky;
        final boolean[] dark;
        final double[][] moon;
        final double[] moonAlt;

        Night(double noonMjd) {
            this.noonMjd = noonMjd;
            int n = (int) Math.round(1440 / limits.stepMinutes()) + 1;
            sky = new Sky[n];
            dark = new boolean[n];
            moon = new double[n][];
            moonAlt = new double[n];
            for (int i = 0; i < n; i++) {
                sky[i] = new Sky(site, noonMjd + i * limits.stepMinutes() / 1440);
                dark[i] = sky[i].sunAltitude() < limits.sunLimitDeg();
                moon[i] = sky[i].moon();
                moonAlt[i] = sky[i].moonAltitude();
            }
        }

        public int samples() {
            return sky.length;
        }

        /** Local noon at the site that begins this night, MJD. */
        public double noonMjd() {
            return noonMjd;
        }

        /** The dark intervals (Sun below the limit) as {start, end} MJD pairs, in time order. */
        public List<double[]> darkIntervals() {
            List<double[]> out = new ArrayList<>();
            double step = limits.stepMinutes() / 1440;
            int s = -1;
            for (int i = 0; i <= sky.length; i++) {
                boolean d = i < sky.length && dark[i];
                if (d && s < 0) {
                    s = i;
                } else if (!d && s >= 0) {
                    out.add(new double[] {noonMjd + s * step, noonMjd + (i - 1) * step});
                    s = -1;
                }
            }
            return out;
        }
    }
}
