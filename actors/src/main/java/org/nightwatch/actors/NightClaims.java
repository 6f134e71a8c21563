package org.nightwatch.actors;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
            int chosen = s.getLocalPort();
            return port == chosen ? channel : channel.substring(0, m.start(2)) + chosen + channel.substring(m.end(2));
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
    public static DirectoryLock lockDirectory(java.nio.file.Path dir, String option) {
        try {
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Path f = dir.resolve(DirectoryLock.FILE);
            java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE);
            java.nio.channels.FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null; // a night of this same process holds it
            }
            if (lock == null) {
                String holder = new String(java.nio.file.Files.readAllBytes(f), java.nio.charset.StandardCharsets.US_ASCII).trim();
                ch.close();
                throw new InUse(dir + " is in use by another night" + (holder.isEmpty() ? "" : " (process " + holder + ")")
                    + " on this machine: give this night another with " + option, null);
            }
            ch.truncate(0);
            ch.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII)), 0);
            return new DirectoryLock(ch, lock);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot lock " + dir + " for this night", e);
        }
    }

    /** A night's hold on a directory; the lock file stays (deleting it would let a third night lock a file no longer there). */
    public static final class DirectoryLock implements AutoCloseable {
        static final String FILE = ".nightwatch.lock";
        private final java.nio.channels.FileChannel channel;
        private final java.nio.channels.FileLock lock;

        DirectoryLock(java.nio.channels.FileChannel channel, java.nio.channels.FileLock lock) {
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
