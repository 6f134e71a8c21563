package org.nightwatch.night.cli;

import org.nightwatch.night.DeploymentConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What {@code simulate} and {@code replay} add to run their night on a cluster, from the camera's node. */
final class ClusterNightOptions {
    @Option(names = "--cluster", description = "run the night on a cluster: this node holds the camera, scheduler and control room, "
        + "and the sensors run on worker nodes (nightwatch node --roles worker); the frame channel must be UDP")
    boolean onCluster;

    @Option(names = "--workers", defaultValue = "1", paramLabel = "N",
        description = "with --cluster: the worker nodes to wait for before the night starts (default ${DEFAULT-VALUE})")
    int clusterWorkers;

    @Mixin
    ClusterOptions node = new ClusterOptions();

    /** The cluster this night runs on (null: one process). */
    org.nightwatch.night.ClusterSettings settings() {
        if (!onCluster) {
            if (node.seedNodes != null) {
                throw new IllegalArgumentException("--seed-nodes is for a night on a cluster: add --cluster");
            }
            return null;
        }
        if (node.seedNodes == null) {
            throw new IllegalArgumentException("--cluster needs --seed-nodes HOST:PORT,... (this node's own address first, to form the "
                + "cluster)");
        }
        return node.settings(java.util.Set.of("camera", "scheduler", "room"), clusterWorkers);
    }

    /** The deployment with the frame channel and receive address given on the command line. */
    DeploymentConfig apply(DeploymentConfig cfg) {
        return node.apply(cfg);
    }
}
