package org.nightwatch.actors.alerts;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.BroadcastHub;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.nightwatch.protocol.Alert;

/**
 * The live alert stream: every committed alert change is offered here, and any number of consumers join
 * with {@link #source()} (a Pekko Streams BroadcastHub). The hub never holds up the scheduler: when its
 * buffer is full (a consumer far behind) an alert is dropped for the live consumers and counted; the
 * database and the alert files, written before the hub, always have it.
 */
public final class AlertHub implements AutoCloseable {
    private final BoundedSourceQueue<Alert> queue;
    private final Source<Alert, NotUsed> source;
    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    public AlertHub(Materializer mat, int buffer) {
        Pair<BoundedSourceQueue<Alert>, Source<Alert, NotUsed>> p = Source.<Alert>queue(buffer)
            .toMat(BroadcastHub.of(Alert.class, 256), Keep.both())
            .run(mat);
        this.queue = p.first();
        this.source = p.second();
        // one consumer always attached, so the hub keeps flowing while no live consumer has joined
        source.runWith(Sink.ignore(), mat);
    }

    /** A source of the alert changes published from now on. */
    public Source<Alert, NotUsed> source() {
        return source;
    }

    /** Offers one alert; false (counted) when the buffer for live consumers is full. */
    public boolean publish(Alert a) {
        offered.incrementAndGet();
        QueueOfferResult r = queue.offer(a);
        if (r != QueueOfferResult.enqueued()) {
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    public long offered() {
        return offered.get();
    }

    /** Alerts the live consumers missed (they are in the database and the files). */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        queue.complete();
    }
}
