package org.nightwatch.actors.alerts;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.DatagramSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nightwatch.camera.CameraSettings;
import org.nightwatch.camera.aeron.AeronTransport;
import org.nightwatch.protocol.Alert;
import org.nightwatch.scheduler.TestAlerts;

/**
 * The Aeron alert stream as machine consumers see it, each with a media driver of its own (as a consumer
 * in another process has).
 */
class AlertStreamTest {
    private AeronTransport transport;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void start() {
        transport = AeronTransport.start(new CameraSettings.Aeron(true, "", "aeron:ipc", 1 << 20, 65504, 4 << 20,
            Duration.ofSeconds(10), Duration.ofMillis(1)));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        transport.close();
    }

    static List<Alert> alerts(int objects) {
        return TestAlerts.night(objects);
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void everyConsumerThatJoinsGetsEachAlertWhole() throws Exception {
        int port = freeUdpPort();
        AlertStreamPublisher pub = new AlertStreamPublisher(transport.aeron(), "aeron:udp?control=127.0.0.1:" + port + "|control-mode=dynamic",
            4001, 50);
        closing.add(pub);
        List<Alert> alerts = alerts(3);
        assertEquals(AlertStreamPublisher.Outcome.UNHEARD, pub.publish(alerts.get(0)), "no consumer yet: counted, not blocked");

        AlertStreamSubscriber a = new AlertStreamSubscriber("127.0.0.1:" + port, null, 4001);
        AlertStreamSubscriber b = new AlertStreamSubscriber("127.0.0.1:" + port, null, 4001);
        closing.add(a);
        closing.add(b);
        await().atMost(Duration.ofSeconds(20)).until(() -> pub.isConnected() && a.isConnected() && b.isConnected());
        for (Alert x : alerts) {
            assertEquals(AlertStreamPublisher.Outcome.SENT, pub.publish(x));
        }
        for (AlertStreamSubscriber f : List.of(a, b)) {
            List<Alert> got = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                got.addAll(f.poll());
                return got.size() >= alerts.size();
            });
            assertEquals(alerts.stream().map(Alert::id).toList(), got.stream().map(Alert::id).toList(), "in order, each once");
            for (int i = 0; i < alerts.size(); i++) {
                assertEquals(alerts.get(i).rankScore(), got.get(i).rankScore());
                assertEquals(alerts.get(i).history(), got.get(i).history());
                assertArrayEquals(alerts.get(i).candidate().cutout(), got.get(i).candidate().cutout());
            }
        }
        assertEquals(1, pub.unheard());
        assertEquals(alerts.size(), pub.sent());
        assertEquals(0, pub.dropped());
        assertEquals(0, a.skipped());
    }
}
