package org.nightwatch.workers.diff;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nightwatch.protocol.DetectionFlag;

/**
 * Finds sources on a difference image with a PSF matched filter on the difference over its noise:
 * {@code S = (G (x) D/V) / sqrt(G^2 (x) 1/V)} with G the new image's PSF (a Gaussian of the measured
 * width, unit sum), so that S is in sigmas and {@code (G (x) D/V) / (G^2 (x) 1/V)} is the PSF flux.
 * Masked pixels get zero weight. Pixels with |S| at or above the threshold form 8-connected components
 * of one sign; each local maximum of |S| in a component (within about one FWHM) is one detection,
 * measured (centroid, flux, S/N, FWHM, elongation), flagged, and cut out. A maximum on a no-data pixel
 * (outside the reference's coverage) is none: the filter there sums only the wing of whatever lies in
 * the gap, and a source centred in a gap cannot be measured.
 */
public final class Detector {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final FloatVector ONE = FloatVector.broadcast(F, 1f);
    private final int width;
    private final int height;
    private final GaussianFilter filter;
    private final boolean vector;
    /** The significance plane (the matched filter's S/N). */
    private final float[] z;
    /** The matched filter's numerator and denominator planes (a detection's flux and error at its peak). */
    private final float[] num;
    private final float[] den;
    /** One row of weighted difference and of inverse variance, before filtering. */
    private final float[] rowZ;
    private final float[] rowV;
    /** The last rows of both after the horizontal pass, as many as the filter has taps (grown with it). */
    private float[] ringZ = new float[0];
    private float[] ringV = new float[0];
    private final byte[] seen;
    private int[] stack = new int[4096];
    private int[] members = new int[4096];
    private final java.util.Set<Integer> streaks = new java.util.HashSet<>();
    /** A component at least this large and this elongated (major / minor axis of its pixels) is a streak. */
    private static final int STREAK_PIXELS = 150;
    private static final double STREAK_ELONGATION = 6;

    /** Detection settings. */
    public record Config(double thresholdSigma, double dipoleSigma, int maxDetections) {
    }

    /** The detections and how many peaks there were before the cap. */
    public record Result(List<Detection> detections, int components, boolean capped) {
    }

    public Detector(int width, int height, boolean vector) {
        this.width = width;
        this.height = height;
        this.filter = new GaussianFilter(vector);
        this.vector = vector;
        int n = width * height;
        z = new float[n];
        num = new float[n];
        den = new float[n];
        rowZ = new float[width];
        rowV = new float[width];
        seen = new byte[n];
    }

    /**
     * @param diff        difference image, its variance and mask
     * @param refMatched  the PSF-matched reference (for cutouts and the bright-star flag)
     * @param newImage    the new image, background-subtracted (for cutouts)
     * @param psfSigma    Gaussian sigma of the PSF of the difference, px
     * @param brightLevel reference level (ADU above background) that marks a bright star
     */
    public Result run(MaskedImage diff, float[] refMatched, float[] newImage, double psfSigma, double brightLevel, Config cfg) {
        if (!diff.sameSize(width, height)) {
            throw new IllegalArgumentException("detector is for " + width + "x" + height + " images");
        }
        int n = width * height;
        float[] d = diff.image();
        float[] v = diff.variance();
        byte[] m = diff.mask();
        float[] g = GaussianFilter.gaussian(psfSigma);
        float[] g2 = new float[g.length];
        for (int i = 0; i < g.length; i++) {
            g2[i] = g[i] * g[i];
        }
        float[] score = z;
        matchedFilter(d, v, m, g, g2, score);
        java.util.Arrays.fill(seen, 0, n, (byte) 0);
        float t = (float) cfg.thresholdSigma();
        List<Integer> peaks = new ArrayList<>();
        streaks.clear();
        int radius = Math.max(2, (int) Math.round(2.3548 * psfSigma));
        // most of the plane is below the threshold: whole vectors of it are passed over at once (in a small method,
        // which the JIT compiles with the vector intrinsics long before it would this one)
        for (int i = nextAtOrAbove(score, 0, n, t); i < n; i = nextAtOrAbove(score, i + 1, n, t)) {
            float s = score[i];
            if (seen[i] == 0 && (s >= t || s <= -t)) {
                component(score, m, i, s > 0, t, radius, peaks);
            }
        }
        int found = peaks.size();
        boolean capped = found > cfg.maxDetections();
        if (capped) {
            peaks.sort(Comparator.comparingDouble((Integer p) -> -Math.abs(score[p])));
            peaks = peaks.subList(0, cfg.maxDetections());
        }
        List<Detection> out = new ArrayList<>(peaks.size());
        for (int p : peaks) {
            out.add(measure(p, score, d, m, refMatched, newImage, psfSigma, brightLevel, cfg));
        }
        return new Result(out, found, capped);
    }

    /**
     * The matched filter in one sweep down the image: {@code num = g (x) g (x) (d / v)}, {@code den = g^2 (x) g^2 (x) (1 / v)}
     * and {@code score = num / sqrt(den)}. Each row is weighted and filtered along x into a ring of the last
     * {@code g.length} rows, and the row {@code hw} above it filtered down the columns from the ring: the planes of
     * weights and of the first pass never leave the cache (the sweep reads the difference once and writes its three
     * planes once; five planes were written and read again before, about 60 bytes a pixel against 21). The arithmetic,
     * and so the rounding, is the two separable passes' of {@link GaussianFilter#run}.
     */
    private void matchedFilter(float[] d, float[] v, byte[] m, float[] g, float[] g2, float[] score) {
        int k = g.length;
        int hw = k / 2;
        if (ringZ.length < k * width) {
            ringZ = new float[k * width];
            ringV = new float[k * width];
        }
        int[] rows = new int[k];
        for (int y = 0; y < height + hw; y++) {
            if (y < height) {
                // weights in a branch-free (vectorised) pass, then zero weight where the mask or the variance says so
                weights(d, v, m, y * width, width, rowZ, rowV);
                int slot = (y % k) * width;
                filter.horizontal(rowZ, 0, width, g, ringZ, slot);
                filter.horizontal(rowV, 0, width, g2, ringV, slot);
            }
            int out = y - hw;
            if (out >= 0) {
                for (int t = 0; t < k; t++) {
                    int r = out - hw + t; // image row of tap t; only those inside the image are read
                    rows[t] = r >= 0 && r < height ? (r % k) * width : 0;
                }
                filter.vertical(ringZ, rows, width, height, out, g, num, out * width);
                filter.vertical(ringV, rows, width, height, out, g2, den, out * width);
                significance(num, den, score, out * width, width);
            }
        }
    }

    /**
     * {@code invV = 1/v}, {@code z = d/v} for the {@code count} pixels from {@code from}, into the first {@code count} of
     * each row buffer; both 0 where unusable or {@code v <= 0}.
     */
    private static void weights(float[] d, float[] v, byte[] m, int from, int count, float[] z, float[] invV) {
        int j = 0;
        for (int bound = F.loopBound(count); j < bound; j += F.length()) {
            FloatVector iv = ONE.div(FloatVector.fromArray(F, v, from + j));
            iv.intoArray(invV, j);
            FloatVector.fromArray(F, d, from + j).mul(iv).intoArray(z, j);
        }
        for (; j < count; j++) {
            invV[j] = 1f / v[from + j];
            z[j] = d[from + j] * invV[j];
        }
        for (j = 0; j < count; j++) {
            int i = from + j;
            if ((m[i] & Mask.UNUSABLE) != 0 || !(v[i] > 0f)) {
                z[j] = 0f;
                invV[j] = 0f;
            }
        }
    }

    /**
     * The first index at or after {@code from} whose vector of {@code s} holds a value with {@code |s| >= t} (that
     * vector's first lane: the caller tests each), or {@code n}; past the last whole vector, and without the vector
     * path, {@code from} itself.
     */
    private int nextAtOrAbove(float[] s, int from, int n, float t) {
        int i = from;
        if (!vector) {
            return i; // the scalar oracle tests every pixel
        }
        FloatVector tv = FloatVector.broadcast(F, t);
        for (int bound = n - F.length(); i <= bound; i += F.length()) {
            if (FloatVector.fromArray(F, s, i).abs().compare(VectorOperators.GE, tv).anyTrue()) {
                return i;
            }
        }
        return Math.min(i, n);
    }

    /** {@code s = num / sqrt(den)} where {@code den > 0}, else 0, over {@code [from, from + count)}. */
    private static void significance(float[] num, float[] den, float[] s, int from, int count) {
        int end = from + count;
        int i = from;
        for (int bound = from + F.loopBound(count); i < bound; i += F.length()) {
            FloatVector q = FloatVector.fromArray(F, den, i);
            FloatVector r = FloatVector.fromArray(F, num, i).div(q.sqrt());
            r.blend(0f, q.compare(VectorOperators.LE, 0f)).intoArray(s, i);
        }
        for (; i < end; i++) {
            float q = den[i];
            s[i] = q > 0f ? num[i] / (float) Math.sqrt(q) : 0f;
        }
    }

    /**
     * Flood-fills one component of one sign and returns its peaks: every pixel that is the extreme of
     * |S| within {@code radius} (a simple deblend, so that sources closer than a few FWHM but farther
     * than {@code radius} stay apart).
     */
    private void component(float[] score, byte[] mask, int start, boolean positive, float t, int radius, List<Integer> peaks) {
        int top = 0;
        int n = 0;
        stack[top++] = start;
        seen[start] = 1;
        while (top > 0) {
            int i = stack[--top];
            if (n == members.length) {
                members = java.util.Arrays.copyOf(members, members.length * 2);
            }
            members[n++] = i;
            int x = i % width;
            int y = i / width;
            for (int dy = -1; dy <= 1; dy++) {
                int yy = y + dy;
                if (yy < 0 || yy >= height) {
                    continue;
                }
                for (int dx = -1; dx <= 1; dx++) {
                    int xx = x + dx;
                    if (xx < 0 || xx >= width) {
                        continue;
                    }
                    int j = yy * width + xx;
                    float s = score[j];
                    if (seen[j] == 0 && (positive ? s >= t : s <= -t)) {
                        seen[j] = 1;
                        if (top == stack.length) {
                            stack = java.util.Arrays.copyOf(stack, stack.length * 2);
                        }
                        stack[top++] = j;
                    }
                }
            }
        }
        float sign = positive ? 1f : -1f;
        if (n >= STREAK_PIXELS && elongation(n) >= STREAK_ELONGATION) {
            // a satellite or meteor trail: one detection at its brightest point, flagged, not hundreds along it
            int best = -1;
            for (int k = 0; k < n; k++) {
                int i = members[k];
                if ((mask[i] & Mask.NO_DATA) == 0 && (best < 0 || sign * score[i] > sign * score[best])) {
                    best = i;
                }
            }
            if (best >= 0) {
                peaks.add(best);
                streaks.add(best);
            }
            return;
        }
        for (int k = 0; k < n; k++) {
            int i = members[k];
            if ((mask[i] & Mask.NO_DATA) != 0) {
                continue; // no data at the centre: what the filter sums there is a wing, not a measurement
            }
            float v = sign * score[i];
            int x = i % width;
            int y = i / width;
            boolean peak = true;
            for (int yy = Math.max(0, y - radius); yy <= Math.min(height - 1, y + radius) && peak; yy++) {
                for (int xx = Math.max(0, x - radius); xx <= Math.min(width - 1, x + radius); xx++) {
                    int j = yy * width + xx;
                    float u = sign * score[j];
                    // ties go to the first pixel in raster order
                    if (u > v || (u == v && j < i)) {
                        peak = false;
                        break;
                    }
                }
            }
            if (peak) {
                peaks.add(i);
            }
        }
    }

    /** Major over minor axis of the first {@code n} member pixels' spatial distribution. */
    private double elongation(int n) {
        double sx = 0;
        double sy = 0;
        for (int k = 0; k < n; k++) {
            sx += members[k] % width;
            sy += members[k] / width;
        }
        double mx = sx / n;
        double my = sy / n;
        double a = 0;
        double b = 0;
        double c = 0;
        for (int k = 0; k < n; k++) {
            double dx = members[k] % width - mx;
            double dy = members[k] / width - my;
            a += dx * dx;
            b += dx * dy;
            c += dy * dy;
        }
        a /= n;
        b /= n;
        c /= n;
        double tr = (a + c) / 2;
        double det = Math.sqrt(Math.max(0, (a - c) * (a - c) / 4 + b * b));
        double l2 = tr - det;
        return l2 > 0 ? Math.sqrt((tr + det) / l2) : Double.POSITIVE_INFINITY;
    }

    private Detection measure(int peak, float[] score, float[] d, byte[] m, float[] ref, float[] img, double psfSigma,
                              double brightLevel, Config cfg) {
        int px = peak % width;
        int py = peak / width;
        float s0 = score[peak];
        int sign = s0 > 0 ? 1 : -1;
        double flux = den[peak] > 0 ? num[peak] / den[peak] : 0;
        double err = den[peak] > 0 ? 1 / Math.sqrt(den[peak]) : Double.NaN;
        double cx = px + parabola(score, peak, 1, px > 0 && px < width - 1);
        double cy = py + parabola(score, peak, width, py > 0 && py < height - 1);
        double[] shape = shape(d, px, py, cx, cy, sign, psfSigma);
        int flags = 0;
        int half = Detection.CUTOUT / 2;
        if (px < half || py < half || px >= width - half || py >= height - half || any(m, px, py, half, Mask.NO_DATA)) {
            flags |= DetectionFlag.EDGE.bit();
        }
        if (any(m, px, py, 2, (byte) (Mask.BAD | Mask.NO_DATA))) {
            flags |= DetectionFlag.MASKED.bit();
        }
        if (any(m, px, py, 3, Mask.SATURATED)) {
            flags |= DetectionFlag.SATURATED.bit();
        }
        if (opposite(score, px, py, sign, (int) Math.ceil(3 * 2.3548 * psfSigma / 2) + 1,
            (float) Math.max(cfg.dipoleSigma(), 0.25 * Math.abs(s0)))) {
            flags |= DetectionFlag.DIPOLE.bit();
        }
        if (streaks.contains(peak)) {
            flags |= DetectionFlag.STREAK.bit();
        }
        if (maxAround(ref, px, py, 3) > brightLevel) {
            flags |= DetectionFlag.NEAR_BRIGHT_STAR.bit();
        }
        float[] cut = new float[3 * Detection.CUTOUT * Detection.CUTOUT];
        cutout(ref, px, py, cut, 0);
        cutout(img, px, py, cut, Detection.CUTOUT * Detection.CUTOUT);
        cutout(d, px, py, cut, 2 * Detection.CUTOUT * Detection.CUTOUT);
        return new Detection(cx, cy, flux, err, s0, shape[0], shape[1], sign, flags, cut);
    }

    private static double parabola(float[] s, int i, int step, boolean inside) {
        if (!inside) {
            return 0;
        }
        double a = Math.abs(s[i - step]);
        double b = Math.abs(s[i]);
        double c = Math.abs(s[i + step]);
        double den = a - 2 * b + c;
        if (den >= 0) {
            return 0;
        }
        return Math.max(-0.5, Math.min(0.5, 0.5 * (a - c) / den));
    }

    /** FWHM and elongation from Gaussian-windowed second moments, corrected for the window. */
    private double[] shape(float[] d, int px, int py, double cx, double cy, int sign, double sw) {
        int r = 4;
        if (px < r || py < r || px >= width - r || py >= height - r) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double inv2 = 1 / (2 * sw * sw);
        double s = 0;
        double sxx = 0;
        double syy = 0;
        double sxy = 0;
        for (int y = py - r; y <= py + r; y++) {
            double dy = y - cy;
            for (int x = px - r; x <= px + r; x++) {
                double dx = x - cx;
                double wv = Math.exp(-(dx * dx + dy * dy) * inv2) * sign * d[y * width + x];
                s += wv;
                sxx += wv * dx * dx;
                syy += wv * dy * dy;
                sxy += wv * dx * dy;
            }
        }
        if (!(s > 0)) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double a = sxx / s;
        double c = syy / s;
        double b = sxy / s;
        double tr = (a + c) / 2;
        double det = Math.sqrt(Math.max(0, (a - c) * (a - c) / 4 + b * b));
        double l1 = tr + det;
        double l2 = tr - det;
        double w2 = sw * sw;
        if (!(l2 > 0) || l1 >= 0.98 * w2) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double s1 = l1 * w2 / (w2 - l1);
        double s2 = l2 * w2 / (w2 - l2);
        return new double[] {2.3548 * Math.sqrt((s1 + s2) / 2), Math.sqrt(s1 / s2)};
    }

    private boolean any(byte[] m, int px, int py, int r, byte bits) {
        for (int y = Math.max(0, py - r); y <= Math.min(height - 1, py + r); y++) {
            for (int x = Math.max(0, px - r); x <= Math.min(width - 1, px + r); x++) {
                if ((m[y * width + x] & bits) != 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean opposite(float[] score, int px, int py, int sign, int r, float level) {
        for (int y = Math.max(0, py - r); y <= Math.min(height - 1, py + r); y++) {
            for (int x = Math.max(0, px - r); x <= Math.min(width - 1, px + r); x++) {
                if (sign * score[y * width + x] <= -level) {
                    return true;
                }
            }
        }
        return false;
    }

    private double maxAround(float[] img, int px, int py, int r) {
        double mx = Double.NEGATIVE_INFINITY;
        for (int y = Math.max(0, py - r); y <= Math.min(height - 1, py + r); y++) {
            for (int x = Math.max(0, px - r); x <= Math.min(width - 1, px + r); x++) {
                mx = Math.max(mx, img[y * width + x]);
            }
        }
        return mx;
    }

    private void cutout(float[] img, int px, int py, float[] out, int off) {
        int half = Detection.CUTOUT / 2;
        for (int y = 0; y < Detection.CUTOUT; y++) {
            int yy = py - half + y;
            for (int x = 0; x < Detection.CUTOUT; x++) {
                int xx = px - half + x;
                out[off + y * Detection.CUTOUT + x] = yy >= 0 && yy < height && xx >= 0 && xx < width ? img[yy * width + xx] : 0f;
            }
        }
    }

    /** The matched-filter significance plane of the last run (valid until the next). */
    public float[] significance() {
        return z;
    }
}
