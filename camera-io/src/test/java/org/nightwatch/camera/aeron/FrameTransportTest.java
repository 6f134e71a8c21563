package org.nightwatch.camera.aeron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aeron.Subscription;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nightwatch.camera.CameraSettings;
import org.nightwatch.protocol.FrameCodec;
import org.nightwatch.protocol.FrameFate;
import org.nightwatch.protocol.FrameHeader;
import org.nightwatch.protocol.SensorId;

/** Full-size frames through a real embedded media driver: whole, in order, pixels intact. */
class FrameTransportTest {
    static final int W = 2000;
    static final int H = 1128;
    AeronTransport transport;

    @BeforeEach
    void start() {
        transport = AeronTransport.start(new CameraSettings.Aeron(true, "", "aeron:ipc", 2 << 20, 65504, 4 << 20,
            Duration.ofSeconds(10), Duration.ofMillis(1)));
    }

    @AfterEach
    void stop() {
        transport.close();
    }

    /** Reassembles frames from blocks, as a receiver would, checking every pixel. */
    static final class Collector implements FrameListener {
        final List<Long> completeFrames = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        long eosPublished = -1;
        long deferredFirst = -1;
        long deferredLast = -1;
        int rows;
        long seq = -1;
        boolean refuse;

        @Override
        public boolean onBlock(FrameCodec.FrameBlock b, DirectBuffer buffer) {
            if (refuse) {
                return false;
            }
            if (b.frameSequence() != seq) {
                seq = b.frameSequence();
                rows = 0;
            }
            for (int r = 0; r < b.rowCount(); r++) {
                int y = b.firstRow() + r;
                for (int x = 0; x < W; x += 397) {
                    int v = buffer.getShort(b.pixelOffset() + 2 * (r * W + x), ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
                    if (v != expected(seq, x, y)) {
                        problems.add("frame " + seq + " pixel " + x + "," + y + " = " + v);
                    }
                }
            }
            rows += b.rowCount();
            if (rows == H) {
                completeFrames.add(seq);
            }
            return true;
        }

        @Override
        public void onDeferred(long first, long last, FrameFate fate) {
            deferredFirst = first;
            deferredLast = last;
        }

        @Override
        public void onEndOfStream(long published, long lastSequence) {
            eosPublished = published;
        }

        @Override
        public void onMalformed(String reason) {
            problems.add(reason);
        }
    }

    static int expected(long seq, int x, int y) {
        return (int) ((seq * 7919 + x * 31 + y * 17) & 0xFFFF);
    }

    static DirectBuffer frame(long seq) {
        ByteBuffer bb = ByteBuffer.allocateDirect(W * H * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                bb.putShort((short) expected(seq, x, y));
            }
        }
        return new UnsafeBuffer(bb);
    }

    static FrameHeader header(int sensor, long seq) {
        return new FrameHeader(sensor, seq, seq / 12, (int) (seq % 12), 12, 1_000_000_000L * seq, 500_000_000L, W, H, 10, 20);
    }

    @Test
    void fullSizeFramesArriveWholeAsMtuSizedBlocks() {
        SensorId sensor = SensorId.of(5);
        Subscription sub = transport.addSubscription(sensor);
        FrameSender sender = new FrameSender(transport.addPublication(sensor), W, H);
        assertEquals(16, sender.rowsPerBlock());
        Collector c = new Collector();
        FrameReceiver receiver = new FrameReceiver(c);
        await(sender::isConnected);
        DirectBuffer[] frames = {frame(0), frame(1), frame(2)};
        for (long seq = 0; seq < 3; seq++) {
            sendWhole(sender, sub, receiver, header(5, seq), frames[(int) seq]);
        }
        // A control message may meet back-pressure like any block (the last frame may still fill the term):
        // the sender reports it by returning false and is retried while the receiver drains.
        await(() -> sender.sendDeferred(5, 3, 4, FrameFate.DEFERRED_AT_SOURCE) || sub.controlledPoll(receiver, 16) < 0);
        await(() -> sender.sendEndOfStream(5, 5, 4) || sub.controlledPoll(receiver, 16) < 0);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (c.eosPublished < 0 && System.nanoTime() < deadline) {
            sub.controlledPoll(receiver, 64);
        }
        assertEquals(List.of(), c.problems);
        assertEquals(List.of(0L, 1L, 2L), c.completeFrames);
        assertEquals(3, c.deferredFirst);
        assertEquals(4, c.deferredLast);
        assertEquals(5, c.eosPublished);
        assertEquals(3 * 71, sender.blocksSent(), "1128 rows in blocks of 16");
    }

    @Test
    void aReceiverThatRefusesBackPressuresTheSenderWithoutLoss() {
        SensorId sensor = SensorId.of(6);
        Subscription sub = transport.addSubscription(sensor);
        FrameSender sender = new FrameSender(transport.addPublication(sensor), W, H);
        Collector c = new Collector();
        FrameReceiver receiver = new FrameReceiver(c);
        await(sender::isConnected);
        c.refuse = true;
        sender.begin(header(6, 0), frame(0));
        for (int i = 0; i < 1000 && sender.busy(); i++) {
            sender.sendSome(71);
            sub.controlledPoll(receiver, 16);
        }
        assertTrue(sender.busy(), "a 4.5 MB frame cannot fit a 2 MiB term's window while nobody reads");
        assertTrue(sender.backPressured() > 0, "the refusals come back as counted back-pressure");
        c.refuse = false;
        sendWhole(sender, sub, receiver, null, null);
        while (c.completeFrames.isEmpty()) {
            sub.controlledPoll(receiver, 16);
        }
        assertEquals(List.of(0L), c.completeFrames);
        assertEquals(List.of(), c.problems);
    }

    @Test
    void fullSizeFramesCrossUdpOnLoopbackWhole() throws java.io.IOException {
        transport.close();
        int port;
        try (java.net.DatagramSocket free = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        // between machines frames go over UDP: MTU 64 KiB, socket buffers within the kernel limit
        transport = AeronTransport.start(new CameraSettings.Aeron(true, "", "aeron:udp?endpoint=127.0.0.1:" + port, 2 << 20,
            65504, 4 << 20, Duration.ofSeconds(10), Duration.ZERO));
        assertTrue(transport.channel().contains("mtu=65504"), transport.channel());
        SensorId sensor = SensorId.of(83);
        Subscription sub = transport.addSubscription(sensor);
        FrameSender sender = new FrameSender(transport.addPublication(sensor), W, H);
        Collector c = new Collector();
        FrameReceiver receiver = new FrameReceiver(c);
        await(sender::isConnected);
        DirectBuffer[] frames = {frame(10), frame(11)};
        for (int k = 0; k < 2; k++) {
            sendWhole(sender, sub, receiver, header(83, 10 + k), frames[k]);
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (c.completeFrames.size() < 2 && System.nanoTime() < deadline) {
            sub.controlledPoll(receiver, 16);
        }
        assertEquals(List.of(), c.problems);
        assertEquals(List.of(10L, 11L), c.completeFrames);
    }

    @Test
    void aSensorsStreamFollowsItWhenAnotherMachineTakesItOverWithoutTheCameraChangingAnything() throws java.io.IOException {
        transport.close();
        int port;
        port = FreePorts.controlPorts();
        // the camera publishes on a multi-destination channel; each "machine" (a transport with a media driver of its
        // own) that hosts the sensor joins it from its receive address
        CameraSettings.Aeron udp = new CameraSettings.Aeron(true, "", "aeron:udp?control=127.0.0.1:" + port + "|control-mode=dynamic",
            2 << 20, 65504, 4 << 20, Duration.ofSeconds(10), Duration.ZERO);
        transport = AeronTransport.start(udp);
        SensorId sensor = SensorId.of(7);
        FrameSender sender = new FrameSender(transport.addPublication(sensor), W, H);
        DirectBuffer[] frames = {frame(10), frame(11)};
        try (AeronTransport first = AeronTransport.start(udp); AeronTransport second = AeronTransport.start(udp)) {
            String joins = first.subscriptionChannel(sensor);
            assertTrue(joins.contains("endpoint=127.0.0.1:0") && joins.contains("control=127.0.0.1:" + (port + 7)), joins);
            Subscription a = first.addSubscription(sensor);
            Collector ca = new Collector();
            FrameReceiver ra = new FrameReceiver(ca);
            await(sender::isConnected);
            sendWhole(sender, a, ra, header(7, 10), frames[0]);
            pollUntil(a, ra, () -> ca.completeFrames.size() == 1);
            assertEquals(List.of(10L), ca.completeFrames);
            // the sensor moves: the first machine lets its stream go, the second takes it
            a.close();
            Subscription b = second.addSubscription(sensor);
            Collector cb = new Collector();
            FrameReceiver rb = new FrameReceiver(cb);
            await(() -> b.isConnected());
            sendWhole(sender, b, rb, header(7, 11), frames[1]);
            pollUntil(b, rb, () -> cb.completeFrames.size() == 1);
            assertEquals(List.of(11L), cb.completeFrames);
            assertEquals(List.of(), cb.problems);
        }
    }

    @Test
    void eachMachineReceivesOnlyTheSensorsItHosts() throws java.io.IOException {
        transport.close();
        int port = FreePorts.controlPorts();
        CameraSettings.Aeron udp = new CameraSettings.Aeron(true, "", "aeron:udp?control=127.0.0.1:" + port + "|control-mode=dynamic",
            2 << 20, 65504, 4 << 20, Duration.ofSeconds(10), Duration.ZERO);
        transport = AeronTransport.start(udp);
        SensorId[] sensors = {SensorId.of(7), SensorId.of(8)};
        FrameSender[] senders = {new FrameSender(transport.addPublication(sensors[0]), W, H),
            new FrameSender(transport.addPublication(sensors[1]), W, H)};
        int frames = 4;
        try (AeronTransport first = AeronTransport.start(udp); AeronTransport second = AeronTransport.start(udp)) {
            AeronTransport[] machines = {first, second};
            Subscription[] subs = {first.addSubscription(sensors[0]), second.addSubscription(sensors[1])};
            Collector[] got = {new Collector(), new Collector()};
            FrameReceiver[] receivers = {new FrameReceiver(got[0]), new FrameReceiver(got[1])};
            await(() -> senders[0].isConnected() && senders[1].isConnected());
            long[] before = {bytesReceived(first), bytesReceived(second)};
            for (int f = 0; f < frames; f++) {
                for (int m = 0; m < 2; m++) {
                    sendWhole(senders[m], subs[m], receivers[m], header(sensors[m].index(), f), frame(f));
                }
            }
            for (int m = 0; m < 2; m++) {
                int mine = m;
                pollUntil(subs[m], receivers[m], () -> got[mine].completeFrames.size() == frames);
                assertEquals(List.of(0L, 1L, 2L, 3L), got[m].completeFrames);
                assertEquals(List.of(), got[m].problems);
                // a machine receives the frames of the sensor it hosts, not the other's as well (then about twice as much)
                long received = bytesReceived(machines[m]) - before[m];
                long hosted = (long) frames * W * H * 2;
                assertTrue(received >= hosted && received < hosted * 5 / 4, machines[m] + " received " + received
                    + " bytes for " + hosted + " bytes of its sensor's frames");
            }
        }
    }

    /** What the media driver of {@code t} has received from the network (Aeron's system counter). */
    private static long bytesReceived(AeronTransport t) {
        long[] bytes = {-1};
        org.agrona.concurrent.status.CountersReader counters = t.aeron().countersReader();
        counters.forEach((id, type, key, label) -> {
            if (type == io.aeron.AeronCounters.DRIVER_SYSTEM_COUNTER_TYPE_ID
                && key.getInt(0) == io.aeron.AeronCounters.SYSTEM_COUNTER_ID_BYTES_RECEIVED) {
                bytes[0] = counters.getCounterValue(id);
            }
        });
        assertTrue(bytes[0] >= 0, "the driver counts the bytes it receives");
        return bytes[0];
    }

    @Test
    void aMultiDestinationChannelWithoutDynamicControlIsRefusedByName() {
        CameraSettings.Aeron manual = new CameraSettings.Aeron(true, "", "aeron:udp?control=127.0.0.1:40999|control-mode=manual",
            2 << 20, 65504, 4 << 20, Duration.ofSeconds(10), Duration.ZERO);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> AeronTransport.subscriptionUri(manual, SensorId.of(0)));
        assertTrue(e.getMessage().contains("nightwatch.camera.aeron.channel") && e.getMessage().contains("control-mode=dynamic"),
            e.getMessage());
    }

    @Test
    void aControlPortWithoutRoomForEverySensorIsRefusedByName() {
        for (String port : new String[] {"65500", "0"}) {
            CameraSettings.Aeron high = new CameraSettings.Aeron(true, "", "aeron:udp?control=127.0.0.1:" + port + "|control-mode=dynamic",
                2 << 20, 65504, 4 << 20, Duration.ofSeconds(10), Duration.ZERO);
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> AeronTransport.start(high));
            assertTrue(e.getMessage().contains("nightwatch.camera.aeron.channel") && e.getMessage().contains("127.0.0.1:" + port)
                && e.getMessage().contains("port + sensor index"), e.getMessage());
        }
    }

    private static void pollUntil(Subscription sub, FrameReceiver receiver, java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            sub.controlledPoll(receiver, 16);
        }
    }

    /** Begins {@code frame} (unless null: finish the one in progress) and sends it, polling as it goes. */
    private static void sendWhole(FrameSender sender, Subscription sub, FrameReceiver receiver, FrameHeader h, DirectBuffer frame) {
        if (h != null) {
            sender.begin(h, frame);
        }
        while (sender.busy()) {
            sender.sendSome(8);
            sub.controlledPoll(receiver, 16);
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.onSpinWait();
        }
    }
}
