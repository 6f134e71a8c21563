package org.nightwatch.night;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nightwatch.scheduler.SchedulerSettings;

/**
 * What a night holds on this machine, claimed before anything is prepared: the control room's HTTP port, the
 * UDP control address of the Aeron alert stream, and the directories it writes. A second night on the machine
 * once prepared for 15 s before failing on the alert stream's port, and one given the same output directory
 * moved the running night's database away under it; now what is in use is said at once, naming it and how to
 * give this night another, and a port of 0 is chosen free.
 */
public final class NightClaims {
    private static final Pattern CONTROL = Pattern.compile("control=([^|:]+):(\\d+)");

    private NightClaims() {
    }

    /** A port or directory in use, with what the operator can do about it. */
    public static final class InUse extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        InUse(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Checks the ports of a night of {@code options} under {@code config}: the control room's (when
     * {@code withHttp}: a night whose room is already open has it) and the alert stream's. Returns the alert
     * stream's channel with its control port resolved, or null when the night has no alert stream.
     */
    public static String checkPorts(DeploymentConfig config, NightOptions options, boolean withHttp) {
        if (withHttp && options.httpPort() != null) {
            checkHttp(config.config().getString("nightwatch.control-room.host"), options.httpPort());
        }
        SchedulerSettings.Outputs outs = SchedulerSettings.from(config.config()).outputs();
        if (!options.diff() || !outs.aeron()) {
            return null;
        }
        checkBesideFrames(config.config().getString("nightwatch.camera.aeron.channel"), outs.aeronChannel());
        return alertChannel(outs.aeronChannel());
    }

    /**
     * Refuses an alert stream whose control address is one of the frame streams' (sensor i on the frame channel's port +
     * i, on the same host): the camera would hold the port, and the clash would read as another night's.
     */
    static void checkBesideFrames(String frameChannel, String alertChannel) {
        String first = org.nightwatch.camera.aeron.AeronTransport.controlAddress(frameChannel, org.nightwatch.protocol.SensorId.of(0));
        Matcher a = CONTROL.matcher(alertChannel);
        if (first == null || !a.find()) {
            return;
        }
        String last = org.nightwatch.camera.aeron.AeronTransport.controlAddress(frameChannel,
            org.nightwatch.protocol.SensorId.of(org.nightwatch.protocol.SensorId.MAX_SENSORS - 1));
        int colon = first.lastIndexOf(':');
        int firstPort = Integer.parseInt(first.substring(colon + 1));
        int lastPort = Integer.parseInt(last.substring(colon + 1));
        int alert = Integer.parseInt(a.group(2));
        if (first.substring(0, colon).equals(a.group(1)) && alert >= firstPort && alert <= lastPort) {
            throw new InUse("the alert stream's control address " + a.group(1) + ":" + alert + " is one of the frame streams' ports "
                + firstPort + "-" + lastPort + " (sensor i on " + firstPort + " + i, nightwatch.camera.aeron.channel): give the alert "
                + "stream another with --alert-port PORT, or the frames another first port", null);
        }
    }

    /** {@code channel} with the port of its control address set to {@code port}. */
    public static String withControlPort(String channel, int port) {
        Matcher m = CONTROL.matcher(channel);
        return m.find() ? channel.substring(0, m.start(2)) + port + channel.substring(m.end(2)) : channel;
    }

    /**
     * The alert stream's channel with its control port resolved: a port of 0 becomes a free one, and a port
     * some other process holds is an {@link InUse} naming it.
     */
    public static String alertChannel(String channel) {
        Matcher m = CONTROL.matcher(channel);
        if (!m.find()) {
            return channel; // no control address of ours to bind (an endpoint channel): nothing to check
        }
        String host = m.group(1);
        int port = Integer.parseInt(m.group(2));
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(host, port))) {
            return withControlPort(channel, s.getLocalPort());
        } catch (IOException e) {
            throw new InUse("the alert stream's control address " + host + ":" + port + " (UDP) is in use, perhaps by another night on "
                + "this machine: give this night another with --alert-port PORT (0 chooses a free one, -1 turns the stream off) or "
                + "nightwatch.scheduler.outputs.aeron.channel (" + e.getMessage() + ")", e);
        }
    }

    /** Checks that the control room's port is free on {@code host} (a port of 0 is chosen when the room binds). */
    public static void checkHttp(String host, int port) {
        if (port <= 0) {
            return;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true); // a port left in TIME_WAIT by an earlier night is free for the server too
            s.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new InUse("the control room's port " + host + ":" + port + " (HTTP) is in use, perhaps by another night on this "
                + "machine: give this night another with --http-port PORT (0 chooses a free one, -1 serves none) (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Holds {@code dir} (created if need be) for this night until {@link DirectoryLock#close}: an exclusive
     * lock on {@code dir/.nightwatch.lock}, which also says which process holds it. Another night that wants
     * the directory gets an {@link InUse} naming it, the holder's PID and {@code option}.
     */
    public static DirectoryLock lockDirectory(Path dir, String option) {
        try {
            Files.createDirectories(dir);
            Path f = dir.resolve(DirectoryLock.FILE);
            FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // a night of this same process holds it
            }
            if (lock == null) {
                String holder = new String(Files.readAllBytes(f), StandardCharsets.US_ASCII).trim();
                ch.close();
                throw new InUse(dir + " is in use by another night" + (holder.isEmpty() ? "" : " (process " + holder + ")")
                    + " on this machine: give this night another with " + option, null);
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new DirectoryLock(ch, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + dir + " for this night", e);
        }
    }

    /** A night's hold on a directory; the lock file stays (deleting it would let a third night lock a file no longer there). */
    public static final class DirectoryLock implements AutoCloseable {
        static final String FILE = ".nightwatch.lock";
        private final FileChannel channel;
        private final FileLock lock;

        DirectoryLock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() {
            try {
                channel.truncate(0);
                lock.release();
                channel.close();
            } catch (IOException e) {
                // released with the channel or the process
            }
        }
    }
}
