package org.nightwatch.night.cli;

import org.nightwatch.night.DeploymentConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What {@code simulate}, {@code replay} and {@code bench pipeline} add to run their night on a cluster, from the camera's node. */
public final class ClusterNightOptions {
    @Option(names = "--cluster", description = "run the night on a cluster: this node holds the camera and control room (and the "
        + "scheduler, unless --roles leaves it to scheduler nodes), "
        + "and the sensors run on worker nodes (nightwatch node --roles worker); the frame channel must be UDP")
    boolean onCluster;

    @Option(names = "--workers", defaultValue = "1", paramLabel = "N",
        description = "with --cluster: the worker nodes to wait for before the night starts (default ${DEFAULT-VALUE})")
    int clusterWorkers;

    @Option(names = "--roles", paramLabel = "LIST",
        description = "with --cluster: what this node does (default camera,scheduler,room); "
            + "without scheduler, the night's scheduler runs on the nodes started with nightwatch node --roles scheduler, on a "
            + "night database they all reach, and goes on on the next when its node is lost")
    String roles;

    @Mixin
    ClusterOptions node = new ClusterOptions();

    /** The cluster this night runs on (null: one process). */
    public org.nightwatch.night.ClusterSettings settings() {
        if (!onCluster) {
            if (node.seedNodes != null || roles != null) {
                throw new IllegalArgumentException((roles != null ? "--roles" : "--seed-nodes") + " is for a night on a cluster: add --cluster");
            }
            return null;
        }
        if (node.seedNodes == null) {
            throw new IllegalArgumentException("--cluster needs --seed-nodes HOST:PORT,... (this node's own address first, to form the "
                + "cluster)");
        }
        java.util.Set<String> r = org.nightwatch.night.ClusterSettings.parseRoles(roles != null ? roles : "camera,scheduler,room");
        if (!r.contains("camera") || !r.contains("room") || r.contains("worker")) {
            throw new IllegalArgumentException("--roles " + roles + ": the node that starts the night holds the camera and the control "
                + "room (camera,room), and may hold the scheduler (camera,scheduler,room); workers are nodes of their own "
                + "(nightwatch node --roles worker)");
        }
        return node.settings(r, clusterWorkers);
    }

    /** The deployment with the frame channel and receive address given on the command line. */
    public DeploymentConfig apply(DeploymentConfig cfg) {
        return node.apply(cfg);
    }
}
