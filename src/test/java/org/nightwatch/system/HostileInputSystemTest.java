package org.nightwatch.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.camera.fits.ImageFits;

/**
 * Bad input as a user meets it at the command line, in a JVM of its own as {@code ./nightwatch} runs: each
 * case ends with a non-zero exit and one line naming the file and the keyword or field at fault, and no
 * stack trace (nom-tam-fits's own warnings included) unless {@code --debug} asks for one.
 */
class HostileInputSystemTest {
    @TempDir
    Path dir;

    private record Run(int exit, String output) {
        List<String> lines() {
            return output.lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        }
    }

    private Run nightwatch(String... args) throws Exception {
        Process p = Nights.cli(dir, List.of(), List.of(args)).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "nightwatch " + String.join(" ", args) + " ended");
        return new Run(p.exitValue(), out);
    }

    /** Exit 2, and the one line of output says {@code expected} about {@code file}. */
    private void refused(Run r, Path file, String expected) {
        assertEquals(2, r.exit(), r.output());
        List<String> lines = r.lines();
        assertEquals(1, lines.size(), "one line, no stack trace or library warning:\n" + r.output());
        assertTrue(lines.get(0).startsWith("nightwatch: " + file), lines.get(0));
        assertTrue(lines.get(0).contains(expected), lines.get(0));
    }

    private Path image(String name, Object... keywords) {
        float[] px = new float[128 * 96];
        java.util.Random r = new java.util.Random(name.hashCode());
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) (300 + 17 * r.nextGaussian());
        }
        Path f = dir.resolve(name);
        ImageFits.write(f, 128, 96, px, ImageFits.keywords(keywords), null);
        return f;
    }

    @Test
    void subtractRefusesBadInputInOneLineNamingTheFile() throws Exception {
        Path ref = image("ref.fits", "GAIN", 1.2);
        Path text = Files.writeString(dir.resolve("notes.fits"), "hello\n".repeat(100));
        byte[] whole = Files.readAllBytes(image("whole.fits"));
        Path cut = Files.write(dir.resolve("cut.fits"), java.util.Arrays.copyOf(whole, 2879));
        Path fast = image("fast.fits", "GAIN", "fast");
        refused(nightwatch("subtract", "--ref", ref.toString(), "--new", text.toString()), text, "not a FITS file");
        refused(nightwatch("subtract", "--ref", ref.toString(), "--new", cut.toString()), cut, "truncated");
        refused(nightwatch("subtract", "--ref", ref.toString(), "--new", fast.toString()), fast, "keyword GAIN = 'fast' is not a number");

        byte[] before = Files.readAllBytes(ref);
        Path sameRef = dir.resolve(".").resolve("ref.fits");
        Run r = nightwatch("subtract", "--ref", ref.toString(), "--new", image("new.fits").toString(), "--out", sameRef.toString());
        refused(r, sameRef, "is also an input");
        assertArrayEquals(before, Files.readAllBytes(ref), "the reference is untouched");

        Run debug = nightwatch("--debug", "subtract", "--ref", ref.toString(), "--new", cut.toString());
        assertEquals(2, debug.exit());
        assertTrue(debug.output().contains("\tat org.nightwatch.camera.fits.ImageFits"), "--debug shows where:\n" + debug.output());
    }

    @Test
    void replayRefusesANightJsonWithValuesNoNightHasNamingTheField() throws Exception {
        String good = """
            {"format_version": 1, "site": {"name": "Kiso Observatory", "latitude_deg": 35.7972, "longitude_deg": 137.6253, "height_m": 1130},
             "date": "2026-10-15", "survey_mode": "high-cadence", "frames_per_visit": 12, "frame_rate_hz": 2.0,
             "width": 2000, "height": 1128, "sensors": [0], "simulated": false}""";
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {"\"frames_per_visit\": 12", "\"frames_per_visit\": 0", "frames_per_visit = 0: a visit has 1 to 10000 frames"});
        cases.add(new String[] {"\"frames_per_visit\": 12", "\"frames_per_visit\": 1000000000", "frames_per_visit = 1000000000"});
        cases.add(new String[] {"\"frame_rate_hz\": 2.0", "\"frame_rate_hz\": 0", "frame_rate_hz = 0.0"});
        cases.add(new String[] {"\"format_version\": 1", "\"format_version\": 99", "format_version = 99: this nightwatch reads layout version 1"});
        cases.add(new String[] {"\"2026-10-15\"", "\"the night of the 15th\"", "date = \"the night of the 15th\": not a date"});
        cases.add(new String[] {"\"sensors\": [0]", "\"sensors\": [0, 0]", "sensors = 0: listed twice"});
        cases.add(new String[] {"\"frame_rate_hz\": 2.0", "\"frame_rate_hz\": \"fast\"", "not a valid night.json"});
        for (String[] c : cases) {
            Path night = Files.createDirectories(dir.resolve("night-" + cases.indexOf(c)));
            String json = good.replace(c[0], c[1]);
            assertTrue(!json.equals(good), c[1]);
            Files.writeString(night.resolve("night.json"), json);
            refused(nightwatch("replay", night.toString(), "--out", dir.resolve("out").toString()), night.resolve("night.json"), c[2]);
        }
    }
}
