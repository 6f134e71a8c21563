package org.nightwatch.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.camera.source.Pacing;
import org.nightwatch.night.NightOptions;
import org.nightwatch.night.NightRunner;
import org.nightwatch.protocol.SurveyMode;
import org.nightwatch.scheduler.AlertStore;

/**
 * A replay paced faster than this machine carries it, killed with SIGKILL while visits wait in its spool,
 * and started again with the same command: the visits that were on disk at the kill are caught up from
 * there (not lost, not replayed twice), and the spool is empty when the night ends.
 */
class SpoolResumeSystemTest {
    private static final Pattern SPOOLED = Pattern.compile("visit-(\\d+)\\.(sums|frames)\\.fits");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void aKilledOverCapacityReplayResumesTheVisitsItsSpoolHeld() throws Exception {
        String overrides = """
            nightwatch.camera.sim.survey { fields = 2, transients = 12, variables = 6, moving = 2 }
            nightwatch.actors.classifier.model = "%s"
            # no spare buffers: a sensor's next visit finds none free while its last is differenced
            nightwatch.actors.spare-stack-buffers = 0
            # and each visit's differencing takes longer than the replay's 0.25 s between a sensor's visits, however fast
            # the machine (the replay reads this file too)
            nightwatch.drills.diff = "slow 300 ms after 0"
            """.formatted(Nights.DEFAULT_MODEL);
        Nights.config(dir, overrides);
        Path site = dir.resolve("test-site.conf");
        Path night = dir.resolve("night");
        try (NightRunner r = new NightRunner(Nights.config(dir, overrides), NightOptions.simulate(3, 5, SurveyMode.HIGH_CADENCE,
            Pacing.MAX).withRecord(night).withDiff(dir.resolve("live")).withNightStart(AlertStreamSystemTest.NIGHT).build())) {
            r.run(null);
        }

        Path out = dir.resolve("replay-out");
        Path spool = out.resolve("spool");
        Process first = replay(site, night, out).redirectOutput(dir.resolve("first.log").toFile()).start();
        Map<Integer, Set<Long>> onDisk;
        try {
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(20))
                .until(() -> !first.isAlive() || !spooled(spool).isEmpty());
            assertTrue(first.isAlive(), "the replay ended before anything was spooled: " + Files.readString(dir.resolve("first.log")));
        } finally {
            first.destroyForcibly(); // SIGKILL: no shutdown hook, nothing closed
            first.waitFor(30, TimeUnit.SECONDS);
        }
        onDisk = spooled(spool);
        assertFalse(onDisk.isEmpty(), "visits were in the spool at the kill");
        Map<Integer, Set<Long>> doneBefore;
        try (AlertStore store = AlertStore.open("", "", "", out)) {
            doneBefore = store.visitsDone();
        }
        long pending = onDisk.entrySet().stream()
            .mapToLong(e -> e.getValue().stream().filter(v -> !doneBefore.getOrDefault(e.getKey(), Set.of()).contains(v)).count()).sum();

        Path log2 = dir.resolve("second.log");
        Process second = replay(site, night, out).redirectOutput(log2.toFile()).start();
        assertTrue(second.waitFor(5, TimeUnit.MINUTES), "the resumed replay finished");
        String text = Files.readString(log2);
        assertEquals(0, second.exitValue(), text);
        assertTrue(text.contains("resuming the replay: " + pending + " spooled visits in " + spool),
            "the resumed replay takes the " + pending + " visits its spool held from there\n" + text);

        Map<Integer, Set<Long>> done;
        try (AlertStore store = AlertStore.open("", "", "", out)) {
            assertTrue(store.night().completed(), text);
            done = store.visitsDone();
        }
        for (Map.Entry<Integer, Set<Long>> e : onDisk.entrySet()) {
            assertTrue(done.getOrDefault(e.getKey(), Set.of()).containsAll(e.getValue()),
                "sensor " + e.getKey() + ": visits " + e.getValue() + " were spooled at the kill and must be done now (done: " + done + ")\n" + text);
        }
        assertTrue(spooled(spool).isEmpty(), "the spool is empty when the night ends: " + spooled(spool));
        try (Stream<Path> left = Files.walk(spool)) {
            assertEquals(List.of(), left.filter(Files::isRegularFile).toList(), "nothing half-written is left behind");
        }
    }

    /** Visits whose files are in place in the spool (being written does not count), by sensor index. */
    private static Map<Integer, Set<Long>> spooled(Path spool) throws java.io.IOException {
        Map<Integer, Set<Long>> m = new TreeMap<>();
        if (!Files.isDirectory(spool)) {
            return m;
        }
        try (Stream<Path> files = Files.walk(spool, 2)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Matcher v = SPOOLED.matcher(f.getFileName().toString());
                if (v.matches()) {
                    int sensor = Integer.parseInt(f.getParent().getFileName().toString().replace("sensor-", ""));
                    m.computeIfAbsent(sensor, k -> new TreeSet<>()).add(Long.parseLong(v.group(1)));
                }
            }
        } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
            // a file caught up (removed) while listing: the next poll sees the spool as it is
        }
        return m;
    }

    /**
     * {@code nightwatch replay} at 24 times the recorded frame rate, as a user runs it: 12 sensor-visits a second, about as
     * many as two cores difference (at 8 times, 4 a second, a night with warm imager threads kept up and spooled nothing),
     * with the site's drill holding each visit's differencing 300 ms so that the replay falls behind on any machine.
     */
    private ProcessBuilder replay(Path site, Path night, Path out) {
        return Nights.cli(dir, List.of(), List.of("replay", night.toString(), "--config", site.toString(), "--speed", "24",
            "--http-port", "-1", "--out", out.toString()));
    }
}
