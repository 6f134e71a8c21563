package org.nightwatch.camera.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The simulated frames must look like a sky: the right level, the right noise, stars, hot pixels. */
class SkySimulatorTest {
    static final int W = 400;
    static final int H = 300;
    final SkySimulator sim = new SkySimulator(W, H, 1.2, 2.0, 60000, 7);

    @Test
    void skyLevelAndNoiseMatchTheDetectorModel() {
        SkySimulator.Scene empty = sim.renderScene(0, 1, 2.5, 0);
        short[] f = new short[W * H];
        sim.renderFrame(empty, 3, f);
        double[] v = Arrays.stream(toInts(f)).asDoubleStream().sorted().toArray();
        double median = v[v.length / 2];
        // robust sigma from the interquartile range
        double sigma = (v[(int) (v.length * 0.75)] - v[(int) (v.length * 0.25)]) / 1.349;
        double expectedLevel = SkySimulator.BIAS_ADU + SkySimulator.SKY_ELECTRONS / 1.2;
        double expectedSigma = Math.sqrt(SkySimulator.SKY_ELECTRONS + 2.0 * 2.0) / 1.2;
        assertEquals(expectedLevel, median, 1.0, "sky level in ADU");
        assertEquals(expectedSigma, sigma, 0.05 * expectedSigma, "sky noise in ADU");
    }

    @Test
    void framesOfOneVisitDifferOnlyByNoiseAndAreReproducible() {
        SkySimulator.Scene scene = sim.renderScene(3, 9, 2.5, 200);
        short[] a = new short[W * H];
        short[] b = new short[W * H];
        short[] a2 = new short[W * H];
        sim.renderFrame(scene, 1, a);
        sim.renderFrame(scene, 2, b);
        new SkySimulator(W, H, 1.2, 2.0, 60000, 7).renderFrame(scene, 1, a2);
        assertArrayEquals(a, a2, "same seed and frame give the same pixels");
        double diffVar = 0;
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (a[i] & 0xFFFF) - (b[i] & 0xFFFF);
            if (Math.abs(d) < 500) { // leave out cosmic rays
                diffVar += d * d;
                n++;
            }
        }
        double sigma = Math.sqrt(diffVar / n / 2);
        assertTrue(sigma > 10 && sigma < 20, "per-frame noise " + sigma);
    }

    @Test
    void starsAndHotPixelsStandOutOfTheSky() {
        int hotOnly = countAbove(sim.renderScene(0, 5, 2.5, 0), SkySimulator.SKY_ELECTRONS + 40);
        int withStars = countAbove(sim.renderScene(0, 5, 2.5, 300), SkySimulator.SKY_ELECTRONS + 40);
        assertTrue(hotOnly >= W * H / 2000 / 2, "hot pixels: " + hotOnly);
        assertTrue(withStars > hotOnly + 300, "300 stars light up more pixels: " + withStars + " vs " + hotOnly);
    }

    private static int countAbove(SkySimulator.Scene s, float electrons) {
        int n = 0;
        for (short e : s.electrons()) {
            if ((e & 0xFFFF) > electrons) {
                n++;
            }
        }
        return n;
    }

    private static int[] toInts(short[] f) {
        int[] r = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            r[i] = f[i] & 0xFFFF;
        }
        return r;
    }
}
