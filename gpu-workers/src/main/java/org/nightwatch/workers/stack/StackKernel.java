package org.nightwatch.workers.stack;

import org.agrona.DirectBuffer;

/**
 * Stacking of unsigned 16-bit frames into a float image.
 *
 * <p>Sums are kept in {@code float}: every partial sum of up to 256 uint16 values is an integer below
 * 2^24, which a float holds exactly, so the result does not depend on the order frames arrive in.
 * Implementations: {@link VectorStackKernel} (Vector API, the default) and {@link ScalarStackKernel}
 * (plain loops, the test oracle).
 */
public interface StackKernel {
    /** Frames a stack may hold before a float sum could lose exactness (256 x 65535 &lt; 2^24). */
    int MAX_FRAMES = 256;

    /**
     * Adds {@code pixels} little-endian uint16 values from {@code src} (starting at byte
     * {@code srcOffset}) to {@code acc[accOffset ..]}. This is how a receiver accumulates one block of
     * rows straight from its transport buffer.
     */
    void accumulateLe(byte[] src, int srcOffset, int pixels, float[] acc, int accOffset);

    /**
     * Like {@link #accumulateLe(byte[], int, int, float[], int)} but from a transport buffer (an Aeron term
     * buffer): kernels that can load vectors from it directly do so; others copy the block into
     * {@code scratch} (at least {@code 2 * pixels} bytes) first.
     */
    default void accumulateLe(DirectBuffer src, int srcIndex, int pixels, float[] acc, int accOffset, byte[] scratch) {
        src.getBytes(srcIndex, scratch, 0, 2 * pixels);
        accumulateLe(scratch, 0, pixels, acc, accOffset);
    }

    /**
     * Stacks {@code count} whole frames (uint16 bit patterns in {@code short}) into the mean image
     * {@code out}: one pass over the input, the sum kept in registers.
     */
    void stackMean(short[][] frames, int count, float[] out);

    /** {@code acc[offset .. offset+length) *= scale}, in place (sum to mean). */
    void scale(float[] acc, int offset, int length, float scale);

    /** The default kernel for this machine. */
    static StackKernel best() {
        return VectorStackKernel.INSTANCE;
    }
}
