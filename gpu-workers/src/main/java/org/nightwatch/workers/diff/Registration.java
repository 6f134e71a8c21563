package org.nightwatch.workers.diff;

import java.util.ArrayList;
import java.util.List;

/**
 * Refines the map from new-image pixels to reference pixels by matching stars: a vote over the offsets
 * between the brightest stars of both lists finds the translation left by the initial (WCS) map, then
 * an affine map is fitted to all matched pairs, with outliers clipped at 3 sigma.
 */
public final class Registration {
    private static final int VOTERS = 120;

    private Registration() {
    }

    /**
     * @param newToRef  the refined map
     * @param pairs     matched pairs {@code [newIndex, refIndex]} used in the final fit
     * @param rmsPx     RMS of the fit residuals, px
     */
    public record Result(Affine newToRef, List<int[]> pairs, double rmsPx) {
        public int matched() {
            return pairs.size();
        }
    }

    /**
     * @param initial       initial new-to-reference map (from the WCS of both, or the identity)
     * @param searchPx      largest offset left by the initial map that the vote looks for
     * @param minMatches    fewer matched pairs than this is an error
     */
    public static Result run(List<Star> newStars, List<Star> refStars, Affine initial, double searchPx, int minMatches) {
        if (newStars.size() < minMatches || refStars.size() < minMatches) {
            throw new RegistrationException("too few stars to register: " + newStars.size() + " in the new image, "
                + refStars.size() + " in the reference (need " + minMatches + ")");
        }
        double[] t = voteOffset(newStars, refStars, initial, searchPx);
        Affine map = Affine.translation(t[0], t[1]).after(initial);
        double radius = 2.0;
        List<int[]> pairs = List.of();
        double rms = Double.NaN;
        RefGrid grid = new RefGrid(refStars, 4.0);
        for (int iter = 0; iter < 4; iter++) {
            pairs = grid.match(newStars, map, radius);
            if (pairs.size() < minMatches) {
                throw new RegistrationException("only " + pairs.size() + " stars matched between the new image and the reference (need "
                    + minMatches + "; offset after the initial map " + String.format("%.1f, %.1f", t[0], t[1]) + " px)");
            }
            int n = pairs.size();
            double[] x = new double[n];
            double[] y = new double[n];
            double[] u = new double[n];
            double[] v = new double[n];
            boolean[] use = new boolean[n];
            for (int k = 0; k < n; k++) {
                Star s = newStars.get(pairs.get(k)[0]);
                Star r = refStars.get(pairs.get(k)[1]);
                x[k] = s.x();
                y[k] = s.y();
                u[k] = r.x();
                v[k] = r.y();
                use[k] = true;
            }
            Affine fit = null;
            for (int clip = 0; clip < 3; clip++) {
                Affine f = Affine.fit(x, y, u, v, use);
                if (f == null) {
                    break;
                }
                fit = f;
                double ss = 0;
                int m = 0;
                double[] r2 = new double[n];
                for (int k = 0; k < n; k++) {
                    double dx = f.x(x[k], y[k]) - u[k];
                    double dy = f.y(x[k], y[k]) - v[k];
                    r2[k] = dx * dx + dy * dy;
                    if (use[k]) {
                        ss += r2[k];
                        m++;
                    }
                }
                rms = Math.sqrt(ss / Math.max(1, m));
                double cut = Math.max(3 * rms, 0.05);
                for (int k = 0; k < n; k++) {
                    use[k] = r2[k] <= cut * cut;
                }
            }
            if (fit == null) {
                throw new RegistrationException("matched stars do not constrain an affine map (" + n + " pairs, collinear)");
            }
            map = fit;
            List<int[]> kept = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                if (use[k]) {
                    kept.add(pairs.get(k));
                }
            }
            pairs = kept;
            radius = Math.max(0.5, Math.min(2.0, 5 * rms));
        }
        return new Result(map, pairs, rms);
    }

    /** The most common offset (reference minus mapped new) among the brightest stars, refined to sub-pixel. */
    static double[] voteOffset(List<Star> newStars, List<Star> refStars, Affine initial, double searchPx) {
        int s = (int) Math.ceil(searchPx);
        int side = 2 * s + 1;
        int[] votes = new int[side * side];
        int nn = Math.min(VOTERS, newStars.size());
        int nr = Math.min(VOTERS, refStars.size());
        double[] px = new double[nn];
        double[] py = new double[nn];
        for (int i = 0; i < nn; i++) {
            Star a = newStars.get(i);
            px[i] = initial.x(a.x(), a.y());
            py[i] = initial.y(a.x(), a.y());
        }
        for (int i = 0; i < nn; i++) {
            for (int j = 0; j < nr; j++) {
                Star r = refStars.get(j);
                long bx = Math.round(r.x() - px[i]);
                long by = Math.round(r.y() - py[i]);
                if (Math.abs(bx) <= s && Math.abs(by) <= s) {
                    votes[(int) ((by + s) * side + bx + s)]++;
                }
            }
        }
        int best = -1;
        int bestVotes = -1;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int v = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int xx = x + dx;
                        int yy = y + dy;
                        if (xx >= 0 && yy >= 0 && xx < side && yy < side) {
                            v += votes[yy * side + xx];
                        }
                    }
                }
                if (v > bestVotes) {
                    bestVotes = v;
                    best = y * side + x;
                }
            }
        }
        double bx = best % side - s;
        double by = best / side - s;
        double sx = 0;
        double sy = 0;
        int n = 0;
        for (int i = 0; i < nn; i++) {
            for (int j = 0; j < nr; j++) {
                Star r = refStars.get(j);
                double dx = r.x() - px[i];
                double dy = r.y() - py[i];
                if (Math.abs(dx - bx) <= 1.5 && Math.abs(dy - by) <= 1.5) {
                    sx += dx;
                    sy += dy;
                    n++;
                }
            }
        }
        return n > 0 ? new double[] {sx / n, sy / n} : new double[] {bx, by};
    }

    /** Reference stars hashed on a coarse grid for nearest-neighbour matching. */
    private static final class RefGrid {
        private final List<Star> stars;
        private final double cell;
        private final java.util.Map<Long, List<Integer>> cells = new java.util.HashMap<>();

        RefGrid(List<Star> stars, double cell) {
            this.stars = stars;
            this.cell = cell;
            for (int i = 0; i < stars.size(); i++) {
                cells.computeIfAbsent(key((long) Math.floor(stars.get(i).x() / cell), (long) Math.floor(stars.get(i).y() / cell)),
                    k -> new ArrayList<>()).add(i);
            }
        }

        private static long key(long cx, long cy) {
            return (cx << 32) ^ (cy & 0xFFFFFFFFL);
        }

        /** Pairs of each new star with its nearest reference star within {@code radius}, each reference star used once. */
        List<int[]> match(List<Star> newStars, Affine map, double radius) {
            int[] owner = new int[stars.size()];
            double[] ownerD = new double[stars.size()];
            java.util.Arrays.fill(owner, -1);
            for (int i = 0; i < newStars.size(); i++) {
                Star s = newStars.get(i);
                double x = map.x(s.x(), s.y());
                double y = map.y(s.x(), s.y());
                long cx = (long) Math.floor(x / cell);
                long cy = (long) Math.floor(y / cell);
                int best = -1;
                double bestD = radius * radius;
                for (long gy = cy - 1; gy <= cy + 1; gy++) {
                    for (long gx = cx - 1; gx <= cx + 1; gx++) {
                        List<Integer> c = cells.get(key(gx, gy));
                        if (c == null) {
                            continue;
                        }
                        for (int j : c) {
                            double dx = stars.get(j).x() - x;
                            double dy = stars.get(j).y() - y;
                            double d = dx * dx + dy * dy;
                            if (d <= bestD) {
                                bestD = d;
                                best = j;
                            }
                        }
                    }
                }
                if (best >= 0 && (owner[best] < 0 || bestD < ownerD[best])) {
                    owner[best] = i;
                    ownerD[best] = bestD;
                }
            }
            List<int[]> pairs = new ArrayList<>();
            for (int j = 0; j < owner.length; j++) {
                if (owner[j] >= 0) {
                    pairs.add(new int[] {owner[j], j});
                }
            }
            return pairs;
        }
    }
}
