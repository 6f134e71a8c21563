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
 * @param visitsHandedOver the visits its sensors handed to the scheduler (live and caught up)
 * @param visitsConfirmed the visits it handed to the scheduler that the scheduler confirmed (handled), wherever it ran
 * @param catchUp  its spool and catch-up path (null: it spools nothing)
 */
public record NodeReport(String node, List<String> roles, double cpuLoad, double heapMb, List<String> sensors, long visitsHandedOver,
                         long visitsConfirmed, CatchUp catchUp) implements WireMessage {

    /**
     * What a node's spool holds and its catch-up path did: as the night summary's catch-up part, for one node.
     *
     * @param spool the spool's directory on that node
     */
    public record CatchUp(String spool, long visitsSpooled, long caughtUp, long failed, long pending, double latenessMsP50,
                          double latenessMsMax, long notSpooled, long bytesPeak, long bytesOnDisk, long maxBytes, List<String> problems) {
    }

    /** This JVM's report. */
    public static NodeReport of(String node, List<String> roles, List<String> sensors, long visitsHandedOver, long visitsConfirmed,
                                CatchUp catchUp) {
        double cpu = -1;
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            cpu = os.getProcessCpuLoad();
        }
        Runtime rt = Runtime.getRuntime();
        return new NodeReport(node, roles, cpu, (rt.totalMemory() - rt.freeMemory()) / 1048576.0, sensors, visitsHandedOver,
            visitsConfirmed, catchUp);
    }
}
