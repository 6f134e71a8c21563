package org.nightwatch.camera.aeron;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import org.nightwatch.protocol.SensorId;

/** Free UDP ports on the loopback address for a frame channel between processes of one machine (tests). */
public final class FreePorts {
    private FreePorts() {
    }

    /**
     * A multi-destination frame channel whose control port and the ports after it, one a sensor
     * ({@link SensorId#MAX_SENSORS} in all), are free now.
     */
    public static String frameChannel() throws IOException {
        return "aeron:udp?control=127.0.0.1:" + controlPorts() + "|control-mode=dynamic";
    }

    /**
     * The first of {@link SensorId#MAX_SENSORS} consecutive UDP ports free on the loopback address, below Linux's
     * ephemeral range (32768 up), so that a port another test takes by binding port 0 (an alert stream's) is never
     * among them.
     */
    public static int controlPorts() throws IOException {
        int n = SensorId.MAX_SENSORS;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int tries = 0; tries < 50; tries++) {
            int base = random.nextInt(20_000, 32_000 - n);
            boolean all = true;
            for (int p = base; p < base + n && all; p++) {
                try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(loopback, p))) {
                    all = s.isBound();
                } catch (SocketException e) {
                    all = false;
                }
            }
            if (all) {
                return base;
            }
        }
        throw new IOException("no " + n + " consecutive UDP ports free on the loopback address between 20000 and 32000");
    }
}
