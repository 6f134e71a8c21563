package org.nightwatch.workers.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The vector kernel must agree bit for bit with the scalar oracle, tails and extremes included. */
class StackKernelOracleTest {
    private final StackKernel vector = VectorStackKernel.INSTANCE;
    private final StackKernel scalar = ScalarStackKernel.INSTANCE;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 31, 32, 33, 63, 64, 65, 1000, 2000 * 16 + 5})
    void accumulateMatchesOracleForAnyLengthAndOffset(int pixels) {
        SplittableRandom rnd = new SplittableRandom(pixels);
        byte[] src = new byte[2 * pixels + 6];
        rnd.nextBytes(src);
        // the extremes of uint16 must survive the sign-extending widen
        if (pixels >= 2) {
            src[2] = (byte) 0xFF; src[3] = (byte) 0xFF;   // 65535
            src[4] = 0; src[5] = (byte) 0x80;              // 32768
        }
        float[] a = new float[pixels + 3];
        float[] b = new float[pixels + 3];
        for (int i = 0; i < a.length; i++) {
            a[i] = b[i] = rnd.nextInt(1 << 20);
        }
        vector.accumulateLe(src, 2, pixels, a, 3);
        scalar.accumulateLe(src, 2, pixels, b, 3);
        assertArrayEquals(b, a);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 64, 2000 * 16 + 3})
    void accumulateFromATransportBufferMatchesOracle(int pixels) {
        SplittableRandom rnd = new SplittableRandom(pixels + 1);
        byte[] bytes = new byte[2 * pixels + 64];
        rnd.nextBytes(bytes);
        java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(bytes.length + 100);
        direct.position(100);
        direct.put(bytes);
        // a buffer that starts part-way into its ByteBuffer, as Aeron's term buffers do, read at an odd index
        org.agrona.concurrent.UnsafeBuffer term = new org.agrona.concurrent.UnsafeBuffer(direct, 100, bytes.length);
        float[] a = new float[pixels + 1];
        float[] b = new float[pixels + 1];
        byte[] scratch = new byte[2 * pixels];
        vector.accumulateLe(term, 33, pixels, a, 1, scratch);
        scalar.accumulateLe(bytes, 33, pixels, b, 1);
        assertArrayEquals(b, a);
        // a heap buffer has no ByteBuffer to load from: the block is copied into scratch first
        float[] c = new float[pixels + 1];
        vector.accumulateLe(new org.agrona.concurrent.UnsafeBuffer(bytes), 33, pixels, c, 1, scratch);
        assertArrayEquals(b, c);
    }

    @Test
    void littleEndianBytesAreReadAsUnsigned() {
        byte[] src = {(byte) 0xFF, (byte) 0xFF, 0x34, 0x12};
        float[] acc = new float[2];
        vector.accumulateLe(src, 0, 2, acc, 0);
        assertEquals(65535f, acc[0]);
        assertEquals(0x1234, acc[1]);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 12, 18, 256})
    void stackMeanMatchesOracleAndIsExact(int count) {
        int n = 2000 + 37;
        SplittableRandom rnd = new SplittableRandom(count);
        short[][] frames = new short[count][n];
        for (short[] f : frames) {
            for (int i = 0; i < n; i++) {
                f[i] = (short) rnd.nextInt(65536);
            }
        }
        frames[0][5] = (short) 0xFFFF;
        float[] v = new float[n];
        float[] s = new float[n];
        vector.stackMean(frames, count, v);
        scalar.stackMean(frames, count, s);
        assertArrayEquals(s, v);
        // exactness: compare with a double-precision mean
        for (int i = 0; i < n; i += 97) {
            double sum = 0;
            for (int f = 0; f < count; f++) {
                sum += frames[f][i] & 0xFFFF;
            }
            assertEquals((float) (sum * (1.0f / count)), v[i], Math.ulp(v[i]));
        }
    }

    @Test
    void accumulatingFramesInAnyOrderGivesTheSameStack() {
        int n = 4096;
        SplittableRandom rnd = new SplittableRandom(42);
        byte[][] frames = new byte[18][2 * n];
        for (byte[] f : frames) {
            rnd.nextBytes(f);
        }
        float[] forward = new float[n];
        float[] backward = new float[n];
        for (int f = 0; f < 18; f++) {
            vector.accumulateLe(frames[f], 0, n, forward, 0);
            vector.accumulateLe(frames[17 - f], 0, n, backward, 0);
        }
        assertArrayEquals(forward, backward);
    }

    @Test
    void scaleMatchesOracle() {
        float[] a = new float[1001];
        float[] b = new float[1001];
        for (int i = 0; i < a.length; i++) {
            a[i] = b[i] = i * 3.5f;
        }
        vector.scale(a, 1, 999, 1f / 18);
        scalar.scale(b, 1, 999, 1f / 18);
        assertArrayEquals(b, a);
    }

    @Test
    void refusesImpossibleFrameCounts() {
        short[][] frames = new short[2][10];
        assertThrows(IllegalArgumentException.class, () -> vector.stackMean(frames, 3, new float[10]));
        assertThrows(IllegalArgumentException.class, () -> vector.stackMean(frames, 0, new float[10]));
    }
}
