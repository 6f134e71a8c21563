package org.nightwatch.actors.alerts;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import java.util.ArrayList;
import java.util.List;
import org.agrona.CloseHelper;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.nightwatch.protocol.Alert;
import org.nightwatch.scheduler.AlertAvro;

/**
 * A machine consumer of the Aeron alert stream ({@link AlertStreamPublisher}), with a media driver of its
 * own as a consumer in another process has: it joins the publisher's multi-destination-cast by its
 * control address and decodes each message back into an {@link Alert}. A message that is not a
 * nightwatch alert of this schema version is skipped, counted and said on standard error.
 */
public final class AlertStreamSubscriber implements AutoCloseable {
    private final MediaDriver driver;
    private final Aeron aeron;
    private final Subscription subscription;
    private final String channel;
    private final List<Alert> got = new ArrayList<>();
    private final FragmentAssembler assembler;
    private long skipped;

    /**
     * @param control  the publisher's control address, HOST:PORT
     * @param endpoint this machine's address the publisher sends to; null: the control address's host
     *                 (a consumer on the publisher's machine)
     */
    public AlertStreamSubscriber(String control, String endpoint, int streamId) {
        int colon = control.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("alert stream control address '" + control + "': expected HOST:PORT");
        }
        String host = endpoint != null ? endpoint : control.substring(0, colon);
        this.channel = "aeron:udp?endpoint=" + host + ":0|control=" + control + "|control-mode=dynamic";
        org.nightwatch.camera.aeron.AeronDirectories.reclaimDead();
        this.driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName(org.nightwatch.camera.aeron.AeronDirectories.fresh("alerts")) // never another consumer's or a night's
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        this.aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
        this.subscription = aeron.addSubscription(channel, streamId);
        this.assembler = new FragmentAssembler((buffer, offset, length, header) -> {
            byte[] message = new byte[length];
            buffer.getBytes(offset, message);
            try {
                got.add(AlertAvro.decode(message));
            } catch (IllegalArgumentException e) {
                skipped++;
                System.err.println("alert stream " + channel + ": a message skipped: " + e.getMessage());
            }
        });
    }

    /** The alerts that arrived since the last call, in order (none: empty). Not thread-safe: one poller. */
    public List<Alert> poll() {
        got.clear();
        subscription.poll(assembler, 64);
        return new ArrayList<>(got);
    }

    public boolean isConnected() {
        return subscription.isConnected();
    }

    public String channel() {
        return channel;
    }

    /** Messages that were not nightwatch alerts of this schema version. */
    public long skipped() {
        return skipped;
    }

    @Override
    public void close() {
        CloseHelper.closeAll(subscription, aeron, driver);
    }
}
