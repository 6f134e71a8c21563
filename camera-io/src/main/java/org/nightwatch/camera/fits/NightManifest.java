package org.nightwatch.camera.fits;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * night.json of a recorded night: site, date, survey mode, frame rate, sensor list.
 *
 * @param formatVersion layout version (1)
 * @param site          observatory
 * @param date          night date (local evening), ISO-8601
 * @param surveyMode    all-sky or high-cadence
 * @param framesPerVisit frames per visit
 * @param frameRateHz   frames per second per sensor
 * @param width         frame width
 * @param height        frame height
 * @param sensors       sensor indexes recorded
 * @param simulated     whether the night was simulated (truth.csv present)
 */
public record NightManifest(@JsonProperty("format_version") int formatVersion, Site site, String date,
                            @JsonProperty("survey_mode") String surveyMode,
                            @JsonProperty("frames_per_visit") int framesPerVisit,
                            @JsonProperty("frame_rate_hz") double frameRateHz, int width, int height,
                            List<Integer> sensors, boolean simulated) {

    /** @param name observatory name; latitude and longitude in degrees (east positive), height in m */
    public record Site(String name, @JsonProperty("latitude_deg") double latitudeDeg,
                       @JsonProperty("longitude_deg") double longitudeDeg, @JsonProperty("height_m") double heightM) {
        public static final Site KISO = new Site("Kiso Observatory", 35.7972, 137.6253, 1130);
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public void write(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            JSON.writeValue(file.toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The layout versions this reader knows. */
    public static final int FORMAT_VERSION = 1;
    /** The most frames a visit may have: an hour at 2 frames/s is 7,200. */
    public static final int MAX_FRAMES_PER_VISIT = 10_000;

    /**
     * Reads and checks night.json: every field a replay relies on must hold a value a night can have, or the
     * error names the file and the field. (A {@code frames_per_visit} of 0 or 10^9 once replayed nothing
     * with exit 0, and a {@code frame_rate_hz} of 0, a {@code format_version} of 99 and a date that is not
     * a date were taken without a word.)
     */
    public static NightManifest read(Path file) {
        long size = InputFiles.regularSize(file);
        if (size > 1 << 20) {
            throw new FitsFormatException(file, "night.json of " + size + " bytes: a night's manifest is a few hundred");
        }
        NightManifest m;
        try {
            m = JSON.readValue(file.toFile(), NightManifest.class);
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            throw new FitsFormatException(file, "not a valid night.json: " + e.getOriginalMessage()
                + (e.getPathReference() != null ? " at " + e.getPathReference().replaceFirst("^[^\\[]*", "") : ""));
        } catch (IOException e) {
            throw new FitsFormatException(file, "not a valid night.json: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                ? j.getOriginalMessage() : e.getMessage()));
        }
        if (m == null) {
            throw new FitsFormatException(file, "empty night.json");
        }
        m.check(file);
        return m;
    }

    private void check(Path file) {
        if (formatVersion != FORMAT_VERSION) {
            throw bad(file, "format_version", formatVersion, "this nightwatch reads layout version " + FORMAT_VERSION);
        }
        if (date == null) {
            throw bad(file, "date", null, "the night's date (YYYY-MM-DD) is needed");
        }
        try {
            java.time.LocalDate.parse(date);
        } catch (java.time.format.DateTimeParseException e) {
            throw bad(file, "date", "\"" + date + "\"", "not a date (YYYY-MM-DD)");
        }
        if (surveyMode == null || !(surveyMode.equals("all-sky") || surveyMode.equals("high-cadence"))) {
            throw bad(file, "survey_mode", surveyMode == null ? null : "\"" + surveyMode + "\"", "all-sky or high-cadence");
        }
        if (framesPerVisit < 1 || framesPerVisit > MAX_FRAMES_PER_VISIT) {
            throw bad(file, "frames_per_visit", framesPerVisit, "a visit has 1 to " + MAX_FRAMES_PER_VISIT + " frames");
        }
        if (!(frameRateHz > 0 && frameRateHz <= 1000)) {
            throw bad(file, "frame_rate_hz", frameRateHz, "frames per second, more than 0 and at most 1000");
        }
        if (width < 1 || height < 1 || (long) width * height > ImageFits.maxPixels()) {
            throw bad(file, "width x height", width + " x " + height, "a frame of at least 1 and at most " + ImageFits.maxPixels() + " pixels");
        }
        if (sensors == null || sensors.isEmpty()) {
            throw bad(file, "sensors", sensors, "no sensors listed");
        }
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (Integer s : sensors) {
            if (s == null || s < 0 || s >= org.nightwatch.protocol.SensorId.MAX_SENSORS) {
                throw bad(file, "sensors", s, "a sensor index lies in 0.." + (org.nightwatch.protocol.SensorId.MAX_SENSORS - 1));
            }
            if (!seen.add(s)) {
                throw bad(file, "sensors", s, "listed twice");
            }
        }
        if (site != null && !(Math.abs(site.latitudeDeg()) <= 90 && Math.abs(site.longitudeDeg()) <= 360 && Double.isFinite(site.heightM()))) {
            throw bad(file, "site", site.latitudeDeg() + ", " + site.longitudeDeg() + ", " + site.heightM() + " m",
                "latitude within +-90, longitude within +-360 degrees, a finite height");
        }
    }

    private static FitsFormatException bad(Path file, String field, Object value, String why) {
        return new FitsFormatException(file, field + " = " + value + ": " + why);
    }
}
