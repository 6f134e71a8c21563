package org.nightwatch.actors.cluster;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.delivery.ConsumerController;
import org.apache.pekko.actor.typed.delivery.ProducerController;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.nightwatch.actors.WireMessage;
import org.nightwatch.actors.alerts.SchedulerActor;
import org.nightwatch.actors.alerts.SchedulerTotals;
import org.nightwatch.protocol.Alert;
import org.nightwatch.protocol.VettingLabel;

/**
 * The night's scheduler as the cluster reaches it: a Cluster Singleton on the oldest node of role {@code scheduler}.
 * The camera's node tells it which night to open ({@link Night}) about once a second; the node it runs on opens that
 * night's scheduler there ({@link Opener}: the night database, resumed when it already holds the night, as after a
 * kill -9). When that node is lost, the singleton starts on the next scheduler node, which opens the same night from the
 * same database (PostgreSQL, which every node reaches) and goes on where the committed alerts end.
 *
 * <p>Each worker node's {@link ScoredProducer} connects to it; the inlet gives each producer a reliable-delivery {@link
 * ConsumerController} of its own and confirms a visit only once the scheduler has handled it (committed to the night
 * database, or refused and counted), so that a visit in flight when the scheduler's node is lost is sent again to the
 * next one, not lost; the scheduler handles each sensor-visit once, also across nodes (it reads back which it did).
 * The control room's labels, its live list and the night's totals come through here too.
 */
public final class SchedulerInlet {
    public sealed interface Command {
    }

    /** A worker node's producer, every couple of seconds: where to register a consumer if it has none here. */
    public record Connect(ActorRef<ProducerController.Command<SchedulerActor.Command>> producer, String producerId)
        implements Command, WireMessage {
    }

    /** The night to open here, from the camera's node: what identifies it, and whether its alerts are tests. */
    public record Night(String key, boolean simulated) implements Command, WireMessage {
    }

    /** An operator's label, as {@link SchedulerActor.Label}. */
    public record Label(String objectId, VettingLabel label, String operator, ActorRef<Boolean> replyTo) implements Command, WireMessage {
    }

    /** The live alerts, best rank first. */
    public record GetLive(ActorRef<LiveAlerts> replyTo) implements Command, WireMessage {
    }

    /** The answer to {@link GetLive}. */
    public record LiveAlerts(List<Alert> alerts) implements WireMessage {
    }

    /**
     * The night's last question: answered with the scheduler's totals once it has handled every visit sent before, after
     * which the night is marked complete in its database.
     */
    public record Drain(ActorRef<SchedulerTotals> replyTo) implements Command, WireMessage {
    }

    /**
     * Send {@code to} every alert change the night's database holds, in commit order: asked by the room's node when a
     * scheduler node was lost, for what the lost node committed and did not publish ({@link AlertsTopic}).
     */
    public record Replay(ActorRef<AlertsTopic.Change> to) implements Command, WireMessage {
    }

    private record Delivered(ConsumerController.Delivery<SchedulerActor.Command> delivery) implements Command {
    }

    private record Opened(Night night, Scheduler scheduler, Throwable failure) implements Command {
    }

    private record Live(ActorRef<LiveAlerts> replyTo, List<Alert> alerts) implements Command {
    }

    private record Drained(ActorRef<SchedulerTotals> replyTo, SchedulerTotals totals) implements Command {
    }

    /** The night's scheduler on this node, once opened. */
    public interface Scheduler {
        ActorRef<SchedulerActor.Command> actor();

        /** Marks the night complete in its database (after its last visit). */
        void complete();
    }

    /** Opens a night's scheduler on this node (its database, its files); may take a while (a database to read back). */
    public interface Opener {
        CompletionStage<Scheduler> open(Night night);

        /**
         * A scheduler already open on this node ({@code actor}: the camera's node that holds the embedded database); the
         * night's end drains it there directly.
         */
        static Opener alreadyOpen(ActorRef<SchedulerActor.Command> actor) {
            Scheduler s = new Scheduler() {
                @Override
                public ActorRef<SchedulerActor.Command> actor() {
                    return actor;
                }

                @Override
                public void complete() {
                    // drained and completed by the node that opened it
                }
            };
            return night -> java.util.concurrent.CompletableFuture.completedFuture(s);
        }
    }

    private SchedulerInlet() {
    }

    /** The singleton's behaviour on a node that can hold the scheduler: it opens the night it is told, with {@code opener}. */
    public static Behavior<Command> create(Opener opener) {
        return Behaviors.withStash(10_000, stash -> Behaviors.setup(ctx -> closed(ctx, stash, opener, false)));
    }

    /** No night open yet: everything but the night waits (a producer's visits, a label) until it is. */
    private static Behavior<Command> closed(ActorContext<Command> ctx, StashBuffer<Command> stash, Opener opener, boolean opening) {
        return Behaviors.receive(Command.class)
            .onMessage(Night.class, n -> {
                if (!opening) {
                    ctx.getLog().info("scheduler: opening night '{}' on this node", n.key());
                    ctx.pipeToSelf(opener.open(n), (s, failure) -> new Opened(n, s, failure));
                }
                return closed(ctx, stash, opener, true);
            })
            .onMessage(Opened.class, o -> {
                if (o.failure() != null) {
                    ctx.getLog().error("scheduler: night '{}' could not be opened on this node: {}", o.night().key(),
                        o.failure().getMessage(), o.failure());
                    return closed(ctx, stash, opener, false); // the next Night tries again
                }
                return stash.unstashAll(new Open(ctx, o.night(), o.scheduler()).behavior());
            })
            .onAnyMessage(m -> {
                if (!stash.isFull()) {
                    stash.stash(m);
                } else {
                    ctx.getLog().error("scheduler: {} messages wait for the night to open here: {} dropped", stash.size(), m);
                }
                return Behaviors.same();
            })
            .build();
    }

    /** The night's scheduler is open on this node. */
    private static final class Open {
        private final ActorContext<Command> ctx;
        private final Night night;
        private final Scheduler scheduler;
        private final ActorRef<ConsumerController.Delivery<SchedulerActor.Command>> deliveries;
        private final Map<String, ActorRef<ConsumerController.Command<SchedulerActor.Command>>> consumers = new HashMap<>();

        Open(ActorContext<Command> ctx, Night night, Scheduler scheduler) {
            this.ctx = ctx;
            this.night = night;
            this.scheduler = scheduler;
            this.deliveries = ctx.messageAdapter(ConsumerController.deliveryClass(), Delivered::new);
        }

        Behavior<Command> behavior() {
            return Behaviors.receive(Command.class)
                .onMessage(Night.class, n -> {
                    if (!n.key().equals(night.key())) {
                        ctx.getLog().error("scheduler: told to open night '{}' while night '{}' is open here: ignored", n.key(), night.key());
                    }
                    return Behaviors.same();
                })
                .onMessage(Connect.class, this::onConnect)
                .onMessage(Delivered.class, d -> {
                    ConsumerController.Delivery<SchedulerActor.Command> delivery = d.delivery();
                    if (delivery.message() instanceof SchedulerActor.Scored scored) {
                        scheduler.actor().tell(new SchedulerActor.Handle(scored, () -> delivery.confirmTo().tell(ConsumerController.confirmed())));
                    } else {
                        delivery.confirmTo().tell(ConsumerController.confirmed());
                    }
                    return Behaviors.same();
                })
                .onMessage(Label.class, l -> {
                    scheduler.actor().tell(new SchedulerActor.Label(l.objectId(), l.label(), l.operator(), l.replyTo()));
                    return Behaviors.same();
                })
                .onMessage(GetLive.class, g -> {
                    ctx.ask(List.class, scheduler.actor(), Duration.ofSeconds(10), r -> new SchedulerActor.GetLive(cast(r)),
                        (alerts, failure) -> new Live(g.replyTo(), alerts != null ? castList(alerts) : List.of()));
                    return Behaviors.same();
                })
                .onMessage(Live.class, l -> {
                    l.replyTo().tell(new LiveAlerts(l.alerts()));
                    return Behaviors.same();
                })
                .onMessage(Replay.class, r -> {
                    ActorRef<AlertsTopic.Change> to = r.to();
                    scheduler.actor().tell(new SchedulerActor.ForEachCommitted(a -> to.tell(new AlertsTopic.Change(a, -1))));
                    return Behaviors.same();
                })
                .onMessage(Drain.class, d -> {
                    // as long as the night may be: the scheduler answers once it has handled every visit sent before
                    ctx.ask(SchedulerTotals.class, scheduler.actor(), Duration.ofHours(1), SchedulerActor.GetTotals::new,
                        (totals, failure) -> new Drained(d.replyTo(), totals));
                    return Behaviors.same();
                })
                .onMessage(Drained.class, d -> {
                    if (d.totals() != null) {
                        scheduler.complete();
                        d.replyTo().tell(d.totals());
                    }
                    return Behaviors.same();
                })
                .build();
        }

        private Behavior<Command> onConnect(Connect c) {
            if (consumers.containsKey(c.producerId())) {
                return Behaviors.same();
            }
            ActorRef<ConsumerController.Command<SchedulerActor.Command>> consumer =
                ctx.spawn(ConsumerController.create(), "consumer-" + consumers.size());
            consumer.tell(new ConsumerController.Start<>(deliveries));
            consumer.tell(new ConsumerController.RegisterToProducerController<>(c.producer()));
            consumers.put(c.producerId(), consumer);
            ctx.getLog().info("scheduler: visits from {} arrive through reliable delivery", c.producerId());
            return Behaviors.same();
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ActorRef<List<Alert>> cast(ActorRef r) {
        return r;
    }

    @SuppressWarnings("unchecked")
    private static List<Alert> castList(List<?> l) {
        return (List<Alert>) l;
    }
}
