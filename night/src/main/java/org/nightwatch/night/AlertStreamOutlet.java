package org.nightwatch.night;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.nightwatch.actors.alerts.AlertHub;
import org.nightwatch.actors.alerts.AlertStreamPublisher;
import org.nightwatch.actors.alerts.SchedulerTotals;
import org.nightwatch.camera.aeron.AeronTransport;
import org.nightwatch.protocol.Alert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Aeron alert stream (Avro messages) as one of an {@link AlertHub}'s consumers, on a thread of its own: on the node
 * whose hub has the night's alerts (the scheduler's, or on a cluster the control room's).
 */
final class AlertStreamOutlet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertStreamOutlet.class);

    private final AlertStreamPublisher stream;
    private AlertHub hub;

    /** The stream on {@code channel}, with the stream id and the patience for a consumer behind of {@code settings}. */
    AlertStreamOutlet(AeronTransport transport, String channel, SchedulerRole.Settings settings) {
        this.stream = new AlertStreamPublisher(transport.aeron(), channel, settings.scheduler().outputs().aeronStreamId(),
            settings.streamPatience().toMillis());
        LOG.info("alert stream: Avro messages on {} stream {}", stream.channel(), stream.streamId());
    }

    /** Starts sending what {@code hub} publishes from now on. */
    void start(ActorSystem<?> system, AlertHub hub) {
        this.hub = hub;
        hub.source().runWith(Sink.<Alert>foreach(stream::publish)
            .withAttributes(ActorAttributes.dispatcher("nightwatch.alert-stream-dispatcher")), Materializer.matFromSystem(system));
    }

    /** Waits (at most 30 s) for the stream to have sent what the hub was offered, then gives {@code totals} its counts. */
    SchedulerTotals drain(SchedulerTotals totals) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (stream.handled() + hub.dropped() < hub.offered() && System.nanoTime() < until) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return totals.withStream(new SchedulerTotals.Stream(stream.channel(), stream.streamId(), stream.sent(), stream.unheard(),
            stream.dropped()));
    }

    @Override
    public void close() {
        stream.close();
    }
}
