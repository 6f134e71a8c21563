package org.nightwatch.tools.bench;

/**
 * This machine's memory-copy bandwidth, measured the way a frame copy would run: System.arraycopy of a
 * 64 MB array (far beyond the caches) on one thread, best of several passes, in GB/s of bytes copied.
 */
final class MemoryBandwidth {
    private MemoryBandwidth() {
    }

    static double copyGbPerSecond() {
        int n = 64 << 20;
        byte[] a = new byte[n];
        byte[] b = new byte[n];
        for (int i = 0; i < n; i += 4096) {
            a[i] = (byte) i;
            b[i] = (byte) i;
        }
        double best = 0;
        for (int pass = 0; pass < 8; pass++) {
            long t = System.nanoTime();
            System.arraycopy(a, 0, b, 0, n);
            System.arraycopy(b, 0, a, 0, n);
            double s = (System.nanoTime() - t) / 1e9;
            best = Math.max(best, 2.0 * n / s / 1e9);
        }
        return best;
    }
}
