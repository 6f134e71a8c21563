package org.nightwatch.actors.pipeline;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** Night-wide measurements shared by every sensor's pipeline: visit latency and peak heap. */
public final class NightStats {
    private final Recorder latency = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private final AtomicLong peakHeapBytes = new AtomicLong();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    /** Last frame received to stack done, ns. Any thread. */
    public void recordVisitLatency(long nanos) {
        latency.recordValue(Math.max(1, nanos));
    }

    /** Samples heap use; call now and then. */
    public void sampleHeap() {
        long used = memory.getHeapMemoryUsage().getUsed();
        peakHeapBytes.accumulateAndGet(used, Math::max);
    }

    public long peakHeapBytes() {
        sampleHeap();
        return peakHeapBytes.get();
    }

    /** Latency histogram of every visit so far (ns). */
    public synchronized Histogram latency() {
        total.add(latency.getIntervalHistogram());
        return total.copy();
    }
}
