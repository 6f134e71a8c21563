package org.nightwatch.workers.diff;

import java.util.Arrays;

/**
 * Sorts the float samples that robust statistics are taken from (a background cell's 1,024 pixels, the 40,000
 * of a difference's residual noise), in the order {@link Arrays#sort(float[], int, int)} gives (-0.0 before 0.0,
 * NaN last), by radix on the floats' bits: a key per value that orders as an unsigned int, then one stable
 * counting pass per digit, least significant first, skipping a digit that every key shares.
 *
 * <p>Why not {@code Arrays.sort}: its comparisons branch unpredictably on noise, and these sorts were a fifth of
 * a visit's work at its close (measured: 40 us for 1,024 samples, 2.4 ms for 40,000). fastutil's radix sort
 * hands arrays below its threshold (1,024 elements, 2,000 in recent versions) to a quicksort, and the background's
 * samples are 1,024 at most.
 *
 * <p>An instance keeps its scratch arrays between calls: one per thread, not shared.
 */
final class FloatSort {
    /** Below this many values comparisons are cheaper than the digit passes. */
    static final int RADIX_FROM = 256;
    private int[] keys = new int[0];
    private int[] spare = new int[0];
    private final int[] count = new int[1 << 11];

    /** Sorts {@code a[from, to)} in place. */
    void sort(float[] a, int from, int to) {
        int n = to - from;
        if (n < RADIX_FROM) {
            Arrays.sort(a, from, to);
            return;
        }
        if (keys.length < n) {
            keys = new int[n];
            spare = new int[n];
        }
        int[] src = keys;
        int[] dst = spare;
        for (int i = 0; i < n; i++) {
            int b = Float.floatToIntBits(a[from + i]); // one NaN for all: they sort last, together
            src[i] = b ^ (b >> 31 | 0x80000000); // positive: sign bit set; negative: all bits flipped
        }
        // 8-bit digits for a few thousand values (the counting table stays small), 11-bit ones (three passes) beyond
        int bits = n <= 4096 ? 8 : 11;
        int radix = 1 << bits;
        int digitMask = radix - 1;
        for (int shift = 0; shift < 32; shift += bits) {
            Arrays.fill(count, 0, radix, 0);
            for (int i = 0; i < n; i++) {
                count[(src[i] >>> shift) & digitMask]++;
            }
            if (count[(src[0] >>> shift) & digitMask] == n) {
                continue; // every key has this digit: the pass would move nothing
            }
            int sum = 0;
            for (int d = 0; d < radix; d++) {
                int c = count[d];
                count[d] = sum;
                sum += c;
            }
            for (int i = 0; i < n; i++) {
                int k = src[i];
                dst[count[(k >>> shift) & digitMask]++] = k;
            }
            int[] t = src;
            src = dst;
            dst = t;
        }
        for (int i = 0; i < n; i++) {
            int k = src[i];
            a[from + i] = Float.intBitsToFloat(k ^ (~k >> 31 | 0x80000000));
        }
    }
}
