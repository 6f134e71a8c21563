package org.nightwatch.controlroom;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The cluster a night runs on, as {@code GET /api/cluster} gives it: each node with its roles, whether it is up or was
 * lost, the sensors it hosts and its load. A night of one process has no nodes.
 */
public record ClusterView(List<Node> nodes) {
    /** A night of one process. */
    public static final ClusterView NONE = new ClusterView(List.of());

    /**
     * One node.
     *
     * @param status   up, or lost (downed after it stopped answering: its sensors went on elsewhere)
     * @param sensors  the sensors it hosts now
     * @param cpuLoad  its process's share of the machine's CPU, 0-1, as it last said (null: not said)
     * @param heapMb   its heap in use, MB (null: not said)
     */
    public record Node(String address, List<String> roles, String status, List<String> sensors,
                       @JsonProperty("cpu_load") Double cpuLoad, @JsonProperty("heap_mb") Double heapMb) {
    }
}
