package org.nightwatch.workers.stack;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Stacking with the Vector API ({@code jdk.incubator.vector}). Only API present from JDK 17 on is
 * used (no byte-buffer or memory-segment loads), so the same class runs on newer JDKs.
 *
 * <p>uint16 lanes are widened by a sign-extending convert followed by a mask, then converted to float;
 * each short vector yields two float vectors of the same shape.
 */
public final class VectorStackKernel implements StackKernel {
    public static final VectorStackKernel INSTANCE = new VectorStackKernel();

    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    /** uint16 values per vector load. */
    private static final int STEP = SHORTS.length();
    private static final int HALF = FLOATS.length();

    private VectorStackKernel() {
    }

    @Override
    public void accumulateLe(byte[] src, int srcOffset, int pixels, float[] acc, int accOffset) {
        int i = 0;
        int bound = pixels - STEP;
        for (; i <= bound; i += STEP) {
            ShortVector s = ByteVector.fromArray(BYTES, src, srcOffset + 2 * i).reinterpretAsShorts();
            int a = accOffset + i;
            FloatVector.fromArray(FLOATS, acc, a).add(widen(s, 0)).intoArray(acc, a);
            FloatVector.fromArray(FLOATS, acc, a + HALF).add(widen(s, 1)).intoArray(acc, a + HALF);
        }
        for (; i < pixels; i++) {
            int lo = src[srcOffset + 2 * i] & 0xFF;
            int hi = src[srcOffset + 2 * i + 1] & 0xFF;
            acc[accOffset + i] += (hi << 8) | lo;
        }
    }

    @Override
    public void stackMean(short[][] frames, int count, float[] out) {
        ScalarStackKernel.checkCount(count, frames.length);
        int n = out.length;
        for (short[] f : frames) {
            if (f.length < n) {
                throw new IllegalArgumentException("frame of " + f.length + " pixels, stack of " + n);
            }
        }
        float inv = 1.0f / count;
        int i = 0;
        int bound = n - STEP;
        for (; i <= bound; i += STEP) {
            FloatVector lo = FloatVector.zero(FLOATS);
            FloatVector hi = FloatVector.zero(FLOATS);
            for (int f = 0; f < count; f++) {
                ShortVector s = ShortVector.fromArray(SHORTS, frames[f], i);
                lo = lo.add(widen(s, 0));
                hi = hi.add(widen(s, 1));
            }
            lo.mul(inv).intoArray(out, i);
            hi.mul(inv).intoArray(out, i + HALF);
        }
        for (; i < n; i++) {
            float sum = 0;
            for (int f = 0; f < count; f++) {
                sum += frames[f][i] & 0xFFFF;
            }
            out[i] = sum * inv;
        }
    }

    @Override
    public void scale(float[] acc, int offset, int length, float scale) {
        int i = offset;
        int end = offset + length;
        for (; i <= end - HALF; i += HALF) {
            FloatVector.fromArray(FLOATS, acc, i).mul(scale).intoArray(acc, i);
        }
        for (; i < end; i++) {
            acc[i] *= scale;
        }
    }

    private static FloatVector widen(ShortVector s, int part) {
        IntVector v = (IntVector) s.convertShape(VectorOperators.S2I, INTS, part);
        return (FloatVector) v.and(0xFFFF).convertShape(VectorOperators.I2F, FLOATS, 0);
    }
}
