package org.nightwatch.actors.alerts;

import org.apache.pekko.actor.typed.ActorRef;
import org.nightwatch.actors.diff.VisitDiff;
import org.nightwatch.actors.pipeline.StackedVisit;
import org.nightwatch.actors.pipeline.VisitSink;

/**
 * Hands each visit's scored candidates to the scheduler actor (set once the actor system runs); a visit
 * without candidates (none found, or not differenced) goes too, so that the night's database records
 * every visit done and a restarted replay starts after them.
 */
public final class SchedulerSink implements VisitSink {
    private volatile ActorRef<SchedulerActor.Command> scheduler;
    private final java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();

    /** Visits handed to the scheduler so far. */
    public long sent() {
        return sent.get();
    }

    public void connect(ActorRef<SchedulerActor.Command> ref) {
        this.scheduler = ref;
    }

    @Override
    public void accept(StackedVisit s) {
        ActorRef<SchedulerActor.Command> ref = scheduler;
        if (ref == null) {
            return;
        }
        sent.incrementAndGet();
        ref.tell(scored(s));
    }

    /** The scheduler's message for a processed visit: its candidates (none when it was not differenced), sent now. */
    public static SchedulerActor.Scored scored(StackedVisit s) {
        VisitDiff d = s.diff();
        return new SchedulerActor.Scored(s.visit().sensor().index(), s.visit().visitId(),
            d == null ? java.util.List.of() : d.candidates(), org.nightwatch.actors.WireTime.now(),
            org.nightwatch.actors.WireTime.of(s.visit().closedNanos()),
            s.visit().flags().contains(org.nightwatch.actors.ingest.VisitFlag.CAUGHT_UP));
    }
}
