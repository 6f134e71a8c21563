package org.nightwatch.controlroom;

import java.util.Arrays;

/**
 * The zscale display limits of IRAF's {@code display} task, as ds9 and astropy's {@code ZScaleInterval}
 * show images: a line is fitted to the sorted pixel values with iterative clipping, and the limits are
 * the median minus and plus the fitted slope (divided by the contrast) over the sample's half-range,
 * clamped to the data. Non-finite pixels are ignored.
 */
public final class ZScale {
    /** Pixels sampled at most (astropy's default). */
    public static final int SAMPLES = 1000;
    private static final double CONTRAST = 0.25;
    private static final double REJECT_SIGMA = 2.5;
    private static final int MIN_PIXELS = 5;
    private static final double MAX_REJECT = 0.5;
    private static final int ITERATIONS = 5;

    private ZScale() {
    }

    /** {@code {low, high}} for {@code n} pixels of {@code values} from {@code offset}; {0, 0} when none is finite. */
    public static double[] limits(float[] values, int offset, int n) {
        float[] finite = new float[n];
        int f = 0;
        for (int i = 0; i < n; i++) {
            float v = values[offset + i];
            if (Float.isFinite(v)) {
                finite[f++] = v;
            }
        }
        if (f == 0) {
            return new double[] {0, 0};
        }
        int stride = Math.max(1, f / SAMPLES);
        double[] s = new double[Math.min(SAMPLES, (f + stride - 1) / stride)];
        int m = 0;
        for (int i = 0; i < f && m < s.length; i += stride) {
            s[m++] = finite[i];
        }
        Arrays.sort(s);
        double lo = s[0];
        double hi = s[m - 1];
        int minGood = Math.max(MIN_PIXELS, (int) (m * MAX_REJECT));
        int grow = Math.max(1, (int) (m * 0.01));
        boolean[] bad = new boolean[m];
        int good = m;
        int lastGood = m + 1;
        double slope = 0;
        for (int it = 0; it < ITERATIONS && good < lastGood && good >= minGood; it++) {
            // least-squares line through the unrejected sorted values against their index
            double sw = 0;
            double sx = 0;
            double sy = 0;
            double sxx = 0;
            double sxy = 0;
            for (int i = 0; i < m; i++) {
                if (!bad[i]) {
                    sw++;
                    sx += i;
                    sy += s[i];
                    sxx += (double) i * i;
                    sxy += i * s[i];
                }
            }
            double den = sw * sxx - sx * sx;
            slope = den != 0 ? (sw * sxy - sx * sy) / den : 0;
            double intercept = (sy - slope * sx) / sw;
            double mean = 0;
            double sq = 0;
            for (int i = 0; i < m; i++) {
                if (!bad[i]) {
                    double r = s[i] - (intercept + slope * i);
                    mean += r;
                    sq += r * r;
                }
            }
            mean /= sw;
            double threshold = REJECT_SIGMA * Math.sqrt(Math.max(0, sq / sw - mean * mean));
            boolean[] rejected = new boolean[m];
            for (int i = 0; i < m; i++) {
                double r = s[i] - (intercept + slope * i);
                rejected[i] = bad[i] || r < -threshold || r > threshold;
            }
            // grow each rejection over its neighbours: a box of 'grow' samples, centred as numpy's convolve(mode='same')
            int left = (grow - 1) / 2;
            int right = grow - 1 - left;
            boolean[] grown = new boolean[m];
            for (int i = 0; i < m; i++) {
                if (rejected[i]) {
                    for (int j = Math.max(0, i - left); j <= Math.min(m - 1, i + right); j++) {
                        grown[j] = true;
                    }
                }
            }
            bad = grown;
            lastGood = good;
            good = 0;
            for (boolean b : bad) {
                good += b ? 0 : 1;
            }
        }
        if (good >= minGood) {
            double sl = slope / CONTRAST;
            int centre = (m - 1) / 2;
            double median = m % 2 == 1 ? s[m / 2] : (s[m / 2 - 1] + s[m / 2]) / 2;
            lo = Math.max(lo, median - (centre - 1) * sl);
            hi = Math.min(hi, median + (m - centre) * sl);
        }
        return new double[] {lo, hi};
    }
}
