package org.nightwatch.actors.cluster;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.delivery.ProducerController;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.nightwatch.actors.alerts.SchedulerActor;

/**
 * A worker node's side of the path to the night's scheduler: the scored visits of every sensor the node hosts go
 * through one Pekko reliable-delivery {@link ProducerController} (at-least-once: a visit not confirmed is sent again,
 * and the scheduler handles each sensor-visit once). Large messages (a visit's candidates with their cutouts are some
 * hundreds of kB) are chunked by the controller, below Artery's frame size. The scheduler is a cluster singleton that
 * may move: the producer tells it where it is every couple of seconds ({@link SchedulerInlet.Connect}), and a new
 * singleton takes over what the old one had not confirmed.
 */
public final class ScoredProducer extends AbstractBehavior<ScoredProducer.Command> {
    public sealed interface Command {
    }

    /** A visit for the scheduler. */
    public record Enqueue(SchedulerActor.Scored scored) implements Command {
    }

    private record Next(ProducerController.RequestNext<SchedulerActor.Command> next) implements Command {
    }

    private enum Connect implements Command { INSTANCE }

    private final ActorRef<SchedulerInlet.Command> inlet;
    private final ActorRef<ProducerController.Command<SchedulerActor.Command>> producer;
    private final String producerId;
    private final ArrayDeque<SchedulerActor.Scored> queue = new ArrayDeque<>();
    private ActorRef<SchedulerActor.Command> sendNextTo;

    /** {@code inlet}: the singleton's proxy; {@code producerId}: this node's, the same for the whole night. */
    public static Behavior<Command> create(ActorRef<SchedulerInlet.Command> inlet, String producerId) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ScoredProducer(ctx, timers, inlet, producerId)));
    }

    private ScoredProducer(ActorContext<Command> ctx, TimerScheduler<Command> timers, ActorRef<SchedulerInlet.Command> inlet,
                           String producerId) {
        super(ctx);
        this.inlet = inlet;
        this.producerId = producerId;
        this.producer = ctx.spawn(ProducerController.create(SchedulerActor.Command.class, producerId, Optional.empty()), "producer");
        ActorRef<ProducerController.RequestNext<SchedulerActor.Command>> next =
            ctx.messageAdapter(ProducerController.requestNextClass(), Next::new);
        producer.tell(new ProducerController.Start<>(next));
        inlet.tell(new SchedulerInlet.Connect(producer, producerId));
        timers.startTimerWithFixedDelay(Connect.INSTANCE, Duration.ofSeconds(2));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(Enqueue.class, e -> {
                queue.add(e.scored());
                send();
                return this;
            })
            .onMessage(Next.class, n -> {
                sendNextTo = n.next().sendNextTo();
                send();
                return this;
            })
            .onMessageEquals(Connect.INSTANCE, () -> {
                inlet.tell(new SchedulerInlet.Connect(producer, producerId));
                return this;
            })
            .build();
    }

    private void send() {
        if (sendNextTo != null && !queue.isEmpty()) {
            sendNextTo.tell(queue.poll());
            sendNextTo = null; // until the controller asks for the next
        }
    }
}
