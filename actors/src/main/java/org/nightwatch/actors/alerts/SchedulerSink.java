package org.nightwatch.actors.alerts;

import org.apache.pekko.actor.typed.ActorRef;
import org.nightwatch.actors.diff.VisitDiff;
import org.nightwatch.actors.pipeline.StackedVisit;
import org.nightwatch.actors.pipeline.VisitSink;

/** Hands each differenced visit's scored candidates to the scheduler actor (set once the actor system runs). */
public final class SchedulerSink implements VisitSink {
    private volatile ActorRef<SchedulerActor.Command> scheduler;

    public void connect(ActorRef<SchedulerActor.Command> ref) {
        this.scheduler = ref;
    }

    @Override
    public void accept(StackedVisit s) {
        VisitDiff d = s.diff();
        ActorRef<SchedulerActor.Command> ref = scheduler;
        if (d == null || d.candidates().isEmpty() || ref == null) {
            return;
        }
        ref.tell(new SchedulerActor.Scored(d.candidates(), System.nanoTime()));
    }
}
