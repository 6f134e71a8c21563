package org.nightwatch.actors.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nightwatch.actors.ingest.ClosedVisit;
import org.nightwatch.actors.ingest.ClosedVisits;
import org.nightwatch.actors.ingest.StackBufferPool;
import org.nightwatch.actors.ingest.VisitFlag;
import org.nightwatch.actors.pipeline.StackedVisit;

/**
 * Every visit done reaches the scheduler, those done before it runs included: a resumed night catches up its spooled
 * visits as soon as its workers start, before the scheduler actor is connected, and one of them was dropped (a
 * spooled visit neither done before the kill nor after the resume).
 */
class SchedulerSinkTest {
    private final ActorTestKit kit = ActorTestKit.create();
    private final StackBufferPool pool = new StackBufferPool(8, 4, 3);

    @AfterEach
    void stop() {
        kit.shutdownTestKit();
    }

    private StackedVisit visit(int sensor, long visitId) {
        ClosedVisit v = ClosedVisits.of(pool, sensor, visitId, EnumSet.of(VisitFlag.CAUGHT_UP));
        return new StackedVisit(v, new float[32], 100f, EnumSet.of(VisitFlag.CAUGHT_UP));
    }

    @Test
    void visitsDoneBeforeTheSchedulerIsConnectedReachItOnceItIsInTheOrderTheyWereDone() {
        SchedulerSink sink = new SchedulerSink();
        sink.accept(visit(1, 1));
        sink.accept(visit(2, 4));
        assertEquals(2, sink.waiting());
        assertEquals(0, sink.sent());

        TestProbe<SchedulerActor.Command> scheduler = kit.createTestProbe();
        sink.connect(scheduler.getRef());
        sink.accept(visit(1, 2));

        SchedulerActor.Scored first = scheduler.expectMessageClass(SchedulerActor.Scored.class);
        SchedulerActor.Scored second = scheduler.expectMessageClass(SchedulerActor.Scored.class);
        SchedulerActor.Scored third = scheduler.expectMessageClass(SchedulerActor.Scored.class);
        assertEquals(java.util.List.of("1/1", "2/4", "1/2"),
            java.util.List.of(first.sensor() + "/" + first.visit(), second.sensor() + "/" + second.visit(), third.sensor() + "/" + third.visit()));
        assertEquals(true, first.late(), "a caught-up visit says so");
        assertEquals(3, sink.sent());
        assertEquals(0, sink.waiting());
        scheduler.expectNoMessage();
    }
}
