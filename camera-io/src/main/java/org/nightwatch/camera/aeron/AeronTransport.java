package org.nightwatch.camera.aeron;

import io.aeron.Aeron;
import io.aeron.ChannelUri;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import java.io.File;
import java.util.concurrent.TimeUnit;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.nightwatch.camera.CameraSettings;
import org.nightwatch.protocol.SensorId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frame transport of one process: an embedded media driver (unless configured to use an external
 * one) and the Aeron client, with one stream per sensor ({@link SensorId#streamId()}).
 *
 * <p>Channels carry the configured term length and MTU so that every row block is one unfragmented
 * message. Closing the transport closes the client, then the driver, and deletes an embedded
 * driver's directory.
 */
public final class AeronTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AeronTransport.class);

    private final CameraSettings.Aeron settings;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final String channel;
    private final String subscriptionChannel;

    private AeronTransport(CameraSettings.Aeron settings, MediaDriver driver, Aeron aeron) {
        this.settings = settings;
        this.driver = driver;
        this.aeron = aeron;
        this.channel = channelUri(settings);
        this.subscriptionChannel = subscriptionUri(settings);
    }

    public static AeronTransport start(CameraSettings.Aeron settings) {
        String dir = settings.directory().isBlank() ? AeronDirectories.fresh("night") : settings.directory();
        MediaDriver driver = null;
        if (settings.embeddedDriver()) {
            AeronDirectories.reclaimDead();
            MediaDriver.Context ctx = new MediaDriver.Context()
                .aeronDirectoryName(dir)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                // One shared driver thread. For IPC it only moves publication limits and cleans used
                // terms, so it may sleep between duty cycles and leave the cores to the pipeline.
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(settings.driverIdleSleep().isZero() || settings.channel().startsWith("aeron:udp")
                    ? new BackoffIdleStrategy(1, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1))
                    : new SleepingIdleStrategy(settings.driverIdleSleep().toNanos()))
                .ipcTermBufferLength(settings.termLength())
                .publicationTermBufferLength(settings.termLength())
                .ipcMtuLength(settings.mtu())
                .mtuLength(settings.mtu())
                .socketRcvbufLength(settings.socketBuffer())
                .socketSndbufLength(settings.socketBuffer())
                .initialWindowLength(Math.min(settings.socketBuffer(), settings.termLength() / 2))
                .publicationUnblockTimeoutNs(TimeUnit.SECONDS.toNanos(15))
                .clientLivenessTimeoutNs(TimeUnit.SECONDS.toNanos(10))
                .driverTimeoutMs(settings.driverTimeout().toMillis())
                .warnIfDirectoryExists(false);
            driver = MediaDriver.launchEmbedded(ctx);
            dir = driver.aeronDirectoryName();
            LOG.info("embedded Aeron media driver in {}", dir);
        }
        try {
            Aeron aeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(dir)
                .driverTimeoutMs(settings.driverTimeout().toMillis()));
            return new AeronTransport(settings, driver, aeron);
        } catch (RuntimeException e) {
            CloseHelper.quietClose(driver);
            throw new IllegalStateException("cannot connect to the Aeron media driver in " + dir + ": " + e.getMessage(), e);
        }
    }

    static String channelUri(CameraSettings.Aeron s) {
        ChannelUriStringBuilder b = new ChannelUriStringBuilder(s.channel())
            .termLength(s.termLength())
            .mtu(s.mtu());
        if (s.channel().startsWith("aeron:udp")) {
            b.socketRcvbufLength(s.socketBuffer()).socketSndbufLength(s.socketBuffer());
        }
        return b.build();
    }

    /**
     * The channel a sensor's frames are received on: the publication's, or, on a multi-destination channel
     * ({@code control=HOST:PORT|control-mode=dynamic}), this machine's receive address that joins it.
     */
    static String subscriptionUri(CameraSettings.Aeron s) {
        if (!s.channel().startsWith("aeron:udp")) {
            return channelUri(s);
        }
        ChannelUri uri = ChannelUri.parse(s.channel());
        String control = uri.get(CommonContext.MDC_CONTROL_PARAM_NAME);
        if (control == null) {
            return channelUri(s); // unicast: the receiver binds the endpoint
        }
        if (!CommonContext.MDC_CONTROL_MODE_DYNAMIC.equals(uri.get(CommonContext.MDC_CONTROL_MODE_PARAM_NAME))) {
            throw new IllegalArgumentException("nightwatch.camera.aeron.channel " + s.channel()
                + ": a channel with control= needs control-mode=dynamic, so that each machine that hosts a sensor joins it");
        }
        return new ChannelUriStringBuilder().media("udp").endpoint(s.receiveHost() + ":0").controlEndpoint(control)
            .controlMode(CommonContext.MDC_CONTROL_MODE_DYNAMIC).socketRcvbufLength(s.socketBuffer()).build();
    }

    /** The channel every sensor stream is published on, with term length and MTU. */
    public String channel() {
        return channel;
    }

    /** The channel every sensor stream is received on here. */
    public String subscriptionChannel() {
        return subscriptionChannel;
    }

    public ExclusivePublication addPublication(SensorId sensor) {
        return aeron.addExclusivePublication(channel, sensor.streamId());
    }

    public Subscription addSubscription(SensorId sensor) {
        return aeron.addSubscription(subscriptionChannel, sensor.streamId());
    }

    public Aeron aeron() {
        return aeron;
    }

    public CameraSettings.Aeron settings() {
        return settings;
    }

    /** The media driver's directory (where its CnC file and log buffers live). */
    public File directory() {
        return new File(aeron.context().aeronDirectoryName());
    }

    @Override
    public void close() {
        CloseHelper.closeAll(aeron, driver);
    }
}
