package org.nightwatch.actors.cluster;

import java.util.List;
import org.nightwatch.actors.WireMessage;

/**
 * What a worker node says of itself every second to the node that keeps the night's books, for the control
 * room's view of the cluster and its per-node metrics.
 *
 * @param node     its address (host:port of its actor system)
 * @param cpuLoad  its process's share of the machine's CPU, 0-1 (negative: not known)
 * @param heapMb   heap in use, MB
 * @param sensors  the sensors it hosts now
 * @param visitsConfirmed the visits it handed to the scheduler that the scheduler confirmed (handled), wherever it ran
 */
public record NodeReport(String node, List<String> roles, double cpuLoad, double heapMb, List<String> sensors, long visitsConfirmed)
    implements WireMessage {

    /** This JVM's report. */
    public static NodeReport of(String node, List<String> roles, List<String> sensors, long visitsConfirmed) {
        double cpu = -1;
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            cpu = os.getProcessCpuLoad();
        }
        Runtime rt = Runtime.getRuntime();
        return new NodeReport(node, roles, cpu, (rt.totalMemory() - rt.freeMemory()) / 1048576.0, sensors, visitsConfirmed);
    }
}
