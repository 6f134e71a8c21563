package org.nightwatch.actors.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nodes of one night must exchange the same frames and candidates: on a real cluster over loopback, a node of this
 * build joins, and a node that says another candidate schema is refused at join, by name, and shuts down.
 */
class WireVersionsJoinTest {
    private static final Config BASE = ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = 127.0.0.1
        pekko.remote.artery.canonical.port = 0
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        pekko.coordinated-shutdown.exit-jvm = off
        """).withFallback(ConfigFactory.load());

    private final List<ActorSystem<?>> systems = new ArrayList<>();

    @AfterEach
    void stop() {
        systems.forEach(ActorSystem::terminate);
        systems.forEach(s -> s.getWhenTerminated().toCompletableFuture().join());
    }

    private ActorSystem<Void> node(String name, Config versions) {
        ActorSystem<Void> s = ActorSystem.create(Behaviors.empty(), name, versions.withFallback(BASE));
        systems.add(s);
        return s;
    }

    private static boolean up(ActorSystem<?> s) {
        return Cluster.get(s).selfMember().status() == MemberStatus.up();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aNodeOfAnotherCandidateSchemaIsRefusedByNameAndANodeOfThisBuildJoins() {
        ActorSystem<Void> seed = node("night", WireVersions.ofThisBuild());
        Cluster.get(seed).manager().tell(Join.create(Cluster.get(seed).selfMember().address()));
        await().atMost(Duration.ofSeconds(30)).until(() -> up(seed));

        ActorSystem<Void> same = node("night", WireVersions.ofThisBuild());
        Cluster.get(same).manager().tell(new JoinSeedNodes(List.of(Cluster.get(seed).selfMember().address())));
        await().atMost(Duration.ofSeconds(30)).until(() -> up(same));

        Config other = ConfigFactory.parseString(WireVersions.CANDIDATE_KEY + " = " + (WireVersions.CANDIDATE_SCHEMA + 1))
            .withFallback(WireVersions.ofThisBuild());
        ActorSystem<Void> newer = node("night", other);
        LoggingTestKit.empty().withMessageRegex(".*candidate schema version " + (WireVersions.CANDIDATE_SCHEMA + 1)
                + " on the joining node, " + WireVersions.CANDIDATE_SCHEMA + " in this cluster.*")
            .withOccurrences(1).expect(seed, () -> {
                Cluster.get(newer).manager().tell(new JoinSeedNodes(List.of(Cluster.get(seed).selfMember().address())));
                return null;
            });
        // refused: it shuts itself down rather than join a night whose candidates it would misread
        newer.getWhenTerminated().toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).join();
        assertEquals(CoordinatedShutdown.incompatibleConfigurationDetectedReason(),
            CoordinatedShutdown.get(newer).getShutdownReason().orElseThrow());
        java.util.Set<org.apache.pekko.actor.Address> members = new java.util.HashSet<>();
        Cluster.get(seed).state().getMembers().forEach(m -> members.add(m.address()));
        assertEquals(java.util.Set.of(Cluster.get(seed).selfMember().address(), Cluster.get(same).selfMember().address()), members,
            "the seed and the node of this build, not the refused one");
    }
}
