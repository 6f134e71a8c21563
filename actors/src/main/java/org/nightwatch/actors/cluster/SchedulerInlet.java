package org.nightwatch.actors.cluster;

import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.delivery.ConsumerController;
import org.apache.pekko.actor.typed.delivery.ProducerController;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.nightwatch.actors.WireMessage;
import org.nightwatch.actors.alerts.SchedulerActor;

/**
 * The night's scheduler as the cluster reaches it: a Cluster Singleton on a node of role {@code scheduler}. Each worker
 * node's {@link ScoredProducer} connects to it; the inlet gives each producer a reliable-delivery {@link
 * ConsumerController} of its own, and confirms a visit only once the scheduler has handled it (committed to the night
 * database, or refused and counted), so that a visit in flight when a node is lost is sent again, not lost.
 */
public final class SchedulerInlet extends AbstractBehavior<SchedulerInlet.Command> {
    public sealed interface Command {
    }

    /** A worker node's producer, every couple of seconds: where to register a consumer if it has none here. */
    public record Connect(ActorRef<ProducerController.Command<SchedulerActor.Command>> producer, String producerId)
        implements Command, WireMessage {
    }

    private record Delivered(ConsumerController.Delivery<SchedulerActor.Command> delivery) implements Command {
    }

    private final ActorRef<SchedulerActor.Command> scheduler;
    private final ActorRef<ConsumerController.Delivery<SchedulerActor.Command>> deliveries;
    private final Map<String, ActorRef<ConsumerController.Command<SchedulerActor.Command>>> consumers = new HashMap<>();

    private final java.util.concurrent.ConcurrentMap<String, java.util.concurrent.atomic.AtomicLong> handled;

    /**
     * @param handled the visits handled so far by producer id (a worker node), readable by the node that keeps the
     *                night's books: a node lost before its visits were confirmed is known by what it had handed over
     *                and what arrived
     */
    public static Behavior<Command> create(ActorRef<SchedulerActor.Command> scheduler,
                                           java.util.concurrent.ConcurrentMap<String, java.util.concurrent.atomic.AtomicLong> handled) {
        return Behaviors.setup(ctx -> new SchedulerInlet(ctx, scheduler, handled));
    }

    private SchedulerInlet(ActorContext<Command> ctx, ActorRef<SchedulerActor.Command> scheduler,
                           java.util.concurrent.ConcurrentMap<String, java.util.concurrent.atomic.AtomicLong> handled) {
        super(ctx);
        this.scheduler = scheduler;
        this.handled = handled;
        this.deliveries = ctx.messageAdapter(ConsumerController.deliveryClass(), Delivered::new);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(Connect.class, this::onConnect)
            .onMessage(Delivered.class, d -> {
                ConsumerController.Delivery<SchedulerActor.Command> delivery = d.delivery();
                if (delivery.message() instanceof SchedulerActor.Scored scored) {
                    var count = handled.computeIfAbsent(delivery.producerId(), p -> new java.util.concurrent.atomic.AtomicLong());
                    scheduler.tell(new SchedulerActor.Handle(scored, () -> {
                        count.incrementAndGet();
                        delivery.confirmTo().tell(ConsumerController.confirmed());
                    }));
                } else {
                    delivery.confirmTo().tell(ConsumerController.confirmed());
                }
                return this;
            })
            .build();
    }

    private Behavior<Command> onConnect(Connect c) {
        if (consumers.containsKey(c.producerId())) {
            return this;
        }
        ActorRef<ConsumerController.Command<SchedulerActor.Command>> consumer =
            getContext().spawn(ConsumerController.create(), "consumer-" + consumers.size());
        consumer.tell(new ConsumerController.Start<>(deliveries));
        consumer.tell(new ConsumerController.RegisterToProducerController<>(c.producer()));
        consumers.put(c.producerId(), consumer);
        getContext().getLog().info("scheduler: visits from {} arrive through reliable delivery", c.producerId());
        return this;
    }
}
