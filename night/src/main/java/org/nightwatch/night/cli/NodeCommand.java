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
        + "and scores them, and sends the candidates to the scheduler singleton (reliable delivery). A scheduler node can hold "
        + "that singleton, on a night database every scheduler node reaches (PostgreSQL). The camera and control room run on the "
        + "node that starts the night: nightwatch simulate|replay ... --cluster. See config/cluster.conf.")
public final class NodeCommand implements Callable<Integer> {
    @Mixin
    NightwatchCli.Common common = new NightwatchCli.Common();

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--roles", defaultValue = "worker", paramLabel = "LIST",
        description = "what this node does: worker (hosts sensors), scheduler (may hold the night's scheduler, which runs on the "
            + "oldest scheduler node up and goes on on the next when that one is lost; needs the night database on a server: "
            + "--db-url), or both (default ${DEFAULT-VALUE}); the camera and room roles are the node's that starts the night")
    String roles;

    @Option(names = "--db-url", paramLabel = "JDBC_URL",
        description = "with --roles scheduler: the night database every scheduler node reaches, e.g. "
            + "jdbc:postgresql://db-host:5432/nightwatch (default: nightwatch.scheduler.store.url; user and password from there)")
    String dbUrl;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "node-out",
        description = "this node's output: candidates.csv of the sensors it hosts, the spool (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--timeout", defaultValue = "PT12H", description = "stop after this long (ISO-8601, default ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        ClusterSettings s = cluster.settings(ClusterSettings.parseRoles(roles), 0);
        if (s.has("camera") || s.has("room")) {
            throw new IllegalArgumentException("--roles " + roles + ": a node started with nightwatch node is a worker, a scheduler or "
                + "both; the camera and room roles are the node's that starts the night (nightwatch simulate|replay ... --cluster)");
        }
        DeploymentConfig cfg = cluster.apply(DeploymentConfig.load(common.configFile()));
        if (dbUrl != null) {
            cfg = cfg.with("nightwatch.scheduler.store.url", dbUrl);
        }
        try (ClusterWorker w = new ClusterWorker(cfg, s, out)) {
            System.err.printf(Locale.ROOT, "nightwatch: %s node %s joined the cluster; it serves until the night is over%n",
                String.join(" and ", s.roles()), w.address());
            boolean over = w.awaitNightOver(timeout.toMillis());
            System.err.println(over ? "nightwatch: the night is over; the node leaves the cluster" : "nightwatch: timed out");
            return over ? 0 : 1;
        }
    }
}
