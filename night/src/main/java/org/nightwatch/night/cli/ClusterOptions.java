package org.nightwatch.night.cli;

import java.time.Duration;
import java.util.Set;
import org.nightwatch.night.ClusterSettings;
import org.nightwatch.night.DeploymentConfig;
import picocli.CommandLine.Option;

/** The options of a node of a cluster night: its address, the seed nodes, the frame channel. */
final class ClusterOptions {
    @Option(names = "--seed-nodes", paramLabel = "HOST:PORT,...",
        description = "the cluster's seed nodes (the first to start forms the cluster), e.g. 10.0.0.1:25520")
    String seedNodes;

    @Option(names = "--cluster-host", defaultValue = "127.0.0.1", paramLabel = "HOST",
        description = "the address other nodes reach this node at (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--cluster-port", defaultValue = "0", paramLabel = "PORT",
        description = "this node's cluster port (0: any free one) (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--join-timeout", defaultValue = "PT60S",
        description = "give up joining the cluster after this long, saying why (ISO-8601, default ${DEFAULT-VALUE})")
    Duration joinTimeout;

    @picocli.CommandLine.Mixin
    FrameChannelOptions frames = new FrameChannelOptions();

    ClusterSettings settings(Set<String> roles, int workers) {
        return new ClusterSettings(roles, host, port, ClusterSettings.parseSeeds(seedNodes), joinTimeout, workers);
    }

    DeploymentConfig apply(DeploymentConfig cfg) {
        return frames.apply(cfg);
    }
}
