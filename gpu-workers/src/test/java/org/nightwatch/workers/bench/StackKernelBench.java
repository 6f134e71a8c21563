package org.nightwatch.workers.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.nightwatch.workers.stack.ScalarStackKernel;
import org.nightwatch.workers.stack.StackKernel;
import org.nightwatch.workers.stack.VectorStackKernel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The stacking kernel on full 2000 x 1128 frames, time per frame of input (4.512 MB):
 * GB/s of input = 4.512 / (ms per frame).
 * <ul>
 *   <li>{@code accumulateFrame}: one frame, as the receiver sees it (71 row blocks of 16 rows, little-endian
 *       bytes), added into a visit's float sums. {@code sums} = 1: the sums stay in the caches' reach;
 *       84: each frame goes to another sensor's sums, as in the pipeline (memory-bound);</li>
 *   <li>{@code stackMean18}: a whole 18-frame visit held in memory, stacked in one pass (time per frame).</li>
 * </ul>
 * Run with {@code scripts/jmh StackKernelBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class StackKernelBench {
    static final int W = 2000;
    static final int H = 1128;
    static final int ROWS = 16;

    @Param({"vector", "scalar"})
    public String kernel;

    @Param({"1", "84"})
    public int sums;

    private StackKernel k;
    private byte[][] blocks;
    private float[][] acc;
    private short[][] frames;
    private float[] out;
    private int next;

    @Setup
    public void setup() {
        k = kernel.equals("vector") ? VectorStackKernel.INSTANCE : ScalarStackKernel.INSTANCE;
        SplittableRandom r = new SplittableRandom(1);
        int nBlocks = (H + ROWS - 1) / ROWS;
        blocks = new byte[nBlocks][];
        for (int b = 0; b < nBlocks; b++) {
            blocks[b] = new byte[Math.min(ROWS, H - b * ROWS) * W * 2];
            r.nextBytes(blocks[b]);
        }
        acc = new float[sums][W * H];
        frames = new short[18][W * H];
        for (short[] f : frames) {
            for (int i = 0; i < f.length; i++) {
                f[i] = (short) (200 + r.nextInt(100));
            }
        }
        out = new float[W * H];
    }

    @Benchmark
    public float accumulateFrame() {
        float[] a = acc[next];
        next = (next + 1) % acc.length;
        for (int b = 0; b < blocks.length; b++) {
            k.accumulateLe(blocks[b], 0, blocks[b].length / 2, a, b * ROWS * W);
        }
        return a[123];
    }

    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(18)
    public float stackMean18() {
        k.stackMean(frames, 18, out);
        return out[77];
    }
}
