package org.nightwatch.scheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.nightwatch.protocol.Alert;

/**
 * The night's alerts as JSON lines ({@code alerts.jsonl}: one alert per line, with its cutout), in commit
 * order, each alert once. Written after the database commit and forced to disk per batch. When a night
 * is resumed after a crash, a torn last line is cut off and the alerts the database holds but the file
 * lacks are appended ({@link AlertOutputs#catchUp}), so the file ends up with exactly the committed alerts.
 */
public final class AlertJsonLines implements AutoCloseable {
    public static final String FILE = "alerts.jsonl";

    private final Path file;
    private final FileChannel ch;
    private final Set<String> ids = new HashSet<>();
    private long repaired;

    public AlertJsonLines(Path dir) {
        this.file = dir.resolve(FILE);
        try {
            Files.createDirectories(dir);
            long keep = 0;
            if (Files.exists(file)) {
                byte[] all = Files.readAllBytes(file);
                int start = 0;
                for (int i = 0; i < all.length; i++) {
                    if (all[i] == '\n') {
                        String line = new String(all, start, i - start, StandardCharsets.UTF_8);
                        try {
                            ids.add(AlertJson.mapper().readTree(line).get("id").asText());
                            keep = i + 1;
                        } catch (IOException | RuntimeException e) {
                            break; // a damaged line: it and whatever follows are written again from the database
                        }
                        start = i + 1;
                    }
                }
                repaired = all.length - keep;
            }
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            ch.truncate(keep);
            ch.position(keep);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
    }

    public Path file() {
        return file;
    }

    /** Bytes of a torn or damaged tail cut off when the file was reopened. */
    public long repairedBytes() {
        return repaired;
    }

    public int size() {
        return ids.size();
    }

    public boolean contains(String alertId) {
        return ids.contains(alertId);
    }

    /** Appends the alerts not yet in the file and forces them to disk; returns how many were written. */
    public int append(List<Alert> alerts) {
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (Alert a : alerts) {
            if (ids.add(a.id())) {
                b.append(AlertJson.write(a, true)).append('\n');
                n++;
            }
        }
        if (n > 0) {
            try {
                ByteBuffer buf = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
        }
        return n;
    }

    @Override
    public void close() {
        try {
            ch.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }
}
