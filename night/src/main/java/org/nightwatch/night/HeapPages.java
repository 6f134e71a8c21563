package org.nightwatch.night;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which pages the Java heap lives on. A night's image planes are 9-20 MB each and a full focal plane touches
 * gigabytes of them a minute: on 4 KiB pages the kernel faults every new page in and the TLB misses through every
 * plane. The launcher asks for transparent huge pages (2 MiB) where the kernel offers them
 * ({@code /sys/kernel/mm/transparent_hugepage/enabled} set to {@code always} or {@code madvise}).
 */
public final class HeapPages {
    static final Path THP = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

    private HeapPages() {
    }

    /** "transparent huge pages", "4 KiB pages (...)" with why, for logs and reports. */
    public static String describe() {
        boolean asked = flag("UseTransparentHugePages");
        String kernel = kernelMode(THP);
        if (asked && ("always".equals(kernel) || "madvise".equals(kernel))) {
            return "transparent huge pages";
        }
        if (flag("UseLargePages") && !asked) {
            return "large pages (explicit)";
        }
        if (asked) {
            return "4 KiB pages (the JVM asked for transparent huge pages; the kernel's setting is " + kernel + ")";
        }
        return "4 KiB pages (-XX:+UseTransparentHugePages not given; the kernel's setting is " + kernel + ")";
    }

    /** The bracketed choice of a THP setting file ("always [madvise] never" gives "madvise"), or "unknown". */
    static String kernelMode(Path file) {
        try {
            String s = Files.readString(file);
            int a = s.indexOf('[');
            int b = s.indexOf(']', a + 1);
            return a >= 0 && b > a ? s.substring(a + 1, b) : "unknown";
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static boolean flag(String name) {
        try {
            HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return hs != null && Boolean.parseBoolean(hs.getVMOption(name).getValue());
        } catch (RuntimeException e) {
            return false;
        }
    }
}
