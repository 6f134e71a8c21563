package org.nightwatch.actors.alerts;

import org.apache.pekko.actor.typed.ActorRef;
import org.nightwatch.actors.diff.VisitDiff;
import org.nightwatch.actors.pipeline.StackedVisit;
import org.nightwatch.actors.pipeline.VisitSink;

/**
 * Hands each visit's scored candidates to the scheduler actor (set once the actor system runs); a visit
 * without candidates (none found, or not differenced) goes too, so that the night's database records
 * every visit done and a restarted replay starts after them. A visit done before the scheduler is connected (a
 * resumed night's spooled visit, caught up while the night is still being started) waits here for it, in order.
 */
public final class SchedulerSink implements VisitSink {
    private volatile ActorRef<SchedulerActor.Command> scheduler;
    private final java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
    /** Visits done before the scheduler was connected (guarded by this). */
    private final java.util.List<SchedulerActor.Scored> waiting = new java.util.ArrayList<>();

    /** Visits handed to the scheduler so far. */
    public long sent() {
        return sent.get();
    }

    /** Visits done and waiting for the scheduler to be connected. */
    public synchronized int waiting() {
        return waiting.size();
    }

    /** Connects the scheduler: the visits waiting go to it first, in the order they were done. */
    public synchronized void connect(ActorRef<SchedulerActor.Command> ref) {
        for (SchedulerActor.Scored s : waiting) {
            sent.incrementAndGet();
            ref.tell(s);
        }
        waiting.clear();
        this.scheduler = ref;
    }

    @Override
    public void accept(StackedVisit s) {
        ActorRef<SchedulerActor.Command> ref = scheduler;
        if (ref == null) {
            synchronized (this) {
                ref = scheduler;
                if (ref == null) {
                    waiting.add(scored(s));
                    return;
                }
            }
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
