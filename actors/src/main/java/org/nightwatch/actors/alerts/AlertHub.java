package org.nightwatch.actors.alerts;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
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
    /**
     * An alert change and when it was offered to the hub (epoch ms), for delivery latency downstream;
     * {@code sinceVisitNanos}: from its visit's last frame to then (negative: not known).
     */
    public record Published(Alert alert, long atMillis, long sinceVisitNanos) {
    }

    private final BoundedSourceQueue<Published> queue;
    private final Source<Published, NotUsed> source;
    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final ConcurrentHistogram visitToAlert = new ConcurrentHistogram(TimeUnit.HOURS.toNanos(1), 3);

    public AlertHub(Materializer mat, int buffer) {
        Pair<BoundedSourceQueue<Published>, Source<Published, NotUsed>> p = Source.<Published>queue(buffer)
            .toMat(BroadcastHub.of(Published.class, 256), Keep.both())
            .run(mat);
        this.queue = p.first();
        this.source = p.second();
        // one consumer always attached, so the hub keeps flowing while no live consumer has joined
        source.runWith(Sink.ignore(), mat);
    }

    /** A source of the alert changes published from now on. */
    public Source<Alert, NotUsed> source() {
        return source.map(Published::alert);
    }

    /** The same, each change with the time it was offered. */
    public Source<Published, NotUsed> publishedSource() {
        return source;
    }

    /** Offers one alert; false (counted) when the buffer for live consumers is full. */
    public boolean publish(Alert a) {
        return publish(a, -1);
    }

    /**
     * Offers one alert whose visit closed {@code sinceVisitNanos} ago (negative: unknown), kept for the
     * live latency gauges; false (counted) when the buffer for live consumers is full.
     */
    public boolean publish(Alert a, long sinceVisitNanos) {
        offered.incrementAndGet();
        if (sinceVisitNanos >= 0) {
            visitToAlert.recordValue(Math.min(visitToAlert.getHighestTrackableValue(), sinceVisitNanos));
        }
        QueueOfferResult r = queue.offer(new Published(a, System.currentTimeMillis(), sinceVisitNanos));
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

    /** A visit's last frame to its alerts offered here, tonight so far: percentile {@code p}, ms (NaN before any). */
    public double visitToAlertMs(double p) {
        return visitToAlert.getTotalCount() == 0 ? Double.NaN : visitToAlert.getValueAtPercentile(p) / 1e6;
    }

    @Override
    public void close() {
        queue.complete();
    }
}
