package org.nightwatch.night;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The JIT's compiler threads, as a night paced in real time sees them before its first frame. Its warm-ups queue
 * compilations faster than two cores compile them, and two things follow when the night does not wait for the queue:
 * <ul>
 *   <li>the C2 compilations still queued run in the night's first visits and take a core from them (at 84 sensors
 *   the measured night's compiler threads used 20 ms of CPU a sensor-visit, a tenth of the budget);</li>
 *   <li>a method first invoked while the queue is long is compiled at C1's level 2, which keeps no profile, and stays
 *   there until the queue is short: the warm-up that ran it did not count towards its C2 compilation (the VOEvent
 *   writer, warmed on 3,000 alerts before a bench night, reached C2 53 s into the night).</li>
 * </ul>
 * So a night waits, bounded, for the compilers to go quiet after its imagers' warm-up (before the scheduler's) and
 * after the last warm-up (before the first frame).
 */
final class Compilers {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Quiet: the compilers spent under 5% of the last half second compiling. */
    private static final int WINDOW_POLLS = 5;
    private static final long QUIET_MS = 25;
    /** The longest a night waits for the compilers, each time. */
    static final Duration MAX_WAIT = Duration.ofSeconds(15);

    private Compilers() {
    }

    /**
     * Waits until the compilers are quiet, or {@code max} has passed. Returns the milliseconds waited, or -1 when this
     * JVM does not report its compilation time (nothing is waited for then).
     */
    static long awaitQuiet(Duration max) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return -1;
        }
        return awaitQuiet(jit::getTotalCompilationTime, max);
    }

    /** As {@link #awaitQuiet(Duration)}, with the compilers' accumulated time, in ms, read from {@code compiledMs}. */
    static long awaitQuiet(LongSupplier compiledMs, Duration max) {
        long t0 = System.nanoTime();
        long deadline = t0 + max.toNanos();
        long[] window = new long[WINDOW_POLLS + 1];
        int polls = 0;
        while (true) {
            long now = compiledMs.getAsLong();
            window[polls % window.length] = now;
            polls++;
            // the oldest sample in the ring is WINDOW_POLLS polls ago
            if (polls > WINDOW_POLLS && now - window[polls % window.length] < QUIET_MS) {
                break;
            }
            if (System.nanoTime() - deadline >= 0) {
                break;
            }
            LockSupport.parkNanos(POLL_NANOS);
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
