package org.nightwatch.workers.diff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fits the Alard-Lupton PSF-matching kernel (the HOTPANTS method): on stamps around stars, the source
 * image correlated with each basis function, plus a background term, is fitted to the target by
 * weighted least squares (weights 1 / (variance of target + source)). Each stamp reduces to a small
 * normal system once; the spatially varying solution sums them with the polynomial terms at the
 * stamps' centres, so clipping stamps (variables, cosmic rays, blends) and refitting costs almost
 * nothing. Stamps are clipped at 3 sigma (MAD) above the median reduced chi-square, three rounds.
 */
public final class PsfMatch {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    private PsfMatch() {
    }

    /** What the fit needs to know. */
    public record Config(int spatialOrder, int backgroundOrder, int stampHalf, int minStamps) {
    }

    private record Stamp(double x, double y, double[][] m, double[] v, double nn, int pixels) {
    }

    /**
     * @param source   the image to convolve (on the target's grid)
     * @param target   the image to match
     * @param centres  candidate stamp centres {@code [x, y]} on the target grid, best first
     */
    public static KernelSolution fit(MaskedImage source, MaskedImage target, List<double[]> centres, KernelBasis basis, Config cfg) {
        int w = target.width();
        int h = target.height();
        int n = 2 * cfg.stampHalf() + 1;
        int hw = basis.halfWidth();
        int nb = basis.count();
        List<Stamp> stamps = new ArrayList<>();
        double[][] conv = new double[nb][n * n];
        double[][] scratch = new double[4][n * n];
        for (double[] c : centres) {
            int cx = (int) Math.round(c[0]);
            int cy = (int) Math.round(c[1]);
            int reach = cfg.stampHalf() + hw;
            if (cx - reach < 0 || cy - reach < 0 || cx + reach >= w || cy + reach >= h) {
                continue;
            }
            if (masked(target.mask(), w, cx, cy, cfg.stampHalf()) || masked(source.mask(), w, cx, cy, reach)) {
                continue;
            }
            basis.correlateStamp(source.image(), w, cx, cy, n, conv);
            stamps.add(stamp(cx, cy, conv, nb, n, target, source, scratch));
        }
        int tried = stamps.size();
        int spatial = cfg.spatialOrder();
        int bg = cfg.backgroundOrder();
        if (tried < 3) {
            throw new InsufficientKernelStarsException("only " + tried + " usable star stamps for the PSF-matching kernel (of "
                + centres.size() + " candidates; need at least 3)");
        }
        if (tried < cfg.minStamps()) {
            spatial = 0;
            bg = 0;
        }
        boolean[] use = new boolean[tried];
        Arrays.fill(use, true);
        double[] coef = null;
        double meanChi2 = Double.NaN;
        // the stamps' sum is kept from round to round, and only the stamps clipped or taken back since are
        // subtracted or added: a clipping round costs the stamps it changes, not all of them again
        int unknowns = 1 + (nb - 1) * KernelSolution.terms(spatial) + KernelSolution.terms(bg);
        double[][] sumA = new double[unknowns][unknowns];
        double[] sumR = new double[unknowns];
        boolean[] summed = new boolean[tried];
        for (int round = 0; round < 4; round++) {
            for (int s = 0; s < tried; s++) {
                if (use[s] != summed[s]) {
                    accumulate(stamps.get(s), use[s] ? 1 : -1, sumA, sumR, nb, spatial, bg, w, h);
                    summed[s] = use[s];
                }
            }
            double[][] a = new double[unknowns][];
            for (int i = 0; i < unknowns; i++) {
                a[i] = sumA[i].clone();
            }
            double[] solved = LinearSolve.solve(a, sumR.clone());
            if (solved == null) {
                throw new InsufficientKernelStarsException("the PSF-matching kernel fit is singular with " + count(use) + " stamps");
            }
            coef = solved;
            double[] chi = new double[tried];
            for (int s = 0; s < tried; s++) {
                chi[s] = chi2(stamps.get(s), coef, nb, spatial, bg, w, h) / stamps.get(s).pixels();
            }
            double[] used = new double[count(use)];
            int k = 0;
            for (int s = 0; s < tried; s++) {
                if (use[s]) {
                    used[k++] = chi[s];
                }
            }
            Arrays.sort(used);
            double med = used[used.length / 2];
            double[] dev = new double[used.length];
            for (int i = 0; i < used.length; i++) {
                dev[i] = Math.abs(used[i] - med);
            }
            Arrays.sort(dev);
            double sig = Math.max(1.4826 * dev[dev.length / 2], 0.05 * med);
            double sum = 0;
            for (double v : used) {
                sum += v;
            }
            meanChi2 = sum / used.length;
            if (round == 3) {
                break;
            }
            boolean changed = false;
            for (int s = 0; s < tried; s++) {
                boolean keep = chi[s] <= med + 3 * sig;
                if (keep != use[s]) {
                    changed = true;
                }
                use[s] = keep;
            }
            if (!changed || count(use) < 3) {
                if (count(use) < 3) {
                    Arrays.fill(use, true);
                }
                break;
            }
        }
        return new KernelSolution(basis, w, h, spatial, bg, coef, count(use), tried, meanChi2, false);
    }

    private static int count(boolean[] b) {
        int c = 0;
        for (boolean x : b) {
            if (x) {
                c++;
            }
        }
        return c;
    }

    private static boolean masked(byte[] mask, int w, int cx, int cy, int r) {
        for (int y = cy - r; y <= cy + r; y++) {
            int row = y * w;
            for (int x = cx - r; x <= cx + r; x++) {
                if ((mask[row + x] & Mask.UNUSABLE) != 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A stamp's normal system: with columns c_b (the source correlated with basis b) and a constant, and
     * weights w, {@code m[a][b] = sum w c_a c_b}, {@code v[a] = sum w c_a t}, {@code nn = sum w t^2}. Each
     * element is a dot product over the stamp's pixels, vectorised ({@link #dot}); the loop that added a
     * pixel's outer product to the matrix ran at about a tenth of that speed.
     */
    private static Stamp stamp(int cx, int cy, double[][] conv, int nb, int n, MaskedImage target, MaskedImage source,
                               double[][] scratch) {
        int w = target.width();
        int h = n / 2;
        int cols = nb + 1;
        int len = n * n;
        double[] wgt = scratch[0];
        double[] t = scratch[1];
        double[] wt = scratch[2];
        double[] wa = scratch[3];
        float[] ti = target.image();
        float[] tv = target.variance();
        float[] sv = source.variance();
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                int i = (cy - h + y) * w + cx - h + x;
                double var = tv[i] + sv[i];
                int p = y * n + x;
                wgt[p] = var > 0 ? 1 / var : 0;
                t[p] = ti[i];
                wt[p] = wgt[p] * t[p];
            }
        }
        double[][] m = new double[cols][cols];
        double[] v = new double[cols];
        for (int a = 0; a < nb; a++) {
            double[] ca = conv[a];
            for (int p = 0; p < len; p++) {
                wa[p] = wgt[p] * ca[p];
            }
            for (int b = a; b < nb; b++) {
                m[a][b] = dot(wa, conv[b], len);
            }
            m[a][nb] = dot(ca, wgt, len);
            v[a] = dot(ca, wt, len);
        }
        m[nb][nb] = sum(wgt, len);
        v[nb] = sum(wt, len);
        double nn = dot(wt, t, len);
        for (int a = 0; a < cols; a++) {
            for (int b = 0; b < a; b++) {
                m[a][b] = m[b][a];
            }
        }
        return new Stamp(cx, cy, m, v, nn, len);
    }

    private static double dot(double[] a, double[] b, int len) {
        DoubleVector acc = DoubleVector.zero(D);
        int i = 0;
        for (int bound = D.loopBound(len); i < bound; i += D.length()) {
            acc = DoubleVector.fromArray(D, a, i).fma(DoubleVector.fromArray(D, b, i), acc);
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double sum(double[] a, int len) {
        double s = 0;
        for (int i = 0; i < len; i++) {
            s += a[i];
        }
        return s;
    }

    /** Per local column of a stamp: the global unknowns it maps to and their weights (polynomial terms). */
    private static int[][] globalIndex(int nb, int np, int nbg) {
        int[][] g = new int[nb + 1][];
        g[0] = new int[] {0};
        for (int b = 1; b < nb; b++) {
            g[b] = new int[np];
            for (int p = 0; p < np; p++) {
                g[b][p] = 1 + (b - 1) * np + p;
            }
        }
        g[nb] = new int[nbg];
        for (int q = 0; q < nbg; q++) {
            g[nb][q] = 1 + (nb - 1) * np + q;
        }
        return g;
    }

    private static double[][] termWeights(int nb, double[] ts, double[] tb) {
        double[][] t = new double[nb + 1][];
        t[0] = new double[] {1};
        for (int b = 1; b < nb; b++) {
            t[b] = ts;
        }
        t[nb] = tb;
        return t;
    }

    /** Adds ({@code sign} 1) or takes away (-1) one stamp's normal system, spread over the spatial terms at its centre. */
    private static void accumulate(Stamp st, int sign, double[][] a, double[] r, int nb, int spatial, int bg, int w, int h) {
        int np = KernelSolution.terms(spatial);
        int nbg = KernelSolution.terms(bg);
        int[][] gi = globalIndex(nb, np, nbg);
        double[] ts = new double[np];
        double[] tb = new double[nbg];
        KernelSolution.polyTerms(spatial, st.x(), st.y(), w, h, ts);
        KernelSolution.polyTerms(bg, st.x(), st.y(), w, h, tb);
        double[][] tw = termWeights(nb, ts, tb);
        for (int l1 = 0; l1 <= nb; l1++) {
            for (int p1 = 0; p1 < gi[l1].length; p1++) {
                int g1 = gi[l1][p1];
                double w1 = sign * tw[l1][p1];
                r[g1] += w1 * st.v()[l1];
                double[] row = a[g1];
                for (int l2 = 0; l2 <= nb; l2++) {
                    double m12 = st.m()[l1][l2] * w1;
                    int[] g2 = gi[l2];
                    double[] t2 = tw[l2];
                    for (int p2 = 0; p2 < g2.length; p2++) {
                        row[g2[p2]] += m12 * t2[p2];
                    }
                }
            }
        }
    }

    private static double chi2(Stamp st, double[] coef, int nb, int spatial, int bg, int w, int h) {
        int np = KernelSolution.terms(spatial);
        int nbg = KernelSolution.terms(bg);
        double[] ts = new double[np];
        double[] tb = new double[nbg];
        KernelSolution.polyTerms(spatial, st.x(), st.y(), w, h, ts);
        KernelSolution.polyTerms(bg, st.x(), st.y(), w, h, tb);
        int[][] gi = globalIndex(nb, np, nbg);
        double[][] tw = termWeights(nb, ts, tb);
        double[] local = new double[nb + 1];
        for (int l = 0; l <= nb; l++) {
            for (int p = 0; p < gi[l].length; p++) {
                local[l] += coef[gi[l][p]] * tw[l][p];
            }
        }
        double chi = st.nn();
        for (int a = 0; a <= nb; a++) {
            chi -= 2 * local[a] * st.v()[a];
            for (int b = 0; b <= nb; b++) {
                chi += local[a] * st.m()[a][b] * local[b];
            }
        }
        return chi;
    }
}
