package org.nightwatch.camera.aeron;

import io.aeron.CommonContext;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.agrona.IoUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directories of nightwatch's embedded Aeron media drivers ({@code /dev/shm/aeron-USER-nightwatch-PID-...}
 * on Linux), one per process and role so that two nights, or a night and an alert consumer, never share or
 * delete each other's. A process killed with -9 cannot delete its own: the next nightwatch to start
 * reclaims every such directory whose process is gone, so that killed nights do not fill shared memory (each
 * holds 47-59 MB of log buffers).
 */
public final class AeronDirectories {
    private static final Logger LOG = LoggerFactory.getLogger(AeronDirectories.class);
    /** A directory of a night whose process ended this long ago (no heartbeat) is reclaimed even if its name has no PID. */
    static final long STALE_MS = 60_000;

    private AeronDirectories() {
    }

    /** The common prefix of every embedded driver directory nightwatch makes. */
    static String prefix() {
        return CommonContext.getAeronDirectoryName() + "-nightwatch-";
    }

    /** A new directory name for an embedded driver of this process, {@code role} naming what it serves. */
    public static String fresh(String role) {
        return prefix() + ProcessHandle.current().pid() + "-" + role + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Deletes the driver directories of nightwatch processes that are gone: those whose name carries the PID
     * of a process no longer running, and older ones (named without a PID) whose driver has no heartbeat and
     * that were last changed over a minute ago. Returns how many bytes were freed.
     */
    public static long reclaimDead() {
        File prefix = new File(prefix());
        File parent = prefix.getAbsoluteFile().getParentFile();
        if (parent == null || !parent.isDirectory()) {
            return 0;
        }
        String start = prefix.getName();
        List<Path> candidates;
        try (Stream<Path> list = Files.list(parent.toPath())) {
            candidates = list.filter(p -> p.getFileName().toString().startsWith(start) && Files.isDirectory(p)).toList();
        } catch (IOException e) {
            LOG.warn("cannot list {} to reclaim the Aeron directories of ended nights: {}", parent, e.getMessage());
            return 0;
        }
        long freed = 0;
        int reclaimed = 0;
        for (Path dir : candidates) {
            if (!dead(dir, dir.getFileName().toString().substring(start.length()))) {
                continue;
            }
            long size = size(dir);
            IoUtil.delete(dir.toFile(), true);
            if (!Files.exists(dir)) {
                freed += size;
                reclaimed++;
            }
        }
        if (reclaimed > 0) {
            LOG.info("reclaimed {} Aeron directories of nightwatch processes that ended without removing them ({} MB) in {}", reclaimed,
                freed >> 20, parent);
        }
        return freed;
    }

    private static boolean dead(Path dir, String rest) {
        int dash = rest.indexOf('-');
        if (dash > 0 && rest.substring(0, dash).chars().allMatch(Character::isDigit)) {
            long pid = Long.parseLong(rest.substring(0, dash));
            return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
        }
        // named before the PID was part of the name: gone when its driver has no heartbeat and nothing changed for a while
        try {
            long age = System.currentTimeMillis() - Files.getLastModifiedTime(dir).toMillis();
            return age > STALE_MS && !CommonContext.isDriverActive(dir.toFile(), 10_000, msg -> { });
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static long size(Path dir) {
        try (Stream<Path> w = Files.walk(dir)) {
            return w.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }
}
