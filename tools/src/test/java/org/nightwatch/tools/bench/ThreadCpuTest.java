package org.nightwatch.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pipeline benchmark says where the cores went: the collector's and the JIT's threads are not Java threads, and
 * were once all in "native-and-ended-threads", a quarter of a bench night's CPU that no one could place.
 */
class ThreadCpuTest {
    @Test
    void theCollectorsWorkIsCountedAsTheCollectors() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux's /proc names the JVM's own threads");
        ThreadCpu cpu = new ThreadCpu();
        List<long[]> live = new ArrayList<>();
        for (int i = 0; i < 2_000_000; i++) {
            live.add(new long[2]);
        }
        for (int i = 0; i < 3; i++) {
            System.gc(); // a full collection marks and moves two million objects, on the collector's threads
        }
        Map<String, Double> byRole = cpu.secondsByRole();
        assertTrue(byRole.getOrDefault("gc-and-safepoints", 0.0) > 0, byRole.toString());
        assertTrue(byRole.getOrDefault("gc-and-safepoints", 0.0) <= cpu.processSeconds() + 0.02, byRole + " within the process's own");
        assertEquals(2_000_000, live.size());
    }

    @Test
    void threadsAreNamedToTheirRoles() {
        assertEquals("jit-compiler", ThreadCpu.vmRole("C2 CompilerThre"));
        assertEquals("gc-and-safepoints", ThreadCpu.vmRole("G1 Conc#0"));
        assertEquals("", ThreadCpu.vmRole("ingest-0"), "a Java thread is counted through ThreadMXBean");
        assertEquals("difference-imaging", ThreadCpu.role("nightwatch-nightwatch.diff-dispatcher-7"));
        // deferred visits are differenced on a thread of their own: theirs is not "other" work
        assertEquals("catch-up", ThreadCpu.role("catch-up"));
        assertEquals("spool", ThreadCpu.role("spool-writer-3"));
        assertEquals("alert-files", ThreadCpu.role("alert-files"));
    }
}
