package org.nightwatch.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the object a position belongs to: the nearest object within the association radius, through a
 * grid of cells one radius wide (declination bands, each cut in right ascension so that a cell spans at
 * least the radius on the sky; right ascension wraps).
 */
public final class Associator {
    private final double radiusDeg;
    private final Map<Long, List<SkyObject>> cells = new HashMap<>();

    /** @param radiusArcsec the association radius */
    public Associator(double radiusArcsec) {
        if (!(radiusArcsec > 0)) {
            throw new IllegalArgumentException("association radius must be positive, got " + radiusArcsec + " arcsec");
        }
        this.radiusDeg = radiusArcsec / 3600;
    }

    public double radiusArcsec() {
        return radiusDeg * 3600;
    }

    public void add(SkyObject o) {
        cells.computeIfAbsent(key(o.ra(), o.dec()), k -> new ArrayList<>()).add(o);
    }

    /** Moves {@code o} to the cell of its current position after its position changed from (ra0, dec0). */
    public void moved(SkyObject o, double ra0, double dec0) {
        long k0 = key(ra0, dec0);
        long k1 = key(o.ra(), o.dec());
        if (k0 != k1) {
            List<SkyObject> l = cells.get(k0);
            if (l != null) {
                l.remove(o);
                if (l.isEmpty()) {
                    cells.remove(k0);
                }
            }
            cells.computeIfAbsent(k1, k -> new ArrayList<>()).add(o);
        }
    }

    /** The nearest object within the radius of (ra, dec), or null. */
    public SkyObject nearest(double ra, double dec) {
        SkyObject best = null;
        double bestSep = radiusDeg;
        int band = band(dec);
        for (int b = band - 1; b <= band + 1; b++) {
            int n = raCells(b);
            if (n <= 0) {
                continue;
            }
            int c = raCell(ra, n);
            int[] look = n <= 3 ? java.util.stream.IntStream.range(0, n).toArray() : new int[] {(c - 1 + n) % n, c, (c + 1) % n};
            for (int cell : look) {
                List<SkyObject> l = cells.get(((long) b << 32) | cell);
                if (l == null) {
                    continue;
                }
                for (SkyObject o : l) {
                    double s = Sky.separation(ra, dec, o.ra(), o.dec());
                    if (s <= bestSep) {
                        bestSep = s;
                        best = o;
                    }
                }
            }
        }
        return best;
    }

    private long key(double ra, double dec) {
        int b = band(dec);
        return ((long) b << 32) | raCell(ra, raCells(b));
    }

    private int band(double dec) {
        return (int) Math.floor((dec + 90) / radiusDeg);
    }

    /** Cells in RA of a band, each at least the radius wide at the band's edge nearest the pole. */
    private int raCells(int band) {
        double lo = band * radiusDeg - 90;
        double hi = lo + radiusDeg;
        if (lo > 90 || hi < -90) {
            return 0;
        }
        double worst = Math.min(90, Math.max(Math.abs(lo), Math.abs(hi)));
        return Math.max(1, (int) Math.floor(360 * Math.cos(Math.toRadians(worst)) / radiusDeg));
    }

    private static int raCell(double ra, int n) {
        double r = ((ra % 360) + 360) % 360;
        return Math.min(n - 1, (int) (r / 360 * n));
    }
}
