package org.nightwatch.actors.cluster;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.nightwatch.actors.WireMessage;

/**
 * The night the camera's node is running, announced to every worker node about once a second (Pekko's distributed
 * publish-subscribe, {@link Topic}), so that a worker prepares it (references, classifier, warm-ups: about 14 s
 * measured) as soon as it joins, not only once Sharding first places a sensor on it. A worker that joined when another
 * was lost was otherwise given the lost worker's sensors while it had nothing prepared, and they took frames only after
 * its preparation: 37-47 s after the kill instead of about 22.
 */
public final class NightsTopic {
    /** The topic's name. */
    public static final String NAME = "nightwatch-nights";

    /** The night to prepare. */
    public record Announce(SensorHost.NightPlan plan) implements WireMessage {
    }

    private NightsTopic() {
    }

    /** This node's handle on the topic (one per actor system). */
    public static ActorRef<Topic.Command<Announce>> start(ActorSystem<?> system) {
        return system.systemActorOf(Topic.create(Announce.class, NAME), "nights-topic", Props.empty());
    }
}
