package org.nightwatch.actors.cluster;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
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

    /** The scheduler confirmed a visit: it has handled it. */
    private record Confirmed(long seqNr) implements Command {
    }

    private enum Connect implements Command { INSTANCE }

    private final ActorRef<SchedulerInlet.Command> inlet;
    private final ActorRef<ProducerController.Command<SchedulerActor.Command>> producer;
    private final String producerId;
    private final ArrayDeque<SchedulerActor.Scored> queue = new ArrayDeque<>();
    /** Where the controller confirms (a sequence number: a Scala Long, seen from Java as an Object). */
    private final ActorRef<Object> confirmations;
    private final AtomicLong confirmed;
    private ActorRef<ProducerController.MessageWithConfirmation<SchedulerActor.Command>> askNextTo;

    /**
     * {@code inlet}: the singleton's proxy; {@code producerId}: this node's, the same for the whole night;
     * {@code confirmed}: counts the visits the scheduler confirmed, wherever it ran (what this node says of itself, so
     * that the night's end can wait for them).
     */
    public static Behavior<Command> create(ActorRef<SchedulerInlet.Command> inlet, String producerId, AtomicLong confirmed) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ScoredProducer(ctx, timers, inlet, producerId, confirmed)));
    }

    private ScoredProducer(ActorContext<Command> ctx, TimerScheduler<Command> timers, ActorRef<SchedulerInlet.Command> inlet,
                           String producerId, AtomicLong confirmed) {
        super(ctx);
        this.inlet = inlet;
        this.confirmed = confirmed;
        this.confirmations = ctx.messageAdapter(Object.class, seqNr -> new Confirmed((Long) seqNr));
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
                askNextTo = n.next().askNextTo();
                send();
                return this;
            })
            .onMessage(Confirmed.class, c -> {
                confirmed.incrementAndGet();
                return this;
            })
            .onMessageEquals(Connect.INSTANCE, () -> {
                inlet.tell(new SchedulerInlet.Connect(producer, producerId));
                return this;
            })
            .build();
    }

    private void send() {
        if (askNextTo != null && !queue.isEmpty()) {
            askNextTo.tell(new ProducerController.MessageWithConfirmation<>(queue.poll(), confirmations));
            askNextTo = null; // until the controller asks for the next
        }
    }
}
