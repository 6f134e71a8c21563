package org.nightwatch.workers.diff;

/**
 * An affine map of pixel coordinates: {@code x' = a + b x + c y}, {@code y' = d + e x + f y} (0-based
 * pixel centres). Registration finds the map from new-image pixels to reference pixels.
 */
public record Affine(double a, double b, double c, double d, double e, double f) {
    public static final Affine IDENTITY = new Affine(0, 1, 0, 0, 0, 1);

    public static Affine translation(double dx, double dy) {
        return new Affine(dx, 1, 0, dy, 0, 1);
    }

    public double x(double x, double y) {
        return a + b * x + c * y;
    }

    public double y(double x, double y) {
        return d + e * x + f * y;
    }

    public Affine inverse() {
        double det = b * f - c * e;
        if (Math.abs(det) < 1e-12) {
            throw new IllegalStateException("singular affine map " + this);
        }
        double ib = f / det;
        double ic = -c / det;
        double ie = -e / det;
        double iF = b / det;
        return new Affine(-(ib * a + ic * d), ib, ic, -(ie * a + iF * d), ie, iF);
    }

    /** This map after {@code first}: {@code this(first(p))}. */
    public Affine after(Affine first) {
        return new Affine(a + b * first.a + c * first.d, b * first.b + c * first.e, b * first.c + c * first.f,
            d + e * first.a + f * first.d, e * first.b + f * first.e, e * first.c + f * first.f);
    }

    /**
     * Least-squares affine map taking {@code (x[i], y[i])} to {@code (u[i], v[i])} over the points with
     * {@code use[i]}; null when fewer than three are used or they are collinear.
     */
    public static Affine fit(double[] x, double[] y, double[] u, double[] v, boolean[] use) {
        double[][] m = new double[3][3];
        double[] ru = new double[3];
        double[] rv = new double[3];
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            if (!use[i]) {
                continue;
            }
            double[] p = {1, x[i], y[i]};
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    m[r][c] += p[r] * p[c];
                }
                ru[r] += p[r] * u[i];
                rv[r] += p[r] * v[i];
            }
            n++;
        }
        if (n < 3) {
            return null;
        }
        double[] su = LinearSolve.solve(copy(m), ru);
        double[] sv = LinearSolve.solve(copy(m), rv);
        if (su == null || sv == null) {
            return null;
        }
        return new Affine(su[0], su[1], su[2], sv[0], sv[1], sv[2]);
    }

    private static double[][] copy(double[][] m) {
        double[][] c = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }
}
