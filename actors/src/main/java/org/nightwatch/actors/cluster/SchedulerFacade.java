package org.nightwatch.actors.cluster;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.nightwatch.actors.alerts.SchedulerActor;

/**
 * The scheduler as the control room's node sees it when the scheduler runs on another node: the same questions as to a
 * {@link SchedulerActor} in this process (an operator's label, the live list, the totals), sent on to the scheduler
 * singleton ({@link SchedulerInlet}) wherever it runs. Visits never come here: the workers send theirs straight to it.
 */
public final class SchedulerFacade {
    private SchedulerFacade() {
    }

    public static Behavior<SchedulerActor.Command> create(ActorRef<SchedulerInlet.Command> inlet) {
        return Behaviors.setup(ctx -> Behaviors.receive(SchedulerActor.Command.class)
            .onMessage(SchedulerActor.Label.class, l -> {
                inlet.tell(new SchedulerInlet.Label(l.objectId(), l.label(), l.operator(), l.replyTo()));
                return Behaviors.same();
            })
            .onMessage(SchedulerActor.GetLive.class, g -> {
                // the answer comes to a short-lived actor of its own, which hands the list on (the asker times out alone)
                ActorRef<SchedulerInlet.LiveAlerts> once = ctx.spawnAnonymous(Behaviors.receive(SchedulerInlet.LiveAlerts.class)
                    .onAnyMessage(live -> {
                        g.replyTo().tell(live.alerts());
                        return Behaviors.stopped();
                    }).build());
                inlet.tell(new SchedulerInlet.GetLive(once));
                return Behaviors.same();
            })
            .onMessage(SchedulerActor.GetTotals.class, t -> {
                inlet.tell(new SchedulerInlet.Drain(t.replyTo()));
                return Behaviors.same();
            })
            .onAnyMessage(m -> {
                ctx.getLog().warn("scheduler facade: {} is not sent to a scheduler on another node", m.getClass().getSimpleName());
                return Behaviors.same();
            })
            .build());
    }
}
