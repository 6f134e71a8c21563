package org.nightwatch.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.scheduler.AlertJson;
import org.nightwatch.scheduler.AlertAvro;
import org.nightwatch.scheduler.AlertJsonLines;
import org.nightwatch.scheduler.AlertOutputs;
import org.nightwatch.scheduler.AlertStore;

/**
 * {@code nightwatch simulate} killed with SIGKILL in the middle of its night and started again with the
 * same command: the night resumes from its database, every alert committed before the kill is still
 * there, and no alert is stored or written twice.
 */
class AlertRestartSystemTest {
    @TempDir
    Path dir;

    private int streamPort;

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void aNightKilledMidwayAndRestartedLosesNoCommittedAlertAndDuplicatesNone() throws Exception {
        try (java.net.DatagramSocket free = new java.net.DatagramSocket(0)) {
            streamPort = free.getLocalPort();
        }
        Path out = dir.resolve("night-out");
        Path alerts = out.resolve(AlertJsonLines.FILE);
        Path log1 = dir.resolve("first.log");
        Process first = nightwatch(out).redirectOutput(log1.toFile()).start();
        try {
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(50))
                .until(() -> !first.isAlive() || Files.exists(alerts) && Files.size(alerts) > 0 && lines(alerts) >= 3);
            assertTrue(first.isAlive(), "the night ended before alerts appeared: " + Files.readString(log1));
        } finally {
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no close
            first.waitFor(30, TimeUnit.SECONDS);
        }
        Set<String> committed = new HashSet<>();
        try (AlertStore store = AlertStore.open("", "", "", out)) {
            store.alertsAfter(0, 100_000).forEach(a -> committed.add(a.alert().id()));
            assertTrue(!store.night().completed(), "killed before the night completed");
        }
        assertTrue(committed.size() >= 3, "alerts committed before the kill: " + committed.size());

        Path log2 = dir.resolve("second.log");
        Process second = nightwatch(out).redirectOutput(log2.toFile()).start();
        assertTrue(second.waitFor(5, TimeUnit.MINUTES), "the restarted night finished");
        String text = Files.readString(log2);
        assertEquals(0, second.exitValue(), text);
        assertTrue(text.contains("resumed"), "the restarted process says it resumed the night: " + text);

        Set<String> stored = new HashSet<>();
        try (AlertStore store = AlertStore.open("", "", "", out)) {
            store.alertsAfter(0, 100_000).forEach(a -> assertTrue(stored.add(a.alert().id()), "stored twice: " + a.alert().id()));
            assertTrue(store.night().completed());
        }
        assertTrue(stored.containsAll(committed), "every alert committed before the kill is still there");
        assertTrue(stored.size() > committed.size(), "the rest of the night added alerts");
        List<String> ids = new ArrayList<>();
        for (String l : Files.readAllLines(alerts)) {
            ids.add(AlertJson.mapper().readTree(l).get("id").asText());
        }
        assertEquals(ids.size(), new HashSet<>(ids).size(), "no alert written twice to " + alerts);
        assertEquals(stored, new HashSet<>(ids), "the alert file holds exactly the committed alerts");
        Set<String> names = new HashSet<>();
        stored.forEach(id -> names.add(AlertAvro.fileSafe(id)));
        for (String[] d : new String[][] {{AlertOutputs.AVRO_DIR, ".avro"}, {AlertOutputs.VOEVENT_DIR, ".xml"}}) {
            try (var files = Files.list(out.resolve(d[0]))) {
                assertEquals(names, new HashSet<>(files.map(p -> p.getFileName().toString())
                    .map(n -> n.substring(0, n.length() - d[1].length())).toList()), "one " + d[1] + " file per committed alert, no other");
            }
        }
    }

    private static long lines(Path f) throws java.io.IOException {
        try (var s = Files.lines(f)) {
            return s.count();
        }
    }

    /** The command line a user runs, in a JVM of its own. */
    private ProcessBuilder nightwatch(Path out) {
        return Nights.cli(dir, List.of("-Dnightwatch.scheduler.outputs.aeron.channel=aeron:udp?control=127.0.0.1:" + streamPort
                + "|control-mode=dynamic"),
            List.of("simulate", "--config", Nights.DEPLOYMENT.toString(), "--http-port", "0", "--sensors", "2", "--visits", "16", "--mode",
                "high-cadence", "--speed", "max", "--night-start", AlertStreamSystemTest.NIGHT.toString(), "--out", out.toString()));
    }
}
