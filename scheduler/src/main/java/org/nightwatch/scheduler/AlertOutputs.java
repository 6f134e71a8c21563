package org.nightwatch.scheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.nightwatch.protocol.Alert;

/**
 * The night's alert files in its output directory, written after each database commit:
 * <ul>
 *   <li>{@code alerts.jsonl}: every alert, one JSON object per line ({@link AlertJsonLines});</li>
 *   <li>{@code alerts-avro/<id>.avro}: one Avro container file per alert ({@link AlertAvro}), as ZTF
 *       distributes them;</li>
 *   <li>{@code voevent/<id>.xml}: one VOEvent 2.0 document per alert ({@link VoEvent}).</li>
 * </ul>
 * Each alert is written once; a per-alert file is written whole and renamed into place. When a night is
 * resumed, {@link #catchUp} writes what the database committed but the files lack (a crash between the
 * commit and the files), so the files end up holding exactly the committed alerts.
 */
public final class AlertOutputs implements AutoCloseable {
    public static final String AVRO_DIR = "alerts-avro";
    public static final String VOEVENT_DIR = "voevent";
    /** What a night's output directory holds of these outputs (moved aside with an earlier night). */
    public static final List<String> NIGHT_FILES = List.of(AlertJsonLines.FILE, AVRO_DIR, VOEVENT_DIR);

    /**
     * @param avro    write the Avro packets
     * @param voevent write the VOEvent documents (null: none)
     */
    public record Formats(boolean avro, VoEvent voevent) {
    }

    private final AlertJsonLines lines;
    private final Path avroDir;
    private final Path voeventDir;
    private final VoEvent voevent;
    /** Each object's latest alert, which its next one supersedes or retracts (VOEvent citations). */
    private final Map<String, String> latestOf = new HashMap<>();
    private long avroFiles;
    private long voeventFiles;

    public AlertOutputs(Path dir, Formats formats) {
        this.lines = new AlertJsonLines(dir);
        this.avroDir = formats.avro() ? dir.resolve(AVRO_DIR) : null;
        this.voevent = formats.voevent();
        this.voeventDir = voevent != null ? dir.resolve(VOEVENT_DIR) : null;
        try {
            if (avroDir != null) {
                Files.createDirectories(avroDir);
            }
            if (voeventDir != null) {
                Files.createDirectories(voeventDir);
            }
        } catch (IOException e) {
            lines.close();
            throw new UncheckedIOException("cannot create the alert directories in " + dir, e);
        }
    }

    public Path jsonLines() {
        return lines.file();
    }

    public long repairedBytes() {
        return lines.repairedBytes();
    }

    /** Alerts in the JSON-lines file. */
    public int size() {
        return lines.size();
    }

    public long avroFiles() {
        return avroFiles;
    }

    public long voeventFiles() {
        return voeventFiles;
    }

    public Path avroFile(String alertId) {
        return avroDir == null ? null : avroDir.resolve(AlertAvro.fileSafe(alertId) + ".avro");
    }

    public Path voeventFile(String alertId) {
        return voeventDir == null ? null : voeventDir.resolve(AlertAvro.fileSafe(alertId) + ".xml");
    }

    /** Writes each alert to every output that lacks it; the JSON lines are forced to disk. */
    public void write(List<Alert> alerts) {
        lines.append(alerts);
        for (Alert a : alerts) {
            Path avro = avroFile(a.id());
            if (avro != null && !present(avro)) {
                AlertAvro.writeFile(avro, a);
                avroFiles++;
            }
            if (voevent != null) {
                String previous = latestOf.get(a.objectId());
                if (a.id().equals(previous)) {
                    continue; // delivered again
                }
                latestOf.put(a.objectId(), a.id());
                Path xml = voeventFile(a.id());
                if (!present(xml)) {
                    writeWhole(xml, voevent.write(a, previous));
                    voeventFiles++;
                }
            }
        }
    }

    /** Writes the committed alerts the outputs lack, in commit order; returns how many alerts needed writing. */
    public int catchUp(AlertStore store) {
        int n = 0;
        long seq = 0;
        while (true) {
            List<AlertStore.Stored> page = store.alertsAfter(seq, 1000);
            if (page.isEmpty()) {
                return n;
            }
            List<Alert> alerts = new ArrayList<>(page.size());
            for (AlertStore.Stored s : page) {
                seq = s.seq();
                Alert a = s.alert();
                if (missing(a)) {
                    n++;
                    float[] cut = store.cutout(a.candidate().id());
                    if (cut != null) {
                        a = new Alert(a.id(), a.objectId(), a.state(), a.kind(), a.reason(), a.rank(), a.rankScore(), a.parts(),
                            a.weights(), a.candidate().withCutout(cut), a.history(), a.window(), a.host(), a.lateS());
                    }
                }
                alerts.add(a);
            }
            write(alerts);
        }
    }

    private boolean missing(Alert a) {
        Path avro = avroFile(a.id());
        Path xml = voeventFile(a.id());
        return !lines.contains(a.id()) || (avro != null && !present(avro)) || (xml != null && !present(xml));
    }

    /** A file that exists and is not empty (a rename that a crash left without its data is written again). */
    private static boolean present(Path p) {
        try {
            return Files.size(p) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static void writeWhole(Path file, String text) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    @Override
    public void close() {
        lines.close();
    }

    /**
     * Before the first frame: a sink that runs each alert handed to it through every format in memory (JSON, the Avro
     * packet of the stream and of the files, VOEvent when written), so that the JIT has compiled them before the night's
     * first alerts are due ({@link WarmUp} hands it the scheduler's made-up alerts). Nothing is written.
     */
    public FormatsWarmUp compilerBeforeTheNight() {
        return new FormatsWarmUp();
    }

    /** Alerts through every format in memory; counts the bytes made (used, so that none of the work can be left out). */
    public final class FormatsWarmUp implements Consumer<Alert> {
        private final Map<String, String> latest = new HashMap<>();
        private long bytes;
        private int alerts;

        private FormatsWarmUp() {
        }

        @Override
        public void accept(Alert a) {
            bytes += AlertJson.write(a, true).length();
            bytes += AlertAvro.encode(a).length;
            if (avroDir != null) {
                bytes += AlertAvro.containerFile(a).length;
            }
            if (voevent != null) {
                bytes += voevent.write(a, latest.put(a.objectId(), a.id())).length();
            }
            alerts++;
        }

        public long bytes() {
            return bytes;
        }

        public int alerts() {
            return alerts;
        }
    }
}
