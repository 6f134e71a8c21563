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
 * one) and the Aeron client, with one stream per sensor ({@link SensorId#streamId()}) and, between machines, a
 * multi-destination control address per sensor ({@link #controlAddress}).
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

    private AeronTransport(CameraSettings.Aeron settings, MediaDriver driver, Aeron aeron) {
        this.settings = settings;
        this.driver = driver;
        this.aeron = aeron;
        this.channel = channelUri(settings);
    }

    public static AeronTransport start(CameraSettings.Aeron settings) {
        controlAddress(settings, SensorId.of(0)); // a channel that cannot carry the sensors is said before anything starts
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
     * The channel {@code sensor}'s frames are published on: the configured one, except that on a multi-destination
     * channel the sensor has a control address of its own ({@link #controlAddress}).
     */
    static String channelUri(CameraSettings.Aeron s, SensorId sensor) {
        String control = controlAddress(s, sensor);
        String base = channelUri(s);
        return control == null ? base : new ChannelUriStringBuilder(base).controlEndpoint(control).build();
    }

    /**
     * The control address of {@code sensor}'s stream on a multi-destination channel ({@code control=HOST:PORT}): port
     * {@code PORT + sensor index}, or null when the channel has no control address.
     *
     * <p>Aeron keeps a multi-destination channel's receivers per control address, not per stream: every machine that
     * joins one address receives every stream published on it. With one address for the focal plane each worker would
     * receive all 84 sensors' frames (760 MB/s) to use its share, and each subscription (one a sensor) is a receiver of
     * its own, so a night of n sensors sent every block n times. An address per sensor sends a sensor's frames only to
     * the machine that hosts it (and, for the moment of a handover, the one it leaves).
     */
    static String controlAddress(CameraSettings.Aeron s, SensorId sensor) {
        return controlAddress(s.channel(), sensor);
    }

    /** {@link #controlAddress(CameraSettings.Aeron, SensorId)} of the frame channel {@code channel} as configured. */
    public static String controlAddress(String channel, SensorId sensor) {
        if (!channel.startsWith("aeron:udp")) {
            return null;
        }
        ChannelUri uri = ChannelUri.parse(channel);
        String control = uri.get(CommonContext.MDC_CONTROL_PARAM_NAME);
        if (control == null) {
            return null;
        }
        if (!CommonContext.MDC_CONTROL_MODE_DYNAMIC.equals(uri.get(CommonContext.MDC_CONTROL_MODE_PARAM_NAME))) {
            throw new IllegalArgumentException("nightwatch.camera.aeron.channel " + channel
                + ": a channel with control= needs control-mode=dynamic, so that each machine that hosts a sensor joins it");
        }
        int colon = control.lastIndexOf(':');
        int port;
        try {
            port = colon < 0 ? -1 : Integer.parseInt(control.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        int last = port + SensorId.MAX_SENSORS - 1;
        if (port <= 0 || last > 65535) {
            throw new IllegalArgumentException("nightwatch.camera.aeron.channel " + channel + ": the control address "
                + control + " needs a port from 1 to " + (65536 - SensorId.MAX_SENSORS) + ", the first of the "
                + SensorId.MAX_SENSORS + " UDP ports that sensors 0.." + (SensorId.MAX_SENSORS - 1) + " are sent on (port + sensor index)");
        }
        return control.substring(0, colon + 1) + (port + sensor.index());
    }

    /**
     * The channel a sensor's frames are received on: the publication's, or, on a multi-destination channel
     * ({@code control=HOST:PORT|control-mode=dynamic}), this machine's receive address that joins the sensor's control
     * address.
     */
    static String subscriptionUri(CameraSettings.Aeron s, SensorId sensor) {
        String control = controlAddress(s, sensor);
        if (control == null) {
            return channelUri(s); // IPC, or unicast: the receiver binds the endpoint
        }
        return new ChannelUriStringBuilder().media("udp").endpoint(s.receiveHost() + ":0").controlEndpoint(control)
            .controlMode(CommonContext.MDC_CONTROL_MODE_DYNAMIC).socketRcvbufLength(s.socketBuffer()).build();
    }

    /** The channel as configured, with term length and MTU: on a multi-destination channel, sensor 0's. */
    public String channel() {
        return channel;
    }

    /** Where sensors' frames go, for an operator: the channel and, on a multi-destination one, the ports sensors use. */
    public String describe() {
        String first = controlAddress(settings, SensorId.of(0));
        return first == null ? channel : channel + " (sensor i on control port " + first.substring(first.lastIndexOf(':') + 1)
            + " + i, stream " + SensorId.STREAM_ID_BASE + " + i)";
    }

    /** The channel {@code sensor}'s frames are received on here. */
    public String subscriptionChannel(SensorId sensor) {
        return subscriptionUri(settings, sensor);
    }

    public ExclusivePublication addPublication(SensorId sensor) {
        return aeron.addExclusivePublication(channelUri(settings, sensor), sensor.streamId());
    }

    /**
     * Subscribes to {@code sensor}'s frames. An image (the camera's stream as this machine receives it) that goes away
     * before the stream's end loses what it still held, and one that comes back joins where the camera is then: the loss
     * is a warning naming the sensor and the position (joins are logged at debug), so that frames the books count lost
     * can be traced to the transport.
     */
    public Subscription addSubscription(SensorId sensor) {
        return aeron.addSubscription(subscriptionUri(settings, sensor), sensor.streamId(),
            image -> LOG.debug("{}: frames from {} (session {}) join at position {}", sensor, image.sourceIdentity(),
                image.sessionId(), image.joinPosition()),
            image -> {
                if (image.isEndOfStream() || image.subscription().isClosed()) {
                    LOG.debug("{}: frames from {} (session {}) ended at position {}", sensor, image.sourceIdentity(),
                        image.sessionId(), image.position());
                } else {
                    LOG.warn("{}: the frame stream from {} (session {}) went away at position {} before its end: what it still "
                        + "held is lost", sensor, image.sourceIdentity(), image.sessionId(), image.position());
                }
            });
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
