package org.nightwatch.night.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nightwatch.night.ClusterSettings;
import org.nightwatch.night.ClusterWorker;
import org.nightwatch.night.DeploymentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nightwatch node}: one node of a night on several machines. */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Start one node of a night on a Pekko cluster. A worker node hosts the sensors the cluster places on it "
        + "(Cluster Sharding): it takes their frames from the camera's channel (UDP, multi-destination-cast), stacks, differences "
        + "and scores them, and sends the candidates to the scheduler singleton (reliable delivery). The camera, scheduler and "
        + "control room run on the node that starts the night: nightwatch simulate|replay ... --cluster. See config/cluster.conf.")
public final class NodeCommand implements Callable<Integer> {
    @Mixin
    NightwatchCli.Common common = new NightwatchCli.Common();

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--roles", defaultValue = "worker", paramLabel = "LIST",
        description = "what this node does (default ${DEFAULT-VALUE}); the camera, scheduler and room roles are held by the node that "
            + "starts the night")
    String roles;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "node-out",
        description = "this node's output: candidates.csv of the sensors it hosts, the spool (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--timeout", defaultValue = "PT12H", description = "stop after this long (ISO-8601, default ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        ClusterSettings s = cluster.settings(ClusterSettings.parseRoles(roles), 0);
        if (!s.has("worker") || s.roles().size() != 1) {
            throw new IllegalArgumentException("--roles " + roles + ": a node started with nightwatch node is a worker; the camera, "
                + "scheduler and room roles are the node's that starts the night (nightwatch simulate|replay ... --cluster)");
        }
        DeploymentConfig cfg = cluster.apply(DeploymentConfig.load(common.configFile()));
        try (ClusterWorker w = new ClusterWorker(cfg, s, out)) {
            System.err.printf(Locale.ROOT, "nightwatch: worker node %s joined the cluster; it serves until the night is over%n", w.address());
            boolean over = w.awaitNightOver(timeout.toMillis());
            System.err.println(over ? "nightwatch: the night is over; the node leaves the cluster" : "nightwatch: timed out");
            return over ? 0 : 1;
        }
    }
}
