package org.nightwatch.workers.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The stamp normaliser's noise scale, at the sensor edge and beside pixels without reference coverage. */
class InputSpecTest {

    private static final int SIZE = 29;
    private static final int PLANE = SIZE * SIZE;

    /** Reference, new and difference, Gaussian noise of {@code sigma} everywhere, blank left of column {@code blankCols}. */
    private static float[] cutout(double sigma, int blankCols, long seed) {
        Random rnd = new Random(seed);
        float[] c = new float[3 * PLANE];
        for (int ch = 0; ch < 3; ch++) {
            for (int y = 0; y < SIZE; y++) {
                for (int x = blankCols; x < SIZE; x++) {
                    c[ch * PLANE + y * SIZE + x] = (float) ((ch < 2 ? 500 : 0) + sigma * rnd.nextGaussian());
                }
            }
        }
        return c;
    }

    /** Whether stamp pixel (x, y) is in the outer ring the noise is measured on. */
    private static boolean inRing(int x, int y) {
        return x < InputSpec.RING || y < InputSpec.RING || x >= SIZE - InputSpec.RING || y >= SIZE - InputSpec.RING;
    }

    @Test
    void aStampHalfOffTheSensorIsScaledByItsSkyNoiseNotByTheBlankPixels() {
        InputSpec v2 = InputSpec.threeChannel();
        InputSpec v1 = new InputSpec(SIZE, InputSpec.ALL, InputSpec.ASINH_DIFF_NOISE_V1, 3.0);
        float[] full = cutout(20, 0, 1);
        float[] half = cutout(20, 16, 1);
        double fullNoise = v2.noise(full, 2 * PLANE);
        assertEquals(20, fullNoise, 3, "noise of a stamp with data everywhere");
        assertEquals(fullNoise, v1.noise(full, 2 * PLANE), 1e-9, "both versions agree where no pixel is blank");
        assertEquals(20, v2.noise(half, 2 * PLANE), 3, "blank pixels are left out of the noise");
        assertEquals(1.0, v1.noise(half, 2 * PLANE), 1e-9, "version 1 falls back to 1 ADU: the flaw v2 mends");

        // a faint source at the centre, in a stamp with data everywhere and in one blank over its left 12 columns
        float[] edge = cutout(20, 12, 1);
        int centre = 2 * PLANE + (SIZE / 2) * SIZE + SIZE / 2;
        full[centre] = 60f;
        edge[centre] = 60f;
        float[] a = new float[3 * PLANE];
        float[] b = new float[3 * PLANE];
        v2.normalise(full, a, 0);
        v2.normalise(edge, b, 0);
        assertEquals(a[centre], b[centre], 0.2, "the same sky pixel normalises alike whether or not the stamp is at the edge");
    }

    @Test
    void aStampWhoseRingIsBlankTakesTheNoiseFromItsInnerPixels() {
        float[] c = cutout(8, 0, 2);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                if (inRing(x, y)) {
                    c[2 * PLANE + y * SIZE + x] = 0f;
                }
            }
        }
        assertEquals(8, InputSpec.threeChannel().noise(c, 2 * PLANE), 1.5);
        assertEquals(1.0, InputSpec.threeChannel().noise(new float[3 * PLANE], 2 * PLANE), 1e-9, "an all-blank stamp");
    }

    @Test
    void theNoiseIsTheMedianAbsoluteDeviationOfTheRing() {
        float[] c = cutout(12, 0, 3);
        float[] ring = new float[4 * InputSpec.RING * (SIZE - InputSpec.RING)];
        int n = 0;
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                if (inRing(x, y)) {
                    ring[n++] = c[2 * PLANE + y * SIZE + x];
                }
            }
        }
        float[] sorted = java.util.Arrays.copyOf(ring, n);
        java.util.Arrays.sort(sorted);
        float med = sorted[n / 2];
        for (int i = 0; i < n; i++) {
            sorted[i] = Math.abs(sorted[i] - med);
        }
        java.util.Arrays.sort(sorted);
        assertEquals(1.4826 * sorted[n / 2], InputSpec.threeChannel().noise(c, 2 * PLANE), 0.0, "the element at n / 2 in order, twice");
    }

    @Test
    void anUnknownNormalisationIsRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> new InputSpec(SIZE, InputSpec.ALL, "zscale", 3.0));
        assertTrue(e.getMessage().contains("zscale") && e.getMessage().contains(InputSpec.ASINH_DIFF_NOISE), e.getMessage());
        assertEquals(List.of(InputSpec.ASINH_DIFF_NOISE_V1, InputSpec.ASINH_DIFF_NOISE), InputSpec.NORMALISATIONS);
    }

    @Test
    void theCutoutsThatWarmAScorerUpAreScaledAsANightsAreNotAsBlankOnes() {
        List<float[]> made = RealBogusModel.warmUpCutouts(8);
        assertEquals(8, made.size());
        InputSpec spec = InputSpec.threeChannel();
        int cut = 0;
        for (float[] c : made) {
            assertEquals(3 * PLANE, c.length);
            // the difference's noise (14 ADU) from its ring, the path a night's cutouts take (a blank one takes another)
            assertEquals(14, spec.noise(c, 2 * PLANE), 3);
            if (c[2 * PLANE] == 0f) {
                cut++;
            }
        }
        assertEquals(2, cut, "every fourth is cut by the image's edge");
    }
}
