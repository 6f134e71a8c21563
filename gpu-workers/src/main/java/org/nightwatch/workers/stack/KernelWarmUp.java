package org.nightwatch.workers.stack;

/**
 * Runs the stacking kernel enough times for the JIT to compile it before the night starts. Vector API
 * code is very slow until C2 has compiled it, and the first frames of a real-time night must not pay
 * for that (they would be deferred).
 */
public final class KernelWarmUp {
    private KernelWarmUp() {
    }

    /** A few hundred milliseconds on a cold JVM; returns a value so the work cannot be elided. */
    public static float run(StackKernel kernel) {
        byte[] block = new byte[2 * 2000 * 16];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i * 31);
        }
        float[] acc = new float[2000 * 16];
        // the night stacks from the transport's buffers: that overload is compiled too, not only the array one
        org.agrona.concurrent.UnsafeBuffer direct = new org.agrona.concurrent.UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(block.length));
        direct.putBytes(0, block);
        byte[] scratch = new byte[block.length];
        for (int k = 0; k < 20_000; k++) {
            kernel.accumulateLe(block, 0, acc.length, acc, 0);
            kernel.accumulateLe(direct, 0, acc.length, acc, 0, scratch);
            if ((k & 63) == 0) {
                kernel.scale(acc, 0, acc.length, 0.5f);
            }
        }
        return acc[7];
    }
}
