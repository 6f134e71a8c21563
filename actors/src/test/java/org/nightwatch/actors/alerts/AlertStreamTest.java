package org.nightwatch.actors.alerts;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.actors.cli.AlertsTailAccess;
import org.nightwatch.camera.CameraSettings;
import org.nightwatch.camera.aeron.AeronTransport;
import org.nightwatch.protocol.Alert;
import org.nightwatch.scheduler.AlertJson;
import org.nightwatch.scheduler.LiveAlerts;

/**
 * The Aeron alert stream as machine consumers see it, each with a media driver of its own (as a consumer
 * in another process has), and {@code nightwatch alerts tail}'s file feed and table.
 */
class AlertStreamTest {
    @TempDir
    Path dir;

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

    @Test
    void theFileFeedReadsCompleteLinesOnlyAndTheListRanksLikeTheScheduler() throws Exception {
        List<Alert> alerts = alerts(4);
        Path file = dir.resolve("alerts.jsonl");
        String all = String.join("\n", alerts.stream().map(x -> AlertJson.write(x, true)).toList()) + "\n";
        int cut = all.indexOf('\n', all.indexOf('\n') + 1) + 40; // two lines and part of the third
        Files.writeString(file, all.substring(0, cut), StandardCharsets.UTF_8);
        try (AlertsTailAccess.Feed f = AlertsTailAccess.file(file)) {
            assertEquals(alerts.subList(0, 2).stream().map(Alert::id).toList(), f.poll().stream().map(Alert::id).toList());
            assertTrue(f.poll().isEmpty(), "the line being written waits");
            Files.writeString(file, all.substring(cut), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            LiveAlerts live = new LiveAlerts();
            alerts.subList(0, 2).forEach(live::apply);
            f.poll().forEach(live::apply);
            assertEquals(alerts.size(), live.applied());
            assertEquals(4, live.size(), "four objects, each with its latest alert");
            List<Alert> ranked = live.ranked();
            for (int i = 1; i < ranked.size(); i++) {
                assertTrue(ranked.get(i - 1).rankScore() >= ranked.get(i).rankScore());
            }
            String table = AlertsTailAccess.render(live, 3);
            assertTrue(table.contains("4 live"), table);
            assertTrue(table.contains(ranked.get(0).objectId()) && !table.contains(ranked.get(3).objectId() + " "), table);
            assertTrue(table.contains("... 1 more"), table);
        }
    }
}
