package org.nightwatch.workers.diff;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sums of kernel taps for the convolution and the matched filter: {@code out[oo + x] = sum over t0 <= t < t1 of
 * s[base[t] + shift + x] k[t]} for x below {@code n}, each output the fma chain of its taps in order, held in a
 * register. Four vectors at a time (four independent chains hide the fma's latency), then single vectors, then
 * pixels, which the scalar oracle ({@code vector = false}) runs alone and rounds alike. Taps added into an output row
 * in memory, four per pass through a tree of fma, mul and add, took 1.5 operations and 1.5 memory accesses a tap,
 * and their compiled speed varied twofold between runs of the JIT.
 */
final class TapSums {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private TapSums() {
    }

    static void run(float[] s, int[] base, int shift, int t0, int t1, float[] k, float[] out, int oo, int n, boolean vector) {
        int x = 0;
        if (vector) {
            int lanes = F.length();
            for (; x + 4 * lanes <= n; x += 4 * lanes) {
                quad(s, base, shift + x, t0, t1, k, out, oo + x);
            }
            for (int bound = F.loopBound(n); x < bound; x += lanes) {
                FloatVector acc = FloatVector.zero(F);
                for (int t = t0; t < t1; t++) {
                    acc = FloatVector.fromArray(F, s, base[t] + shift + x).fma(FloatVector.broadcast(F, k[t]), acc);
                }
                acc.intoArray(out, oo + x);
            }
        }
        for (; x < n; x++) {
            float acc = 0f;
            for (int t = t0; t < t1; t++) {
                acc = Math.fma(s[base[t] + shift + x], k[t], acc);
            }
            out[oo + x] = acc;
        }
    }

    /** Four vectors of {@link #run} from {@code s[base[t] + at]} into {@code out[oo ..]}: a small loop the JIT compiles alike each time. */
    private static void quad(float[] s, int[] base, int at, int t0, int t1, float[] k, float[] out, int oo) {
        int lanes = F.length();
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        for (int t = t0; t < t1; t++) {
            FloatVector c = FloatVector.broadcast(F, k[t]);
            int o = base[t] + at;
            a0 = FloatVector.fromArray(F, s, o).fma(c, a0);
            a1 = FloatVector.fromArray(F, s, o + lanes).fma(c, a1);
            a2 = FloatVector.fromArray(F, s, o + 2 * lanes).fma(c, a2);
            a3 = FloatVector.fromArray(F, s, o + 3 * lanes).fma(c, a3);
        }
        a0.intoArray(out, oo);
        a1.intoArray(out, oo + lanes);
        a2.intoArray(out, oo + 2 * lanes);
        a3.intoArray(out, oo + 3 * lanes);
    }
}
