package org.nightwatch.tools.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of the process's threads, grouped by role (camera, Aeron driver, ingest, stacking, other),
 * so a benchmark can say where the cores went. A thread's time is known only while it lives: call
 * {@link #sample()} now and then during a long run, so that pool threads that end between samples keep
 * what they had used by the last one.
 */
final class ThreadCpu {
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    private final Map<Long, Long> start = new HashMap<>();
    private final Map<Long, Long> last = new HashMap<>();
    private final Map<Long, String> roles = new HashMap<>();
    private final long processStart;

    ThreadCpu() {
        for (long id : mx.getAllThreadIds()) {
            start.put(id, Math.max(0, mx.getThreadCpuTime(id)));
        }
        processStart = processCpuNanos();
    }

    /** Notes every live thread's CPU time so far. */
    synchronized void sample() {
        for (long id : mx.getAllThreadIds()) {
            long cpu = mx.getThreadCpuTime(id);
            if (cpu < 0) {
                continue;
            }
            if (!roles.containsKey(id)) {
                ThreadInfo info = mx.getThreadInfo(id);
                if (info == null) {
                    continue;
                }
                roles.put(id, role(info.getThreadName()));
            }
            last.put(id, cpu);
        }
    }

    /** CPU seconds per role since construction (of threads that ended, what they had used by the last sample). */
    synchronized Map<String, Double> secondsByRole() {
        sample();
        Map<String, Double> out = new TreeMap<>();
        for (Map.Entry<Long, Long> e : last.entrySet()) {
            double s = (e.getValue() - start.getOrDefault(e.getKey(), 0L)) / 1e9;
            out.merge(roles.get(e.getKey()), s, Double::sum);
        }
        return out;
    }

    /** CPU seconds of the whole process since construction (all threads, ended ones included), or NaN if unknown. */
    double processSeconds() {
        long now = processCpuNanos();
        return now < 0 || processStart < 0 ? Double.NaN : (now - processStart) / 1e9;
    }

    private long processCpuNanos() {
        return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : -1;
    }

    static String role(String name) {
        if (name.startsWith("control-room")) {
            return "control-room";
        }
        if (name.startsWith("camera-") || name.startsWith("sky-")) {
            return "camera";
        }
        if (name.contains("aeron")) {
            return "aeron-driver";
        }
        if (name.startsWith("ingest-")) {
            return "ingest";
        }
        if (name.contains("diff-dispatcher")) {
            return "difference-imaging";
        }
        if (name.contains("classifier-dispatcher")) {
            return "classification";
        }
        if (name.contains("scheduler-dispatcher")) {
            return "scheduler";
        }
        if (name.contains("alert-stream-dispatcher")) {
            return "alert-stream";
        }
        if (name.contains("stacking-dispatcher") || name.contains("io-dispatcher")) {
            return "stacking";
        }
        if (name.contains("GC") || name.contains("G1") || name.contains("Compiler")) {
            return "jvm";
        }
        return "other";
    }
}
