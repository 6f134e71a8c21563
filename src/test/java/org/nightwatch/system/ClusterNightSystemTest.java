package org.nightwatch.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.camera.aeron.FreePorts;
import org.nightwatch.camera.source.Pacing;
import org.nightwatch.night.ClusterSettings;
import org.nightwatch.night.DeploymentConfig;
import org.nightwatch.night.NightOptions;
import org.nightwatch.night.NightRunner;
import org.nightwatch.night.NightSummary;
import org.nightwatch.protocol.SurveyMode;
import org.nightwatch.scheduler.PostgresServer;

/**
 * A night on a Pekko cluster of three JVMs on this machine: this one holds the camera, the scheduler (the cluster
 * singleton) and the night's books; two worker nodes ({@code nightwatch node}, each a JVM of its own) host the sensors
 * that Cluster Sharding places on them, take their frames over UDP and send the candidates back through reliable
 * delivery. Every frame is accounted, the sensors are spread over both workers, and the alerts are those of the same
 * night in one process.
 */
class ClusterNightSystemTest {
    private static final int SENSORS = 8;
    private static final int VISITS = 4;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void aNightOnTwoWorkerNodesGivesTheAlertsOfTheSameNightInOneProcess() throws Exception {
        int seedPort = Nights.freeTcpPort();
        String channel = FreePorts.frameChannel();
        // three JVMs share this machine's two cores: a sensor quiet for 10 s (the default) while the machine is busy would close
        // its visit early, and this night is about the cluster giving the same alerts, not about stalls
        DeploymentConfig cfg = config("nightwatch.actors.visit-timeout = 30 s\n");
        Path site = dir.resolve("test-site.conf");
        String seeds = "127.0.0.1:" + seedPort;
        List<Process> workers = new ArrayList<>();
        List<List<String>> said = new ArrayList<>();
        NightSummary clustered;
        try {
            for (int w = 0; w < 2; w++) {
                startWorker(site, seeds, channel, "worker-" + w, workers, said);
            }
            NightOptions o = NightOptions.simulate(SENSORS, VISITS, SurveyMode.HIGH_CADENCE, Pacing.MAX)
                .withDiff(dir.resolve("clustered")).withNightStart(AlertStreamSystemTest.NIGHT)
                .withCluster(new ClusterSettings(Set.of("camera", "scheduler", "room"), "127.0.0.1", seedPort,
                    ClusterSettings.parseSeeds(seeds), Duration.ofSeconds(120), 2))
                .build();
            try (NightRunner r = new NightRunner(cfg.with("nightwatch.camera.aeron.channel", channel), o)) {
                clustered = r.run(null);
            }
            for (int w = 0; w < 2; w++) {
                assertTrue(workers.get(w).waitFor(90, TimeUnit.SECONDS), "a worker leaves once the camera's node has gone");
                assertEquals(0, workers.get(w).exitValue(), String.join("\n", said.get(w)));
            }
        } finally {
            workers.forEach(Process::destroyForcibly);
        }
        long due = (long) SENSORS * VISITS * 12;
        assertEquals(due, clustered.framesPublished(), clustered.toText());
        assertEquals(due, clustered.framesStacked(), "every frame stacked on the workers, in the books kept here\n" + clustered.toText()
            + "\nwhat the workers warned of:\n" + warnings(said));
        assertTrue(clustered.accounted(), clustered.toText());
        assertEquals((long) SENSORS * VISITS, clustered.visitsStacked(), clustered.toText());

        // both workers hosted sensors, and no sensor was hosted twice
        List<String> all = new ArrayList<>();
        for (List<String> lines : said) {
            List<String> mine = hostedBy(lines);
            assertTrue(mine.size() >= 2, "each worker hosts a share of the sensors: " + mine + "\n" + String.join("\n", lines));
            all.addAll(mine);
        }
        assertEquals(SENSORS, all.size(), "each sensor hosted once: " + all);
        assertEquals(SENSORS, Set.copyOf(all).size(), "each sensor hosted once: " + all);
        // each worker says what the night cost it, for the sensor-visits it stacked (its sensors' visits)
        for (List<String> lines : said) {
            String cost = "on this node: " + hostedBy(lines).size() * VISITS + " sensor-visits stacked";
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.contains(cost)
                && l.contains("ms a sensor-visit") && l.contains("difference imaging")));
        }

        // the same night in one process
        NightSummary single;
        try (NightRunner r = new NightRunner(cfg, NightOptions.simulate(SENSORS, VISITS, SurveyMode.HIGH_CADENCE, Pacing.MAX)
            .withDiff(dir.resolve("single")).withNightStart(AlertStreamSystemTest.NIGHT).build())) {
            single = r.run(null);
        }
        List<String> expected = Nights.alertLines(dir.resolve("single"));
        assertTrue(expected.size() >= 5, "alerts in the night: " + expected);
        assertEquals(single.scheduler().candidatesIn(), clustered.scheduler().candidatesIn(), "every visit's candidates reached the "
            + "scheduler once\n" + clustered.toText());
        assertEquals(expected, Nights.alertLines(dir.resolve("clustered")), "the same alerts with the same scores");
    }

    /**
     * The machine that runs the scheduler (and sensors) is killed mid-night: its sensors go on on the other worker, the
     * scheduler goes on on the other scheduler node from the night database (PostgreSQL, which every node reaches), and a
     * worker that joins takes its share. Every frame is accounted, and every alert the scheduler committed reaches the
     * database, the alert files and the control room's stream once.
     */
    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void theSchedulersMachineKilledMidNightHandsSensorsAndSchedulerOnAndOneThatJoinsTakesItsShareAndTheBooksBalance() throws Exception {
        int seedPort = Nights.freeTcpPort();
        String channel = FreePorts.frameChannel();
        Path site = dir.resolve("test-site.conf");
        String seeds = "127.0.0.1:" + seedPort;
        List<Process> workers = new ArrayList<>();
        List<List<String>> said = new ArrayList<>();
        int visits = 10;
        long due = (long) SENSORS * visits * 12;
        long[] killedAt = {0};
        int[] killedIndex = {-1};
        List<String> roomAlerts = new CopyOnWriteArrayList<>();
        NightSummary s;
        String clusterJson;
        String sensorsJson;
        String metrics;
        try (PostgresServer db = PostgresServer.start()) {
            DeploymentConfig cfg = config("""
                nightwatch.scheduler.store { url = "%s", user = "%s", password = "%s" }
                """.formatted(db.url(), PostgresServer.USER, PostgresServer.PASSWORD));
            try {
                // two machines that each host sensors and may hold the scheduler (it runs on the older of the two)
                for (int w = 0; w < 2; w++) {
                    startNode(site, seeds, channel, "worker-" + w, "worker,scheduler", workers, said);
                }
                NightOptions o = NightOptions.simulate(SENSORS, visits, SurveyMode.HIGH_CADENCE, Pacing.MAX)
                    .withDiff(dir.resolve("clustered")).withNightStart(AlertStreamSystemTest.NIGHT).withControlRoom(0)
                    .withCluster(new ClusterSettings(Set.of("camera", "room"), "127.0.0.1", seedPort, ClusterSettings.parseSeeds(seeds),
                        Duration.ofSeconds(120), 2))
                    .build();
                try (NightRunner r = new NightRunner(cfg.with("nightwatch.camera.aeron.channel", channel), o)) {
                    // what the control room's node offers its live consumers (the page, the Aeron alert stream)
                    r.alertHub().source().runWith(org.apache.pekko.stream.javadsl.Sink.foreach(a -> roomAlerts.add(a.id())),
                        org.apache.pekko.stream.Materializer.matFromSystem(r.system()));
                    s = r.run(p -> {
                        int holder = said.get(0).stream().anyMatch(l -> l.contains("the scheduler opened night")) ? 0 : 1;
                        if (killedAt[0] == 0 && p.stacked() >= due / 5 && hasAlerts(dir.resolve("worker-" + holder))) {
                            // SIGKILL the machine the scheduler runs on, once it has committed alerts: no goodbye to the cluster
                            killedIndex[0] = holder;
                            killedAt[0] = System.currentTimeMillis();
                            workers.get(killedIndex[0]).destroyForcibly();
                            try {
                                // a third worker joins mid-night, and takes its share of the sensors
                                startNode(site, seeds, channel, "worker-2", "worker", workers, said);
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }
                    });
                    // the control room, still up after the night: the cluster, where each sensor is, each node's metrics
                    var http = java.net.http.HttpClient.newHttpClient();
                    String url = r.controlRoom().url().replaceAll("/$", "");
                    clusterJson = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/api/cluster")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                    sensorsJson = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/api/sensors")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                    metrics = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/metrics")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                    // every alert the database holds reaches the room's consumers once (after a takeover, from the database)
                    List<String> committed = committedAlerts(db);
                    // on a time-out, which of the committed alerts the room lacks, and whether its hub dropped any
                    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertTrue(
                        roomAlerts.containsAll(committed), () -> "the room has " + roomAlerts.size() + " of " + committed.size()
                            + " committed alerts (its hub dropped " + r.alertHub().dropped() + "); it lacks "
                            + committed.stream().filter(a -> !roomAlerts.contains(a)).toList() + "\n" + String.join("\n", said.get(0))
                            + "\n" + String.join("\n", said.get(1))));
                    assertEquals(Set.copyOf(committed), Set.copyOf(roomAlerts), "the room's consumers have every committed alert");
                    assertEquals(roomAlerts.size(), Set.copyOf(roomAlerts).size(), "and each once: " + roomAlerts);
                }
                for (int w : List.of(1 - killedIndex[0], 2)) {
                    assertTrue(workers.get(w).waitFor(90, TimeUnit.SECONDS), "a node leaves once the camera's node has gone");
                    assertEquals(0, workers.get(w).exitValue(), String.join("\n", said.get(w)));
                }
            } finally {
                workers.forEach(Process::destroyForcibly);
            }
            assertTrue(killedAt[0] > 0, "a node was killed mid-night\n" + s.toText());
            int k = killedIndex[0];
            String killed = nodeOf(said.get(k));
            String survivor = nodeOf(said.get(1 - k));
            assertEquals(due, s.framesPublished(), s.toText());
            assertTrue(s.accounted(), "every frame stacked, lost or deferred, also those in the killed node's hands\n" + s.toText());
            // a sensor that moves after the camera's node told the sensors to finish (the joining worker may take its share
            // only then) is told again where it went on, so the night ends by itself, not by the stuck detector
            assertTrue(s.forcedClose() == null, "ended by itself\n" + s.toText());
            assertEquals(List.of(killed), s.cluster().nodesLost().stream().map(NightSummary.NodeLost::node).toList(), s.toText());
            assertEquals(List.of("scheduler", "worker"), s.cluster().nodesLost().get(0).roles(), s.toText());
            // every sensor the killed node had went on on a worker still up (the survivor, or the one that joined: Sharding
            // places it on the worker with the fewest sensors), within a bounded time of the kill
            String joined = nodeOf(said.get(2));
            List<String> hadKilled = hostedBy(said.get(k));
            assertTrue(!hadKilled.isEmpty(), "the killed worker hosted sensors: " + said.get(k));
            for (String sensor : hadKilled) {
                NightSummary.Handover h = s.cluster().handovers().stream()
                    .filter(x -> x.sensor().equals(sensor) && x.from().contains(killed) && x.atEpochMillis() > killedAt[0]).findFirst()
                    .orElseThrow(() -> new AssertionError(sensor + " did not go on elsewhere\n" + s.toText()));
                assertTrue(Set.of(survivor, joined).contains(h.to()), s.toText());
                long seconds = (h.atEpochMillis() - killedAt[0]) / 1000;
                System.out.println("failover: " + sensor + " went on on " + h.to() + (h.to().equals(joined) ? " (the worker that joined at the "
                    + "kill)" : " (the surviving worker)") + " " + (h.atEpochMillis() - killedAt[0]) + " ms after the kill");
                assertTrue(seconds < 60, sensor + " took " + seconds + " s to go on elsewhere");
                assertTrue(Set.of(survivor, joined).contains(s.cluster().sensorNodes().get(sensor)), s.toText());
            }
            assertEquals(due, s.framesStacked() + s.framesLost() + s.framesDeferred());
            // the scheduler went on on the other scheduler node, from the database
            String reopened = said.get(1 - k).stream().filter(l -> l.contains("the scheduler opened night") && l.contains("resuming it from "
                + "the database")).findFirst().orElseThrow(() -> new AssertionError(String.join("\n", said.get(1 - k))));
            java.time.LocalTime at = java.time.LocalTime.parse(reopened.substring(0, 12));
            long ms = java.time.Duration.between(java.time.Instant.ofEpochMilli(killedAt[0]).atZone(java.time.ZoneId.systemDefault())
                .toLocalTime(), at).toMillis();
            System.out.println("failover: the scheduler went on on " + survivor + " " + ms + " ms after the kill");
            assertTrue(ms > 0 && ms < 60_000, reopened);
            assertEquals(0, s.schedulerVisitsUnhandled(), s.toText());
            // the control room shows the loss and where each sensor went
            var json = org.nightwatch.scheduler.AlertJson.mapper();
            java.util.Map<String, String> statusOf = new java.util.HashMap<>();
            java.util.Map<String, List<String>> sensorsOn = new java.util.HashMap<>();
            for (var n : json.readTree(clusterJson).get("nodes")) {
                statusOf.put(n.get("address").asText(), n.get("status").asText());
                List<String> on = new ArrayList<>();
                n.get("sensors").forEach(x -> on.add(x.asText()));
                sensorsOn.put(n.get("address").asText(), on);
            }
            assertEquals("lost", statusOf.get(killed), clusterJson);
            assertEquals(List.of(), sensorsOn.get(killed), clusterJson);
            for (var sensor : json.readTree(sensorsJson)) {
                String node = sensor.get("node").asText();
                assertTrue(Set.of(survivor, joined).contains(node), sensorsJson);
                assertTrue(sensorsOn.get(node).contains(sensor.get("sensor").asText()), clusterJson + "\n" + sensorsJson);
            }
            assertTrue(metrics.contains("nightwatch_node_sensors{node=\"" + survivor + "\""), metrics);
            // the worker that joined took sensors over from the survivor while the night went on, and what was on its way
            // while a sensor moved is counted
            List<String> tookOver = hostedBy(said.get(2));
            assertTrue(!tookOver.isEmpty(), "the joining worker hosts sensors: " + said.get(2) + "\n" + s.toText());
            for (String sensor : tookOver) {
                assertTrue(s.cluster().handovers().stream().anyMatch(h -> h.sensor().equals(sensor) && h.to().equals(joined)), sensor + "\n"
                    + s.toText());
            }
            assertTrue(s.cluster().sensorNodes().values().containsAll(Set.of(survivor, joined)), "both workers still up end the night "
                + "with sensors\n" + s.toText());
            assertTrue(s.lostByReason().getOrDefault("lost_handover", 0L) >= s.cluster().framesLostInHandovers(), s.toText());
            System.out.println("handovers lost: " + s.lostByReason() + "; stacked " + s.framesStacked() + " of " + due);
            assertEquals(s.cluster().framesLostWithNodes(), s.lostByReason().getOrDefault("lost_node_down", 0L), s.toText());
            // no committed alert lost or written twice: the survivor's alert files hold every alert the database holds
            // (those the killed node had committed among them, written again from the database), each once
            List<String> committed = committedAlerts(db);
            List<String> before = alertIds(dir.resolve("worker-" + k));
            List<String> after = alertIds(dir.resolve("worker-" + (1 - k)));
            assertTrue(!before.isEmpty(), "the killed node had committed alerts before it was killed");
            assertEquals(after.size(), Set.copyOf(after).size(), "no alert change twice: " + after);
            assertEquals(Set.copyOf(committed), Set.copyOf(after), "the alert files hold what the database holds");
            assertEquals(committed.size(), Set.copyOf(committed).size());
            assertTrue(after.containsAll(before), "what the killed node committed is not lost");
            assertTrue(after.size() > before.size(), "the night went on committing alerts after the kill");
        }
    }

    /** The alert changes the night database holds, in commit order. */
    private static List<String> committedAlerts(PostgresServer db) throws java.sql.SQLException {
        List<String> ids = new ArrayList<>();
        try (var c = java.sql.DriverManager.getConnection(db.url(), PostgresServer.USER, PostgresServer.PASSWORD);
             var rs = c.createStatement().executeQuery("SELECT id FROM alerts ORDER BY seq")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static boolean hasAlerts(Path out) {
        try {
            return !alertIds(out).isEmpty();
        } catch (java.io.IOException | RuntimeException e) {
            return false; // being written
        }
    }

    /**
     * Runs {@code night} (differenced into {@code clustered/}) from this node, the camera's, on one worker node of its own
     * JVM, whose output goes into {@code said}; asserts that the worker leaves cleanly once the night is over.
     */
    private NightSummary nightOnOneWorker(DeploymentConfig cfg, NightOptions.Builder night, List<String> said) throws Exception {
        int seedPort = Nights.freeTcpPort();
        String channel = FreePorts.frameChannel();
        String seeds = "127.0.0.1:" + seedPort;
        List<Process> workers = new ArrayList<>();
        List<List<String>> lines = new ArrayList<>();
        try {
            startWorker(dir.resolve("test-site.conf"), seeds, channel, "worker-0", workers, lines);
            NightOptions o = night.withDiff(dir.resolve("clustered")).withNightStart(AlertStreamSystemTest.NIGHT)
                .withCluster(new ClusterSettings(Set.of("camera", "scheduler", "room"), "127.0.0.1", seedPort,
                    ClusterSettings.parseSeeds(seeds), Duration.ofSeconds(120), 1))
                .build();
            NightSummary s;
            try (NightRunner r = new NightRunner(cfg.with("nightwatch.camera.aeron.channel", channel), o)) {
                s = r.run(null);
            }
            assertTrue(workers.get(0).waitFor(90, TimeUnit.SECONDS), "the worker leaves once the camera's node has gone");
            assertEquals(0, workers.get(0).exitValue(), String.join("\n", lines.get(0)));
            said.addAll(lines.get(0));
            return s;
        } finally {
            workers.forEach(Process::destroyForcibly);
        }
    }

    /** The alert change ids in a directory's alerts.jsonl, in file order (none: no file). */
    private static List<String> alertIds(Path out) throws java.io.IOException {
        Path f = out.resolve(org.nightwatch.scheduler.AlertJsonLines.FILE);
        List<String> ids = new ArrayList<>();
        if (java.nio.file.Files.exists(f)) {
            for (String line : java.nio.file.Files.readAllLines(f)) {
                ids.add(org.nightwatch.scheduler.AlertJson.mapper().readTree(line).get("id").asText());
            }
        }
        return ids;
    }

    private static String nodeOf(List<String> lines) {
        Pattern p = Pattern.compile("node (\\S+) joined the cluster");
        for (String l : lines) {
            Matcher m = p.matcher(l);
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no address in " + lines);
    }

    /** The warnings and errors the nodes logged, each line prefixed with its node. */
    private static String warnings(List<List<String>> said) {
        StringBuilder b = new StringBuilder();
        for (int n = 0; n < said.size(); n++) {
            for (String l : said.get(n)) {
                if (l.contains(" WARN ") || l.contains(" ERROR ")) {
                    b.append("node ").append(n).append(": ").append(l).append('\n');
                }
            }
        }
        return b.toString();
    }

    private static List<String> hostedBy(List<String> lines) {
        Pattern hosted = Pattern.compile("(sensor-\\d\\d) hosted on");
        List<String> mine = new ArrayList<>();
        for (String l : lines) {
            Matcher m = hosted.matcher(l);
            if (m.find()) {
                mine.add(m.group(1));
            }
        }
        return mine;
    }

    /**
     * A sensor on a worker stops sending, with no end-of-stream (a broken sensor, or an end-of-stream that went to a node
     * the sensor has left): the camera's node, once the grace after the camera finished has passed, has the worker end
     * that stream, so the night ends by itself with its books balanced, as a night of one process does.
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aSensorThatStopsSendingOnAWorkerIsEndedThereAndTheNightEnds() throws Exception {
        List<String> said = new ArrayList<>();
        NightSummary s = nightOnOneWorker(config("nightwatch.actors.visit-timeout = 2 s\n"),
            NightOptions.simulate(4, 3, SurveyMode.HIGH_CADENCE, Pacing.MAX).withSensorDyingAfter(2, 17), said);
        assertTrue(said.stream().anyMatch(l -> l.contains("sensor-02: its stream is ended here")), String.join("\n", said));
        assertEquals(3 * 36 + 18, s.framesPublished(), s.toText());
        assertEquals(3 * 36 + 18, s.framesStacked(), "all the broken sensor read out is stacked\n" + s.toText());
        assertTrue(s.accounted(), s.toText());
        assertEquals(java.util.Map.of("done", 4L), s.sensorStates(), "every sensor drained, the broken one ended on its worker\n"
            + s.toText());
        assertTrue(s.forcedClose() == null, "ended by itself, not closed as stuck\n" + s.toText());
    }

    /**
     * A difference stage that hangs on a worker (a drill from the site's file, which the worker reads too) keeps the buffers
     * it reads: the worker stops taking frames, the camera waits, and the night stops making progress. The camera's node
     * closes it around the held work across the JVMs: the camera stops, the worker's sensors count what they hold lost with
     * the stage that held it, and the books balance, as in a night of one process.
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aStageThatHangsOnAWorkerIsClosedAroundFromTheCamerasNodeAndTheBooksBalance() throws Exception {
        List<String> said = new ArrayList<>();
        NightSummary s = nightOnOneWorker(config("""
                nightwatch.actors.visit-deadline = 2 s
                nightwatch.actors.spare-stack-buffers = 0
                nightwatch.drills.diff = "stall after 2"
                """), NightOptions.simulate(2, 10, SurveyMode.HIGH_CADENCE, Pacing.MAX), said);
        assertNotNull(s.forcedClose(), "closed as stuck\n" + s.toText());
        assertTrue(s.framesPublished() < 2 * 10 * 12, "the camera was stopped before the night's end\n" + s.toText());
        assertEquals(s.framesPublished(), s.framesStacked() + s.framesLost() + s.framesDeferred(), s.toText());
        assertTrue(s.accounted(), s.toText());
        assertTrue(s.gaps().stream().anyMatch(g -> g.fate().equals("lost_stalled") && g.detail().contains("difference imaging")),
            "the worker's gap names the stage that held the visit\n" + s.toText());
        assertTrue(said.stream().anyMatch(l -> l.contains("closed with") && l.contains("visits still held")), String.join("\n", said));
    }

    /**
     * At the camera's pace a worker that cannot difference its visits in time spools them into its own --out and catches
     * them up itself: the camera's node ends the night only when the worker has caught up, and the summary sums the
     * worker's spool. Frames come at 20 a second (a visit each 0.6 s) to a worker with no spare stack buffers whose
     * difference imaging the site's drill holds 1.2 s a visit: it falls behind however fast or loaded the machine is (on
     * a loaded 2-core machine the camera's node, not the worker, was once the slower, and nothing was spooled).
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aWorkerThatFallsBehindAtTheCamerasPaceSpoolsAndCatchesUpBeforeTheNightEnds() throws Exception {
        // on a loaded machine the camera also defers frames it cannot send in time (counted, not the point here)
        NightSummary s = nightOnOneWorker(config("""
                nightwatch.actors.spare-stack-buffers = 0
                nightwatch.camera.frame-rate-hz = 20
                nightwatch.drills.diff = "slow 1200 ms after 0"
                """),
            NightOptions.simulate(3, 6, SurveyMode.HIGH_CADENCE, Pacing.REALTIME), new ArrayList<>());
        assertTrue(s.accounted(), s.toText());
        assertTrue(s.forcedClose() == null, "ended by itself\n" + s.toText());
        NightSummary.CatchUpTotals c = s.catchUp();
        assertTrue(c != null && c.visitsSpooled() > 0, "the worker spooled visits it could not difference in time\n" + s.toText());
        assertEquals(c.visitsSpooled(), c.caughtUp(), "and caught every one up before the night ended\n" + s.toText());
        assertEquals(0, c.pending(), s.toText());
        assertTrue(c.spool().contains("worker-0"), "in the worker's own --out: " + c.spool());
        // every visit was handled by the scheduler, the spooled ones too (the night database says which)
        long done;
        try (org.nightwatch.scheduler.AlertStore store = org.nightwatch.scheduler.AlertStore.open("", "", "", dir.resolve("clustered"))) {
            done = store.visitsDone().values().stream().mapToLong(Set::size).sum();
        }
        assertEquals(s.visitsStacked() + c.caughtUp(), done, "live and caught up, each once\n" + s.toText());
    }

    @Test
    void aClusterNightWithoutDifferenceImagingIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NightOptions.simulate(4, 3,
            SurveyMode.HIGH_CADENCE, Pacing.MAX).withCluster(new ClusterSettings(Set.of("camera", "scheduler", "room"), "127.0.0.1",
            25520, ClusterSettings.parseSeeds("127.0.0.1:25520"), Duration.ofSeconds(120), 1)).build());
        assertTrue(e.getMessage().contains("--no-diff"), e.getMessage());
    }

    @Test
    void aMisconfiguredSeedListIsSaidPlainly() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClusterSettings.parseSeeds("127.0.0.1"))
            .getMessage().contains("'127.0.0.1' is not HOST:PORT"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClusterSettings.parseSeeds("127.0.0.1:25520,127.0.0.1:port"))
            .getMessage().contains("the port 'port' is not a number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClusterSettings.parseSeeds("127.0.0.1:70000"))
            .getMessage().contains("port 70000 is outside 1-65535"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClusterSettings.parseSeeds("no-such-host.invalid:25520"))
            .getMessage().contains("the host 'no-such-host.invalid' does not resolve"));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aWorkerWhoseSeedNodeIsNotThereSaysSoAndEnds() throws Exception {
        int nobody = Nights.freeTcpPort();
        Process p = Nights.cli(dir, List.of("-Xmx1g"), List.of("node", "--roles", "worker", "--seed-nodes", "127.0.0.1:" + nobody,
            "--channel", FreePorts.frameChannel(), "--join-timeout", "PT5S",
            "--out", dir.resolve("lonely").toString())).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("did not join the cluster within 5 s through the seed nodes") && out.contains("127.0.0.1:" + nobody),
            out);
    }

    /** The deployment of these nights: two fields, so that each is revisited, and the committed model. */
    private DeploymentConfig config() {
        return config("");
    }

    /** The same, with {@code more} settings (the site's file, which the nodes read too). */
    private DeploymentConfig config(String more) {
        return Nights.config(dir, """
            nightwatch.camera.sim.survey { fields = 2, transients = 12, variables = 6, moving = 2 }
            nightwatch.actors.classifier.model = "%s"
            """.formatted(Nights.DEFAULT_MODEL) + more);
    }

    /** Starts a worker node in a JVM of its own, its output collected into {@code said}. */
    private void startWorker(Path site, String seeds, String channel, String name, List<Process> workers, List<List<String>> said)
        throws java.io.IOException {
        startNode(site, seeds, channel, name, "worker", workers, said);
    }

    /** Starts a node of {@code roles} in a JVM of its own, its output collected into {@code said}. */
    private void startNode(Path site, String seeds, String channel, String name, String roles, List<Process> workers,
                           List<List<String>> said) throws java.io.IOException {
        // nightwatch.debug: a node that fails prints the stack trace, into its log (target/node-logs)
        Process p = Nights.cli(dir, List.of("-Xmx2g", "-Dnightwatch.debug=true"), List.of("node", "--config", site.toString(), "--roles", roles,
            "--seed-nodes", seeds, "--channel", channel, "--out", dir.resolve(name).toString())).start();
        workers.add(p);
        said.add(collect(p, name));
    }

    /**
     * The process's output, collected as it comes, and kept in {@code target/node-logs/NAME-PID.log} for a night that
     * fails or hangs.
     */
    private static List<String> collect(Process p, String name) {
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread t = new Thread(() -> {
            java.nio.file.Path file = java.nio.file.Path.of("target", "node-logs", name + "-" + p.pid() + ".log");
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 java.io.Writer w = java.nio.file.Files.newBufferedWriter(java.nio.file.Files.createDirectories(file.getParent())
                     .resolve(file.getFileName()), StandardCharsets.UTF_8)) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                    w.write(line);
                    w.write('\n');
                    w.flush();
                }
            } catch (java.io.IOException e) {
                lines.add("(output ended: " + e + ")");
            }
        }, name + "-output");
        t.setDaemon(true);
        t.start();
        return lines;
    }
}
