package org.nightwatch.actors.alerts;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.UnsafeBuffer;
import org.nightwatch.protocol.Alert;
import org.nightwatch.scheduler.AlertAvro;

/**
 * The Aeron alert stream for machine consumers: each alert change, once committed and written to the
 * night's files, offered as one Avro single-object message ({@link AlertAvro#encode}: the schema's
 * fingerprint, then the record). Consumers join the multi-destination-cast publication by subscribing to
 * its control address; a consumer that joins late or falls behind reads the rest from the files or the
 * database, the durable record.
 *
 * <p>It is fed by one consumer of the {@link AlertHub} on a thread of its own, so it never holds up the
 * scheduler. An offer refused for back-pressure (consumers draining) is tried again for at most
 * {@code patience}, then the alert is counted as dropped; with no consumer connected it is counted as
 * unheard. Both counts go to the night's summary. One thread publishes; any thread may read the counts.
 */
public final class AlertStreamPublisher implements AutoCloseable {
    private final ExclusivePublication publication;
    private final long patienceNanos;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong unheard = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    public AlertStreamPublisher(Aeron aeron, String channel, int streamId, long patienceMillis) {
        try {
            this.publication = aeron.addExclusivePublication(channel, streamId);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("alert stream: cannot publish on " + channel + " stream " + streamId + ": " + e.getMessage(), e);
        }
        this.patienceNanos = TimeUnit.MILLISECONDS.toNanos(patienceMillis);
    }

    public String channel() {
        return publication.channel();
    }

    public int streamId() {
        return publication.streamId();
    }

    public boolean isConnected() {
        return publication.isConnected();
    }

    /** Offers one alert; returns the outcome, also counted. */
    public Outcome publish(Alert a) {
        byte[] message = AlertAvro.encode(a);
        buffer.wrap(message);
        long deadline = System.nanoTime() + patienceNanos;
        while (true) {
            long r = publication.offer(buffer, 0, message.length);
            if (r > 0) {
                sent.incrementAndGet();
                return Outcome.SENT;
            }
            if (r == Publication.NOT_CONNECTED) {
                unheard.incrementAndGet();
                return Outcome.UNHEARD;
            }
            if (r == Publication.CLOSED || r == Publication.MAX_POSITION_EXCEEDED || System.nanoTime() > deadline) {
                dropped.incrementAndGet();
                return Outcome.DROPPED;
            }
            Thread.onSpinWait(); // BACK_PRESSURED or ADMIN_ACTION: the consumers are draining
        }
    }

    public enum Outcome { SENT, UNHEARD, DROPPED }

    public long sent() {
        return sent.get();
    }

    /** Alerts taken so far, whatever their outcome. */
    public long handled() {
        return sent.get() + unheard.get() + dropped.get();
    }

    /** Alerts offered while no consumer was connected. */
    public long unheard() {
        return unheard.get();
    }

    /** Alerts given up after back-pressure outlasted the patience. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        publication.close();
    }
}
