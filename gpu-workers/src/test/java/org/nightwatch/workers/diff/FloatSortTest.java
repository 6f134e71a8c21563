package org.nightwatch.workers.diff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FloatSortTest {
    private final FloatSort sorter = new FloatSort();

    /** Sky-like samples: noise about a level, a tail of stars, and the values that order specially. */
    private static float[] samples(SplittableRandom r, int n, boolean specials) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() < 0.5 ? 1000 + 30 * r.nextGaussian() : -5 + 8 * r.nextGaussian());
            if (r.nextInt(20) == 0) {
                a[i] += (float) (5e4 * r.nextDouble());
            }
        }
        if (specials && n >= 8) {
            float[] odd = {Float.NaN, -0.0f, 0.0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
                -Float.MAX_VALUE, Float.intBitsToFloat(0xffc00001)}; // the last a NaN with the sign bit set
            for (float v : odd) {
                a[r.nextInt(n)] = v;
            }
        }
        return a;
    }

    @Test
    void sortsAsArraysSortDoesAtEverySizeEitherSideOfTheRadixThresholds() {
        SplittableRandom r = new SplittableRandom(11);
        for (int n : new int[] {0, 1, 7, FloatSort.RADIX_FROM - 1, FloatSort.RADIX_FROM, 1000, 1024, 4096, 4097, 40_000}) {
            for (boolean specials : new boolean[] {false, true}) {
                float[] a = samples(r, n, specials);
                float[] expected = a.clone();
                Arrays.sort(expected);
                sorter.sort(a, 0, n);
                assertArrayEquals(expected, a, "n = " + n + (specials ? " with NaN, -0.0, infinities" : ""));
            }
        }
    }

    @Test
    void sortsOnlyItsRangeAndKeysThatShareDigitsOrEveryValue() {
        SplittableRandom r = new SplittableRandom(12);
        float[] a = samples(r, 3000, true);
        float[] expected = a.clone();
        Arrays.sort(expected, 500, 2500);
        sorter.sort(a, 500, 2500);
        assertArrayEquals(expected, a, "the values outside [500, 2500) stay where they were");

        float[] same = new float[1500];
        Arrays.fill(same, 42.5f); // every digit shared: each pass is skipped
        same[700] = 42.25f;
        float[] sorted = same.clone();
        Arrays.sort(sorted);
        sorter.sort(same, 0, same.length);
        assertArrayEquals(sorted, same);
    }
}
