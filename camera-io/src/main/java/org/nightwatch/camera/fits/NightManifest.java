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

    public static NightManifest read(Path file) {
        InputFiles.regularSize(file);
        try {
            return JSON.readValue(file.toFile(), NightManifest.class);
        } catch (IOException e) {
            throw new FitsFormatException(file, "not a valid night.json", e);
        }
    }
}
