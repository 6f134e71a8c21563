package org.nightwatch.workers.stack;

/** The plain-loop stacking kernel: the oracle the vector kernel is tested against. */
public final class ScalarStackKernel implements StackKernel {
    public static final ScalarStackKernel INSTANCE = new ScalarStackKernel();

    private ScalarStackKernel() {
    }

    @Override
    public void accumulateLe(byte[] src, int srcOffset, int pixels, float[] acc, int accOffset) {
        for (int i = 0; i < pixels; i++) {
            int lo = src[srcOffset + 2 * i] & 0xFF;
            int hi = src[srcOffset + 2 * i + 1] & 0xFF;
            acc[accOffset + i] += (hi << 8) | lo;
        }
    }

    @Override
    public void stackMean(short[][] frames, int count, float[] out) {
        checkCount(count, frames.length);
        stackMeanRange(frames, count, out, 0, out.length);
    }

    /** The mean of {@code count} frames over pixels {@code from..to-1}. */
    static void stackMeanRange(short[][] frames, int count, float[] out, int from, int to) {
        float inv = 1.0f / count;
        for (int i = from; i < to; i++) {
            float sum = 0;
            for (int f = 0; f < count; f++) {
                sum += frames[f][i] & 0xFFFF;
            }
            out[i] = sum * inv;
        }
    }

    @Override
    public void scale(float[] acc, int offset, int length, float scale) {
        for (int i = offset; i < offset + length; i++) {
            acc[i] *= scale;
        }
    }

    static void checkCount(int count, int available) {
        if (count < 1 || count > available || count > MAX_FRAMES) {
            throw new IllegalArgumentException("cannot stack " + count + " frames (have " + available
                + ", at most " + MAX_FRAMES + ")");
        }
    }
}
