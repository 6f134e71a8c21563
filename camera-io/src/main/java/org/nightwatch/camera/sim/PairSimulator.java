package org.nightwatch.camera.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Renders a reference and a new stacked image of the same field, with everything a difference-imaging
 * pipeline meets and the truth of all of it: stars and galaxies (static), a seeing change between the
 * reference and the visit, a sub-pixel pointing offset, transients (point sources, half of them on
 * galaxies) at chosen signal-to-noise ratios, variable stars, moving objects, cosmic rays, hot pixels, a
 * satellite trail, and saturated stars. Pixel values are ADU per frame (the mean of the stacked frames),
 * bias included, as the stacking stage produces them.
 *
 * <p>The signal-to-noise ratio of an injected point source is its optimal (PSF-weighted) S/N on the
 * difference image: {@code F / (sigma_pix * sqrt(4 pi) * sigma_psf)} with {@code sigma_pix} the noise
 * of one difference pixel from the new stack and the reference, on the sky.
 */
public final class PairSimulator {
    private PairSimulator() {
    }

    /**
     * @param refFrames  frames averaged in the reference (deep)
     * @param newFrames  frames averaged in the new stack (18 in all-sky mode)
     * @param maxShiftPx largest pointing offset of the new image, each axis (sub-pixel plus integer)
     */
    public record Config(int width, int height, double gain, double readNoise, int saturate, double refSeeing, double newSeeing,
                         int refFrames, int newFrames, int stars, int galaxies, int transients, double snrMin, double snrMax,
                         int variables, int moving, boolean trail, boolean hotPixels, double maxShiftPx, long seed) {
        /** Tomo-e-like defaults: 2000 x 1128, seeing 2.0 -> 2.8 px, 18-frame visit against a 180-frame reference. */
        public static Config tomoe(long seed) {
            return new Config(2000, 1128, 1.2, 2.0, 60000, 2.0, 2.8, 180, 18, 2500, 150, 300, 3, 50, 20, 5, true, true, 1.5, seed);
        }

        public Config withSize(int w, int h) {
            return new Config(w, h, gain, readNoise, saturate, refSeeing, newSeeing, refFrames, newFrames, stars, galaxies,
                transients, snrMin, snrMax, variables, moving, trail, hotPixels, maxShiftPx, seed);
        }

        public Config withContent(int stars, int galaxies, int transients, int variables, int moving, boolean trail, boolean hotPixels) {
            return new Config(width, height, gain, readNoise, saturate, refSeeing, newSeeing, refFrames, newFrames, stars, galaxies,
                transients, snrMin, snrMax, variables, moving, trail, hotPixels, maxShiftPx, seed);
        }
    }

    /** Kinds of injected things, as truth.csv names them. */
    public enum Kind {
        TRANSIENT, VARIABLE, MOVING, COSMIC_RAY, HOT_PIXEL, TRAIL;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * One injected thing, in new-image pixels (0-based centres).
     *
     * @param electrons per frame, the change between reference and new for variables (signed)
     * @param snr       expected optimal S/N on the difference (NaN for artifacts)
     * @param angle     trails only: direction, radians
     */
    public record Truth(int id, Kind kind, double x, double y, double electrons, double snr, boolean onGalaxy, double angle) {
    }

    /** A static star of the field, in new-image pixels. */
    public record FieldStar(double x, double y, double electrons, boolean saturated) {
    }

    /**
     * @param reference ADU per frame, reference grid (the new grid shifted by (-dx, -dy))
     * @param newImage  ADU per frame
     * @param dark      the sensor's dark frame (bias + hot pixels), ADU per frame
     * @param dx        offset of the new image: a sky point at reference pixel p is at new pixel p + (dx, dy)
     */
    public record Pair(Config config, float[] reference, float[] newImage, float[] dark, double dx, double dy,
                       List<Truth> truth, List<FieldStar> stars, double pixelSigmaElectrons) {
    }

    public static Pair render(Config c) {
        SplittableRandom rnd = new SplittableRandom(c.seed());
        int w = c.width();
        int h = c.height();
        double dx = (rnd.nextDouble() * 2 - 1) * c.maxShiftPx();
        double dy = (rnd.nextDouble() * 2 - 1) * c.maxShiftPx();
        double sRef = c.refSeeing() / 2.3548;
        double sNew = c.newSeeing() / 2.3548;
        float[] ref = new float[w * h];
        float[] nw = new float[w * h];
        java.util.Arrays.fill(ref, SkySimulator.SKY_ELECTRONS);
        java.util.Arrays.fill(nw, SkySimulator.SKY_ELECTRONS);
        List<FieldStar> stars = new ArrayList<>();
        double satElectrons = (c.saturate() - SkySimulator.BIAS_ADU) * c.gain();
        // stars over the union of both footprints; mag 10-19 with dN/dm ~ 10^(0.3 m)
        for (int s = 0; s < c.stars(); s++) {
            double x = rnd.nextDouble() * (w + 20) - 10;
            double y = rnd.nextDouble() * (h + 20) - 10;
            double mag = SkySimulator.starMagnitude(rnd.nextDouble());
            double f = Math.pow(10, -0.4 * (mag - SkySimulator.ZERO_POINT_MAG));
            gaussian(ref, w, h, x - dx, y - dy, f, sRef, sRef, 0);
            gaussian(nw, w, h, x, y, f, sNew, sNew, 0);
            stars.add(new FieldStar(x, y, f, f / (2 * Math.PI * sNew * sNew) > satElectrons * 0.5));
        }
        List<double[]> galaxies = new ArrayList<>();
        for (int g = 0; g < c.galaxies(); g++) {
            double x = 20 + rnd.nextDouble() * (w - 40);
            double y = 20 + rnd.nextDouble() * (h - 40);
            double mag = 15.5 + rnd.nextDouble() * 3.5;
            double f = Math.pow(10, -0.4 * (mag - SkySimulator.ZERO_POINT_MAG));
            double size = 1.5 + rnd.nextDouble() * 2.5;
            double q = 0.5 + rnd.nextDouble() * 0.5;
            double ang = rnd.nextDouble() * Math.PI;
            gaussian(ref, w, h, x - dx, y - dy, f, Math.hypot(size, sRef), Math.hypot(size * q, sRef), ang);
            gaussian(nw, w, h, x, y, f, Math.hypot(size, sNew), Math.hypot(size * q, sNew), ang);
            galaxies.add(new double[] {x, y, size});
        }
        double rn2 = c.readNoise() * c.readNoise();
        double pixSigma = Math.sqrt((SkySimulator.SKY_ELECTRONS + rn2) / c.newFrames() + (SkySimulator.SKY_ELECTRONS + rn2) / c.refFrames());
        double psfNorm = Math.sqrt(4 * Math.PI) * sNew;
        List<Truth> truth = new ArrayList<>();
        int id = 1;
        int hosts = 0;
        for (int t = 0; t < c.transients(); t++) {
            boolean onGalaxy = !galaxies.isEmpty() && t % 2 == 1;
            double x;
            double y;
            if (onGalaxy) {
                // one transient per host while hosts last
                double[] g = galaxies.get(hosts < galaxies.size() ? hosts++ : rnd.nextInt(galaxies.size()));
                x = g[0] + rnd.nextGaussian() * g[2] * 0.7;
                y = g[1] + rnd.nextGaussian() * g[2] * 0.7;
            } else {
                x = 16 + rnd.nextDouble() * (w - 32);
                y = 16 + rnd.nextDouble() * (h - 32);
            }
            double snr = c.snrMin() + rnd.nextDouble() * (c.snrMax() - c.snrMin());
            double f = snr * pixSigma * psfNorm;
            gaussian(nw, w, h, x, y, f, sNew, sNew, 0);
            truth.add(new Truth(id++, Kind.TRANSIENT, x, y, f, snr, onGalaxy, 0));
        }
        for (int v = 0; v < c.variables() && !stars.isEmpty(); v++) {
            FieldStar s = stars.get(rnd.nextInt(stars.size()));
            if (s.saturated() || s.x() < 16 || s.y() < 16 || s.x() > w - 16 || s.y() > h - 16) {
                continue;
            }
            double dm = (rnd.nextBoolean() ? 1 : -1) * (0.1 + rnd.nextDouble() * 0.9);
            double df = s.electrons() * (Math.pow(10, -0.4 * dm) - 1);
            gaussian(nw, w, h, s.x(), s.y(), df, sNew, sNew, 0);
            truth.add(new Truth(id++, Kind.VARIABLE, s.x(), s.y(), df, Math.abs(df) / (pixSigma * psfNorm), false, 0));
        }
        for (int m = 0; m < c.moving(); m++) {
            double x = 16 + rnd.nextDouble() * (w - 32);
            double y = 16 + rnd.nextDouble() * (h - 32);
            double snr = 10 + rnd.nextDouble() * 40;
            double f = snr * pixSigma * psfNorm;
            gaussian(nw, w, h, x, y, f, sNew, sNew, 0);
            truth.add(new Truth(id++, Kind.MOVING, x, y, f, snr, false, rnd.nextDouble() * 2 * Math.PI));
        }
        SkySimulator sensor = c.hotPixels() ? new SkySimulator(w, h, c.gain(), c.readNoise(), c.saturate(), c.seed() ^ 0x5EED) : null;
        float[] dark = sensor != null ? sensor.darkFrame() : flat(w, h, SkySimulator.BIAS_ADU);
        if (sensor != null) {
            sensor.addHotPixels(nw);
            float[] d = dark;
            for (int i = 0; i < d.length; i++) {
                if (d[i] > SkySimulator.BIAS_ADU + 1) {
                    truth.add(new Truth(id++, Kind.HOT_PIXEL, i % w, i / w, (d[i] - SkySimulator.BIAS_ADU) * c.gain(), Double.NaN, false, 0));
                }
            }
        }
        // noise: the mean of N frames has variance (S + rn^2) / N electrons^2
        toAdu(ref, c.gain(), c.readNoise(), c.saturate(), c.refFrames(), rnd);
        toAdu(nw, c.gain(), c.readNoise(), c.saturate(), c.newFrames(), rnd);
        // cosmic rays: about one every two frames, each in one frame only (divided by N in the mean)
        int rays = (int) Math.round(c.newFrames() * 0.5);
        for (int r = 0; r < rays; r++) {
            int x = rnd.nextInt(w);
            int y = rnd.nextInt(h);
            int len = 1 + rnd.nextInt(5);
            int sx = rnd.nextInt(3) - 1;
            int sy = rnd.nextBoolean() ? 1 : 0;
            double adu = (500 + rnd.nextDouble() * 20000) / c.gain() / c.newFrames();
            for (int k = 0; k < len; k++) {
                int px = x + k * sx;
                int py = y + k * sy;
                if (px >= 0 && px < w && py < h) {
                    nw[py * w + px] = (float) Math.min(c.saturate(), nw[py * w + px] + adu);
                }
            }
            truth.add(new Truth(id++, Kind.COSMIC_RAY, x + (len - 1) * sx / 2.0, y + (len - 1) * sy / 2.0, adu * c.gain(), Double.NaN, false, 0));
        }
        if (c.trail()) {
            double x0 = rnd.nextDouble() * w;
            double y0 = rnd.nextDouble() * h;
            double ang = rnd.nextDouble() * Math.PI;
            double perPx = (300 + rnd.nextDouble() * 2000) / c.newFrames(); // one frame's streak, in the mean
            trail(nw, w, h, x0, y0, ang, perPx / c.gain(), sNew);
            truth.add(new Truth(id++, Kind.TRAIL, x0, y0, perPx, Double.NaN, false, ang));
        }
        return new Pair(c, ref, nw, dark, dx, dy, truth, stars, pixSigma);
    }

    private static float[] flat(int w, int h, float v) {
        float[] a = new float[w * h];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /**
     * Turns expected electrons per frame into the mean of {@code frames} noisy frames in ADU (bias added,
     * clipped to 0..saturate): the mean of N frames has variance (S + rn^2) / N electrons^2.
     */
    static void toAdu(float[] e, double gain, double readNoise, double saturate, int frames, SplittableRandom rnd) {
        double rn2 = readNoise * readNoise;
        double invGain = 1 / gain;
        for (int i = 0; i < e.length; i++) {
            double s = Math.max(e[i], 0);
            double v = SkySimulator.BIAS_ADU + (s + Math.sqrt((s + rn2) / frames) * rnd.nextGaussian()) * invGain;
            e[i] = (float) Math.min(saturate, Math.max(0, v));
        }
    }

    /** Adds an elliptical Gaussian of total flux {@code f} (sampled at pixel centres). */
    static void gaussian(float[] e, int w, int h, double x, double y, double f, double sMaj, double sMin, double angle) {
        int r = (int) Math.ceil(4.5 * sMaj);
        double ca = Math.cos(angle);
        double sa = Math.sin(angle);
        double norm = f / (2 * Math.PI * sMaj * sMin);
        int cx = (int) Math.round(x);
        int cy = (int) Math.round(y);
        for (int yy = Math.max(0, cy - r); yy <= Math.min(h - 1, cy + r); yy++) {
            double ddy = yy - y;
            for (int xx = Math.max(0, cx - r); xx <= Math.min(w - 1, cx + r); xx++) {
                double ddx = xx - x;
                double u = ddx * ca + ddy * sa;
                double v = -ddx * sa + ddy * ca;
                e[yy * w + xx] += (float) (norm * Math.exp(-0.5 * (u * u / (sMaj * sMaj) + v * v / (sMin * sMin))));
            }
        }
    }

    static void trail(float[] adu, int w, int h, double x0, double y0, double ang, double perPx, double sigma) {
        double nx = -Math.sin(ang);
        double ny = Math.cos(ang);
        double norm = perPx / (Math.sqrt(2 * Math.PI) * sigma);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double d = (x - x0) * nx + (y - y0) * ny;
                if (Math.abs(d) < 4 * sigma) {
                    adu[y * w + x] += (float) (norm * Math.exp(-0.5 * d * d / (sigma * sigma)));
                }
            }
        }
    }

    /** Distance of a point from a trail's line. */
    public static double distanceFromTrail(Truth t, double x, double y) {
        return Math.abs((x - t.x()) * -Math.sin(t.angle()) + (y - t.y()) * Math.cos(t.angle()));
    }

    /**
     * What a detection at (x, y) on the difference is, by the truth: the kind of injected thing there,
     * "saturated-star" or "star-residual" next to a saturated or bright star, else "noise".
     *
     * @param brightElectrons stars brighter than this (electrons per frame) count as bright
     */
    public static String classify(Pair p, double x, double y, double brightElectrons) {
        for (Truth t : p.truth()) {
            double r = switch (t.kind()) {
                case TRANSIENT -> 2.0;
                case MOVING, VARIABLE, HOT_PIXEL -> 2.5;
                case COSMIC_RAY -> 4.0;
                case TRAIL -> -1;
            };
            if (t.kind() == Kind.TRAIL ? distanceFromTrail(t, x, y) < 4 : Math.hypot(t.x() - x, t.y() - y) <= r) {
                return t.kind().label();
            }
        }
        for (FieldStar s : p.stars()) {
            double d = Math.hypot(s.x() - x, s.y() - y);
            if (s.saturated() && d < 12) {
                return "saturated-star";
            }
            if (s.electrons() > brightElectrons && d < 8) {
                return "star-residual";
            }
        }
        return "noise";
    }
}
