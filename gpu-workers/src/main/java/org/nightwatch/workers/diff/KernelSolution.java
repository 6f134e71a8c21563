package org.nightwatch.workers.diff;

/**
 * A fitted, spatially varying PSF-matching kernel and differential background:
 * {@code K(x, y) = sum_b a_b(x, y) B_b} with {@code a_0} constant (the photometric scale) and the other
 * coefficients polynomials of order {@code spatialOrder} in the normalised position; the background a
 * polynomial of order {@code backgroundOrder}.
 *
 * @param coefficients  {@code a_0}, then per basis function b >= 1 its spatial terms, then the background terms
 * @param stampsUsed    stamps left after clipping
 * @param stampsTried   stamps offered to the fit
 * @param meanChi2      mean reduced chi-square of the stamps used
 * @param fallback      true when this is the Gaussian fallback rather than a fit
 */
public record KernelSolution(KernelBasis basis, int width, int height, int spatialOrder, int backgroundOrder,
                             double[] coefficients, int stampsUsed, int stampsTried, double meanChi2, boolean fallback) {

    public static int terms(int order) {
        return (order + 1) * (order + 2) / 2;
    }

    /** Polynomial terms 1, x, y, x^2, xy, y^2, ... at a pixel, in coordinates normalised to [-1, 1]. */
    static void polyTerms(int order, double x, double y, int width, int height, double[] out) {
        double xn = (x - (width - 1) / 2.0) / ((width - 1) / 2.0);
        double yn = (y - (height - 1) / 2.0) / ((height - 1) / 2.0);
        int k = 0;
        for (int d = 0; d <= order; d++) {
            for (int j = 0; j <= d; j++) {
                out[k++] = Math.pow(xn, d - j) * Math.pow(yn, j);
            }
        }
    }

    /** The photometric scale (kernel sum), constant over the image. */
    public double scale() {
        return coefficients[0];
    }

    /** The kernel at a pixel, {@code size * size} floats, into {@code out}. */
    public void kernelAt(double x, double y, float[] out) {
        int np = terms(spatialOrder);
        double[] t = new double[np];
        polyTerms(spatialOrder, x, y, width, height, t);
        int n = basis.size() * basis.size();
        java.util.Arrays.fill(out, 0, n, 0f);
        add(out, basis.kernel(0), coefficients[0], n);
        for (int b = 1; b < basis.count(); b++) {
            double a = 0;
            for (int p = 0; p < np; p++) {
                a += coefficients[1 + (b - 1) * np + p] * t[p];
            }
            add(out, basis.kernel(b), a, n);
        }
    }

    private static void add(float[] out, float[] k, double a, int n) {
        float af = (float) a;
        for (int i = 0; i < n; i++) {
            out[i] += af * k[i];
        }
    }

    /** Fills {@code out[0..width)} with the differential background along row {@code y}. */
    public void backgroundRow(int y, float[] out) {
        int off = 1 + (basis.count() - 1) * terms(spatialOrder);
        int o = backgroundOrder;
        if (o <= 1) {
            double c0 = coefficients[off];
            double cx = o == 1 ? coefficients[off + 1] : 0;
            double cy = o == 1 ? coefficients[off + 2] : 0;
            double yn0 = (y - (height - 1) / 2.0) / ((height - 1) / 2.0);
            double base = c0 + cy * yn0;
            double half = (width - 1) / 2.0;
            // a straight line along the row: base + cx (x - half) / half = a + b x
            float a = (float) (base - cx);
            float b = half > 0 ? (float) (cx / half) : 0f;
            for (int x = 0; x < width; x++) {
                out[x] = a + b * x;
            }
            return;
        }
        double yn = (y - (height - 1) / 2.0) / ((height - 1) / 2.0);
        double[] yp = new double[o + 1];
        double[] xp = new double[o + 1];
        yp[0] = 1;
        for (int i = 1; i <= o; i++) {
            yp[i] = yp[i - 1] * yn;
        }
        for (int x = 0; x < width; x++) {
            double xn = (x - (width - 1) / 2.0) / ((width - 1) / 2.0);
            xp[0] = 1;
            for (int i = 1; i <= o; i++) {
                xp[i] = xp[i - 1] * xn;
            }
            int k = 0;
            double s = 0;
            for (int d = 0; d <= o; d++) {
                for (int j = 0; j <= d; j++) {
                    s += coefficients[off + k++] * xp[d - j] * yp[j];
                }
            }
            out[x] = (float) s;
        }
    }

    /** A normalised Gaussian kernel of width {@code sigma} in this basis' size, with no background: the fallback. */
    public static KernelSolution gaussian(KernelBasis basis, int width, int height, double sigma, int stampsTried) {
        // expressed directly as a kernel: a basis of one function
        KernelBasis g = new KernelBasis(basis.halfWidth(), new double[] {Math.max(sigma, 0.05)}, new int[] {0});
        return new KernelSolution(g, width, height, 0, 0, new double[] {1.0, 0.0}, 0, stampsTried, Double.NaN, true);
    }
}
