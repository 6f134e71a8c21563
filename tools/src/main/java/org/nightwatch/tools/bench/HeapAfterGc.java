package org.nightwatch.tools.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The heap a night needs: what the heap held right after a collection, at its highest, over the collections since
 * construction. The heap in use at its peak counts garbage not yet collected, and grows with the heap the night is
 * given; what survives a collection does not. Sampled: each {@link #sample()} sees the last collection of each
 * collector, so the peak is that of the collections seen, a lower bound of the true one.
 */
final class HeapAfterGc {
    private final List<com.sun.management.GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
        .filter(b -> b instanceof com.sun.management.GarbageCollectorMXBean)
        .map(b -> (com.sun.management.GarbageCollectorMXBean) b)
        .toList();
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP)
        .map(MemoryPoolMXBean::getName)
        .collect(Collectors.toSet());
    /** The id of the last collection of each collector seen so far (those before construction are not counted). */
    private final Map<String, Long> lastSeen = new HashMap<>();
    private long peakBytes;
    private long collectionsSeen;

    HeapAfterGc() {
        for (var c : collectors) {
            var info = c.getLastGcInfo();
            lastSeen.put(c.getName(), info == null ? -1 : info.getId());
        }
    }

    /** Notes each collector's last collection, if it is new. */
    synchronized void sample() {
        for (var c : collectors) {
            var info = c.getLastGcInfo();
            if (info == null || info.getId() <= lastSeen.getOrDefault(c.getName(), -1L)) {
                continue;
            }
            lastSeen.put(c.getName(), info.getId());
            long after = 0;
            for (Map.Entry<String, MemoryUsage> e : info.getMemoryUsageAfterGc().entrySet()) {
                if (heapPools.contains(e.getKey())) {
                    after += e.getValue().getUsed();
                }
            }
            peakBytes = Math.max(peakBytes, after);
            collectionsSeen++;
        }
    }

    /** The highest heap after a collection seen, in MB; NaN when no collection was seen. */
    synchronized double peakMb() {
        sample();
        return collectionsSeen == 0 ? Double.NaN : peakBytes / 1048576.0;
    }
}
