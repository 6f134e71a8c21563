package org.nightwatch.actors.cluster;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.nightwatch.actors.ActorsSettings;
import org.nightwatch.actors.NightContext;
import org.nightwatch.actors.ObservatoryActor;
import org.nightwatch.actors.SensorActor;
import org.nightwatch.actors.WireMessage;
import org.nightwatch.protocol.SensorId;

/**
 * One sensor of a night that runs on a cluster, as a Cluster Sharding entity ({@code sensor-NN}) on a worker node. The
 * node that keeps the night's books tells every sensor {@link Host} about once a second; Sharding starts the entity on
 * a worker the first time, and again on a surviving worker when the node that hosted it is lost, so that a sensor is
 * always somewhere. The entity prepares the night on its node (once a node: references, classifier), then runs the
 * sensor's {@link SensorActor} there, which subscribes to the sensor's frame stream (multi-destination-cast: the camera
 * changes nothing when a sensor moves) and reports its books to the node that keeps them.
 */
public final class SensorHost {
    public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "sensor");

    public sealed interface Command {
    }

    /**
     * What a worker needs to host a night's sensors; every node that hosts one reads the same references (a shared
     * directory) and takes frames from the same channel.
     *
     * @param key         what identifies the night
     * @param references  the reference library, recorded-night layout
     * @param sensors     the night's sensor indexes
     * @param cameraWaits whether the camera takes back-pressure (a visit waits for a buffer) or is paced by the sky
     * @param nodes       where each node that hosts the night's sensors reports itself ({@link NodeReport})
     */
    public record NightPlan(String key, String references, List<Integer> sensors, String mode, boolean cameraWaits,
                            ActorRef<NodeReport> nodes) {
    }

    /** Host this sensor of {@code plan}'s night (if it is not hosted yet) and report to {@code books}. */
    public record Host(NightPlan plan, int sensor, ActorRef<ObservatoryActor.Command> books) implements Command, WireMessage {
    }

    private record Prepared(Host host, NightContext night, Throwable failure) implements Command {
    }

    /**
     * The night is being closed around work it still holds (the camera's node found it stuck): the sensor's stream ends
     * here and what it holds is counted lost with {@code why}, as in a night of one process.
     */
    public record Close(String why) implements Command, WireMessage {
    }

    /**
     * The camera finished a while ago and the sensor's stream has not ended here: its end-of-stream went to a node it
     * has left, or came while no node listened. The stream ends now, as in a night of one process, and what never
     * came is counted by the sensor's books.
     */
    public record Finish(String why) implements Command, WireMessage {
    }

    /** Sharding moves the sensor to another node (a rebalance): its stream is let go, then the entity stops. */
    public enum HandOff implements Command { INSTANCE }

    /** Prepares a night on this node, once: what its sensors run on. */
    public interface Nights {
        CompletionStage<NightContext> prepare(NightPlan plan);

        /** Whether this node hosts {@code sensor} now (for what the node says of itself). */
        default void hosting(int sensor, boolean on) {
        }
    }

    private SensorHost() {
    }

    /** The entity of {@code entityId} ({@code sensor-NN}) on this node. */
    public static Behavior<Command> create(String entityId, Nights nights) {
        return Behaviors.setup(ctx -> waiting(ctx, nights, false));
    }

    private static Behavior<Command> waiting(ActorContext<Command> ctx, Nights nights, boolean preparing) {
        return Behaviors.receive(Command.class)
            .onMessage(Host.class, h -> {
                if (!preparing) {
                    ctx.pipeToSelf(nights.prepare(h.plan()), (night, failure) -> new Prepared(h, night, failure));
                }
                return waiting(ctx, nights, true);
            })
            .onMessageEquals(HandOff.INSTANCE, Behaviors::stopped)
            .onMessage(Prepared.class, p -> {
                if (p.failure() != null) {
                    ctx.getLog().error("sensor {}: the night could not be prepared on this node: {}", p.host().sensor(),
                        p.failure().getMessage());
                    return waiting(ctx, nights, false); // the next Host tries again
                }
                return hosting(ctx, nights, p.host(), p.night());
            })
            .build();
    }

    private static Behavior<Command> hosting(ActorContext<Command> ctx, Nights nights, Host host, NightContext night) {
        SensorId id = SensorId.of(host.sensor());
        night.ledger(id).rejoin(); // perhaps back after it went on elsewhere: what happened meanwhile is not this node's
        ActorsSettings s = night.settings();
        ActorRef<SensorActor.Command> sensor = ctx.spawn(Behaviors.supervise(SensorActor.create(id, night, host.books()))
            .onFailure(RuntimeException.class, SupervisorStrategy.restartWithBackoff(s.restartMinBackoff(), s.restartMaxBackoff(), 0.2)
                .withResetBackoffAfter(s.restartMaxBackoff().multipliedBy(4))), id.name());
        ctx.watch(sensor);
        ctx.getLog().info("{} hosted on {}", id, night.host());
        nights.hosting(host.sensor(), true);
        return Behaviors.receive(Command.class)
            .onMessage(Host.class, h -> Behaviors.same()) // already here
            .onMessage(Prepared.class, p -> Behaviors.same())
            .onMessage(Finish.class, f -> {
                if (!night.ledger(id).ended()) {
                    ctx.getLog().info("{}: its stream is ended here: {}", id, f.why());
                    night.agentFor(id).finishAll();
                }
                return Behaviors.same();
            })
            .onMessage(Close.class, c -> {
                night.agentFor(id).finishAll();
                sensor.tell(new SensorActor.ForceClose(c.why()));
                return Behaviors.same();
            })
            .onMessageEquals(HandOff.INSTANCE, () -> {
                ctx.getLog().info("{} moves off {}", id, night.host());
                sensor.tell(SensorActor.HandOver.INSTANCE);
                return Behaviors.same();
            })
            .onSignal(org.apache.pekko.actor.typed.Terminated.class, t -> Behaviors.stopped())
            .onSignal(org.apache.pekko.actor.typed.PostStop.class, stop -> {
                nights.hosting(host.sensor(), false);
                return Behaviors.same();
            })
            .build();
    }

    /** A sensor is its own shard (its index), so that sensors spread evenly over the workers. */
    public static final class Shards
        extends org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor<org.apache.pekko.cluster.sharding.typed.ShardingEnvelope<Command>, Command> {
        @Override
        public String entityId(org.apache.pekko.cluster.sharding.typed.ShardingEnvelope<Command> envelope) {
            return envelope.entityId();
        }

        @Override
        public String shardId(String entityId) {
            return String.valueOf(SensorId.parse(entityId).index());
        }

        @Override
        public Command unwrapMessage(org.apache.pekko.cluster.sharding.typed.ShardingEnvelope<Command> envelope) {
            return envelope.message();
        }
    }

    /** The entity id of a sensor. */
    public static String entityId(int sensor) {
        return SensorId.of(sensor).name();
    }
}
