package org.nightwatch.night;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How one node of a cluster night is set: its roles, its own address, and the seed nodes it joins through. Read from
 * the command line ({@code nightwatch node}, {@code simulate --cluster}) and checked before anything starts, so that a
 * misconfigured seed list is said plainly instead of a node that retries to join for ever.
 *
 * @param roles   what the node does: {@code camera}, {@code scheduler}, {@code room}, {@code worker}
 * @param host    the address other nodes reach this node at
 * @param port    its Pekko remoting port (Artery, TCP)
 * @param seeds   HOST:PORT of the seed nodes; the first one to start forms the cluster
 * @param joinTimeout how long the node tries to join before it gives up and says why
 * @param workers the worker nodes the camera's node waits for before the night starts, so that the sensors are spread
 *                over all of them from the start (0 on a worker)
 */
public record ClusterSettings(Set<String> roles, String host, int port, List<Seed> seeds, Duration joinTimeout, int workers) {
    /** The actor system's name: the same on every node of a night. */
    public static final String SYSTEM = "nightwatch";
    public static final Set<String> ROLES = Set.of("camera", "scheduler", "room", "worker");

    /** A seed node. */
    public record Seed(String host, int port) {
        String address() {
            return "pekko://" + SYSTEM + "@" + host + ":" + port;
        }
    }

    public ClusterSettings {
        for (String r : roles) {
            if (!ROLES.contains(r)) {
                throw new IllegalArgumentException("--roles: unknown role '" + r + "' (roles: camera, scheduler, room, worker)");
            }
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--cluster-port " + port + ": not a port (0-65535)");
        }
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("--seed-nodes: no seed node (HOST:PORT,...; the first node started forms the cluster)");
        }
    }

    /**
     * Parses {@code HOST:PORT,HOST:PORT}, naming the entry at fault: one without a port, a port that is not one, a host
     * that does not resolve.
     */
    public static List<Seed> parseSeeds(String list) {
        List<Seed> seeds = new ArrayList<>();
        if (list == null || list.isBlank()) {
            return seeds;
        }
        for (String entry : list.split(",")) {
            String e = entry.trim();
            int colon = e.lastIndexOf(':');
            if (colon <= 0 || colon == e.length() - 1) {
                throw new IllegalArgumentException("--seed-nodes: '" + e + "' is not HOST:PORT (for example 127.0.0.1:25520)");
            }
            String host = e.substring(0, colon);
            int port;
            try {
                port = Integer.parseInt(e.substring(colon + 1));
            } catch (NumberFormatException x) {
                throw new IllegalArgumentException("--seed-nodes: '" + e + "': the port '" + e.substring(colon + 1) + "' is not a number");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("--seed-nodes: '" + e + "': port " + port + " is outside 1-65535");
            }
            try {
                InetAddress.getByName(host);
            } catch (UnknownHostException x) {
                throw new IllegalArgumentException("--seed-nodes: '" + e + "': the host '" + host + "' does not resolve");
            }
            seeds.add(new Seed(host, port));
        }
        return seeds;
    }

    /** The roles from {@code worker,scheduler}. */
    public static Set<String> parseRoles(String list) {
        Set<String> roles = new java.util.LinkedHashSet<>();
        for (String r : list.split(",")) {
            if (!r.isBlank()) {
                roles.add(r.trim().toLowerCase(Locale.ROOT));
            }
        }
        return roles;
    }

    /** This node's Pekko configuration on top of the deployment's: cluster provider, address, seeds, roles, wire versions. */
    public Config over(DeploymentConfig deployment) {
        List<String> seedAddresses = seeds.stream().map(Seed::address).toList();
        return ConfigFactory.empty()
            .withValue("pekko.actor.provider", ConfigValueFactory.fromAnyRef("cluster"))
            .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(host))
            .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(port))
            .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seedAddresses))
            .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(List.copyOf(roles)))
            .withFallback(org.nightwatch.actors.cluster.WireVersions.ofThisBuild())
            .withFallback(deployment.layered(ConfigFactory.parseResources(ClusterSettings.class.getClassLoader(), "nightwatch-cluster.conf")));
    }

    public boolean has(String role) {
        return roles.contains(role);
    }
}
