package org.nightwatch.actors.alerts;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * {@code alert-latency.csv} in the night's output directory: for each alert, the time from its visit's
 * last frame to the alert committed, written and published ({@code alert_id,sensor,visit,latency_ms}),
 * what {@code nightwatch evaluate-night} reads for the latency percentiles. Appended per batch; a resumed
 * night appends its own.
 */
public final class AlertLatencyLog implements AutoCloseable {
    public static final String FILE = "alert-latency.csv";
    private final Path file;
    private final BufferedWriter out;

    public AlertLatencyLog(Path dir) {
        this.file = dir.resolve(FILE);
        try {
            boolean fresh = !Files.exists(file) || Files.size(file) == 0;
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (fresh) {
                out.write("alert_id,sensor,visit,latency_ms\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
    }

    void add(String alertId, int sensor, long visit, double latencyMs) {
        try {
            out.write(String.format(Locale.ROOT, "%s,%d,%d,%.1f%n", alertId, sensor, visit, latencyMs));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }
}
