package org.nightwatch.actors.cluster;

import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.nightwatch.actors.WireMessage;
import org.nightwatch.actors.alerts.AlertHub;
import org.nightwatch.protocol.Alert;

/**
 * The night's alert changes from the scheduler's node to the control room's, when they are not the same node: Pekko's
 * distributed publish-subscribe ({@link Topic}). The scheduler's node publishes each change it committed; the room's
 * node offers them to its {@link AlertHub}, which feeds the control room and the Aeron alert stream there, so that the
 * stream's address does not move with the scheduler.
 *
 * <p>Publish-subscribe delivers at most once, and a scheduler node lost mid-night takes with it the changes it had
 * committed but not yet published. So when a scheduler node is lost, the room asks the scheduler that goes on for the
 * night's committed changes ({@link SchedulerInlet.Replay}), and offers those it has not seen, each once (an alert
 * change's id is stable): no committed alert is lost or repeated downstream.
 */
public final class AlertsTopic {
    /** The topic's name. */
    public static final String NAME = "nightwatch-alerts";

    /**
     * A committed alert change; {@code sinceVisitNanos}: from its visit's last frame (negative: not known, as for one sent
     * again from the database).
     */
    public record Change(Alert alert, long sinceVisitNanos) implements WireMessage {
    }

    private AlertsTopic() {
    }

    /** This node's handle on the topic (one per actor system). */
    public static ActorRef<Topic.Command<Change>> start(ActorSystem<?> system) {
        return system.systemActorOf(Topic.create(Change.class, NAME), "alerts-topic", Props.empty());
    }

    /** The room's side: each change not seen before goes to {@code hub}, in the order it comes. */
    public static Behavior<Change> toHub(AlertHub hub) {
        return Behaviors.setup(ctx -> {
            Set<String> seen = new HashSet<>();
            return Behaviors.receive(Change.class)
                .onMessage(Change.class, c -> {
                    if (seen.add(c.alert().id())) {
                        hub.publish(c.alert(), c.sinceVisitNanos());
                    }
                    return Behaviors.same();
                })
                .build();
        });
    }
}
