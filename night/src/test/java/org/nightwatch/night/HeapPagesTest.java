package org.nightwatch.night;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the logs and the bench say of the heap's pages follows the kernel's setting and the JVM's flag. */
class HeapPagesTest {
    @TempDir
    Path dir;

    @Test
    void theKernelsChoiceIsTheBracketedOne() throws Exception {
        Path f = dir.resolve("enabled");
        Files.writeString(f, "always [madvise] never\n");
        assertEquals("madvise", HeapPages.kernelMode(f));
        Files.writeString(f, "[always] madvise never\n");
        assertEquals("always", HeapPages.kernelMode(f));
        Files.writeString(f, "always madvise [never]\n");
        assertEquals("never", HeapPages.kernelMode(f));
        Files.writeString(f, "garbled\n");
        assertEquals("unknown", HeapPages.kernelMode(f));
        assertEquals("unknown", HeapPages.kernelMode(dir.resolve("absent")), "a kernel without THP, or not Linux");
    }

    @Test
    void aJvmThatDidNotAskForHugePagesIsSaidToBeOnSmallOnes() {
        boolean asked = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
            .contains("-XX:+UseTransparentHugePages");
        String said = HeapPages.describe();
        if (asked) {
            String kernel = HeapPages.kernelMode(HeapPages.THP);
            assertEquals(kernel.equals("always") || kernel.equals("madvise"), said.equals("transparent huge pages"), said);
        } else {
            assertTrue(said.startsWith("4 KiB pages (-XX:+UseTransparentHugePages not given"), said);
        }
    }
}
