package org.nightwatch.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.camera.source.Pacing;
import org.nightwatch.night.DeploymentConfig;
import org.nightwatch.night.NightOptions;
import org.nightwatch.night.NightRunner;
import org.nightwatch.night.NightSummary;
import org.nightwatch.protocol.SurveyMode;
import org.nightwatch.scheduler.AlertJsonLines;

/**
 * A simulated night recorded in the recorded-night layout and replayed through the same pipeline: each
 * replay at full speed gives the alerts the live night gave, field for field; a damaged copy of the night
 * replays what it can and names every file it skips.
 */
class ReplaySystemTest {
    private static final int SENSORS = 2;
    private static final int VISITS = 6;
    private static final int FPV = 12;

    @TempDir
    static Path shared;
    private static DeploymentConfig cfg;
    private static Path night;
    private static NightSummary live;

    @TempDir
    Path dir;

    @BeforeAll
    static void recordANight() throws Exception {
        cfg = Nights.config(shared, """
            nightwatch.camera.sim.survey { fields = 2, transients = 12, variables = 6, moving = 2 }
            nightwatch.actors.classifier.model = "%s"
            """.formatted(Nights.DEFAULT_MODEL));
        night = shared.resolve("night");
        try (NightRunner r = new NightRunner(cfg, NightOptions.simulate(SENSORS, VISITS, SurveyMode.HIGH_CADENCE, Pacing.MAX)
            .withRecord(night).withDiff(shared.resolve("live")).withNightStart(AlertStreamSystemTest.NIGHT).build())) {
            live = r.run(null);
        }
    }

    private NightSummary replay(Path recorded, Path out) throws Exception {
        try (NightRunner r = new NightRunner(cfg, NightOptions.simulate(SENSORS, VISITS, SurveyMode.HIGH_CADENCE, Pacing.MAX)
            .withReplay(recorded).withDiff(out).build())) {
            return r.run(null);
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aRecordedNightReplayedTwiceGivesTheAlertsOfTheLiveNight() throws Exception {
        List<String> expected = Nights.alertLines(shared.resolve("live"));
        assertTrue(expected.size() >= 5, "alerts in the live night: " + expected);
        for (String name : List.of("replay-1", "replay-2")) {
            NightSummary s = replay(night, dir.resolve(name));
            assertEquals(live.framesPublished(), s.framesPublished(), name + ": every recorded frame replayed");
            assertEquals(live.framesStacked(), s.framesStacked(), name + "\nlive: " + live.toText() + "\nreplay: " + s.toText());
            assertEquals(0, s.replay().visitsSkipped(), name);
            assertEquals(live.differenceImaging().candidates(), s.differenceImaging().candidates(), name);
            assertEquals(expected, Nights.alertLines(dir.resolve(name)), name + ": the same alerts with the same scores");
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void atSpeedOneASelectionOfTheNightKeepsTheRecordedFrameRate() throws Exception {
        NightSummary s;
        try (NightRunner r = new NightRunner(cfg, NightOptions.simulate(1, 2, SurveyMode.HIGH_CADENCE, Pacing.REALTIME)
            .withReplay(night).withReplaySelection(List.of(1), VISITS - 2).withDiff(dir.resolve("paced")).build())) {
            s = r.run(null);
        }
        assertEquals(2L * FPV, s.framesPublished(), "sensor 1's last two visits");
        assertEquals(2L * FPV, s.framesStacked());
        // 24 frames at 2 frames/s: the last is due 11.5 s after the first; a camera cannot send it sooner
        assertTrue(s.wallSeconds() >= (2 * FPV - 1) / 2.0, "replayed in " + s.wallSeconds() + " s");
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aDamagedNightSkipsTheBadFilesNamingEachAndReplaysTheRest() throws Exception {
        // a copy of the night (hard links) with: a truncated file, one of the wrong size, one without EXPTIME,
        // one that is not FITS at all, a second file of one visit, a sensor whose directory ends part-way, a
        // visit whose pixels were damaged after recording (its DATASUM no longer holds), and a link that leads
        // out of the night
        Path bad = dir.resolve("damaged");
        Files.createDirectories(bad);
        Files.copy(night.resolve("night.json"), bad.resolve("night.json"));
        linkTree(night.resolve("references"), bad.resolve("references"));
        linkTree(night.resolve("calibration"), bad.resolve("calibration"));
        for (int s = 0; s < SENSORS; s++) {
            String sensor = String.format("sensor-%02d", s);
            Files.createDirectories(bad.resolve(sensor));
            for (int v = 0; v < VISITS; v++) {
                String name = String.format("visit-%06d.fits", v);
                Path from = night.resolve(sensor).resolve(name);
                Path to = bad.resolve(sensor).resolve(name);
                if (s == 1 && v >= 3) {
                    continue; // sensor-01's directory ends after visit 2
                }
                byte[] bytes;
                switch (s * 100 + v) {
                    case 1 -> Files.write(to, Arrays.copyOf(Files.readAllBytes(from), 1 << 20));
                    case 2 -> Files.write(to, patch(Files.readAllBytes(from), "NAXIS1  =                 2000", "NAXIS1  =                 1000"));
                    case 3 -> Files.write(to, patch(Files.readAllBytes(from), "EXPTIME =", "EXPTIMX ="));
                    case 5 -> Files.writeString(to, "not a FITS file: a transfer that wrote an error page instead\n");
                    case 101 -> Files.write(to, flipBytes(Files.readAllBytes(from), 20_000));
                    case 102 -> Files.createSymbolicLink(to, from);
                    default -> Files.createLink(to, from);
                }
            }
        }
        Files.createLink(bad.resolve("sensor-00").resolve("visit-4.fits"), night.resolve("sensor-00").resolve("visit-000004.fits"));

        NightSummary s = replay(bad, dir.resolve("out"));
        NightSummary.Replay r = s.replay();
        assertEquals(9, r.visitsSkipped(), r.problems().toString());
        assertEquals(10, r.problems().size(), r.problems().toString());
        String all = String.join("\n", r.problems());
        assertTrue(all.contains(bad.resolve("sensor-00").resolve("visit-000001.fits") + ": truncated"), all);
        assertTrue(all.contains(bad.resolve("sensor-00").resolve("visit-000002.fits") + ": frames are 1000x1128"), all);
        assertTrue(all.contains(bad.resolve("sensor-00").resolve("visit-000003.fits").toString()) && all.contains("EXPTIME"), all);
        assertTrue(all.contains(bad.resolve("sensor-00").resolve("visit-4.fits") + ": a second file of visit 4"), all);
        assertTrue(all.contains(bad.resolve("sensor-00").resolve("visit-000005.fits") + ": ") && all.contains("not a FITS file"), all);
        assertTrue(all.contains(bad.resolve("sensor-01").resolve("visit-000001.fits") + ": DATASUM = ")
            && all.contains("the pixels were changed or damaged"), all);
        assertTrue(all.contains(bad.resolve("sensor-01").resolve("visit-000002.fits") + ": leads to "
            + night.resolve("sensor-01").resolve("visit-000002.fits").toRealPath() + ", outside the night"), all);
        for (int v = 3; v < VISITS; v++) {
            assertTrue(all.contains(bad.resolve("sensor-01").resolve(String.format("visit-%06d.fits", v)) + ": missing"), all);
        }
        // the rest of the night went through: visits 0 and 4 of sensor 0, 0 of sensor 1, stacked and differenced
        assertEquals(3L * FPV, s.framesPublished());
        assertEquals(3L * FPV, s.framesStacked());
        assertTrue(s.accounted());
        assertEquals(3, s.differenceImaging().visitsDifferenced(), s.toText());
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aReplayKilledMidwayAndResumedWithTheSameCommandEndsWithTheAlertsOfAWholeOne() throws Exception {
        Path out = dir.resolve("resumed");
        Path alerts = out.resolve(AlertJsonLines.FILE);
        // at full speed: paced replays may defer frames on a busy machine, and a visit stacked from fewer frames differs
        List<String> cmd = List.of("replay", night.toString(), "--config", shared.resolve("test-site.conf").toString(), "--http-port", "0", "--speed", "max",
            "--out", out.toString());
        Path log1 = dir.resolve("first.log");
        Process first = Nights.cli(dir, List.of(), cmd).redirectOutput(log1.toFile()).start();
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50))
                .until(() -> !first.isAlive() || Files.exists(alerts) && Files.size(alerts) > 0);
            assertTrue(first.isAlive(), "the replay ended before its first alert: " + Files.readString(log1));
        } finally {
            first.destroyForcibly(); // SIGKILL
            first.waitFor(30, TimeUnit.SECONDS);
        }
        Path log2 = dir.resolve("second.log");
        Process second = Nights.cli(dir, List.of(), cmd).redirectOutput(log2.toFile()).start();
        assertTrue(second.waitFor(3, TimeUnit.MINUTES), "the resumed replay finished");
        String text = Files.readString(log2);
        assertEquals(0, second.exitValue(), text);
        Matcher m = Pattern.compile("replay resumed: (\\d+) sensor-visits were done before").matcher(text);
        assertTrue(m.find() && Integer.parseInt(m.group(1)) > 0, "it resumed after the visits done: " + text);
        List<String> got = Nights.alertLines(out);
        assertEquals(new java.util.HashSet<>(got).size(), got.size(), "no alert written twice");
        assertEquals(Nights.alertLines(shared.resolve("live")), got, "the alerts of a whole replay (and of the live night)");
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aNightWrittenByAstropyReplaysAndItsTransientIsFound() throws Exception {
        // src/test/resources/astropy/write_night.py: the layout written with Debian's python3-astropy and numpy
        Path apy = dir.resolve("astropy-night");
        Nights.astropy("write_night.py", 120, apy.toString());

        NightSummary s;
        try (NightRunner r = new NightRunner(cfg, NightOptions.simulate(1, 2, SurveyMode.HIGH_CADENCE, Pacing.MAX)
            .withReplay(apy).withDiff(dir.resolve("astropy-out")).build())) {
            s = r.run(null);
        }
        assertEquals(0, s.replay().visitsSkipped(), s.replay().problems().toString());
        assertEquals(2L * FPV, s.framesStacked());
        assertEquals(2, s.differenceImaging().visitsDifferenced(), s.toText());
        // the script's transient: in visit 1 at FITS (1201.3, 501.7), not in visit 0
        List<java.util.Map<String, String>> cands = DifferenceImagingSystemTest.Csv.read(dir.resolve("astropy-out").resolve("candidates.csv"));
        List<java.util.Map<String, String>> at = cands.stream().filter(c -> Math.hypot(Double.parseDouble(c.get("x")) - 1201.3,
            Double.parseDouble(c.get("y")) - 501.7) < 1.0).toList();
        assertEquals(1, at.size(), "one candidate at the transient: " + at);
        assertEquals("1", at.get(0).get("visit"));
        assertTrue(Double.parseDouble(at.get(0).get("snr")) > 30, at.toString());
        assertTrue(Double.parseDouble(at.get(0).get("score")) > 0.5, "scored real: " + at);
    }

    /** A copy of a directory tree made of hard links: the files stay inside the copy, as a night's must. */
    static void linkTree(Path from, Path to) throws java.io.IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.createLink(t, p);
                }
            }
        }
    }

    /** {@code n} bytes of a visit file's pixels flipped at a fixed stride (from the third block: its header takes one). */
    static byte[] flipBytes(byte[] bytes, int n) {
        byte[] b = bytes.clone();
        int start = 5760;
        int stride = (b.length - start) / n;
        for (int i = 0; i < n; i++) {
            b[start + i * stride] ^= (byte) 0x5A;
        }
        return b;
    }

    private static byte[] patch(byte[] file, String from, String to) {
        String header = new String(file, 0, 2880 * 4, StandardCharsets.ISO_8859_1);
        int at = header.indexOf(from);
        assertTrue(at >= 0, "card '" + from + "' in the header");
        byte[] out = file.clone();
        System.arraycopy(to.getBytes(StandardCharsets.ISO_8859_1), 0, out, at, to.length());
        return out;
    }

    /**
     * Each alert of a night's alert file as id, state, kind, rank score, real/bogus score, position and
     * time, sorted: the sensors' visits reach the scheduler in an order that the threads decide, so the
     * file's order (and each alert's place in the ranked list when it was published) may differ.
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aNightFromACameraUnlikeTheConfigurationIsReplayedWithItsOwnHeaderValues() throws Exception {
        // another camera: twice the gain, a lower saturation and a coarser plate scale than the configuration the
        // replay runs with; its visit files say so (GAIN, SATURATE, CD), and nothing else does
        String overrides = """
            nightwatch.camera.sim.survey { fields = 2, transients = 12, variables = 6, moving = 2 }
            nightwatch.actors.classifier.model = "%s"
            nightwatch.camera.sim.gain = 2.4
            nightwatch.camera.sim.saturate = 45000
            nightwatch.layout.pixel-scale-arcsec = 1.5
            """.formatted(Nights.DEFAULT_MODEL);
        Path other = dir.resolve("other-night");
        try (NightRunner r = new NightRunner(Nights.config(dir, overrides), NightOptions.simulate(1, 4, SurveyMode.HIGH_CADENCE,
            Pacing.MAX).withRecord(other).withDiff(dir.resolve("other-live")).withNightStart(AlertStreamSystemTest.NIGHT).build())) {
            r.run(null);
        }
        NightSummary s;
        try (NightRunner r = new NightRunner(cfg, NightOptions.simulate(1, 4, SurveyMode.HIGH_CADENCE, Pacing.MAX)
            .withReplay(other).withDiff(dir.resolve("other-replay")).build())) {
            s = r.run(null);
        }
        List<String> live = candidates(dir.resolve("other-live"));
        assertTrue(live.size() > 20, "candidates in the live night: " + live.size());
        assertEquals(0, s.differenceImaging().flags().getOrDefault("registration_fallback", 0L), s.toText());
        assertEquals(live, candidates(dir.resolve("other-replay")),
            "the replay finds the live night's candidates at the same sky positions with the same magnitudes: each visit's GAIN,"
                + " SATURATE and WCS are its file's, not the configuration's (1.2 e-/ADU, 60000 ADU, 1.19\"/px)");
    }

    /** Every candidate as position, sky position, flux and magnitude, sorted. */
    private static List<String> candidates(Path out) throws Exception {
        List<String> c = new ArrayList<>();
        List<String> lines = Files.readAllLines(out.resolve("candidates.csv"));
        List<String> head = List.of(lines.get(0).split(","));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            c.add(String.join(" ", f[head.indexOf("id")], f[head.indexOf("x")], f[head.indexOf("y")], f[head.indexOf("ra")],
                f[head.indexOf("dec")], f[head.indexOf("flux")], f[head.indexOf("mag")], f[head.indexOf("flags")]));
        }
        c.sort(null);
        return c;
    }
}
