package org.nightwatch.camera;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Typed view of {@code nightwatch.camera} (see this module's reference.conf for each field's doc).
 *
 * @param width           pixels per row of every sensor
 * @param height          rows of every sensor
 * @param frameRateHz     frames per second per sensor
 * @param aeron           transport settings
 * @param sourceQueueFrames frames a sensor may hold for sending before new ones are deferred (real time)
 * @param sendBatchBlocks   row blocks a camera sends to one sensor's stream per turn
 * @param seeingFwhmPx    median seeing of the simulated sky, FWHM in pixels
 * @param gain            e-/ADU
 * @param readNoise       e-
 * @param saturate        ADU
 */
public record CameraSettings(int width, int height, double frameRateHz, Aeron aeron, int sourceQueueFrames, int sendBatchBlocks,
                             double seeingFwhmPx, double gain, double readNoise, int saturate) {

    /**
     * @param embeddedDriver  start a media driver inside this process
     * @param directory       media driver directory; empty: a fresh one under Aeron's default location
     * @param channel         {@code aeron:ipc} or {@code aeron:udp?endpoint=HOST:PORT}
     * @param termLength      term buffer length in bytes (power of two)
     * @param mtu             largest fragment in bytes; a row block fits in one
     * @param socketBuffer    UDP socket buffer in bytes (kept within the kernel's limit)
     * @param driverTimeout   how long a client waits for the driver
     * @param driverIdleSleep how long an idle embedded driver sleeps over IPC (0: spin, yield, then park briefly; over
     *                        UDP the driver moves the data itself and never sleeps that long)
     * @param receiveHost     this machine's address on which a multi-destination channel's frames arrive
     */
    public record Aeron(boolean embeddedDriver, String directory, String channel, int termLength, int mtu,
                        int socketBuffer, Duration driverTimeout, Duration driverIdleSleep, String receiveHost) {

        /** Within one machine: frames arrive on the loopback address. */
        public Aeron(boolean embeddedDriver, String directory, String channel, int termLength, int mtu, int socketBuffer,
                     Duration driverTimeout, Duration driverIdleSleep) {
            this(embeddedDriver, directory, channel, termLength, mtu, socketBuffer, driverTimeout, driverIdleSleep, "127.0.0.1");
        }

        /** The same transport on another channel. */
        public Aeron onChannel(String frameChannel) {
            return new Aeron(embeddedDriver, directory, frameChannel, termLength, mtu, socketBuffer, driverTimeout, driverIdleSleep,
                receiveHost);
        }
    }

    public static CameraSettings from(Config root) {
        Config c = root.getConfig("nightwatch.camera");
        Config a = c.getConfig("aeron");
        return new CameraSettings(
            c.getInt("width"), c.getInt("height"), c.getDouble("frame-rate-hz"),
            new Aeron(a.getBoolean("embedded-driver"), a.getString("directory"), a.getString("channel"),
                (int) a.getBytes("term-length").longValue(), (int) a.getBytes("mtu").longValue(),
                (int) a.getBytes("socket-buffer").longValue(), a.getDuration("driver-timeout"),
                a.getDuration("driver-idle-sleep"), a.getString("receive-host")),
            c.getInt("source-queue-frames"), c.getInt("send-batch-blocks"), c.getDouble("sim.seeing-fwhm-px"), c.getDouble("sim.gain"),
            c.getDouble("sim.read-noise"), c.getInt("sim.saturate"));
    }

    public long frameIntervalNs() {
        return Math.round(1e9 / frameRateHz);
    }

    public int frameBytes() {
        return width * height * 2;
    }
}
