package org.nightwatch.night;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.nightwatch.actors.ObservatoryActor;
import org.nightwatch.actors.SensorReport;
import org.nightwatch.actors.alerts.SchedulerActor;
import org.nightwatch.actors.cluster.SchedulerInlet;
import org.nightwatch.actors.cluster.SensorHost;
import org.nightwatch.actors.ingest.SensorLedger;
import org.nightwatch.protocol.SensorId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The camera's node of a night on a cluster ({@code simulate|replay --cluster}): it holds the frame source, the
 * scheduler (a cluster singleton, reached through {@link SchedulerInlet}), the control room and the night's books; the
 * sensors run on worker nodes as Cluster Sharding entities ({@link SensorHost}), which this node tells to be hosted
 * about once a second. Each sensor's books come back in its reports and are mirrored into this node's ledgers, summed
 * over every node that hosted the sensor, so that the night's books balance the same way as in one process.
 */
final class ClusterHead {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterHead.class);

    private ClusterHead() {
    }

    /** Waits until this node is a member (Up) of the cluster, or says plainly why it is not. */
    static void awaitUp(ActorSystem<?> system, ClusterSettings settings) {
        long until = System.nanoTime() + settings.joinTimeout().toNanos();
        Cluster cluster = Cluster.get(system);
        while (cluster.selfMember().status() != MemberStatus.up()) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("this node (" + settings.host() + ":" + settings.port() + ") did not join the cluster "
                    + "within " + settings.joinTimeout().toSeconds() + " s through the seed nodes " + settings.seeds()
                    + ": is the first seed node running, and are the addresses and ports right?");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** Waits until {@code n} worker nodes are up, so that the sensors spread over all of them from the start. */
    static void awaitWorkers(ActorSystem<?> system, int n, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        while (workers(system) < n) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException(workers(system) + " of " + n + " worker nodes joined within " + timeout.toSeconds()
                    + " s: start them with nightwatch node --roles worker --seed-nodes ...");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    static int workers(ActorSystem<?> system) {
        int n = 0;
        for (var m : Cluster.get(system).state().getMembers()) {
            if (m.status() == MemberStatus.up() && m.hasRole("worker")) {
                n++;
            }
        }
        return n;
    }

    /** The scheduler as the cluster reaches it: a singleton on this node (role scheduler), in front of {@code scheduler}. */
    static ActorRef<SchedulerInlet.Command> schedulerSingleton(ActorSystem<?> system, ActorRef<SchedulerActor.Command> scheduler) {
        return ClusterSingleton.get(system).init(SingletonActor.of(SchedulerInlet.create(scheduler), "scheduler")
            .withSettings(ClusterSingletonSettings.create(system).withRole("scheduler")));
    }

    /** This node's way to the sensor entities (it hosts none: they live on the workers). */
    static ActorRef<org.apache.pekko.cluster.sharding.typed.ShardingEnvelope<SensorHost.Command>> sensorRegion(ActorSystem<?> system) {
        return ClusterSharding.get(system).init(Entity.of(SensorHost.KEY, ec -> Behaviors.<SensorHost.Command>empty())
            .withRole("worker").withMessageExtractor(new SensorHost.Shards()));
    }

    /** Each sensor's books as the nodes that hosted it last reported them, summed into this node's ledger of the sensor. */
    static final class Mirror {
        private final Function<SensorId, SensorLedger> ledgers;
        private final Map<SensorId, Map<String, SensorLedger.Books>> byHost = new HashMap<>();

        Mirror(Function<SensorId, SensorLedger> ledgers) {
            this.ledgers = ledgers;
        }

        synchronized void accept(SensorReport r) {
            if (r.books() == null) {
                return;
            }
            Map<String, SensorLedger.Books> hosts = byHost.computeIfAbsent(r.sensor(), s -> new HashMap<>());
            hosts.put(r.host(), r.books());
            ledgers.apply(r.sensor()).mirror(SensorLedger.Books.sum(hosts.values()));
        }

        /** The nodes each sensor has been hosted on. */
        synchronized Map<SensorId, List<String>> hosts() {
            Map<SensorId, List<String>> m = new HashMap<>();
            byHost.forEach((s, h) -> m.put(s, List.copyOf(h.keySet())));
            return m;
        }
    }

    /** What the workers' sensors report to: their books go into {@code mirror}, and everything on to the observatory. */
    static ActorRef<ObservatoryActor.Command> relay(ActorSystem<?> system, ActorRef<ObservatoryActor.Command> observatory, Mirror mirror) {
        return system.systemActorOf(Behaviors.receive(ObservatoryActor.Command.class)
            .onAnyMessage(m -> {
                if (m instanceof ObservatoryActor.SensorReported r) {
                    mirror.accept(r.report());
                }
                observatory.tell(m);
                return Behaviors.same();
            }).build(), "sensor-books", Props.empty());
    }

    private enum Tick { INSTANCE }

    /**
     * Tells every sensor of {@code plan} to be hosted, now and about once a second: Sharding starts each on a worker, and
     * again elsewhere when its worker is lost.
     */
    static void keepHosted(ActorSystem<?> system, SensorHost.NightPlan plan, ActorRef<ObservatoryActor.Command> books) {
        var region = sensorRegion(system);
        system.systemActorOf(Behaviors.<Tick>withTimers(timers -> {
            timers.startTimerAtFixedRate(Tick.INSTANCE, Duration.ofSeconds(1));
            return Behaviors.receive(Tick.class).onMessageEquals(Tick.INSTANCE, () -> {
                for (int s : plan.sensors()) {
                    region.tell(new org.apache.pekko.cluster.sharding.typed.ShardingEnvelope<>(SensorHost.entityId(s),
                        new SensorHost.Host(plan, s, books)));
                }
                return Behaviors.same();
            }).build();
        }), "sensor-hosts", Props.empty());
        LOG.info("the night's {} sensors are hosted on the cluster's workers", plan.sensors().size());
    }
}
