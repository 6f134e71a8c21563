package org.nightwatch.actors.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of the process's threads, grouped by role (camera, Aeron driver, ingest, stacking, other),
 * so a benchmark can say where the cores went.
 */
final class ThreadCpu {
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> start = new HashMap<>();

    ThreadCpu() {
        for (long id : mx.getAllThreadIds()) {
            start.put(id, Math.max(0, mx.getThreadCpuTime(id)));
        }
    }

    /** CPU seconds per role since construction (threads that ended in between are not counted). */
    Map<String, Double> secondsByRole() {
        Map<String, Double> out = new TreeMap<>();
        for (long id : mx.getAllThreadIds()) {
            ThreadInfo info = mx.getThreadInfo(id);
            long cpu = mx.getThreadCpuTime(id);
            if (info == null || cpu < 0) {
                continue;
            }
            double s = (cpu - start.getOrDefault(id, 0L)) / 1e9;
            out.merge(role(info.getThreadName()), s, Double::sum);
        }
        return out;
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
        if (name.contains("stacking-dispatcher") || name.contains("io-dispatcher")) {
            return "stacking";
        }
        if (name.contains("GC") || name.contains("G1") || name.contains("Compiler")) {
            return "jvm";
        }
        return "other";
    }
}
