package org.nightwatch.tools.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of the process's threads, grouped by role (camera, Aeron driver, ingest, stacking, other; on Linux also
 * the JIT compilers and the garbage collector), so a benchmark can say where the cores went. A thread's time is known only while it lives: call
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
    /** The process's minor page faults and user and kernel CPU ticks at construction (Linux), or null. */
    private final long[] statStart = processStat();
    /** The JVM's own threads that are not Java threads (the JIT's compilers, the collector's), by Linux thread id. */
    private final Map<String, long[]> vmTicks = new HashMap<>();
    private final Map<String, String> vmRoles = new HashMap<>();
    /** Linux's USER_HZ, the unit of /proc's CPU times: 100 on every architecture Java runs on there. */
    private static final double TICKS_PER_SECOND = 100;

    ThreadCpu() {
        for (long id : mx.getAllThreadIds()) {
            start.put(id, Math.max(0, mx.getThreadCpuTime(id)));
        }
        processStart = processCpuNanos();
        sampleVmThreads(true);
    }

    /**
     * The JIT compilers' and the garbage collector's threads are not Java threads, so {@link ThreadMXBean} does not see
     * them; on Linux /proc/self/task does, by name ("C2 CompilerThre", "GC Thread#0", "G1 Conc#0"). Elsewhere they stay
     * in what the process used beyond its Java threads.
     */
    private void sampleVmThreads(boolean atStart) {
        java.nio.file.Path tasks = java.nio.file.Path.of("/proc/self/task");
        if (!java.nio.file.Files.isDirectory(tasks)) {
            return;
        }
        try (var dirs = java.nio.file.Files.list(tasks)) {
            for (java.nio.file.Path t : (Iterable<java.nio.file.Path>) dirs::iterator) {
                String tid = t.getFileName().toString();
                String role = vmRoles.get(tid);
                if (role == null) {
                    role = vmRole(java.nio.file.Files.readString(t.resolve("comm")).strip());
                    vmRoles.put(tid, role);
                }
                if (role.isEmpty()) {
                    continue;
                }
                String[] f = statFields(t.resolve("stat"));
                long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                long[] v = vmTicks.computeIfAbsent(tid, k -> new long[] {atStart ? ticks : 0, ticks});
                v[1] = ticks;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // a thread that ended while it was read: what it had used by the last sample stays
        }
    }

    /** The role of a JVM thread by its Linux name, or "" for a Java thread (counted through ThreadMXBean). */
    static String vmRole(String comm) {
        if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
            return "jit-compiler";
        }
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread")) {
            return "gc-and-safepoints";
        }
        return "";
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
        sampleVmThreads(false);
    }

    /** CPU seconds per role since construction (of threads that ended, what they had used by the last sample). */
    synchronized Map<String, Double> secondsByRole() {
        sample();
        Map<String, Double> out = new TreeMap<>();
        for (Map.Entry<Long, Long> e : last.entrySet()) {
            double s = (e.getValue() - start.getOrDefault(e.getKey(), 0L)) / 1e9;
            out.merge(roles.get(e.getKey()), s, Double::sum);
        }
        vmTicks.forEach((tid, v) -> out.merge(vmRoles.get(tid), (v[1] - v[0]) / TICKS_PER_SECOND, Double::sum));
        return out;
    }

    /** CPU seconds of the whole process since construction (all threads, ended ones included), or NaN if unknown. */
    double processSeconds() {
        long now = processCpuNanos();
        return now < 0 || processStart < 0 ? Double.NaN : (now - processStart) / 1e9;
    }

    /**
     * What the kernel did for the process since construction, on Linux: its share of the process's CPU time and the
     * minor page faults (memory touched for the first time: a heap that grows, native buffers freed and taken again);
     * null elsewhere.
     */
    Kernel kernel() {
        long[] now = processStat();
        if (now == null || statStart == null) {
            return null;
        }
        long user = now[1] - statStart[1];
        long system = now[2] - statStart[2];
        return new Kernel(user + system > 0 ? (double) system / (user + system) : 0, now[0] - statStart[0]);
    }

    /** @param cpuShare the kernel's share of the process's CPU time; @param minorFaults minor page faults */
    record Kernel(double cpuShare, long minorFaults) {
    }

    /** minflt, utime and stime of /proc/self/stat, or null where there is none. */
    private static long[] processStat() {
        try {
            String[] f = statFields(java.nio.file.Path.of("/proc/self/stat"));
            return new long[] {Long.parseLong(f[7]), Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** The fields of a /proc stat file after the command name (which may hold spaces): [0] is the state, [11] utime. */
    private static String[] statFields(java.nio.file.Path stat) throws java.io.IOException {
        String s = java.nio.file.Files.readString(stat);
        return s.substring(s.lastIndexOf(')') + 2).split(" ");
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
        if (name.equals("catch-up")) {
            return "catch-up"; // deferred visits differenced and scored when capacity frees
        }
        if (name.startsWith("spool-writer-")) {
            return "spool";
        }
        if (name.equals("alert-files")) {
            return "alert-files";
        }
        return "other";
    }
}
