package org.nightwatch.workers.diff;

/** Small dense linear systems (normal equations of the kernel and registration fits). */
final class LinearSolve {
    private LinearSolve() {
    }

    /**
     * Solves {@code a x = b} for a symmetric positive (semi-)definite {@code a} by Cholesky with a tiny
     * ridge for near-degenerate bases; {@code a} is overwritten. Null when the system is singular.
     */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double trace = 0;
        for (int i = 0; i < n; i++) {
            trace += a[i][i];
        }
        if (!(trace > 0)) {
            return null;
        }
        // a relative ridge on each diagonal element: scale-free, and enough for near-degenerate bases
        for (int i = 0; i < n; i++) {
            a[i][i] = a[i][i] * (1 + 1e-12) + 1e-300;
        }
        for (int j = 0; j < n; j++) {
            double s = a[j][j];
            for (int k = 0; k < j; k++) {
                s -= a[j][k] * a[j][k];
            }
            if (!(s > 0)) {
                return null;
            }
            double l = Math.sqrt(s);
            a[j][j] = l;
            for (int i = j + 1; i < n; i++) {
                double t = a[i][j];
                for (int k = 0; k < j; k++) {
                    t -= a[i][k] * a[j][k];
                }
                a[i][j] = t / l;
            }
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double t = b[i];
            for (int k = 0; k < i; k++) {
                t -= a[i][k] * y[k];
            }
            y[i] = t / a[i][i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double t = y[i];
            for (int k = i + 1; k < n; k++) {
                t -= a[k][i] * x[k];
            }
            x[i] = t / a[i][i];
        }
        return x;
    }
}
